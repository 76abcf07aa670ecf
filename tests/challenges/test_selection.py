"""The selection engine: each rule on hand-made candidates, then the service
that writes the decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from challenges.models import RegistrationDecision, RegistrationStatus, SelectionRule
from challenges.selection import Candidate, decide, selection_apply
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

SELECTED = RegistrationStatus.SELECTED
WAITING = RegistrationStatus.WAITING


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, 11, day, hour, tzinfo=dt.UTC)


def candidate(pk: int, day: int, **kwargs) -> Candidate:  # type: ignore[no-untyped-def]
    defaults = {
        "housing_type": "maison",
        "main_heating": "gaz",
        "persons": 3,
        "commune_id": 1,
        "housing_label": "Maison",
        "heating_label": "Gaz naturel",
        "commune_name": "Crest",
    }
    return Candidate(pk=pk, registered_at=at(day), **{**defaults, **kwargs})


def order(outcomes) -> list[int]:  # type: ignore[no-untyped-def]
    return [o.pk for o in outcomes if o.status == SELECTED] + [
        o.pk for o in sorted(outcomes, key=lambda o: o.waiting_rank or 0) if o.status == WAITING
    ]


def by_pk(outcomes):  # type: ignore[no-untyped-def]
    return {o.pk: o for o in outcomes}


def test_first_come_selects_the_earliest_and_ranks_the_others():
    candidates = [candidate(1, 5), candidate(2, 3), candidate(3, 4), candidate(4, 6)]
    outcomes = decide(SelectionRule.FIRST_COME, candidates, max_households=2)
    assert order(outcomes) == [2, 3, 1, 4]
    result = by_pk(outcomes)
    assert result[2].reason == "Retenu : inscrit le 3 novembre 2025, parmi les 2 premiers"
    assert result[1].waiting_rank == 1
    assert result[4].waiting_rank == 2
    assert result[4].reason == (
        "Liste d'attente (rang 2) : les 2 places sont prises ; les premiers inscrits passent d'abord"
    )


def test_places_already_taken_are_not_given_twice():
    already = [candidate(10, 1)]
    outcomes = decide(
        SelectionRule.FIRST_COME,
        [candidate(1, 2), candidate(2, 3)],
        max_households=2,
        selected=already,
    )
    assert [(o.pk, o.status) for o in outcomes] == [(1, SELECTED), (2, WAITING)]


def test_a_full_challenge_puts_everyone_on_the_waiting_list():
    outcomes = decide(
        SelectionRule.FIRST_COME,
        [candidate(1, 2)],
        max_households=1,
        selected=[candidate(9, 1)],
    )
    assert outcomes[0].status == WAITING
    assert outcomes[0].waiting_rank == 1


def test_ties_on_registration_time_fall_back_on_the_primary_key():
    outcomes = decide(
        SelectionRule.FIRST_COME, [candidate(7, 3), candidate(4, 3)], max_households=1
    )
    assert order(outcomes) == [4, 7]


def test_residents_pass_before_earlier_outsiders():
    candidates = [
        candidate(1, 1, is_resident=False, commune_name="Valence"),
        candidate(2, 2, is_resident=True),
        candidate(3, 3, is_resident=True),
        candidate(4, 4, is_resident=False, commune_name="Valence"),
    ]
    outcomes = decide(SelectionRule.RESIDENTS_FIRST, candidates, max_households=3)
    assert order(outcomes) == [2, 3, 1, 4]
    result = by_pk(outcomes)
    assert result[2].reason == (
        "Retenu : foyer de Crest, commune du territoire, inscrit le 2 novembre 2025"
    )
    assert result[1].reason == (
        "Retenu : inscrit le 1 novembre 2025 ; il restait des places après "
        "les habitants des communes du territoire"
    )
    assert result[4].reason == (
        "Liste d'attente (rang 1) : les 3 places sont prises ; "
        "les habitants des communes du territoire passent d'abord"
    )


def test_members_of_the_association_pass_first():
    candidates = [candidate(1, 1), candidate(2, 2, is_member=True), candidate(3, 3)]
    outcomes = decide(
        SelectionRule.MEMBERS_FIRST, candidates, max_households=1, association="Dromolib"
    )
    assert order(outcomes) == [2, 1, 3]
    result = by_pk(outcomes)
    assert result[2].reason == "Retenu : adhérent·e de Dromolib, inscrit le 2 novembre 2025"
    assert result[3].waiting_rank == 2
    assert "les adhérent·es de l'association passent d'abord" in result[3].reason


def test_team_registrations_pass_first_and_stay_together():
    candidates = [
        candidate(1, 1),  # alone, first registered
        candidate(2, 2, team_code="AAA", team_name="Les Pionniers"),
        candidate(3, 3, team_code="BBB", team_name="Les Castors"),
        candidate(4, 4, team_code="AAA", team_name="Les Pionniers"),
        candidate(5, 5, team_code="AAA", team_name="Les Pionniers"),
        candidate(6, 6, team_code="BBB", team_name="Les Castors"),
    ]
    # 4 places: team AAA (3 households) fits, team BBB (2) does not fit in the 1 left.
    outcomes = decide(SelectionRule.TEAMS_FIRST, candidates, max_households=4)
    assert order(outcomes) == [2, 4, 5, 3, 6, 1]
    result = by_pk(outcomes)
    assert result[2].reason == (
        "Retenu : inscription en équipe (« Les Pionniers »), inscrit le 2 novembre 2025"
    )
    # BBB fills the last place as far as it can, before households registered alone.
    assert result[3].status == SELECTED
    assert result[6].reason == (
        "Liste d'attente (rang 1) : les 4 places sont prises ; "
        "votre équipe ne tenait pas entière dans les places restantes"
    )
    assert result[1].waiting_rank == 2


def test_a_smaller_team_that_fits_goes_before_a_bigger_one_that_does_not():
    candidates = [
        candidate(1, 1, team_code="BIG", team_name="Grande"),
        candidate(2, 2, team_code="BIG", team_name="Grande"),
        candidate(3, 3, team_code="BIG", team_name="Grande"),
        candidate(4, 4, team_code="SML", team_name="Petite"),
        candidate(5, 5, team_code="SML", team_name="Petite"),
    ]
    outcomes = decide(SelectionRule.TEAMS_FIRST, candidates, max_households=2)
    assert order(outcomes) == [4, 5, 1, 2, 3]


def test_diverse_profiles_take_the_least_represented_first():
    already = [
        candidate(100, 1, housing_type="maison", main_heating="gaz", persons=4, commune_id=1)
    ]
    candidates = [
        # Same profile as the household already selected: least wanted.
        candidate(1, 2, housing_type="maison", main_heating="gaz", persons=3, commune_id=1),
        # Apartment with electric heating, alone, another commune: new on every criterion.
        candidate(
            2,
            3,
            housing_type="appartement",
            main_heating="electricite",
            persons=1,
            commune_id=2,
            housing_label="Appartement",
            heating_label="Électricité",
            commune_name="Aouste",
        ),
        # House with fuel oil: new heating only.
        candidate(3, 4, main_heating="fioul", heating_label="Fioul"),
    ]
    outcomes = decide(SelectionRule.DIVERSE, candidates, max_households=3, selected=already)
    assert order(outcomes) == [2, 3, 1]
    result = by_pk(outcomes)
    assert result[2].reason == (
        "Retenu : profil peu représenté (appartement, chauffage : électricité, 1 personne, Aouste)"
    )
    assert result[3].reason == (
        "Retenu : profil peu représenté (maison, chauffage : fioul, 3 ou 4 personnes, Crest)"
    )
    assert result[1].reason.startswith("Liste d'attente (rang 1) : les 3 places sont prises ;")
    assert result[1].reason.endswith("les profils les moins représentés passent d'abord")


def test_diverse_ties_are_broken_by_registration_time():
    candidates = [candidate(1, 5), candidate(2, 4)]
    outcomes = decide(SelectionRule.DIVERSE, candidates, max_households=1)
    assert order(outcomes) == [2, 1]


def test_diverse_greedy_counts_the_households_it_has_just_picked():
    candidates = [
        candidate(1, 1, main_heating="gaz"),
        candidate(2, 2, main_heating="gaz"),
        candidate(3, 3, main_heating="fioul", housing_type="appartement", persons=1, commune_id=2),
    ]
    outcomes = decide(SelectionRule.DIVERSE, candidates, max_households=2)
    # 1 first (earliest, nothing represented yet), then 3 (differs from 1 everywhere).
    assert order(outcomes) == [1, 3, 2]


@pytest.mark.parametrize("rule", list(SelectionRule))
def test_every_rule_is_deterministic_and_respects_the_places(rule):
    candidates = [
        candidate(
            i,
            1 + i % 7,
            is_resident=i % 2 == 0,
            is_member=i % 3 == 0,
            team_code="T1" if i % 4 == 0 else "",
            team_name="Équipe" if i % 4 == 0 else "",
            persons=1 + i % 6,
            commune_id=i % 3,
        )
        for i in range(1, 21)
    ]
    first = decide(rule, candidates, max_households=8)
    again = decide(rule, list(reversed(candidates)), max_households=8)
    assert first == sorted(again, key=lambda o: [x.pk for x in first].index(o.pk))
    assert sum(o.status == SELECTED for o in first) == 8
    assert sorted(o.waiting_rank for o in first if o.status == WAITING) == list(range(1, 13))
    assert all(len(o.reason) <= 300 for o in first)


# --- the service ---------------------------------------------------------------


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(
        territory=territory,
        open_for_registration=True,
        max_households=2,
        selection_rule=SelectionRule.RESIDENTS_FIRST,
    )


def registration(challenge, day, commune, email):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(commune=commune)
    UserFactory(email=email, household=household)
    return RegistrationFactory(
        challenge=challenge,
        household=household,
        status=RegistrationStatus.CANDIDATE,
        registered_at=at(day),
    )


def test_apply_writes_decisions_ranks_and_emails(
    challenge, territory, mailoutbox, django_capture_on_commit_callbacks
):
    crest = territory.communes.get()
    valence = CommuneFactory(name="Valence")
    outsider = registration(challenge, 1, valence, "loin@example.org")
    near_1 = registration(challenge, 2, crest, "pres1@example.org")
    near_2 = registration(challenge, 3, crest, "pres2@example.org")
    organiser = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        result = selection_apply(challenge=challenge, decided_by=organiser)

    assert (result.selected, result.waiting, result.changed) == (2, 1, 3)
    for r in (outsider, near_1, near_2):
        r.refresh_from_db()
    assert near_1.status == near_2.status == SELECTED
    assert outsider.status == WAITING
    assert outsider.waiting_rank == 1
    decision = RegistrationDecision.objects.get(registration=outsider)
    assert decision.reason == outsider.decision_reason
    assert decision.decided_by == organiser
    assert "les habitants des communes du territoire passent d'abord" in decision.reason
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"loin@example.org", "pres1@example.org", "pres2@example.org"}
    assert "Liste d'attente" in by_recipient["loin@example.org"].subject
    assert "rang 1" in by_recipient["loin@example.org"].body
    assert "retenu" in by_recipient["pres1@example.org"].subject


def test_applying_twice_changes_nothing_and_sends_nothing_more(
    challenge, territory, mailoutbox, django_capture_on_commit_callbacks
):
    crest = territory.communes.get()
    for day in (1, 2, 3):
        registration(challenge, day, crest, f"foyer{day}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        selection_apply(challenge=challenge)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        result = selection_apply(challenge=challenge)
    assert result.changed == 0
    assert len(mailoutbox) == sent
    assert RegistrationDecision.objects.count() == 3


def test_selected_and_withdrawn_households_keep_their_status(challenge, territory):
    crest = territory.communes.get()
    kept = RegistrationFactory(challenge=challenge, status=SELECTED, household__commune=crest)
    gone = RegistrationFactory(
        challenge=challenge, status=RegistrationStatus.WITHDRAWN, household__commune=crest
    )
    newcomer = registration(challenge, 9, crest, "nouveau@example.org")
    selection_apply(challenge=challenge)
    kept.refresh_from_db()
    gone.refresh_from_db()
    newcomer.refresh_from_db()
    assert kept.status == SELECTED
    assert gone.status == RegistrationStatus.WITHDRAWN
    assert newcomer.status == SELECTED  # the second and last place


def test_team_rule_reads_valid_codes_only(territory):
    challenge = ChallengeFactory(
        territory=territory,
        open_for_registration=True,
        max_households=3,
        selection_rule=SelectionRule.TEAMS_FIRST,
    )
    team = TeamFactory(challenge=challenge, name="Les Castors")
    crest = territory.communes.get()
    alone = registration(challenge, 1, crest, "seul@example.org")
    bogus = registration(challenge, 2, crest, "faux@example.org")
    bogus.requested_team_code = "NOPE1234"
    bogus.save()
    in_team = registration(challenge, 3, crest, "equipe@example.org")
    in_team.requested_team_code = team.invite_code
    in_team.save()
    RegistrationFactory(challenge=challenge, status=SELECTED, household__commune=crest)
    RegistrationFactory(challenge=challenge, status=SELECTED, household__commune=crest)

    selection_apply(challenge=challenge)
    in_team.refresh_from_db()
    alone.refresh_from_db()
    bogus.refresh_from_db()
    assert in_team.status == SELECTED
    assert "Les Castors" in in_team.decision_reason
    assert (alone.waiting_rank, bogus.waiting_rank) == (1, 2)


def test_a_household_selected_with_a_team_code_joins_that_team(db) -> None:  # type: ignore[no-untyped-def]
    from challenges.models import RegistrationStatus
    from challenges.selection import decision_record
    from tests.factories import RegistrationFactory, TeamFactory

    team = TeamFactory()
    registration = RegistrationFactory(
        challenge=team.challenge,
        status=RegistrationStatus.CANDIDATE,
        requested_team_code=team.invite_code,
    )
    decision_record(registration=registration, status=RegistrationStatus.SELECTED, reason="Retenu")
    registration.refresh_from_db()
    assert registration.team == team
