"""Events: the agenda as open data (list with filters, detail with seats
left), and registering or cancelling for the authenticated person."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import model_validator

from api.auth import token_or_session
from api.pagination import Pages
from api.schemas import ErrorOut
from events import services
from events.models import (
    ACTIVE_STATUSES,
    Event,
    EventKind,
    EventRegistration,
)
from events.selectors import AgendaFilters, apply_filters, event_state, visible_events, with_seats
from territories.permissions import check
from territories.themes import Theme

router = Router(tags=["Agenda"])

VIEW = "events.view_event"


class EventFilters(Schema):
    territory: str = Field("", max_length=80, description="Adresse courte du territoire.")
    challenge: str = Field("", max_length=80, description="Adresse courte du défi.")
    kind: EventKind | None = Field(None, description="Type d'événement.")
    theme: Theme | None = Field(None, description="Thème.")
    commune: str = Field("", max_length=5, description="Code INSEE de la commune.")
    date_from: dt.date | None = Field(None, description="Se termine ce jour-là ou après.")
    date_to: dt.date | None = Field(None, description="Commence ce jour-là ou avant.")
    available: bool = Field(False, description="Seulement ceux où une place peut être prise.")
    past: bool = Field(False, description="Les événements passés (les plus récents d'abord).")

    @model_validator(mode="after")
    def dates_in_order(self) -> "EventFilters":
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to doit être postérieure ou égale à date_from.")
        return self


class EventOut(Schema):
    id: int
    territory: str
    challenge: str | None
    kind: str
    kind_label: str
    theme: str
    theme_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_name: str
    commune: str | None = Field(None, description="Code INSEE.")
    commune_name: str | None
    latitude: Decimal | None = Field(None, description="Du lieu, sinon du centre de la commune.")
    longitude: Decimal | None
    status: str
    state: str = Field(
        ..., description="brouillon, annule, termine, complet, attente (liste d'attente), ouvert."
    )
    capacity: int | None
    seats_left: int | None = Field(None, description="Vide quand le nombre de places est libre.")
    waiting_count: int
    url: str

    @staticmethod
    def resolve_territory(obj: Event) -> str:
        return obj.territory.slug

    @staticmethod
    def resolve_challenge(obj: Event) -> str | None:
        return obj.challenge.slug if obj.challenge else None

    @staticmethod
    def resolve_kind_label(obj: Event) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_theme_label(obj: Event) -> str:
        return str(obj.get_theme_display()) if obj.theme else ""

    @staticmethod
    def resolve_commune(obj: Event) -> str | None:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: Event) -> str | None:
        return obj.commune.name if obj.commune else None

    @staticmethod
    def resolve_latitude(obj: Event) -> Decimal | None:
        if obj.latitude is not None:
            return obj.latitude
        return obj.commune.latitude if obj.commune else None

    @staticmethod
    def resolve_longitude(obj: Event) -> Decimal | None:
        if obj.longitude is not None:
            return obj.longitude
        return obj.commune.longitude if obj.commune else None

    @staticmethod
    def resolve_state(obj: Event) -> str:
        return event_state(obj)

    @staticmethod
    def resolve_seats_left(obj: Event) -> int | None:
        return obj.seats_left()

    @staticmethod
    def resolve_waiting_count(obj: Event) -> int:
        return int(getattr(obj, "waiting_count", 0) or 0)

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return reverse("events:detail", args=[obj.territory.slug, obj.pk])


class EventDetailOut(EventOut):
    description: str
    address: str
    access_note: str
    online_url: str
    audience: str
    registration_open: bool
    cancel_reason: str
    partner: str | None
    ical_url: str

    @staticmethod
    def resolve_partner(obj: Event) -> str | None:
        return obj.partner.name if obj.partner else None

    @staticmethod
    def resolve_ical_url(obj: Event) -> str:
        return reverse("events:ical_event", args=[obj.territory.slug, obj.pk])


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    status: str = Field(..., description="inscrit, attente (liste d'attente) ou a_confirmer.")
    status_label: str
    waiting_rank: int | None = Field(None, description="1 = premier sur la liste d'attente.")


def _event(request: HttpRequest, event_id: int) -> Event:
    """The event if this person may see it (404 otherwise, whatever the reason)."""
    event = get_object_or_404(
        with_seats(Event.objects.select_related("territory", "challenge", "commune", "partner")),
        pk=event_id,
    )
    check(request, VIEW, event, visible=VIEW)
    return event


def _registration_out(registration: EventRegistration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "event_id": registration.event_id,
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
        "waiting_rank": services.waiting_rank(registration),
    }


@router.get("/events", response=list[EventOut], summary="Agenda : événements visibles")
@paginate(Pages)
def event_list(request: HttpRequest, filters: Query[EventFilters]):  # type: ignore[no-untyped-def]
    """Les événements à venir (ou passés avec `past=true`) des territoires publiés ;
    les animateur·rices connecté·es voient aussi leurs brouillons."""
    events = visible_events(request.user).select_related("territory", "challenge", "commune")
    if filters.territory:
        events = events.filter(territory__slug=filters.territory)
    if filters.challenge:
        events = events.filter(challenge__slug=filters.challenge)
    agenda = AgendaFilters(
        kind=filters.kind.value if filters.kind else "",
        theme=filters.theme.value if filters.theme else "",
        commune=filters.commune,
        date_from=filters.date_from,
        date_to=filters.date_to,
        available=filters.available,
        past=filters.past,
    )
    return apply_filters(with_seats(events), agenda)


@router.get(
    "/events/{event_id}",
    response={200: EventDetailOut, 404: ErrorOut},
    summary="Un événement : lieu, horaires, places restantes",
)
def event_detail(request: HttpRequest, event_id: int):  # type: ignore[no-untyped-def]
    return _event(request, event_id)


@router.post(
    "/events/{event_id}/registrations",
    response={
        201: EventRegistrationOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=token_or_session,
    summary="M'inscrire à un événement",
)
def event_register(request: HttpRequest, event_id: int):  # type: ignore[no-untyped-def]
    """Une place (`inscrit`) ou, quand c'est complet, la liste d'attente (`attente`).
    409 : déjà inscrit·e ; 422 : inscriptions closes, événement annulé ou commencé."""
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    event = _event(request, event_id)
    if not user.has_perm("events.register", event):
        raise HttpError(
            403,
            "Cet événement est réservé à son public (participants du défi, réseau d'acteurs "
            "ou sur invitation) : vous ne pouvez pas vous y inscrire.",
        )
    try:
        registration = services.registration_create(event=event, user=user)
    except services.RegistrationRefused as refusal:
        mine = EventRegistration.objects.filter(
            event=event, user=user, status__in=ACTIVE_STATUSES
        ).exists()
        return Status(409 if mine else 422, {"message": " ".join(refusal.messages)})
    return Status(201, _registration_out(registration))


@router.delete(
    "/events/{event_id}/registrations/me",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_or_session,
    summary="Annuler mon inscription",
)
def event_unregister(request: HttpRequest, event_id: int):  # type: ignore[no-untyped-def]
    """Ma place libérée va à la première personne de la liste d'attente."""
    user: Any = request.auth  # type: ignore[attr-defined]
    event = _event(request, event_id)
    registration = EventRegistration.objects.filter(
        event=event, user=user, status__in=ACTIVE_STATUSES
    ).first()
    if registration is None:
        raise HttpError(404, "Vous n'êtes pas inscrit·e à cet événement.")
    try:
        services.registration_cancel(registration=registration)
    except services.RegistrationRefused as refusal:
        return Status(422, {"message": " ".join(refusal.messages)})
    return Status(204, None)
