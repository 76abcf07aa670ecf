"""Anonymous public pages served from the cache, fresh within seconds.

A visitor without a session reads the same page as every other visitor, so the
page is rendered once and its bytes kept in the cache (Redis in production):

    @public_page(depends=("territories", "challenges", "measures"))
    @require_GET
    def challenge_detail(request, ...): ...

**Freshness.** The key holds a *generation* per app the page depends on. Any
save or delete of a model of a tracked app (one signal receiver, see `_bump`)
writes a new generation for that app, so the next visitor gets a page rendered
from the new data. The write's transaction may commit a little later: a page
rendered within `SETTLE_NS` of a write to its data is served but not kept.
Models that belong to one territory and change often (a results snapshot, a
pledge commitment, an event registration: `scoped_to_territory`) renew only
that territory's generation, which the pages named by a `slug` in their URL
and the pages of no territory read; household readings do not renew pages at
all when results are precomputed (`published_through_snapshots`). What signals do not
see (a `bulk_create`, a queryset `update()`) is bounded by the timeout,
`ELAN_PAGE_CACHE_SECONDS` (30 s by default, the pledge widget's documented
delay; 0 turns the cache off).

**Who gets a cached page.** A GET or HEAD without a session cookie, without a
pending message and outside HTMX: nothing in such a page can depend on who
asks, except the CSRF token. That token is rendered as a placeholder when the
page is cached and replaced by the visitor's own on the way out, so forms on a
cached page post as on a fresh one. A response that sets a cookie, or is not a
200, is never kept.

A hit costs one cache round trip (`get_many` of the page and its generations).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

T = TypeVar("T")

# Not a possible token (tokens are letters and digits only): it cannot clash.
CSRF_PLACEHOLDER = "elan-csrf-a-remplacer"
TRACKED_APPS = frozenset(
    {
        "territories",
        "challenges",
        "measures",
        "questionnaires",
        "events",
        "pledges",
        "network",
        "commons",
        "reports",
    }
)
_RENDERING = "_elan_page_cache_rendering"
# A page rendered this soon after a write to its data is served but not kept:
# the write's transaction may not have committed yet, so the page may still
# show the data before it.
SETTLE_NS = 2_000_000_000
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")


def _generation_key(app: str, territory: str | None = None) -> str:
    if territory is None:
        return f"elan:page-generation:{app}"
    return f"elan:page-generation:{app}:t:{territory}"


# Any territory's generation: the pages of no territory (home, comparison…)
# depend on it, since they may show any territory's data.
ANY_TERRITORY = "*"


def bump(app: str, territory: str | None = None) -> None:
    """A new generation for `app`: the pages depending on it render again.
    With `territory` (a slug), only that territory's pages and the pages of
    no territory do: a results snapshot of one challenge leaves the other
    ninety-nine territories' pages kept."""
    now = time.time_ns()
    if territory is None:
        cache.set(_generation_key(app), now, timeout=None)
    else:
        keys = (_generation_key(app, territory), _generation_key(app, ANY_TERRITORY))
        cache.set_many(dict.fromkeys(keys, now), timeout=None)


def _keys(apps: Iterable[str], territory: str | None) -> list[str]:
    """The generations a page (or computation) of `territory` depends on."""
    scope = territory or ANY_TERRITORY
    return [key for app in apps for key in (_generation_key(app), _generation_key(app, scope))]


# Models whose rows public pages never read directly, only through what is
# computed from them (a household's readings reach public pages through the
# challenge's results snapshot, whose own save bumps its app): label → whether
# that holds now (results are precomputed only when a broker is configured).
_PUBLISHED_THROUGH: dict[str, Callable[[], bool]] = {}


def published_through_snapshots(label: str, *, when: Callable[[], bool]) -> None:
    """Declare that writes to `label` ("app.Model") change no public page by
    themselves while `when()` is true (the app's ready() calls it): a reading
    entered every few milliseconds must not keep every results page uncached."""
    _PUBLISHED_THROUGH[label.lower()] = when


# Models whose rows belong to one territory: label → the attributes from a row
# to its territory's slug ("challenge.territory.slug").
_TERRITORY_OF: dict[str, str] = {}


def scoped_to_territory(label: str, path: str) -> None:
    """Declare that a write to `label` ("app.Model") changes only the pages of
    the territory `path` leads to (the app's ready() calls it)."""
    _TERRITORY_OF[label.lower()] = path


def _territory_of(instance: models.Model, path: str) -> str | None:
    value: Any = instance
    try:
        for name in path.split("."):
            value = getattr(value, name)
    except ObjectDoesNotExist:  # a row deleted with what it belonged to
        return None
    return value if isinstance(value, str) and value else None


