"""GET /api/v1/me/results and the public aggregates of a challenge and a team."""

from __future__ import annotations

import pytest

from challenges.models import RegistrationStatus
from measures.results import cache
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)
from tests.measures.results_payload import build_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(territory, monkeypatch):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, slug="hiver")
    team = TeamFactory(challenge=challenge, name="Les Sobres")
    regs = [
        RegistrationFactory(
            challenge=challenge,
            household=HouseholdFactory(name=f"Famille {n}"),
            team=team,
            status=RegistrationStatus.SELECTED,
        )
        for n in ("Arnaud", "Bonnet")
    ]
    payload = build_payload(challenge, [team], regs)
    monkeypatch.setattr(cache, "challenge_results", lambda c, **kw: payload)
    return {"challenge": challenge, "team": team, "regs": regs, "payload": payload}


BASE = "/api/v1/challenges/val-de-drome/hiver"


def test_the_challenge_results_are_public_aggregates_without_households(client, world) -> None:
    response = client.get(f"{BASE}/results")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results["energy"]["savings_pct"] == 12.6
    assert results["teams"][0]["name"] == "Les Sobres"
    assert "households" not in results
    assert "excluded" not in results
    assert "Famille" not in response.content.decode()
    expected = {k: v for k, v in world["payload"].items() if k not in ("households", "excluded")}
    assert results == expected


def test_the_team_results_are_its_aggregates_and_rank(client, world) -> None:
    response = client.get(f"{BASE}/teams/{world['team'].pk}/results")
    body = response.json()
    assert body["team"]["energy_savings_pct"] == 15.2
    assert body["team"]["rank"] == 1
    assert body["teams_count"] == 1
    assert "Famille" not in response.content.decode()


def test_a_team_of_another_challenge_is_not_found(client, world, territory) -> None:
    other = TeamFactory(challenge=ChallengeFactory(territory=territory))
    assert client.get(f"{BASE}/teams/{other.pk}/results").status_code == 404
    assert client.get("/api/v1/challenges/val-de-drome/inconnu/results").status_code == 404


def test_a_draft_challenge_is_not_found_for_the_public(client, territory) -> None:
    ChallengeFactory(territory=territory, slug="secret", draft=True)
    assert client.get("/api/v1/challenges/val-de-drome/secret/results").status_code == 404


def test_before_the_start_results_are_null(client, territory) -> None:
    ChallengeFactory(territory=territory, slug="bientot", open_for_registration=True)
    response = client.get("/api/v1/challenges/val-de-drome/bientot/results")
    assert response.json() == {"results": None}


def test_my_results_require_authentication(client) -> None:
    assert client.get("/api/v1/me/results").status_code == 401


def test_my_results_are_my_household_figures_and_my_team(client, world) -> None:
    mine = world["regs"][0]
    client.force_login(UserFactory(household=mine.household))
    (entry,) = client.get("/api/v1/me/results").json()
    assert entry["challenge"] == "hiver"
    assert entry["household"] == world["payload"]["households"][str(mine.pk)]
    assert entry["team"]["name"] == "Les Sobres"
    other = world["regs"][1].household_id
    assert entry["household"]["household_id"] == mine.household_id != other
    assert "households" not in entry
    assert "excluded" not in entry


def test_a_user_without_household_has_no_results(client, outsider) -> None:
    client.force_login(outsider)
    assert client.get("/api/v1/me/results").json() == []
