"""GET /api/v1/challenges and /api/v1/challenges/{territory}/{slug} (public)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from challenges.models import RegistrationStatus, Theme
from tests.factories import (
    ChallengeFactory,
    RegistrationFactory,
    TeamFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db


def test_it_lists_published_challenges_of_published_territories(client, territory) -> None:  # type: ignore[no-untyped-def]
    hidden_territory = TerritoryFactory(slug="cache", is_published=False)
    shown = ChallengeFactory(territory=territory, slug="hiver-2026")
    ChallengeFactory(territory=territory, slug="brouillon", draft=True)
    ChallengeFactory(territory=hidden_territory, slug="ailleurs")
    team = TeamFactory(challenge=shown)
    RegistrationFactory.create_batch(2, challenge=shown, team=team)
    RegistrationFactory(challenge=shown, status=RegistrationStatus.WAITING)
    data = client.get("/api/v1/challenges").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["territory"] == "val-de-drome"
    assert item["slug"] == "hiver-2026"
    assert item["themes"] == ["energie", "eau"]
    assert item["phase"] == "en_cours"
    assert item["phase_label"] == "En cours"
    assert item["selected_households"] == 2
    assert item["teams"] == 1
    assert item["url"] == "/t/val-de-drome/defis/hiver-2026/"


def test_it_filters_by_territory(client, territory, other_territory) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, slug="ici")
    ChallengeFactory(territory=other_territory, slug="la-bas")
    data = client.get("/api/v1/challenges", {"territory": "pays-voisin"}).json()
    assert [c["slug"] for c in data["items"]] == ["la-bas"]
    assert client.get("/api/v1/challenges", {"territory": "x" * 500}).json()["count"] == 0


def test_it_details_a_challenge_with_objectives_and_reference_period(client, territory) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(
        territory=territory,
        slug="hiver",
        themes=[Theme.ENERGY],
        objective_energy_pct=8,
        objective_water_pct=10,  # not a theme of this challenge: not shown
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 4, 30),
        registration_opens_on=dt.date(2026, 10, 1),
        registration_closes_on=dt.date(2026, 11, 15),
        max_households=50,
    )
    data = client.get("/api/v1/challenges/val-de-drome/hiver").json()
    assert data["ends_on"] == "2027-04-30"
    assert data["reference_period_starts_on"] == "2025-12-01"
    assert data["reference_period_ends_on"] == "2026-04-30"
    assert data["objectives"] == [{"theme": "energie", "reduction_pct": "8.0"}]
    assert data["places_left"] == 50


def test_a_draft_or_unknown_challenge_is_a_french_404(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, slug="brouillon", draft=True)
    for path in ("val-de-drome/brouillon", "val-de-drome/inconnu", "inconnu/brouillon"):
        response = client.get(f"/api/v1/challenges/{path}")
        assert response.status_code == 404
        assert response.json() == {"message": "Ressource introuvable."}
    # Its organisers see it (session), like on the site.
    client.force_login(organiser)
    assert client.get("/api/v1/challenges/val-de-drome/brouillon").json()["phase"] == "brouillon"


def test_an_archived_challenge_stays_listed_as_archived(client, territory) -> None:  # type: ignore[no-untyped-def]
    ChallengeFactory(territory=territory, archived_at=timezone.now())
    assert client.get("/api/v1/challenges").json()["items"][0]["phase"] == "archive"


def _challenges_with_teams(n: int, territory) -> None:  # type: ignore[no-untyped-def]
    for challenge in ChallengeFactory.create_batch(n, territory=territory):
        team = TeamFactory(challenge=challenge)
        RegistrationFactory(challenge=challenge, team=team)


def test_the_list_costs_the_same_queries_for_10_or_30_challenges(
    client, territory, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _challenges_with_teams(10, territory)
    with django_assert_num_queries(2):  # the count, then the page
        assert len(client.get("/api/v1/challenges").json()["items"]) == 10
    _challenges_with_teams(20, territory)
    with django_assert_num_queries(2):
        data = client.get("/api/v1/challenges").json()
    assert len(data["items"]) == 30
    assert {c["teams"] for c in data["items"]} == {1}