def _bump(sender: type[models.Model], instance: Any = None, **kwargs: Any) -> None:
    app = sender._meta.app_label
    if app not in TRACKED_APPS:
        return
    label = sender._meta.label_lower
    indirect = _PUBLISHED_THROUGH.get(label)
    if indirect is not None and indirect():
        return
    path = _TERRITORY_OF.get(label)
    if path is not None and isinstance(instance, sender):
        slug = _territory_of(instance, path)
        if slug is not None:
            bump(app, slug)
            return
    bump(app)


def _bump_all(**kwargs: Any) -> None:
    for app in TRACKED_APPS:
        bump(app)


def connect_signals() -> None:
    """One receiver for every model (called once, by the territories app),
    and one for a change of settings (tests override them; pages show some)."""
    post_save.connect(_bump, dispatch_uid="elan-pagecache-save")
    post_delete.connect(_bump, dispatch_uid="elan-pagecache-delete")
    m2m_changed.connect(_bump, dispatch_uid="elan-pagecache-m2m")
    setting_changed.connect(_bump_all, dispatch_uid="elan-pagecache-settings")


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor (last in the list): while a page is rendered for the
    cache, the CSRF token is a placeholder, replaced per visitor."""
    if getattr(request, _RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _tracked(depends: Iterable[str]) -> tuple[str, ...]:
    """The apps named, sorted; an app the signals do not follow is a mistake."""
    apps = tuple(sorted(set(depends)))
    unknown = set(apps) - TRACKED_APPS
    if unknown:
        raise ValueError(f"applications non suivies : {sorted(unknown)}")
    return apps


def _settled(generations: Iterable[int]) -> bool:
    """No write to the data for SETTLE_NS: what is rendered now may be kept."""
    return time.time_ns() - max(generations, default=0) >= SETTLE_NS


def computed_once(
    name: str,
    *,
    depends: Iterable[str],
    compute: Callable[[], T],
    timeout: int | None = None,
    territory: str | None = None,
) -> T:
    """`compute()`, kept `timeout` seconds (ELAN_PAGE_CACHE_SECONDS by default) under a key holding the generations
    of the apps it reads (`depends`): any write to them computes it again, as
    for the public pages. For figures that many requests share (an organisers'
    dashboard): readings, which no longer renew generations when results are
    precomputed (published_through_snapshots), reach it within `timeout`."""
    apps = _tracked(depends)
    timeout = settings.ELAN_PAGE_CACHE_SECONDS if timeout is None else timeout
    if not timeout or not settings.ELAN_PAGE_CACHE_SECONDS:  # 0: the cache is off
        return compute()
    keys = _keys(apps, territory)
    found = cache.get_many(keys)
    generations = tuple(found.get(key, 0) for key in keys)
    key = "elan:computed:" + hashlib.sha256(f"{name}|{generations}".encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return cast(T, kept)
    settled = _settled(generations)
    value = compute()
    if settled:
        cache.set(key, value, timeout)
    return value


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HX-Request" not in request.headers
    )


def _page_key(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    raw = f"{language}|{request.get_full_path()}"
    return "elan:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _serve(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content: bytes = stored["content"]
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in content:
        content = content.replace(placeholder, get_token(request).encode())
    response = HttpResponse(content, status=stored["status"])
    for header, value in stored["headers"]:
        response[header] = value
    if stored["xframe_exempt"]:
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


def public_page(
    *, depends: Iterable[str]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's anonymous GETs from the cache (see the module's doc).

    `depends` names the apps whose data the page shows; a write to any of
    them renders the page again for the next visitor."""
    apps = _tracked(depends)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            timeout = settings.ELAN_PAGE_CACHE_SECONDS
            if not timeout or not _cacheable(request):
                return view(request, *args, **kwargs)
            page_key = _page_key(request)
            # Territory pages are named by their URL's `slug`.
            generation_keys = _keys(apps, kwargs.get("slug"))
            found = cache.get_many([page_key, *generation_keys])
            generations = tuple(found.get(key, 0) for key in generation_keys)
            stored = found.get(page_key)
            if stored is not None and stored["generations"] == generations:
                return _serve(request, stored)
            settled = _settled(generations)

            setattr(request, _RENDERING, True)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            finally:
                setattr(request, _RENDERING, False)
            session = getattr(request, "session", None)
            if (
                response.status_code != 200
                or response.cookies
                or response.streaming
                or (session is not None and session.modified)
                or not settled
            ):
                return _without_placeholder(request, response)
            stored = {
                "generations": generations,
                "status": response.status_code,
                "content": response.content,
                "headers": [(h, response[h]) for h in _KEPT_HEADERS if h in response],
                "xframe_exempt": getattr(response, "xframe_options_exempt", False),
            }
            cache.set(page_key, stored, timeout)
            # The rendered response itself goes out (its template context
            # stays inspectable), with the visitor's token in place.
            return _without_placeholder(request, response)

        return wrapped

    return decorator


def _without_placeholder(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A response not kept goes out with the visitor's token in place."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response
