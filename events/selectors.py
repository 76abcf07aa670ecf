"""Reading events: who sees which, the agenda's filters and the seat counts.

One queryset serves the agenda pages, the iCal feeds and the API, so that the
three always agree on what a person may see. Seats are counted in SQL
(annotations), never by looping over registrations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from events.models import Event, EventQuerySet, EventStatus
from territories.models import Commune, Role

# iCal feeds show what is coming and what just happened.
FEED_PAST_DAYS = 90


@dataclass(frozen=True)
class AgendaFilters:
    """What a visitor narrows the agenda by; empty values filter nothing."""

    kind: str = ""
    theme: str = ""
    commune: str = ""  # INSEE code
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    available: bool = False
    past: bool = False


def visible_events(user: Any) -> EventQuerySet:
    """The events `user` may see, as the `events.view_event` rule says:
    announced events of published territories, plus every event of the
    territories they organise or coordinate (admins see everything)."""
    events: EventQuerySet = Event.objects.all()
    if user.is_authenticated and user.is_active and user.is_superuser:
        return events
    seen = Q(territory__is_published=True) & ~Q(status=EventStatus.DRAFT)
    if user.is_authenticated:
        organised = user.territory_roles.filter(role=Role.ORGANISER).values("territory_id")
        regions = user.coordinated_regions.values("region_id")
        seen |= Q(territory_id__in=organised) | Q(territory__region_id__in=regions)
    return events.filter(seen)


def announced_events() -> EventQuerySet:
    """What anyone may see, drafts never: what calendar apps (which do not
    log in) receive."""
    return Event.objects.published().filter(territory__is_published=True)


def with_seats(events: EventQuerySet) -> EventQuerySet:
    """The model's seat counts (`taken_seats`, `waiting_count`) plus
    `free_seats` (None without a capacity) to filter on."""
    return events.with_seats().annotate(
        free_seats=Case(
            When(capacity__isnull=True, then=Value(None)),
            default=Greatest(F("capacity") - F("taken_seats"), Value(0)),
            output_field=IntegerField(),
        )
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def open_for_registration(now: dt.datetime) -> Q:
    """A seat can still be taken: published, open, not started, not full.
    Needs the `with_seats` annotations."""
    return Q(status=EventStatus.PUBLISHED, registration_open=True, starts_at__gt=now) & (
        Q(capacity__isnull=True) | Q(free_seats__gt=0)
    )


def apply_filters(
    events: EventQuerySet, filters: AgendaFilters, *, now: dt.datetime | None = None
) -> EventQuerySet:
    """Narrow and order `events` (annotated by `with_seats`): what has not
    ended yet, soonest first, or past events, the most recent first."""
    now = now or timezone.now()
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.theme:
        events = events.filter(theme=filters.theme)
    if filters.commune:
        events = events.filter(commune_id=filters.commune)
    if filters.date_from:
        events = events.filter(ends_at__gte=_day_start(filters.date_from))
    # The last day of the calendar has no next day: it bounds nothing.
    if filters.date_to and filters.date_to < dt.date.max:
        events = events.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.available:
        events = events.filter(open_for_registration(now))
    if filters.past:
        return events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return events.filter(ends_at__gte=now).order_by("starts_at", "pk")


def agenda_events(
    user: Any,
    filters: AgendaFilters,
    *,
    territory: Any = None,
    challenge: Any = None,
    now: dt.datetime | None = None,
) -> EventQuerySet:
    """The agenda list: visible, filtered, with seats and what a row shows."""
    events = visible_events(user).select_related("territory", "commune", "challenge")
    if territory is not None:
        events = events.filter(territory=territory)
    if challenge is not None:
        events = events.filter(challenge=challenge)
    return apply_filters(with_seats(events), filters, now=now)


def agenda_communes(user: Any, *, territory: Any, challenge: Any = None) -> QuerySet[Commune]:
    """The communes where this person may see at least one event."""
    events = visible_events(user).filter(territory=territory)
    if challenge is not None:
        events = events.filter(challenge=challenge)
    return Commune.objects.filter(insee_code__in=events.values("commune_id")).order_by("name")


def feed_events(events: EventQuerySet, *, now: dt.datetime | None = None) -> EventQuerySet:
    """What an iCal feed carries: the last 90 days and the future."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        events.filter(ends_at__gte=since)
        .select_related("territory", "commune")
        .order_by("starts_at", "pk")
    )


def event_state(event: Event, *, now: dt.datetime | None = None) -> str:
    """One word for an event's badge: brouillon, annule, termine, complet,
    attente (full, but the waiting list takes names) or ouvert. Reads the
    `with_seats` annotations when present."""
    now = now or timezone.now()
    if event.status == EventStatus.DRAFT:
        return "brouillon"
    if event.status == EventStatus.CANCELLED:
        return "annule"
    if event.ends_at < now:
        return "termine"
    seats_left = event.seats_left()
    if seats_left is not None and seats_left <= 0:
        taking_names = event.registration_open and event.starts_at > now
        return "attente" if taking_names else "complet"
    return "ouvert"
