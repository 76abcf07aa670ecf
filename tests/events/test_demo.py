"""The demo agenda: past and upcoming events of the Val de Drôme, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance, Event, EventKind, EventRegistration, EventStatus
from events.models import RegistrationStatus as Status
from events.services import event_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)


def test_the_demo_has_a_launch_evening_with_its_figures(demo) -> None:
    launch = Event.objects.get(kind=EventKind.LAUNCH, territory__slug="val-de-drome")
    assert launch.ends_at < timezone.now()
    assert launch.challenge is not None
    assert launch.challenge.slug == "familles-energie-positive"
    stats = event_stats(launch)
    assert stats.invited == 180
    assert 50 <= stats.registered <= 60
    assert 40 <= stats.attended <= 50
    assert stats.excused > 0


def test_the_demo_has_past_and_upcoming_events_of_every_sort(demo) -> None:
    now = timezone.now()
    val = Event.objects.filter(territory__slug="val-de-drome")
    past, upcoming = val.filter(ends_at__lt=now), val.filter(starts_at__gt=now)
    assert {EventKind.LAUNCH, EventKind.CAPTAIN_TRAINING, EventKind.ACTOR_COUNCIL} <= set(
        past.values_list("kind", flat=True)
    )
    assert past.filter(kind=EventKind.WORKSHOP).exists()
    assert upcoming.filter(kind=EventKind.MIDWAY).exists()
    assert 4 <= upcoming.filter(kind=EventKind.WORKSHOP).count() <= 6
    cancelled = upcoming.get(status=EventStatus.CANCELLED)
    assert cancelled.cancel_reason
    full = upcoming.get(title="Fabriquer ses produits ménagers")
    assert full.seats_left() == 0
    assert full.registrations.filter(status=Status.WAITING).count() == 3
    assert upcoming.filter(commune__name="Saillans").exists()
    assert Event.objects.filter(territory__slug="saillans-demain").exists()
    # Real places near their commune's centre, guests beside members.
    for event in Event.objects.select_related("commune"):
        assert event.place_name
        assert event.commune is not None
        assert abs(event.latitude - event.commune.latitude) < 0.01
    assert EventRegistration.objects.filter(user__isnull=True, walk_in=False).exists()
    # Workshops are sessions of the catalogue shipped by the data migration.
    assert upcoming.filter(template__title="Fabriquer ses produits ménagers").exists()
    assert Event.objects.filter(template__isnull=False).count() >= 6
    assert EventRegistration.objects.filter(attendance=Attendance.PRESENT).count() > 45


def test_the_demo_runs_twice_without_duplicating(demo) -> None:
    counts = (Event.objects.count(), EventRegistration.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Event.objects.count(), EventRegistration.objects.count()) == counts


def test_the_agenda_shows_the_demo(demo, client) -> None:
    page = client.get(reverse("events:agenda", args=["val-de-drome"])).content.decode()
    assert "Soirée de mi-parcours du défi" in page
    assert "Visite de la chaufferie bois" not in page  # a draft
    assert "Soirée de lancement du défi" not in page  # past
    # The network's campaign weeks fill the past agenda too: narrow to launches.
    past = client.get(reverse("events:agenda", args=["val-de-drome"]) + "?past=1&kind=lancement")
    assert "Soirée de lancement du défi" in past.content.decode()
