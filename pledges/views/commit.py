"""Committing without an account: the short form, the « check your mailbox »
page, the confirmation by the e-mailed link (GET shows a button, POST
confirms: mail scanners follow links and must not confirm) and the withdrawal
by the personal link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elan.ratelimit import RateLimit, client_ip
from pledges import services
from pledges.forms import CommitForm
from pledges.models import Campaign, Commitment, CommitmentStatus
from pledges.views import campaign_from_url
from pledges.views.public import counter_context, render_detail, share_context
from territories.permissions import permission_required

VIEW = "pledges.view_campaign"
COMMIT = "pledges.commit"
# At most 5 commitments per address per 10 minutes, 3 pending per e-mail a day.
IP_RATE = RateLimit("pledges-commit-ip", 5, 10 * 60)
EMAIL_RATE = RateLimit("pledges-commit-email", 3, 24 * 60 * 60)


def commit_limited(request: HttpRequest, email: str) -> bool:
    """Too many commitments from this address or for this e-mail lately
    (shared by the form and the API)."""
    return IP_RATE.exceeded(client_ip(request)) or EMAIL_RATE.exceeded(email.lower())


def commit_counted(request: HttpRequest, email: str) -> None:
    IP_RATE.hit(client_ip(request))
    EMAIL_RATE.hit(email.lower())


def _too_many(request: HttpRequest, campaign: Campaign) -> TemplateResponse:
    context = {"territory": campaign.territory, "campaign": campaign}
    return TemplateResponse(request, "pledges/too_many.html", context, status=429)


@require_POST
@permission_required(COMMIT, campaign_from_url, visible=VIEW)
def commit(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = CommitForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return render_detail(request, campaign, form=form, status=400)
    data = form.cleaned_data
    if commit_limited(request, data["email"]):
        return _too_many(request, campaign)
    try:
        services.commitment_create(
            campaign=campaign,
            first_name=data["first_name"],
            email=data["email"],
            commune=data["commune"],
            consent=data["consent"],
            site=data.get("site", ""),
            invite_code=data.get("invite_code", ""),
        )
    except services.CommitmentRefused as refusal:
        if hasattr(refusal, "error_dict"):
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render_detail(request, campaign, form=form, status=400)
        return render_detail(
            request, campaign, form=form, refusal=" ".join(refusal.messages), status=400
        )
    commit_counted(request, data["email"])
    return redirect("pledges:commit_sent", campaign.territory.slug, campaign.slug)


@require_GET
@permission_required(VIEW, campaign_from_url, visible=VIEW)
def commit_sent(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    context = {"territory": campaign.territory, "campaign": campaign}
    return TemplateResponse(request, "pledges/commit_sent.html", context)


def _by_confirm_token(token: str) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("campaign__territory", "campaign__sponsor"),
        confirm_token=token,
    )


def _by_personal_token(token: str) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("campaign__territory", "campaign__sponsor"),
        report_token=token,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail is its own proof: no account, no permission."""
    commitment = _by_confirm_token(token)
    refusal, status = "", 200
    if commitment.status != CommitmentStatus.CONFIRMED:
        refusal = services.confirmation_problem(commitment)
    if request.method == "POST" and not refusal:
        try:
            commitment = services.commitment_confirm(token=token)
        except services.CommitmentRefused as error:
            refusal = " ".join(error.messages)
        else:
            return redirect("pledges:confirm", token)
    if refusal and request.method == "POST":
        status = 400
    campaign = Campaign.objects.select_related("territory", "sponsor").get(
        pk=commitment.campaign_id
    )
    context = {
        "territory": campaign.territory,
        "commitment": commitment,
        "confirmed": commitment.status == CommitmentStatus.CONFIRMED,
        "refusal": refusal,
        **counter_context(campaign),
        **share_context(request, campaign),
    }
    return TemplateResponse(request, "pledges/confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """By the personal link of the e-mails; GET asks, POST withdraws."""
    commitment = _by_personal_token(token)
    refusal = ""
    if request.method == "POST":
        try:
            commitment = services.commitment_withdraw(commitment=commitment)
        except services.CommitmentRefused as error:
            refusal = " ".join(error.messages)
    context = {
        "territory": commitment.campaign.territory,
        "campaign": commitment.campaign,
        "commitment": commitment,
        "withdrawn": commitment.status == CommitmentStatus.WITHDRAWN,
        "refusal": refusal,
    }
    status = 400 if refusal else 200
    return TemplateResponse(request, "pledges/withdraw.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/engagements/<slug:campaign>/engager/", commit, name="commit"),
    path(
        "t/<slug:slug>/engagements/<slug:campaign>/verifiez-votre-boite/",
        commit_sent,
        name="commit_sent",
    ),
    path("engagement/confirmer/<str:token>/", confirm, name="confirm"),
    path("engagement/<str:token>/retirer/", withdraw, name="withdraw"),
]
