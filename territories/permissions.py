"""The one way views check the permissions declared in each app's rules.py.

- anonymous user lacking a permission → redirected to the login page;
- an object the user may not see → 404 (its existence is not revealed);
- an object the user sees but may not act on → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

Getter = Callable[..., Any]


def check(request: HttpRequest, perm: str, obj: Any = None, *, visible: str | None = None) -> None:
    """Raise Http404 / PermissionDenied as described above (no login redirect)."""
    user = request.user
    if visible and not user.has_perm(visible, obj):
        raise Http404
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def permission_required(
    perm: str, getter: Getter | None = None, *, visible: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view. With a getter, the getter receives the URL kwargs and
    returns the object (or raises Http404); the view is then called as
    ``view(request, obj)``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            obj = getter(**kwargs) if getter else None
            user = request.user
            if visible and not user.has_perm(visible, obj):
                raise Http404
            if not user.has_perm(perm, obj):
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            if getter:
                return view(request, obj)
            return view(request, *args, **kwargs)

        wrapper.elan_permission = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator
