"""Newsletters of the network. Organisers: the list with each letter's
figures, writing and editing a draft with its Markdown preview (an HTMX
partial; without JavaScript the same button reloads the page with it), the
segment and the exact list of recipients with who is left out and why, the
sending (POST) and a letter's page. Everyone (published territory): the
archive, a letter's public page, and the subscription with a double opt-in.

A letter of another territory than the URL's is a 404; an empty segment is
a 400 and a letter already sent a 409, each with a French message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OutgoingEmail
from elan.ratelimit import RateLimit, client_ip
from network import newsletters
from network.forms import SegmentForm
from network.forms_meetings import FingerprintForm
from network.forms_newsletters import NewsletterForm, SubscribeForm
from network.models import Newsletter, NewsletterStatus
from network.segments import Segment, describe
from network.selectors import directory_communes
from network.services import NetworkRefused
from network.views import PREFIX, territory_from_url, user_of
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
MANAGE = "network.manage"
# The archive and the subscription: as public as the territory's directory.
PUBLIC = "network.view_directory"
IP_RATE = RateLimit("newsletter-subscribe-ip", 5, 10 * 60)
EMAIL_RATE = RateLimit("newsletter-subscribe-email", 3, 24 * 60 * 60)
FAILURES_SHOWN = 50  # the latest failed deliveries listed on a letter's page


def newsletter_from_url(slug: str, pk: int) -> Newsletter:
    return get_object_or_404(
        Newsletter.objects.select_related("territory__region", "sent_by"),
        territory__slug=slug,
        pk=pk,
    )


def archived_from_url(slug: str, pk: int) -> Newsletter:
    """A letter of the public archive (sent, kept in the archive)."""
    territory = territory_from_url(slug)
    return get_object_or_404(
        newsletters.archived(territory).select_related("territory__region"), pk=pk
    )


def _refusal(error: NetworkRefused) -> str:
    return " ".join(error.messages)


def _status(error: NetworkRefused) -> int:
    codes = {getattr(error, "code", None)}
    return 409 if codes & {newsletters.ALREADY_SENT, newsletters.CHANGED} else 400


# --- the organisers' list -------------------------------------------------------------


@require_GET
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    letters = list(
        Newsletter.objects.filter(territory=territory).order_by("-sent_at", "-updated_at", "-pk")
    )
    figures = newsletters.figures_for(letters)
    rows = [
        {
            "letter": letter,
            "figures": figures[letter.pk],
            "status": newsletters.status_label(letter, figures[letter.pk]),
        }
        for letter in letters
    ]
    context = {"territory": territory, "rows": rows}
    return TemplateResponse(request, "network/newsletters/list.html", context)


# --- writing ---------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    territory: Territory,
    form: NewsletterForm,
    *,
    newsletter: Newsletter | None = None,
    problem: str = "",
    status: int = 200,
) -> TemplateResponse:
    preview = None
    if request.method == "POST" and "apercu" in request.POST and form.is_valid():
        preview = newsletters.render_html(form.cleaned_data["body"])
    context = {
        "territory": territory,
        "newsletter": newsletter,
        "form": form,
        "preview": preview,
        "problem": problem,
    }
    return TemplateResponse(request, "network/newsletters/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and "apercu" not in request.POST and form.is_valid():
        letter = newsletters.newsletter_create(
            territory=territory, data=form.cleaned_data, user=user_of(request)
        )
        messages.success(
            request, _("Brouillon enregistré : choisissez maintenant les destinataires.")
        )
        return redirect("network:newsletter_recipients", territory.slug, letter.pk)
    return _form_page(request, territory, form)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, newsletter_from_url, visible=VIEW_TERRITORY)
def newsletter_edit(request: HttpRequest, newsletter: Newsletter) -> HttpResponse:
    territory = newsletter.territory
    problem = newsletters.edit_problem(newsletter)
    if problem:
        form = NewsletterForm(instance=newsletter)
        return _form_page(
            request, territory, form, newsletter=newsletter, problem=problem, status=409
        )
    form = NewsletterForm(request.POST or None, instance=newsletter)
    if request.method == "POST" and "apercu" not in request.POST and form.is_valid():
        try:
            newsletters.newsletter_update(newsletter=newsletter, data=form.cleaned_data)
        except NetworkRefused as refusal:
            return _form_page(
                request,
                territory,
                form,
                newsletter=newsletter,
                problem=_refusal(refusal),
                status=409,
            )
        messages.success(request, _("Brouillon enregistré."))
        return redirect("network:newsletter_recipients", territory.slug, newsletter.pk)
    return _form_page(request, territory, form, newsletter=newsletter)


@require_POST
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_preview(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The HTMX partial of the preview: the text as the e-mail and the
    archive will show it (sanitised), nothing saved."""
    body = request.POST.get("body", "")[:100_000]
    context = {"preview": newsletters.render_html(body), "subject": request.POST.get("subject", "")}
    return TemplateResponse(request, "network/newsletters/_preview.html", context)


