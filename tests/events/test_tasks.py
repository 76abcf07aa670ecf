"""The reminder two days before, sent once, and its hourly command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EventStatus, RegistrationStatus
from events.tasks import send_event_reminders
from tests.events.factories import EventFactory, EventRegistrationFactory, WorkshopTemplateFactory
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def soon(territory):  # type: ignore[no-untyped-def]
    start = NOW + dt.timedelta(hours=47)
    return EventFactory(
        territory=territory,
        title="Atelier lessive",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place_name="Tiers-lieu La Gare",
        address="2 rue de la Gare",
        commune=CommuneFactory(name="Crest", postal_codes=" 26400"),
        access_note="Accessible en fauteuil, bus ligne 2",
        template=WorkshopTemplateFactory(what_to_bring="Deux bocaux"),
    )


def test_confirmed_registrants_get_one_reminder_with_the_practical_details(
    soon, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    seat = EventRegistrationFactory(event=soon)
    EventRegistrationFactory(event=soon, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=soon, status=RegistrationStatus.CANCELLED)
    EventRegistrationFactory(
        event=soon, user=None, email="x@example.org", status=RegistrationStatus.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders(now=NOW) == 1
        assert send_event_reminders(now=NOW + dt.timedelta(hours=1)) == 0
    (mail,) = mailoutbox
    assert mail.to == [seat.user.email]
    assert mail.subject == "[Élan] Rappel : Atelier lessive"
    for expected in (
        "samedi 12 décembre 2026 de 9 h à 11 h",  # 08:00 UTC = 9 h in Paris
        "Tiers-lieu La Gare, 2 rue de la Gare, Crest (26400)",
        "Accessible en fauteuil, bus ligne 2",
        "Deux bocaux",
        f"/evenements/inscription/{seat.token}/annuler/",
    ):
        assert expected in mail.body
    seat.refresh_from_db()
    assert seat.reminder_sent_at == NOW


@pytest.mark.parametrize(
    ("hours", "status"),
    [(60, EventStatus.PUBLISHED), (-1, EventStatus.PUBLISHED), (20, EventStatus.CANCELLED)],
    ids=["too-far", "started", "cancelled"],
)
def test_no_reminder_outside_the_window_or_for_a_cancelled_event(
    territory, mailoutbox, hours, status
) -> None:
    start = NOW + dt.timedelta(hours=hours)
    event = EventFactory(
        territory=territory, starts_at=start, ends_at=start + dt.timedelta(hours=2), status=status
    )
    EventRegistrationFactory(event=event)
    assert send_event_reminders(now=NOW) == 0
    assert mailoutbox == []


def test_an_event_created_the_day_before_still_gets_its_reminder(territory) -> None:
    start = NOW + dt.timedelta(hours=20)
    event = EventFactory(
        territory=territory, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    EventRegistrationFactory(event=event)
    assert send_event_reminders(now=NOW) == 1


def test_the_hourly_command_sends_the_due_reminders(territory) -> None:
    start = timezone.now() + dt.timedelta(days=1)
    event = EventFactory(
        territory=territory, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    EventRegistrationFactory.create_batch(2, event=event)
    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "Rappels d'événements envoyés : 2." in out.getvalue()
