"""Reads of anonymous visitors on a read replica, everything else on default.

Registered by settings only when ELAN_REPLICA_DATABASE_URL is set. A replica
lags behind the primary: only requests that write nothing and show nothing
personal may read from it, so the middleware marks anonymous GET/HEAD requests
for their duration, and the router sends reads to the replica only then.
Writes, logged-in users, POST, tasks and commands stay on default.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("elan_use_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return REPLICA if _use_replica.get() else "default"

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica mirrors default: objects from either are the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def is_public_read(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # An API token authenticates inside the view, after this middleware.
    return request.method in ("GET", "HEAD") and "HTTP_AUTHORIZATION" not in request.META


class ReplicaMiddleware:
    """After AuthenticationMiddleware: the user must be known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(is_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
