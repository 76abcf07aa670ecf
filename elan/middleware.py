"""Bad input answers 4xx.

A form re-displayed with its errors after a POST is a client error: this makes
it a 400 for every view (ours and allauth's) that renders a TemplateResponse,
so that no view has to remember it. HTMX is configured in the base template to
swap 400 responses, so the errors still appear next to the fields.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation


class BadInputStatusMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):  # type: ignore[no-untyped-def]
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            if any(_has_errors(value) for value in context.values()):
                response.status_code = 400
        return response


def _has_errors(value: object) -> bool:
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, forms.BaseFormSet):
        return value.is_bound and not value.is_valid()
    return False


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    household whose tablet is set to English would get a half-English site
    (menus in English, every territory's content in French). Élan speaks
    French first; English is an explicit choice, kept in the language cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response: scripts only from Élan's
    own origin (no inline script, no eval), styles from it plus inline style
    attributes (Leaflet and the SVG charts set them), images from it, data
    URIs and the map tiles' host, no plugin, forms posted to Élan only, and
    no framing — except the pledge widget (`xframe_options_exempt`), which
    any site may embed. Off with ELAN_CSP=0."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        tiles = urlsplit(settings.ELAN_TILE_URL.replace("{s}", "a"))
        tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
        directives = [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            " ".join(
                part
                for part in (
                    "img-src 'self' data: blob:",
                    tile_origin,
                    settings.ELAN_PUBLIC_MEDIA_ORIGIN,
                )
                if part
            ),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
        self.policy = "; ".join(directives)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(settings, "ELAN_CSP", True) or "Content-Security-Policy" in response:
            return response
        embeddable = getattr(response, "xframe_options_exempt", False)
        ancestors = "frame-ancestors *" if embeddable else "frame-ancestors 'none'"
        response["Content-Security-Policy"] = f"{self.policy}; {ancestors}"
        return response


# --- Database down: a French 503, never a traceback ------------------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_MESSAGE = (
    "Service momentanément indisponible : la base de données ne répond pas. "
    "Réessayez dans quelques instants."
)
# Used when even the template cannot be read: the page must not depend on anything.
UNAVAILABLE_FALLBACK = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Service momentanément indisponible · Élan</title></head><body>"
    "<h1>Service momentanément indisponible</h1>"
    f"<p>{UNAVAILABLE_MESSAGE}</p></body></html>"
)
database_logger = logging.getLogger("elan.database")


class DatabaseUnavailableMiddleware:
    """A 503 with a plain French page (JSON under /api/) when the database
    cannot be reached, and the broken connection closed so that the next
    request connects again (CONN_HEALTH_CHECKS checks the others).

    First in MIDDLEWARE. A view's error (or one of the lazy session and user,
    read in the view or its template) arrives in `process_exception`. An
    error in another middleware (the session saved on the way out) has
    already become Django's 500 by the time it reaches `__call__`: the
    `got_request_exception` receiver below marks the request, and the 500 is
    replaced here. Django has logged that one; `process_exception` logs its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_elan_database_error", None) is not None:
            _close_broken_connections()
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        database_logger.error(
            "Base de données indisponible, réponse 503 à %s %s : %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        _close_broken_connections()
        return unavailable_response(request)


@receiver(got_request_exception, dispatch_uid="elan.middleware.database_error")
def _mark_database_error(
    sender: object, request: HttpRequest | None = None, **kwargs: object
) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._elan_database_error = error  # type: ignore[attr-defined]


def _close_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        except DatabaseError:
            pass  # closing a dead connection may fail too: it is gone either way


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """Rendered without a request context: no context processor, no query."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"message": UNAVAILABLE_MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        try:
            body = loader.get_template("503.html").render()
        except Exception:  # a broken template must not turn the 503 into a 500
            body = UNAVAILABLE_FALLBACK
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged already (with its cause): Django's request log would add a second line.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


NUL_MESSAGE = "La requête contient un caractère nul (\\x00) : retirez-le et réessayez."


class RejectNullCharactersMiddleware:
    """A 400 in plain French for a NUL character anywhere in the address, the
    query, a form field or a JSON body. PostgreSQL cannot store it, and every
    lookup with it raises deep in the database layer (a 500); forms' text
    fields refuse it already, but not a slug in the path, a choice or a JSON
    string. File contents are not looked at: a file may hold NUL bytes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"message": NUL_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False}
                )
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", ""):
        return True
    if any(
        "\x00" in key or "\x00" in value
        for key, values in request.GET.lists()
        for value in [key, *values]
    ):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/json" or request.path.startswith("/api/"):
        # The API reads the raw body whatever its type: parsing it as a form here
        # would consume the stream that django-ninja reads afterwards.
        try:
            body = request.body
        except Exception:  # too big: Django's own check answers it later
            return False
        if b"\x00" in body or b"\\u0000" in body:
            return True
        return content_type == "application/x-www-form-urlencoded" and b"%00" in body
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            fields = request.POST
        except Exception:  # a malformed body: the view's own parsing answers it
            return False
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in fields.lists()
        )
    return False
