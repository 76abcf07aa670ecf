"""A test client that records, instead of raising, every answer that is a
server error or that echoes a script unescaped."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.security.payloads import XSS_MARKERS


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"


class Probe:
    def __init__(self) -> None:
        # A browser's CSRF rules: the token must come from the page.
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        # The cookie a first visit gives; pages mask its secret into their forms.
        self.client.cookies["csrftoken"] = _get_new_csrf_string()
        self.failures: list[str] = []
        self.requests = 0

    def check(self, response: HttpResponse, what: str, sent: Any = None) -> HttpResponse:
        self.requests += 1
        if response.status_code >= 500:
            error = ""
            if getattr(response, "exc_info", None):
                error = "".join(traceback.format_exception(*response.exc_info)[-12:])
            self.failures.append(f"{what} → {response.status_code} {_short(sent)}\n{error}")
        elif "text/html" in response.get("Content-Type", "") and not response.streaming:
            body = response.content.decode(errors="replace")
            for marker in XSS_MARKERS:
                if marker in body:
                    self.failures.append(f"{what} → {marker!r} non échappé {_short(sent)}")
        return response

    def get(self, url: str, data: Any = None, **extra: Any) -> HttpResponse:
        cache.clear()  # rate limits would hide the view behind a 429
        return self.check(self.client.get(url, data, **extra), f"GET {url}", data)

    def post(self, url: str, data: Any, follow: bool = False, **extra: Any) -> HttpResponse:
        cache.clear()
        response = self.check(self.client.post(url, data, **extra), f"POST {url}", data)
        location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
        if follow and location and not urlsplit(location).netloc:
            # Where a stored value is shown next.
            self.get(location)
        return response

    def send(self, method: str, url: str, what: Any, **extra: Any) -> HttpResponse:
        cache.clear()
        response = self.client.generic(method, url, **extra)
        return self.check(response, f"{method} {url}", what)

    @property
    def csrf_token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""

    def assert_clean(self) -> None:
        assert not self.failures, f"{len(self.failures)} échec(s) :\n" + "\n".join(
            self.failures[:20]
        )


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the hostile request saved or deleted is undone: the next one
    finds the world as it was built."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
