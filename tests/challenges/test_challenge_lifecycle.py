"""The life cycle of a challenge: phases from dates, publication, overrides, archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from challenges.models import Phase, Theme
from challenges.services.challenge import (
    challenge_archive,
    challenge_clear_override,
    challenge_override_phase,
    challenge_publish,
)
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def energy(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory,
        themes=[Theme.ENERGY, Theme.WATER],
        registration_opens_on=D(2026, 10, 1),
        registration_closes_on=D(2026, 11, 15),
        starts_on=D(2026, 12, 1),
        ends_on=D(2027, 4, 30),
    )


@pytest.fixture
def waste(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory,
        themes=[Theme.WASTE],
        registration_opens_on=D(2026, 11, 2),
        registration_closes_on=D(2026, 12, 20),
        starts_on=D(2027, 1, 4),
        ends_on=D(2027, 6, 30),
        reference_weeks=4,
    )


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (D(2026, 9, 30), Phase.ANNOUNCED),
        (D(2026, 10, 1), Phase.REGISTRATION),
        (D(2026, 11, 15), Phase.REGISTRATION),
        (D(2026, 11, 16), Phase.REFERENCE),
        (D(2026, 12, 1), Phase.RUNNING),
        (D(2027, 4, 30), Phase.RUNNING),
        (D(2027, 5, 1), Phase.CLOSED),
    ],
)
def test_an_energy_challenge_moves_through_its_phases_with_the_dates(energy, today, phase) -> None:  # type: ignore[no-untyped-def]
    assert energy.phase(today) == phase


def test_the_energy_reference_period_is_the_same_dates_one_year_earlier(energy) -> None:  # type: ignore[no-untyped-def]
    assert energy.reference_period == (D(2025, 12, 1), D(2026, 5, 1))


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (D(2026, 12, 20), Phase.REGISTRATION),
        (D(2027, 1, 4), Phase.REFERENCE),
        (D(2027, 1, 31), Phase.REFERENCE),
        (D(2027, 2, 1), Phase.RUNNING),
        (D(2027, 6, 30), Phase.RUNNING),
        (D(2027, 7, 1), Phase.CLOSED),
    ],
)
def test_a_waste_challenge_weighs_its_first_weeks_as_reference(waste, today, phase) -> None:  # type: ignore[no-untyped-def]
    assert waste.phase(today) == phase


def test_a_draft_stays_a_draft_whatever_the_date(territory) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True)
    assert draft.phase() == Phase.DRAFT


def test_publishing_a_draft_gives_it_the_phase_of_its_dates(territory) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True, open_for_registration=True)
    challenge_publish(challenge=draft)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.phase() == Phase.REGISTRATION
    with pytest.raises(ValidationError):
        challenge_publish(challenge=draft)


def test_an_override_reopens_registrations_and_its_removal_restores_the_dates(
    energy, organiser
) -> None:  # type: ignore[no-untyped-def]
    challenge_override_phase(
        challenge=energy, phase=Phase.REGISTRATION, note="Deux jours de plus", user=organiser
    )
    energy.refresh_from_db()
    assert energy.phase(D(2026, 11, 20)) == Phase.REGISTRATION
    assert energy.registration_is_open(D(2026, 11, 20))
    assert energy.phase_overridden_by == organiser
    assert energy.phase_override_note == "Deux jours de plus"
    challenge_clear_override(challenge=energy, user=organiser)
    energy.refresh_from_db()
    assert energy.phase_override == ""
    assert energy.phase(D(2026, 11, 20)) == Phase.REFERENCE


def test_a_draft_cannot_be_forced_into_a_phase(territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = ChallengeFactory(territory=territory, draft=True)
    with pytest.raises(ValidationError):
        challenge_override_phase(
            challenge=draft, phase=Phase.RUNNING, note="Trop tôt", user=organiser
        )
    draft.refresh_from_db()
    assert draft.phase_override == ""


def test_archiving_ends_the_life_cycle_and_drops_any_override(energy, organiser) -> None:  # type: ignore[no-untyped-def]
    challenge_override_phase(challenge=energy, phase=Phase.RUNNING, note="", user=organiser)
    challenge_archive(challenge=energy)
    energy.refresh_from_db()
    assert energy.archived_at is not None
    assert energy.phase(D(2026, 12, 15)) == Phase.ARCHIVED
    with pytest.raises(ValidationError):
        challenge_archive(challenge=energy)
