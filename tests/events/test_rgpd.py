"""What events give to the RGPD export and take away on erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import rgpd
from accounts.services import account_erase
from events.models import Attendance, CalendarFeed, RegistrationStatus
from events.services import event_stats
from tests.events.factories import EventFactory, EventRegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_export_lists_registrations_made_with_the_account_or_the_address(
    territory, member
) -> None:
    EventRegistrationFactory(
        event=EventFactory(territory=territory, title="Repair café"), user=member
    )
    EventRegistrationFactory(
        event=EventFactory(territory=territory, title="Compostage"),
        user=None,
        name="Camille",
        email=member.email.upper(),
        status=RegistrationStatus.WAITING,
    )
    EventRegistrationFactory(event=EventFactory(territory=territory, title="Pas à moi"))
    rows = rgpd.export_data(member)["evenements"]
    assert sorted(row["evenement"] for row in rows) == ["Compostage", "Repair café"]
    assert {row["etat"] for row in rows} == {"Inscrit", "Liste d'attente"}


def test_erasure_frees_upcoming_seats_and_keeps_past_figures(territory, member) -> None:
    coming = EventFactory(territory=territory, capacity=1)
    seat = EventRegistrationFactory(event=coming, user=member)
    waiting = EventRegistrationFactory(event=coming, status=RegistrationStatus.WAITING)
    past = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(days=5))
    EventRegistrationFactory(event=past, user=member, attendance=Attendance.PRESENT)
    guest = EventRegistrationFactory(
        event=past, user=None, name="Camille", email=member.email, attendance=Attendance.PRESENT
    )
    CalendarFeed.objects.create(user=member)
    account_erase(user=member)
    seat.refresh_from_db()
    waiting.refresh_from_db()
    guest.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert (guest.name, guest.email) == ("", "")
    assert event_stats(past).present == 2  # the published figures do not change
    assert not CalendarFeed.objects.exists()
