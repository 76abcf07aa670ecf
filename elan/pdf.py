"""The one PDF path of Élan: a page's own template rendered by WeasyPrint,
with the print stylesheet (static/css/print.css) and the page's own extra
ones, so that the PDF says what the page says.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0, libharfbuzz-subset0; `make pdf-deps` installs them).
Without them `pdf_response` answers a French 503 page, never a 500.

Images and stylesheets the page links to are read here, not over the
network: /static/ from the static files finders, other addresses of this
site by calling their view with the same user (so permission checks still
apply); anything else is refused.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)
PRINT_CSS = "css/print.css"


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _fetcher(request: HttpRequest) -> Any:
    weasyprint = _weasyprint()
    host = request.get_host()

    def read(url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc not in ("", host):
            raise ValueError(f"Adresse extérieure refusée dans un PDF : {url}")
        path = parts.path
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path[len(settings.STATIC_URL) :])
            if not found:
                raise ValueError(f"Fichier statique introuvable : {path}")
            found_path = str(found[0] if isinstance(found, list) else found)
            with open(found_path, "rb") as handle:
                return handle.read(), mimetypes.guess_type(found_path)[0] or ""
        try:
            match = resolve(path)
        except Resolver404 as exc:
            raise ValueError(f"Adresse inconnue : {path}") from exc
        inner = RequestFactory().get(path, HTTP_HOST=host)
        inner.user = getattr(request, "user", None)  # type: ignore[assignment]
        response = match.func(inner, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise ValueError(f"{path} : HTTP {response.status_code}")
        streamed = getattr(response, "streaming", False)
        body = b"".join(response.streaming_content) if streamed else response.content  # type: ignore[attr-defined]
        return body, response.get("Content-Type", "")

    class Fetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            body, content_type = read(url)
            return weasyprint.urls.URLFetcherResponse(
                url, body=body, headers={"Content-Type": content_type}
            )

    return Fetcher()


def render_pdf(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    stylesheets: Sequence[str] = (),
) -> bytes:
    """PDF bytes of `template_name` rendered as the page would be, with
    `for_pdf` set in its context (the template may leave out forms)."""
    weasyprint = _weasyprint()
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    css = [
        weasyprint.CSS(filename=found)
        for name in (PRINT_CSS, *stylesheets)
        if (found := finders.find(name))
    ]
    started = time.perf_counter()
    document = weasyprint.HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_fetcher(request)
    )
    data: bytes = document.write_pdf(stylesheets=css)
    logger.info("PDF %s : %.2f s", template_name, time.perf_counter() - started)
    return data


def pdf_response(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    filename: str,
    stylesheets: Sequence[str] = (),
) -> HttpResponse:
    """The PDF as a download, or a French 503 page when PDFs cannot be made here."""
    try:
        data = render_pdf(request, template_name, context, stylesheets=stylesheets)
    except PdfUnavailable as exc:
        logger.error("PDF indisponible : %s", exc)
        return TemplateResponse(request, "pdf_unavailable.html", {}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
