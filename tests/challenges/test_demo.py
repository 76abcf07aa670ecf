from __future__ import annotations

import pytest
from django.core.management import call_command

from challenges.models import (
    TEAM_MAX_HOUSEHOLDS,
    TEAM_MIN_HOUSEHOLDS,
    Challenge,
    Phase,
    RegistrationStatus,
)
from measures.models import Reading

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_running_challenge_with_eight_teams() -> None:
    call_command("seed_demo", verbosity=0)
    challenge = Challenge.objects.get(slug="familles-energie-positive")
    assert challenge.phase() == Phase.RUNNING
    teams = list(challenge.teams.all())
    assert len(teams) == 8
    for team in teams:
        households = team.registrations.filter(status=RegistrationStatus.SELECTED)
        assert TEAM_MIN_HOUSEHOLDS <= households.count() <= TEAM_MAX_HOUSEHOLDS
        assert households.filter(household=team.captain.household).exists()
    assert challenge.registrations.filter(status=RegistrationStatus.WAITING).count() == 2
    assert Reading.objects.filter(meter__household__registrations__challenge=challenge).exists()
    assert challenge.kit_documents.get(kind="kit_capitaine").file.read().startswith(b"%PDF-1.4")
    waste = Challenge.objects.get(slug="zero-dechet-2027")
    assert waste.phase() == Phase.REGISTRATION


def test_the_challenge_demo_is_idempotent() -> None:
    call_command("seed_demo", verbosity=0)
    counts = (Challenge.objects.count(), Reading.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Challenge.objects.count(), Reading.objects.count()) == counts
