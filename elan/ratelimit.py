"""Counting requests per client in Django's cache (Redis in production), for
the forms anyone may post without an account (guest registrations, pledge
commitments)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Behind a reverse proxy, the proxy must pass the client's address as
    # REMOTE_ADDR (gunicorn --forwarded-allow-ips); it is never read from a
    # header the client controls.
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` seconds for one key."""

    name: str
    limit: int
    window: int

    def _key(self, key: str) -> str:
        return f"ratelimit:{self.name}:{key}"

    def count(self, key: str) -> int:
        return int(cache.get(self._key(key), 0))

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def hit(self, key: str) -> int:
        """Count one more hit and return the count within the window."""
        full_key = self._key(key)
        cache.add(full_key, 0, self.window)
        try:
            return int(cache.incr(full_key))
        except ValueError:  # expired between add and incr
            cache.set(full_key, 1, self.window)
            return 1
