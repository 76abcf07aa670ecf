"""Organisers run the territory's campaigns: create, edit, publish, group in
operations, name sponsor contacts and field agents. Sponsor contacts (and
organisers) confirm the counterpart once the campaign is reached."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import OutgoingEmail, User
from pledges import services
from pledges.forms import CampaignForm, ContactsForm, FulfilForm, OperationForm
from pledges.models import Campaign, CampaignStatus, CommitmentStatus, Operation
from pledges.views import campaign_from_url
from pledges.views.public import state_label
from territories.models import Territory
from territories.permissions import permission_required

MANAGE = "pledges.manage_campaign"
VIEW = "pledges.view_campaign"
VIEW_TERRITORY = "territories.view_territory"
FAILURES_SHOWN = 50  # the latest failed e-mails listed on the management page


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _operation(slug: str, operation: str) -> Operation:
    return get_object_or_404(
        Operation.objects.select_related("territory"), territory__slug=slug, slug=operation
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def manage(request: HttpRequest, territory: Territory) -> HttpResponse:
    campaigns = (
        Campaign.objects.filter(territory=territory)
        .select_related("sponsor", "operation", "territory")
        .annotate(
            pending=Count("commitments", filter=Q(commitments__status=CommitmentStatus.PENDING))
        )
        .order_by("-created_at")
    )
    now = timezone.now()
    listed: list[Campaign] = list(campaigns)
    failures, failures_count = _failed_emails(listed)
    context = {
        "territory": territory,
        "rows": [{"campaign": c, "state": state_label(c, now)} for c in listed],
        "operations": territory.pledge_operations.annotate(n=Count("campaigns")).order_by("title"),
        "failures": failures,
        "failures_count": failures_count,
        "show_about": True,
    }
    return TemplateResponse(request, "pledges/manage/manage.html", context)


def _failed_emails(campaigns: list[Campaign]) -> tuple[list[OutgoingEmail], int]:
    """The campaigns' e-mails given up on (confirmations, news, results), the
    latest first, each with its campaign's title, in two queries."""
    titles = {f"campaign:{c.pk}": c.title for c in campaigns}
    failed = OutgoingEmail.objects.filter(reference__in=list(titles)).failed()
    rows = list(failed[:FAILURES_SHOWN])
    for row in rows:
        row.about = titles[row.reference]  # type: ignore[attr-defined]
    return rows, (failed.count() if len(rows) == FAILURES_SHOWN else len(rows))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def campaign_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = CampaignForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_save(
            campaign=None, territory=territory, data=form.cleaned_data, user=_user(request)
        )
        messages.success(
            request,
            _("Campagne « %(title)s » créée en brouillon : publiez-la quand elle est prête.")
            % {"title": campaign.title},
        )
        return redirect("pledges:detail", territory.slug, campaign.slug)
    context = {"territory": territory, "form": form}
    return TemplateResponse(request, "pledges/manage/campaign_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, campaign_from_url, visible=VIEW)
def campaign_edit(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=campaign, territory=campaign.territory)
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_save(
            campaign=campaign,
            territory=campaign.territory,
            data=form.cleaned_data,
            user=_user(request),
        )
        messages.success(request, _("La campagne est enregistrée."))
        return redirect("pledges:detail", campaign.territory.slug, campaign.slug)
    context = {"territory": campaign.territory, "campaign": campaign, "form": form}
    return TemplateResponse(request, "pledges/manage/campaign_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, campaign_from_url, visible=VIEW)
def campaign_publish(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """GET asks for confirmation (publishing is seen by everyone), POST publishes."""
    refusal = ""
    if request.method == "POST":
        try:
            services.campaign_publish(campaign=campaign, user=_user(request))
        except services.CampaignRefused as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("La campagne est publiée : tout le monde peut s'engager."))
            return redirect("pledges:detail", campaign.territory.slug, campaign.slug)
    context = {"territory": campaign.territory, "campaign": campaign, "refusal": refusal}
    status = 400 if refusal else 200
    return TemplateResponse(request, "pledges/manage/publish.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, campaign_from_url, visible=VIEW)
def contacts(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    initial = {
        "sponsor_contacts": "\n".join(campaign.sponsor_contacts.values_list("email", flat=True)),
        "agents": "\n".join(campaign.agents.values_list("email", flat=True)),
    }
    form = ContactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.campaign_set_people(
            campaign=campaign,
            sponsor_contacts=form.cleaned_data["sponsor_contacts"],
            agents=form.cleaned_data["agents"],
            user=_user(request),
        )
        messages.success(request, _("Les contacts du parrain et les agents sont enregistrés."))
        return redirect("pledges:manage", campaign.territory.slug)
    context = {"territory": campaign.territory, "campaign": campaign, "form": form}
    return TemplateResponse(request, "pledges/manage/contacts.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def operation_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = OperationForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        operation = form.save()
        messages.success(
            request,
            _("Opération « %(title)s » créée : rattachez-y des campagnes.")
            % {"title": operation.title},
        )
        return redirect("pledges:manage", territory.slug)
    context = {"territory": territory, "form": form}
    return TemplateResponse(request, "pledges/manage/operation_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _operation, visible=VIEW_TERRITORY)
def operation_edit(request: HttpRequest, operation: Operation) -> HttpResponse:
    form = OperationForm(request.POST or None, instance=operation, territory=operation.territory)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("L'opération est enregistrée."))
        return redirect("pledges:manage", operation.territory.slug)
    context = {"territory": operation.territory, "operation": operation, "form": form}
    return TemplateResponse(request, "pledges/manage/operation_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("pledges.confirm_counterpart", campaign_from_url, visible=VIEW)
def fulfil(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The sponsor says (and shows) that the counterpart is done."""
    form = FulfilForm(request.POST or None, request.FILES or None)
    refusal = ""
    if campaign.status != CampaignStatus.REACHED:
        refusal = (
            _("La promesse de cette campagne est déjà confirmée.")
            if campaign.status == CampaignStatus.FULFILLED
            else _("La promesse ne peut être confirmée qu'une fois l'objectif atteint.")
        )
    elif request.method == "POST" and form.is_valid():
        try:
            services.campaign_fulfil(
                campaign=campaign,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
                photo_alt=form.cleaned_data["photo_alt"],
                user=_user(request),
            )
        except services.CampaignRefused as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("Merci ! La promesse tenue est publiée sur la campagne."))
            return redirect("pledges:detail", campaign.territory.slug, campaign.slug)
    context = {"territory": campaign.territory, "campaign": campaign, "form": form}
    context["refusal"] = refusal
    status = 400 if refusal and request.method == "POST" else 200
    return TemplateResponse(request, "pledges/manage/fulfil.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/engagements/gerer/", manage, name="manage"),
    path("t/<slug:slug>/engagements/gerer/nouvelle/", campaign_create, name="create"),
    path(
        "t/<slug:slug>/engagements/gerer/operation/nouvelle/",
        operation_create,
        name="operation_create",
    ),
    path(
        "t/<slug:slug>/engagements/gerer/operation/<slug:operation>/",
        operation_edit,
        name="operation_edit",
    ),
    path("t/<slug:slug>/engagements/<slug:campaign>/modifier/", campaign_edit, name="edit"),
    path("t/<slug:slug>/engagements/<slug:campaign>/publier/", campaign_publish, name="publish"),
    path("t/<slug:slug>/engagements/<slug:campaign>/contacts/", contacts, name="contacts"),
    path(
        "t/<slug:slug>/engagements/<slug:campaign>/promesse-tenue/",
        fulfil,
        name="fulfil",
    ),
]
