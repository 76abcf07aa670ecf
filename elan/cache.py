"""Django's Redis cache, degraded rather than broken while Redis is down.

Nothing Élan keeps in the cache is the only copy of anything: sessions are
in the database, the cache holds rate-limit counters, locks and pages'
computed rows. So when Redis does not answer, a read finds nothing (the
default), a write is dropped and the page is served from the database.
`add` answers True, as for a free key: it is the lock of allauth's login
limits (and of the results' computation), and a lock that is never free
would refuse every login with a 429. Each process logs a warning at most once a
minute, and after a failure stops asking Redis for a few seconds: a page
that reads the cache ten times must not wait ten times for a dead server.
Connect and read timeouts are short (settings.py) for the same reason.

While degraded, the counters of rate limits start from zero on every hit
(the limits are off), and a write schedules its results' computation each
time instead of once per debounce window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# After a failure, Redis is not asked again for this long.
PAUSE_SECONDS = 5.0
WARNING_EVERY_SECONDS = 60.0

T = TypeVar("T")


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0
        self._warned_at = -WARNING_EVERY_SECONDS

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except REDIS_DOWN as error:
            self._down(error)
            return fallback

    def _down(self, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + PAUSE_SECONDS
        if now - self._warned_at >= WARNING_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "Cache Redis injoignable (%s) : les pages sont servies sans cache "
                "(limites de débit suspendues) jusqu'à son retour.",
                error,
            )

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._try(lambda: RedisCache.add(self, key, value, timeout, version), True)

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._try(lambda: RedisCache.get(self, key, default, version), default)

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._try(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: str, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys: Iterable[str], version: Any = None) -> dict[str, Any]:
        return self._try(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: str, version: Any = None) -> bool:
        return self._try(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        # Counted from zero: a rate limit lets the hit through.
        return self._try(lambda: RedisCache.incr(self, key, delta, version), delta)

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        return self._try(lambda: RedisCache.set_many(self, data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[str], version: Any = None) -> None:
        self._try(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._try(lambda: RedisCache.clear(self), None)
