"""Teams: size limits, moves, captains, joining by code, suggestion by commune."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from challenges.models import Phase, RegistrationStatus, Team
from challenges.services.teams import (
    team_create,
    team_delete,
    team_join,
    team_move,
    team_set_captain,
    teams_are_locked,
    teams_create_from_suggestion,
    teams_suggest,
)
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    DepartmentFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _fill(team: Team, count: int) -> list:
    return [RegistrationFactory(challenge=team.challenge, team=team) for _ in range(count)]


@pytest.fixture
def forming():
    """A challenge still open for registration: teams are being formed."""
    return ChallengeFactory(open_for_registration=True)


@pytest.fixture
def running():
    return ChallengeFactory()


def test_it_knows_when_teams_are_locked(forming, running) -> None:
    assert not teams_are_locked(forming)
    assert teams_are_locked(running)
    assert teams_are_locked(forming, forming.starts_on)


def test_it_refuses_an_eleventh_household(forming) -> None:
    team = TeamFactory(challenge=forming, name="Crest 1")
    _fill(team, 10)
    eleventh = RegistrationFactory(challenge=forming)
    with pytest.raises(ValidationError) as error:
        team_move(registration=eleventh, team=team)
    assert error.value.code == "full"
    assert "complète" in error.value.messages[0]
    assert "10 foyers" in error.value.messages[0]
    eleventh.refresh_from_db()
    assert eleventh.team is None


def test_it_accepts_the_tenth_household(forming) -> None:
    team = TeamFactory(challenge=forming)
    _fill(team, 9)
    tenth = RegistrationFactory(challenge=forming)
    team_move(registration=tenth, team=team)
    assert team.registrations.count() == 10


def test_a_team_below_three_is_allowed_while_forming(forming) -> None:
    team = TeamFactory(challenge=forming)
    first, *_rest = _fill(team, 3)
    team_move(registration=first, team=None)
    assert team.registrations.count() == 2


def test_once_running_a_move_cannot_leave_a_team_below_three(running) -> None:
    team = TeamFactory(challenge=running, name="Crest 1")
    other = TeamFactory(challenge=running)
    first, *_rest = _fill(team, 3)
    with pytest.raises(ValidationError) as error:
        team_move(registration=first, team=other)
    assert error.value.code == "too_small"
    assert "Crest 1" in error.value.messages[0]
    with pytest.raises(ValidationError):
        team_move(registration=first, team=None)
    first.refresh_from_db()
    assert first.team == team


def test_once_running_a_move_keeping_three_is_allowed(running) -> None:
    team = TeamFactory(challenge=running)
    other = TeamFactory(challenge=running)
    first, *_rest = _fill(team, 4)
    team_move(registration=first, team=other)
    first.refresh_from_db()
    assert first.team == other


def test_a_phase_override_to_running_locks_the_teams(forming) -> None:
    forming.phase_override = Phase.RUNNING
    forming.save()
    team = TeamFactory(challenge=forming)
    first, *_rest = _fill(team, 3)
    with pytest.raises(ValidationError):
        team_move(registration=first, team=None)


def test_only_selected_households_can_be_in_a_team(forming) -> None:
    team = TeamFactory(challenge=forming)
    candidate = RegistrationFactory(challenge=forming, status=RegistrationStatus.CANDIDATE)
    with pytest.raises(ValidationError) as error:
        team_move(registration=candidate, team=team)
    assert error.value.code == "not_selected"


def test_a_team_of_another_challenge_is_refused(forming) -> None:
    registration = RegistrationFactory(challenge=forming)
    with pytest.raises(ValidationError) as error:
        team_move(registration=registration, team=TeamFactory())
    assert error.value.code == "wrong_challenge"


def test_a_captain_whose_household_leaves_is_no_longer_captain(forming) -> None:
    team = TeamFactory(challenge=forming)
    first, *_rest = _fill(team, 3)
    captain = UserFactory(household=first.household)
    team_set_captain(team=team, captain=captain, trained=True)
    team_move(registration=first, team=None)
    team.refresh_from_db()
    assert team.captain is None
    assert team.captain_trained is False


def test_the_captain_must_be_a_member_of_the_team(forming) -> None:
    team = TeamFactory(challenge=forming, name="Les Sobres")
    _fill(team, 3)
    stranger = UserFactory(household=HouseholdFactory())
    with pytest.raises(ValidationError) as error:
        team_set_captain(team=team, captain=stranger, trained=False)
    assert "doit faire partie d'un foyer de l'équipe « Les Sobres »" in error.value.messages[0]
    with pytest.raises(ValidationError):
        team_set_captain(team=team, captain=UserFactory(), trained=False)


def test_a_new_captain_replaces_the_previous_one(forming) -> None:
    team = TeamFactory(challenge=forming)
    first, second, _third = _fill(team, 3)
    alice = UserFactory(household=first.household)
    bob = UserFactory(household=second.household)
    team_set_captain(team=team, captain=alice, trained=True)
    team_set_captain(team=team, captain=bob, trained=False)
    team.refresh_from_db()
    assert team.captain == bob
    assert team.captain_trained is False
    team_set_captain(team=team, captain=None, trained=True)
    team.refresh_from_db()
    assert team.captain is None
    assert team.captain_trained is False


def test_team_names_are_unique_per_challenge(forming) -> None:
    team_create(challenge=forming, name="Crest 1")
    with pytest.raises(ValidationError) as error:
        team_create(challenge=forming, name="crest 1 ")
    assert error.value.messages[0] == "Une équipe s'appelle déjà « crest 1 » dans ce défi."
    team_create(challenge=ChallengeFactory(), name="Crest 1")


def test_only_an_empty_team_can_be_deleted(forming) -> None:
    team = TeamFactory(challenge=forming)
    _fill(team, 1)
    with pytest.raises(ValidationError):
        team_delete(team=team)
    empty = TeamFactory(challenge=forming)
    team_delete(team=empty)
    assert not Team.objects.filter(pk=empty.pk).exists()


# --- joining by code ---------------------------------------------------------


def test_a_selected_household_joins_with_the_code(forming) -> None:
    team = TeamFactory(challenge=forming)
    registration = RegistrationFactory(challenge=forming)
    team_join(registration=registration, team=team)
    registration.refresh_from_db()
    assert registration.team == team


def test_a_candidate_keeps_the_code_until_selected(forming) -> None:
    team = TeamFactory(challenge=forming)
    registration = RegistrationFactory(challenge=forming, status=RegistrationStatus.WAITING)
    team_join(registration=registration, team=team)
    registration.refresh_from_db()
    assert registration.team is None
    assert registration.requested_team_code == team.invite_code


def test_joining_a_full_team_is_refused(forming) -> None:
    team = TeamFactory(challenge=forming)
    _fill(team, 10)
    with pytest.raises(ValidationError) as error:
        team_join(registration=RegistrationFactory(challenge=forming), team=team)
    assert error.value.code == "full"


def test_joining_a_team_of_another_challenge_is_refused(forming) -> None:
    with pytest.raises(ValidationError) as error:
        team_join(registration=RegistrationFactory(challenge=forming), team=TeamFactory())
    assert error.value.code == "wrong_challenge"


def test_a_household_already_in_a_team_must_confirm_the_move(forming) -> None:
    mine = TeamFactory(challenge=forming, name="Mon équipe")
    other = TeamFactory(challenge=forming)
    registration = RegistrationFactory(challenge=forming, team=mine)
    with pytest.raises(ValidationError) as error:
        team_join(registration=registration, team=other)
    assert error.value.code == "already_in_team"
    assert "Mon équipe" in error.value.messages[0]
    team_join(registration=registration, team=other, move=True)
    registration.refresh_from_db()
    assert registration.team == other


def test_nobody_joins_a_team_once_the_challenge_is_closed() -> None:
    today = timezone.localdate()
    closed = ChallengeFactory(
        starts_on=today - dt.timedelta(days=200), ends_on=today - dt.timedelta(days=10)
    )
    with pytest.raises(ValidationError) as error:
        team_join(
            registration=RegistrationFactory(challenge=closed), team=TeamFactory(challenge=closed)
        )
    assert error.value.code == "closed"


# --- suggestion by commune ---------------------------------------------------


def _households(challenge, commune, count: int) -> list:
    return [
        RegistrationFactory(
            challenge=challenge,
            household=HouseholdFactory(commune=commune, name=f"{commune.name} {i}"),
        )
        for i in range(count)
    ]


def test_the_suggestion_groups_households_by_commune(forming) -> None:
    drome = DepartmentFactory(code="26", name="Drôme")
    ardeche = DepartmentFactory(code="07", name="Ardèche")
    crest = CommuneFactory(insee_code="26108", name="Crest", department=drome)
    aouste = CommuneFactory(insee_code="26011", name="Aouste-sur-Sye", department=drome)
    saillans = CommuneFactory(insee_code="26289", name="Saillans", department=drome)
    privas = CommuneFactory(insee_code="07186", name="Privas", department=ardeche)
    crest_households = _households(forming, crest, 12)
    aouste_households = _households(forming, aouste, 3)
    small = _households(forming, saillans, 2) + _households(forming, privas, 1)
    # Already in a team, not selected: left out of the suggestion.
    TeamFactory(challenge=forming, name="Crest 1")
    RegistrationFactory(
        challenge=forming,
        household=HouseholdFactory(commune=crest),
        team=Team.objects.get(name="Crest 1"),
    )
    RegistrationFactory(
        challenge=forming,
        household=HouseholdFactory(commune=crest),
        status=RegistrationStatus.CANDIDATE,
    )

    suggestion = teams_suggest(challenge=forming)

    groups = {group.name: group.registrations for group in suggestion.teams}
    # 12 in Crest → 6 + 6; "Crest 1" is taken, so numbering goes on.
    assert sorted(groups) == ["Aouste-sur-Sye 1", "Crest 2", "Crest 3", "Équipe mixte 1"]
    assert [len(groups["Crest 2"]), len(groups["Crest 3"])] == [6, 6]
    assert set(groups["Crest 2"]) | set(groups["Crest 3"]) == set(crest_households)
    assert groups["Aouste-sur-Sye 1"] == aouste_households
    # Saillans (2, Drôme) and Privas (1, Ardèche): too few per department, so together.
    assert set(groups["Équipe mixte 1"]) == set(small)
    assert suggestion.leftovers == []


def test_the_suggestion_pools_small_communes_by_department(forming) -> None:
    drome = DepartmentFactory(code="26", name="Drôme")
    ardeche = DepartmentFactory(code="07", name="Ardèche")
    pooled = _households(
        forming, CommuneFactory(name="Saillans", department=drome), 2
    ) + _households(forming, CommuneFactory(name="Mirmande", department=drome), 2)
    alone = _households(forming, CommuneFactory(name="Privas", department=ardeche), 2)

    suggestion = teams_suggest(challenge=forming)

    assert [(g.name, set(g.registrations)) for g in suggestion.teams] == [("Drôme 1", set(pooled))]
    assert set(suggestion.leftovers) == set(alone)


def test_confirming_the_suggestion_creates_the_teams(forming) -> None:
    crest = CommuneFactory(name="Crest")
    households = _households(forming, crest, 11)
    created = teams_create_from_suggestion(challenge=forming)
    assert [t.name for t in created] == ["Crest 1", "Crest 2"]
    assert all(t.commune == crest for t in created)
    sizes = sorted(t.registrations.count() for t in created)
    assert sizes == [5, 6]
    assert all(r.team_id is not None for r in type(households[0]).objects.filter(challenge=forming))
    # Nothing left to suggest.
    assert teams_suggest(challenge=forming).teams == []
