"""The agenda of a territory and of a challenge: filters in a plain GET form
(the address of a filtered agenda can be shared), a list grouped by month,
and a map fed by the same list (embedded as JSON, no extra request)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from challenges.models import Challenge
from challenges.views import challenge_from_url
from elan.pagecache import public_page
from events.models import Event, EventKind
from events.selectors import AgendaFilters, agenda_communes, agenda_events, event_state
from territories.models import Commune, Territory
from territories.permissions import permission_required
from territories.themes import Theme

VIEW_TERRITORY = "territories.view_territory"
VIEW_CHALLENGE = "challenges.view_challenge"
PER_PAGE = 30
UPCOMING_ON_CHALLENGE = 3

STATE_LABELS = {
    "brouillon": gettext_lazy("Brouillon"),
    "annule": gettext_lazy("Annulé"),
    "termine": gettext_lazy("Terminé"),
    "complet": gettext_lazy("Complet"),
    "attente": gettext_lazy("Complet — liste d'attente"),
    "ouvert": "",
}


class AgendaFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=[("", gettext_lazy("Tous les types")), *EventKind.choices],
    )
    theme = forms.ChoiceField(
        label=gettext_lazy("Thème"),
        required=False,
        choices=[("", gettext_lazy("Tous les thèmes")), *Theme.choices],
    )
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("À partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    available = forms.BooleanField(
        label=gettext_lazy("Seulement les événements avec des places disponibles"), required=False
    )
    past = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, communes: list[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune = cast(forms.ChoiceField, self.fields["commune"])
        commune.choices = [
            ("", _("Toutes les communes")),
            *((c.insee_code, c.name) for c in communes),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("La date de fin doit être après la date de début."))
        return data

    def filters(self) -> AgendaFilters:
        """The valid filters only: a wrong field is reported, the others apply."""
        if not self.is_bound:
            return AgendaFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return AgendaFilters(
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            commune=data.get("commune") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            available=bool(data.get("available")),
            past=bool(data.get("past")),
        )


def month_label(day: dt.date) -> str:
    return capfirst(dateformat.format(day, "F Y"))


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


def _row(event: Event, now: dt.datetime) -> dict[str, Any]:
    state = event_state(event, now=now)
    return {
        "event": event,
        "when": event.period_label,
        "state": state,
        "state_label": STATE_LABELS[state],
        "url": reverse("events:detail", args=[event.territory.slug, event.pk]),
    }


def _by_month(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    months: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        months[timezone.localtime(row["event"].starts_at).date().replace(day=1)].append(row)
    return [{"label": month_label(month), "rows": items} for month, items in months.items()]


def _markers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One marker per place: the event's coordinates, else its commune's centre."""
    places: dict[tuple[float, float], dict[str, Any]] = {}
    for row in rows:
        event = row["event"]
        commune = event.commune
        lat = event.latitude if event.latitude is not None else getattr(commune, "latitude", None)
        lng = (
            event.longitude if event.longitude is not None else getattr(commune, "longitude", None)
        )
        if lat is None or lng is None:
            continue
        key = (float(lat), float(lng))
        place = places.setdefault(
            key,
            {
                "lat": key[0],
                "lng": key[1],
                "label": event.place_name or (commune.name if commune else ""),
                "events": [],
            },
        )
        label = f"{event.title} — {row['when']}"
        if row["state_label"]:
            label = f"{label} ({row['state_label']})"
        place["events"].append({"title": event.title, "label": label, "url": row["url"]})
    return list(places.values())


def _agenda(
    request: HttpRequest, *, territory: Territory, challenge: Challenge | None = None
) -> HttpResponse:
    communes = list(agenda_communes(request.user, territory=territory, challenge=challenge))
    form = AgendaFilterForm(request.GET or None, communes=communes)
    filters = form.filters()
    now = timezone.now()
    events = agenda_events(request.user, filters, territory=territory, challenge=challenge, now=now)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(event, now) for event in page]
    context = {
        "territory": territory,
        "challenge": challenge,
        "form": form,
        "filters": filters,
        "narrowed": filters != AgendaFilters(past=filters.past),
        "page_obj": page,
        "months": _by_month(rows),
        "markers": _markers(rows),
        "tile_url": settings.ELAN_TILE_URL,
        "can_manage": request.user.has_perm("events.manage_event", territory),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "events/agenda/agenda.html", context, status=status)


@public_page(depends=("territories", "events"))
@require_GET
@permission_required(VIEW_TERRITORY, _territory, visible=VIEW_TERRITORY)
def agenda(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _agenda(request, territory=territory)


@require_GET
@permission_required(VIEW_CHALLENGE, challenge_from_url, visible=VIEW_CHALLENGE)
def challenge_agenda(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    return _agenda(request, territory=challenge.territory, challenge=challenge)


@require_GET
@permission_required(VIEW_CHALLENGE, challenge_from_url, visible=VIEW_CHALLENGE)
def challenge_upcoming(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    """The next events of a challenge, loaded into its page by HTMX."""
    now = timezone.now()
    events = agenda_events(request.user, AgendaFilters(), challenge=challenge, now=now)
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "rows": [_row(event, now) for event in events[:UPCOMING_ON_CHALLENGE]],
    }
    return TemplateResponse(request, "events/agenda/_challenge_upcoming.html", context)


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/agenda/", agenda, name="agenda"),
    path("t/<slug:slug>/defis/<slug:challenge>/agenda/", challenge_agenda, name="challenge_agenda"),
    path(
        "t/<slug:slug>/defis/<slug:challenge>/agenda/prochains/",
        challenge_upcoming,
        name="challenge_upcoming",
    ),
]
