"""Unsubscribing from a list, by the link of a message (no account needed).

The signed token in the URL names the address and the list; it is the only
authorisation. A GET shows a page with a button and changes nothing (mail
scanners follow links); the mailbox's one-click button (RFC 8058) POSTs
``List-Unsubscribe=One-Click`` to the same URL.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mail
from accounts.models import SuppressionSource


def _page(request: HttpRequest, name: str, token: str, *, status: int = 200) -> HttpResponse:
    parsed = mail.read_unsubscribe_token(token)
    if parsed is None:
        return TemplateResponse(request, "accounts/mail/invalid.html", status=404)
    email, scope = parsed
    context = {
        "token": token,
        "masked_email": _masked(email),
        "label": mail.scope_label(scope),
        "is_all": scope == mail.ALL,
        "unsubscribed": mail.is_suppressed(email, scope),
    }
    return TemplateResponse(request, f"accounts/mail/{name}.html", context, status=status)


def _masked(email: str) -> str:
    """c•••@example.org: enough to recognise one's address, not to read it off
    a forwarded link."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


# The mailbox provider posts without cookie nor CSRF token; the signed token
# authorises. Only the one-click form of RFC 8058 is accepted here, the page's
# own button posts to `unsubscribe_confirm`, which CSRF protects.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "unsubscribe", token)
    parsed = mail.read_unsubscribe_token(token)
    if parsed is None:
        return TemplateResponse(request, "accounts/mail/invalid.html", status=404)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponse(
            _("Requête de désabonnement en un clic invalide."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    email, scope = parsed
    mail.unsubscribe(email=email, scope=scope, source=SuppressionSource.ONE_CLICK)
    return HttpResponse(_("Désabonnement enregistré."), content_type="text/plain; charset=utf-8")


@require_POST
def unsubscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The page's button; « tout » also stops every other list."""
    parsed = mail.read_unsubscribe_token(token)
    if parsed is not None:
        email, scope = parsed
        if request.POST.get("portee") == "tout":
            scope, token = mail.ALL, mail.unsubscribe_token(email, mail.ALL)
        mail.unsubscribe(email=email, scope=scope, source=SuppressionSource.LINK)
    return _page(request, "unsubscribed", token)


@require_POST
def resubscribe(request: HttpRequest, token: str) -> HttpResponse:
    parsed = mail.read_unsubscribe_token(token)
    if parsed is not None:
        email, scope = parsed
        mail.resubscribe(email=email, scope=scope)
    return _page(request, "resubscribed", token)
