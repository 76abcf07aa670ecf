"""What events hold about a person, for the RGPD export and erasure
(accounts/rgpd.py): their registrations, made with their account or as a
guest with the same e-mail address, and their personal calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.rgpd import Row, register_eraser, register_retention, register_section
from events.models import ACTIVE_STATUSES, CalendarFeed, EventRegistration

if TYPE_CHECKING:
    from accounts.models import User


def _registrations(user: User) -> QuerySet[EventRegistration]:
    mine = Q(user=user)
    if user.email:
        mine |= Q(user__isnull=True, email__iexact=user.email)
    return EventRegistration.objects.filter(mine)


def export_registrations(user: User) -> list[Row]:
    rows = _registrations(user).select_related("event__territory").order_by("created_at", "pk")
    return [
        {
            "evenement": r.event.title,
            "territoire": r.event.territory.name,
            "debut": r.event.starts_at,
            "nom": r.name,
            "email": r.email,
            "etat": r.get_status_display(),
            "presence": r.get_attendance_display(),
            "venu_sans_inscription": r.walk_in,
            "inscrit_le": r.created_at,
            "confirme_le": r.confirmed_at,
            "annule_le": r.cancelled_at,
        }
        for r in rows
    ]


def erase_registrations(user: User) -> None:
    """Upcoming seats are given back (to the waiting list); every
    registration loses its name and address but stays counted, so that the
    figures of past events do not change."""
    from events.services import registration_cancel

    now = timezone.now()
    registrations = _registrations(user).select_related("event")
    for registration in registrations.filter(status__in=ACTIVE_STATUSES, event__starts_at__gt=now):
        registration_cancel(registration=registration, now=now)
    _registrations(user).filter(user__isnull=True).update(name="", email="")
    CalendarFeed.objects.filter(user=user).delete()


def register_events() -> None:
    register_section("evenements", export_registrations)
    register_eraser(erase_registrations)
    register_retention("evenements", anonymise_past_guests)


def anonymise_past_guests(limit: dt.datetime) -> int:
    """Registrations made without an account (a name and an address) to
    events ended before `limit`: the name and the address go, the status and
    the attendance stay (the event's figures do not move)."""
    return (
        EventRegistration.objects.filter(user__isnull=True, event__ends_at__lt=limit)
        .exclude(name="", email="")
        .update(name="", email="")
    )
