from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Household, User
from challenges.models import Challenge, Registration
from commons.models import Resource
from events.models import Event
from measures.models import Meter, Reading, ResultSnapshot
from network.models import Actor, Contact
from pledges.models import Campaign, Commitment
from territories.bench_data import SCALES
from territories.models import Territory

pytestmark = pytest.mark.django_db

SMALL = SCALES["small"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_bench", "--scale", "small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed()


def test_it_builds_the_small_dataset_with_its_counts(seeded: str) -> None:
    assert Territory.objects.filter(slug__startswith="banc-").count() == SMALL.territories
    assert Household.objects.count() == SMALL.households
    assert User.objects.filter(household__isnull=False).count() == SMALL.households
    assert Registration.objects.count() == SMALL.households
    assert Meter.objects.count() == 3 * SMALL.households
    assert Reading.objects.count() == SMALL.readings
    assert Actor.objects.count() == SMALL.actors
    assert Contact.objects.exclude(email="").count() == SMALL.actors
    assert Resource.objects.filter(slug__startswith="banc-").count() == SMALL.resources
    assert Commitment.objects.count() == SMALL.commitments
    assert Campaign.objects.get(territory__slug="banc-t1").participants_count == (
        SMALL.commitments // SMALL.territories
    )
    assert Event.objects.count() == SMALL.territories * SMALL.events_per_territory
    assert ResultSnapshot.objects.count() == SMALL.territories
    assert "lignes/s" in seeded
    assert "prêt en" in seeded
    # Every household has complete readings: the results count them all.
    snapshot = ResultSnapshot.objects.select_related("challenge").first()
    assert snapshot is not None
    per_challenge = SMALL.households // SMALL.territories
    assert snapshot.public_payload["energy"]["households_complete"] == per_challenge


def test_it_refuses_a_database_that_holds_data_unless_appending(seeded: str) -> None:
    with pytest.raises(CommandError, match="--append"):
        seed()
    assert Territory.objects.filter(slug__startswith="banc").count() == SMALL.territories

    seed("--append", "--no-results")

    assert Territory.objects.filter(slug__startswith="banc2-").count() == SMALL.territories
    assert Reading.objects.count() == 2 * SMALL.readings


def test_its_pages_render(seeded: str) -> None:
    challenge = Challenge.objects.select_related("territory").get(territory__slug="banc-t1")
    slug = challenge.territory.slug
    client = Client()
    for url in [
        "/",
        reverse("territories:detail", args=[slug]),
        reverse("measures:challenge_results", args=[slug, challenge.slug]),
        reverse("pledges:detail", args=[slug, "a-velo"]),
        reverse("events:agenda", args=[slug]),
        reverse("network:directory", args=[slug]),
        "/commun/",
    ]:
        assert client.get(url).status_code == 200, url

    household = User.objects.get(email=f"foyer1@{slug}.example.org")
    client.force_login(household)
    entry = reverse("measures:entry", args=[slug, challenge.slug])
    assert client.get(entry).status_code == 200

    client.force_login(User.objects.get(email=f"animation@{slug}.example.org"))
    dashboard = reverse("reports:territory_dashboard", args=[slug])
    assert client.get(dashboard).status_code == 200
