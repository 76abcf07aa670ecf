"""GET /api/v1/me/registrations: the registrations of the user's household."""

from __future__ import annotations

import datetime as dt

from api.services import token_create
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

URL = "/api/v1/me/registrations"


def test_it_lists_the_household_registrations_with_status_and_team(client, member, territory):
    winter = ChallengeFactory(territory=territory, slug="hiver", title="Hiver")
    spring = ChallengeFactory(territory=territory, slug="printemps", title="Printemps")
    team = TeamFactory(challenge=winter, name="Les Castors")
    RegistrationFactory(
        challenge=winter,
        household=member.household,
        team=team,
        decision_reason="Retenu : inscrit le 3 novembre 2025, parmi les 100 premiers",
        registered_at=dt.datetime(2025, 11, 3, tzinfo=dt.UTC),
    )
    RegistrationFactory(
        challenge=spring,
        household=member.household,
        status="attente",
        waiting_rank=4,
        registered_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    RegistrationFactory(challenge=winter)  # another household
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [(r["challenge_slug"], r["status"], r["waiting_rank"]) for r in body] == [
        ("printemps", "attente", 4),
        ("hiver", "retenu", None),
    ]
    assert body[1]["team_name"] == "Les Castors"
    assert body[1]["status_label"] == "Retenu"
    assert body[1]["explanation"].startswith("Retenu : inscrit le 3 novembre")
    assert body[1]["territory_slug"] == territory.slug
    assert body[0]["team_name"] is None


def test_it_is_empty_without_a_household(client, outsider):
    client.force_login(outsider)
    assert client.get(URL).json() == []


def test_it_needs_authentication(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["message"]


def test_it_accepts_a_personal_token(client, organiser, territory):
    organiser.household = HouseholdFactory()
    organiser.save()
    RegistrationFactory(
        challenge=ChallengeFactory(territory=territory), household=organiser.household
    )
    _token, raw = token_create(user=organiser, name="Tableur")
    response = client.get(URL, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_the_query_count_does_not_grow(client, member, django_assert_max_num_queries):
    for _ in range(12):
        RegistrationFactory(household=member.household, team=TeamFactory())
    client.force_login(member)
    with django_assert_max_num_queries(3):
        assert len(client.get(URL).json()) == 12


def test_a_housemate_sees_the_same_registrations(client, member):
    RegistrationFactory(household=member.household)
    client.force_login(UserFactory(household=member.household))
    assert len(client.get(URL).json()) == 1
