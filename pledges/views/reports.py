"""Activity reports by the participant's personal link (no password: the
token of the link is the key; an unknown one is a 404)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pledges import activities as services
from pledges.models import ActivityMode, Campaign, Commitment, CommitmentStatus


class ActivityForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Indiquez la date de l'activité."),
            "invalid": gettext_lazy("Indiquez une date valable, par exemple 14/03/2026."),
        },
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode de déplacement"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez un mode de déplacement."),
            "invalid_choice": gettext_lazy("Choisissez un des modes proposés par la campagne."),
        },
    )
    km = forms.DecimalField(
        label=gettext_lazy("Kilomètres parcourus"),
        max_digits=7,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("Dans la journée, aller et retour compris. Ex. : 12,5"),
        error_messages={
            "required": gettext_lazy("Indiquez les kilomètres."),
            "invalid": gettext_lazy("Indiquez un nombre de kilomètres, par exemple 12,5."),
        },
    )
    count = forms.IntegerField(
        label=gettext_lazy("Nombre de trajets"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("Dans la journée, un aller et un retour font 2 trajets."),
        error_messages={
            "required": gettext_lazy("Indiquez le nombre de trajets."),
            "invalid": gettext_lazy("Indiquez un nombre entier de trajets."),
        },
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Oui, je confirme cette valeur"), required=False
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modes = services.campaign_modes(campaign)
        cast(forms.ChoiceField, self.fields["mode"]).choices = modes
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        del self.fields["km" if services.counts_trips(campaign) else "count"]
        # Shown once a value looks absurd: the participant confirms or corrects it.
        self.needs_confirm = bool(self.data.get("confirm"))

    @property
    def quantity_field(self) -> forms.BoundField:
        return self["count"] if "count" in self.fields else self["km"]


def _commitment(report_token: str) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("campaign__territory", "campaign__sponsor", "commune"),
        report_token=report_token,
        campaign__reports_activities=True,
    )


def _new_form(campaign: Campaign) -> ActivityForm:
    initial = {
        "date": timezone.localdate(),
        "mode": services.campaign_modes(campaign)[0][0],
        "client_key": uuid.uuid4(),
    }
    return ActivityForm(campaign=campaign, initial=initial)


def _refusal_to_form(form: ActivityForm, refusal: services.ActivityRefused) -> None:
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)
    form.needs_confirm = form.needs_confirm or services.needs_confirmation(refusal)


def _saved_notice(report: Any, campaign: Campaign, created: bool) -> str:
    if not created:
        return _("Cette activité était déjà enregistrée : elle ne compte qu'une fois.")
    amount = (
        _("%(n)s trajets") % {"n": report.count}
        if services.counts_trips(campaign)
        else _("%(km)s km") % {"km": number_format(report.km, 1)}
    )
    return _("Merci ! %(amount)s (%(mode)s) enregistrés pour le %(day)s.") % {
        "amount": amount,
        "mode": str(ActivityMode(report.mode).label).lower(),
        "day": date_format(report.date, "j F Y"),
    }


def _page(
    request: HttpRequest, commitment: Commitment, form: ActivityForm | None, status: int = 200
) -> TemplateResponse:
    campaign = commitment.campaign
    refusal = services.reporting_refusal(commitment)
    context = {
        "territory": campaign.territory,
        "campaign": campaign,
        "commitment": commitment,
        "confirmed": commitment.status == CommitmentStatus.CONFIRMED,
        "refusal": refusal,
        "last_day": services.reporting_window(campaign)[1],
        "form": None if refusal else (form or _new_form(campaign)),
        "reports": list(commitment.reports.order_by("-date", "-created_at")),
        "mine": services.personal_totals(commitment),
        "summary": services.activity_summary(campaign),
        "counts_trips": services.counts_trips(campaign),
    }
    return TemplateResponse(request, "pledges/reports/activities.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, report_token: str) -> HttpResponse:
    commitment = _commitment(report_token)
    campaign = commitment.campaign
    if request.method == "GET":
        return _page(request, commitment, None)
    if services.reporting_refusal(commitment):
        return _page(request, commitment, None, status=403)
    form = ActivityForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report, created = services.activity_report_create(
                commitment=commitment,
                day=data["date"],
                mode=data["mode"],
                km=data.get("km"),
                count=data.get("count"),
                client_key=data["client_key"],
                confirmed=data["confirm"],
            )
        except services.ActivityRefused as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _saved_notice(report, campaign, created))
            return redirect("pledges:activities", report_token)
    return _page(request, commitment, form)


@never_cache
@require_POST
def activity_delete(request: HttpRequest, report_token: str, pk: int) -> HttpResponse:
    commitment = _commitment(report_token)
    try:
        deleted = services.activity_report_delete(commitment=commitment, report_id=pk)
    except services.ActivityRefused as refusal:
        messages.error(request, services.refusal_message(refusal))
        return redirect("pledges:activities", report_token)
    if deleted:
        messages.success(request, _("Activité supprimée : elle ne compte plus dans les totaux."))
    else:
        messages.info(request, _("Cette activité était déjà supprimée."))
    return redirect("pledges:activities", report_token)


ACTIVITIES = "engagement/<str:report_token>/activites/"

urlpatterns: list[URLPattern] = [
    path(ACTIVITIES, activities, name="activities"),
    path(f"{ACTIVITIES}<int:pk>/supprimer/", activity_delete, name="activity_delete"),
]