# --- recipients and sending ---------------------------------------------------------------


def _hidden(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The segment as the hidden inputs of the sending form."""
    return [
        (name, str(item))
        for name, value in values.items()
        for item in (value if isinstance(value, list) else [value])
        if item
    ]


def _recipients_page(
    request: HttpRequest,
    newsletter: Newsletter,
    form: SegmentForm,
    *,
    refusal: str = "",
    status: int | None = None,
) -> TemplateResponse:
    segment = form.segment() if form.is_bound and form.is_valid() else None
    draft = newsletter.status == NewsletterStatus.DRAFT
    found = newsletters.recipients(newsletter.territory, segment) if segment and draft else None
    context = {
        "territory": newsletter.territory,
        "newsletter": newsletter,
        "form": form,
        "segment_words": describe(segment) if segment else [],
        "segment_hidden": _hidden(segment.as_dict()) if segment else [],
        "found": found,
        "fingerprint": FingerprintForm(initial={"empreinte": found.fingerprint}) if found else None,
        "problem": newsletters.send_problem(newsletter),
        "refusal": refusal,
    }
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "network/newsletters/recipients.html", context, status=status)


@require_GET
@permission_required(MANAGE, newsletter_from_url, visible=VIEW_TERRITORY)
def newsletter_recipients(request: HttpRequest, newsletter: Newsletter) -> HttpResponse:
    """The segment (the draft's last one by default); with ?voir=1 the exact
    list, and the button that sends."""
    communes = directory_communes(newsletter.territory)
    if "voir" in request.GET:
        form = SegmentForm(request.GET, communes=communes)
    else:
        form = SegmentForm(
            initial=Segment.from_dict(newsletter.segment).as_dict(), communes=communes
        )
    return _recipients_page(request, newsletter, form)


@require_POST
@permission_required(MANAGE, newsletter_from_url, visible=VIEW_TERRITORY)
def newsletter_send(request: HttpRequest, newsletter: Newsletter) -> HttpResponse:
    form = SegmentForm(request.POST, communes=directory_communes(newsletter.territory))
    if not form.is_valid():
        return _recipients_page(request, newsletter, form)
    fingerprint = FingerprintForm(request.POST)
    expected = fingerprint.cleaned_data["empreinte"] if fingerprint.is_valid() else ""
    resumed = newsletter.status == NewsletterStatus.SENDING
    try:
        letter = newsletters.newsletter_send(
            newsletter=newsletter,
            segment=form.segment(),
            user=user_of(request),
            fingerprint=expected or None,
        )
    except NetworkRefused as refusal:
        return _recipients_page(
            request, newsletter, form, refusal=_refusal(refusal), status=_status(refusal)
        )
    if resumed:
        messages.success(request, _("L'envoi de la lettre reprend."))
    else:
        n = letter.recipients_count
        messages.success(
            request,
            ngettext(
                "La lettre part vers %(n)d destinataire.",
                "La lettre part vers %(n)d destinataires.",
                n,
            )
            % {"n": n},
        )
    return redirect("network:newsletter_detail", letter.territory.slug, letter.pk)


@require_GET
@permission_required(MANAGE, newsletter_from_url, visible=VIEW_TERRITORY)
def newsletter_detail(request: HttpRequest, newsletter: Newsletter) -> HttpResponse:
    figures = newsletters.figures(newsletter)
    failed = OutgoingEmail.objects.for_reference(newsletters.reference(newsletter)).failed()
    context = {
        "territory": newsletter.territory,
        "newsletter": newsletter,
        "figures": figures,
        "failures": list(failed[:FAILURES_SHOWN]) if figures.failed else [],
        "failures_count": figures.failed,
        "status": newsletters.status_label(newsletter, figures),
        "body_html": newsletters.render_html(newsletter.body),
        "segment_words": describe(Segment.from_dict(newsletter.segment)),
        "is_draft": newsletter.status == NewsletterStatus.DRAFT,
        "is_sending": newsletter.status == NewsletterStatus.SENDING,
        "public": newsletter.in_archive and newsletter.status != NewsletterStatus.DRAFT,
    }
    return TemplateResponse(request, "network/newsletters/detail.html", context)


# --- the public side -------------------------------------------------------------------------


@require_GET
@permission_required(PUBLIC, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_archive(request: HttpRequest, territory: Territory) -> HttpResponse:
    context = {"territory": territory, "letters": list(newsletters.archived(territory))}
    return TemplateResponse(request, "network/newsletters/archive.html", context)


@require_GET
@permission_required(PUBLIC, archived_from_url, visible=VIEW_TERRITORY)
def newsletter_public(request: HttpRequest, newsletter: Newsletter) -> HttpResponse:
    context = {
        "territory": newsletter.territory,
        "newsletter": newsletter,
        "body_html": newsletters.render_html(newsletter.body),
    }
    return TemplateResponse(request, "network/newsletters/public.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(PUBLIC, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_subscribe(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = SubscribeForm(request.POST or None, text=newsletters.consent_text())
    context = {"territory": territory, "form": form}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if IP_RATE.exceeded(client_ip(request)) or EMAIL_RATE.exceeded(email):
            return TemplateResponse(
                request, "network/newsletters/subscribe_too_many.html", context, status=429
            )
        newsletters.subscription_request(
            territory=territory,
            email=email,
            page_url=request.build_absolute_uri(
                reverse("network:newsletter_subscribe", args=[territory.slug])
            ),
        )
        IP_RATE.hit(client_ip(request))
        EMAIL_RATE.hit(email)
        return redirect("network:newsletter_subscribe_sent", territory.slug)
    return TemplateResponse(request, "network/newsletters/subscribe.html", context)


@require_GET
@permission_required(PUBLIC, territory_from_url, visible=VIEW_TERRITORY)
def newsletter_subscribe_sent(request: HttpRequest, territory: Territory) -> HttpResponse:
    context = {"territory": territory}
    return TemplateResponse(request, "network/newsletters/subscribe_sent.html", context)


@require_http_methods(["GET", "POST"])
def newsletter_subscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link is its own proof. GET shows a button and POST
    confirms: mail scanners follow links and must not subscribe anyone."""
    consent = newsletters.subscription_from_token(token)
    territory = newsletters.consent_territory(consent) if consent else None
    if consent is None or territory is None:
        return TemplateResponse(
            request, "network/newsletters/subscribe_invalid.html", {}, status=404
        )
    if request.method == "POST":
        newsletters.subscription_confirm(consent=consent)
        return redirect("network:newsletter_subscribe_confirm", token)
    context = {"territory": territory, "consent": consent, "token": token}
    return TemplateResponse(request, "network/newsletters/subscribe_confirm.html", context)


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/lettres/", newsletter_list, name="newsletters"),
    path(PREFIX + "gerer/lettres/nouvelle/", newsletter_create, name="newsletter_create"),
    path(PREFIX + "gerer/lettres/apercu/", newsletter_preview, name="newsletter_preview"),
    path(PREFIX + "gerer/lettres/<int:pk>/", newsletter_detail, name="newsletter_detail"),
    path(PREFIX + "gerer/lettres/<int:pk>/modifier/", newsletter_edit, name="newsletter_edit"),
    path(
        PREFIX + "gerer/lettres/<int:pk>/destinataires/",
        newsletter_recipients,
        name="newsletter_recipients",
    ),
    path(PREFIX + "gerer/lettres/<int:pk>/envoyer/", newsletter_send, name="newsletter_send"),
    path(PREFIX + "lettres/", newsletter_archive, name="newsletter_archive"),
    path(PREFIX + "lettres/<int:pk>/", newsletter_public, name="newsletter_public"),
    path(PREFIX + "lettres/abonnement/", newsletter_subscribe, name="newsletter_subscribe"),
    path(
        PREFIX + "lettres/abonnement/verifiez-votre-boite/",
        newsletter_subscribe_sent,
        name="newsletter_subscribe_sent",
    ),
    path(
        "reseau/lettre/confirmer/<str:token>/",
        newsletter_subscribe_confirm,
        name="newsletter_subscribe_confirm",
    ),
]
