"""Bad input answers 4xx.

A form re-displayed with its errors after a POST is a client error: this makes
it a 400 for every view (ours and allauth's) that renders a TemplateResponse,
so that no view has to remember it. HTMX is configured in the base template to
swap 400 responses, so the errors still appear next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
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
            f"img-src 'self' data: blob: {tile_origin}".strip(),
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
