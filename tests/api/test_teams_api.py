"""GET /api/v1/me/teams: the teams of my household and their data status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import token_create
from challenges.models import Registration, RegistrationStatus, Team
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/teams"


def join(team: Team, name: str, *, days_ago: int | None = None) -> Registration:
    registration = RegistrationFactory(
        challenge=team.challenge, team=team, household=HouseholdFactory(name=f"Foyer {name}")
    )
    UserFactory(household=registration.household, display_name=name, email=f"{name}@example.org")
    if days_ago is not None:
        meter = MeterFactory(household=registration.household)
        ReadingFactory(
            meter=meter, read_on=timezone.localdate() - dt.timedelta(days=days_ago), value=777
        )
    return registration


@pytest.fixture
def team(territory):
    return TeamFactory(
        challenge=ChallengeFactory(territory=territory, slug="hiver"), name="Crest 1"
    )


def test_it_requires_authentication(client) -> None:
    assert client.get(URL).status_code == 401


def test_a_user_without_household_has_no_team(client, outsider) -> None:
    client.force_login(outsider)
    assert client.get(URL).json() == []


def test_a_member_sees_the_team_and_only_its_own_status(client, team) -> None:
    mine = join(team, "alix", days_ago=2)
    join(team, "bruno", days_ago=30)
    captain = join(team, "chloe").household.members.get()
    team.captain = captain
    team.save()
    client.force_login(mine.household.members.get())
    (payload,) = client.get(URL).json()
    assert payload["challenge"] == "hiver"
    assert payload["team"] == "Crest 1"
    assert payload["captain"] == "chloe"
    assert payload["members_count"] == 3
    assert payload["invite_code"] == team.invite_code
    households = {tuple(h["members"]): h for h in payload["households"]}
    assert households[("alix",)]["is_mine"] is True
    energy = households[("alix",)]["statuses"][0]
    assert (energy["theme"], energy["status"], energy["days_since"]) == ("energie", "a_jour", 2)
    assert households[("bruno",)]["statuses"] is None
    assert "777" not in str(payload)
    assert "@example.org" not in str(payload)


def test_the_captain_sees_every_household_status(client, team) -> None:
    join(team, "bruno", days_ago=30)
    captain = join(team, "chloe").household.members.get()
    team.captain = captain
    team.save()
    client.force_login(captain)
    (payload,) = client.get(URL).json()
    statuses = {h["members"][0]: h["statuses"][0]["status"] for h in payload["households"]}
    assert statuses == {"bruno": "en_retard", "chloe": "aucune_donnee"}


def test_a_token_works_too(client, team, organiser) -> None:
    registration = RegistrationFactory(
        challenge=team.challenge, team=team, household=HouseholdFactory()
    )
    organiser.household = registration.household
    organiser.save()
    _token, raw = token_create(user=organiser, name="Tableur")
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [t["team"] for t in response.json()] == ["Crest 1"]


def test_teams_of_several_challenges_without_more_queries(client, territory) -> None:
    household = HouseholdFactory()
    user = UserFactory(household=household)
    client.force_login(user)

    def add_team() -> None:
        team = TeamFactory(challenge=ChallengeFactory(territory=territory))
        RegistrationFactory(challenge=team.challenge, team=team, household=household)
        for index in range(3):
            join(team, f"n{Team.objects.count()}-{index}", days_ago=index)

    add_team()
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()) == 1
    for _index in range(3):
        add_team()
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(URL).json()) == 4
    assert len(four) == len(one)


def test_a_waiting_household_has_no_team_yet(client, team) -> None:
    registration = RegistrationFactory(
        challenge=team.challenge,
        household=HouseholdFactory(),
        status=RegistrationStatus.WAITING,
        requested_team_code=team.invite_code,
    )
    user = UserFactory(household=registration.household)
    client.force_login(user)
    assert client.get(URL).json() == []
