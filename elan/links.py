"""The address of the public links a page gives (widget, share, calendar)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_root(request: HttpRequest) -> str:
    """Scheme and host, no trailing slash: ELAN_SITE_URL when it is set, else
    those the request came on (a host Django has checked against ALLOWED_HOSTS).
    E-mails, sent without a request, use settings.SITE_URL."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
