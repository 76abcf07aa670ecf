"""Assisted mode on a tablet (field agents) and the organisers' field report."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import CommuneField
from accounts.models import User
from elan.charts import BarChart
from pledges import field as services
from pledges.models import Campaign, ProposalOutcome
from pledges.views import campaign_from_url
from territories.permissions import permission_required

VIEW = "pledges.view_campaign"
RECORD = "pledges.record_assisted"
MANAGE = "pledges.manage_campaign"
CONSENT_LABEL = gettext_lazy(
    "La personne a donné son accord pour que son engagement soit enregistré"
)


class FieldCommitForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("Prénom ou pseudonyme"),
        max_length=60,
        error_messages={"required": gettext_lazy("Indiquez un prénom ou un pseudonyme.")},
    )
    commune = CommuneField(
        label=gettext_lazy("Commune"),
        help_text=gettext_lazy("Nom ou code postal."),
        error_messages={"required": gettext_lazy("Indiquez la commune de la personne.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Adresse e-mail (facultatif)"),
        required=False,
        help_text=gettext_lazy("Pour recevoir le lien personnel de la campagne."),
        error_messages={"invalid": gettext_lazy("Cette adresse e-mail n'est pas valable.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={
            "required": gettext_lazy(
                "Sans l'accord de la personne, l'engagement ne peut pas être enregistré."
            )
        },
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "engage-%s")
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if campaign.sites:
            choices = [("", _("Choisir…")), *((site, site) for site in campaign.sites)]
            self.fields["site"] = forms.ChoiceField(
                label=_("Site ou équipe"),
                choices=choices,
                error_messages={"required": _("Choisissez le site ou l'équipe.")},
            )
            self.order_fields(["first_name", "commune", "email", "site", "consent"])


class FieldTapForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (ProposalOutcome.DECLINED.value, ProposalOutcome.DECLINED.label),
            (ProposalOutcome.ABSENT.value, ProposalOutcome.ABSENT.label),
        ]
    )
    client_key = forms.UUIDField()


def _agent(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # record_assisted needs a logged-in user
    return user


def _commit_form(campaign: Campaign, agent: User) -> FieldCommitForm:
    commune = services.agent_last_commune(campaign=campaign, agent=agent)
    return FieldCommitForm(
        campaign=campaign, initial={"commune": commune, "client_key": uuid.uuid4()}
    )


def _panel_context(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: FieldCommitForm | None = None,
    tap_error: str = "",
    notice: str = "",
) -> dict[str, Any]:
    agent = _agent(request)
    return {
        "territory": campaign.territory,
        "campaign": campaign,
        "form": form or _commit_form(campaign, agent),
        "open_form": form is not None and bool(form.errors),
        "tap_keys": {"refus": uuid.uuid4(), "absent": uuid.uuid4()},
        "tap_error": tap_error,
        "notice": notice,
        "counts": services.agent_counts(campaign=campaign, agent=agent),
        "today": timezone.localdate(),
        "accepts": campaign.accepts_commitments(),
        "can_report": request.user.has_perm(MANAGE, campaign),
    }


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "pledges/field/_panel.html" if htmx else "pledges/field/field.html"
    return TemplateResponse(request, template, context, status=status)


def _done(request: HttpRequest, campaign: Campaign, notice: str) -> HttpResponse:
    """The fresh panel (HTMX), or back to the page with the notice (plain form)."""
    if request.htmx:  # type: ignore[attr-defined]
        return _render(request, _panel_context(request, campaign, notice=notice))
    messages.success(request, notice)
    return redirect("pledges:field", campaign.territory.slug, campaign.slug)


def _closed_refusal(campaign: Campaign) -> str:
    return "" if campaign.accepts_commitments() else _("Cette campagne est close.")


def _commit(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = FieldCommitForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.proposal_commit(
                campaign=campaign,
                agent=_agent(request),
                first_name=data["first_name"],
                commune=data["commune"],
                email=data["email"],
                site=data.get("site", ""),
                consent=data["consent"],
                client_key=str(data["client_key"]),
            )
        except ValidationError as refusal:
            _add_refusal(form, refusal)
        else:
            notice = _("Engagement de %(name)s enregistré. Merci !") % {"name": data["first_name"]}
            if not recorded.created:
                notice = _("Cet engagement était déjà enregistré.")
            return _done(request, campaign, notice)
    return _render(request, _panel_context(request, campaign, form=form), status=400)


def _add_refusal(form: forms.Form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


def _tap(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = FieldTapForm(request.POST)
    refusal = _closed_refusal(campaign)
    if not form.is_valid() or refusal:
        error = refusal or _("Ce bouton n'a pas fonctionné : touchez-le à nouveau.")
        return _render(request, _panel_context(request, campaign, tap_error=error), status=400)
    outcome = form.cleaned_data["outcome"]
    recorded = services.proposal_record(
        campaign=campaign,
        agent=_agent(request),
        outcome=outcome,
        client_key=str(form.cleaned_data["client_key"]),
    )
    notices = {
        ProposalOutcome.DECLINED: _("Noté : la personne ne souhaite pas s'engager."),
        ProposalOutcome.ABSENT: _("Noté : personne à la porte."),
    }
    notice = notices[outcome] if recorded.created else _("C'était déjà noté.")
    return _done(request, campaign, notice)


@require_http_methods(["GET", "POST"])
@permission_required(RECORD, campaign_from_url, visible=VIEW)
def field(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("outcome") == ProposalOutcome.COMMITTED:
            return _commit(request, campaign)
        return _tap(request, campaign)
    return _render(request, _panel_context(request, campaign))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{number_format(rate * 100, 0)} %"


def proposals_chart(report: services.FieldReport) -> BarChart:
    return BarChart(
        title=_("Portes et personnes proposées, par agent"),
        description=_(
            "Nombre de propositions enregistrées par chaque agent de terrain depuis le début "
            "de l'opération (engagements, refus et absences compris)."
        ),
        labels=[line.agent for line in report.agents],
        values=[line.counts.proposals for line in report.agents],
        value_label=_("Propositions"),
        label_header=_("Agent"),
        decimals=0,
        chart_id="propositions-par-agent",
    )


@require_GET
@permission_required(MANAGE, campaign_from_url, visible=VIEW)
def field_report(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    report = services.field_report(campaign)
    context = {
        "territory": campaign.territory,
        "campaign": campaign,
        "report": report,
        "chart": proposals_chart(report) if report.agents else None,
        "conversion": _percent(report.totals.conversion_rate),
        "rows": [(line, _percent(line.counts.conversion_rate)) for line in report.agents],
        "day_rows": [
            (
                line,
                date_format(line.day, "l j F Y") if line.day else "",
                _percent(line.counts.conversion_rate),
            )
            for line in report.days
        ],
    }
    return TemplateResponse(request, "pledges/field/report.html", context)


FIELD = "t/<slug:slug>/engagements/<slug:campaign>/terrain/"

urlpatterns: list[URLPattern] = [
    path(FIELD, field, name="field"),
    path(f"{FIELD}bilan/", field_report, name="field_report"),
]
