from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from challenges.models import (
    EcoGesture,
    GestureChoice,
    GestureStatus,
    GestureTick,
    NotForMeReason,
    RegistrationStatus,
    Theme,
)
from challenges.services.gestures import (
    adoption_over_time,
    ecogesture_add_for_territory,
    ecogesture_copy_for_territory,
    ecogesture_edit_for_territory,
    ecogesture_toggle_for_territory,
    gesture_adoption,
    gesture_choose,
    gesture_tick,
    offered_gestures,
    territory_gestures,
)
from tests.factories import ChallengeFactory, EcoGestureFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_catalogue(db):
    # The data migration ships ~90 gestures; these tests build their own.
    EcoGesture.objects.all().delete()


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, themes=[Theme.ENERGY, Theme.WATER])


@pytest.fixture
def registration(challenge):
    return RegistrationFactory(challenge=challenge)


@pytest.fixture
def gesture():
    return EcoGestureFactory(theme=Theme.ENERGY)


TODAY = timezone.localdate


# --- choosing -----------------------------------------------------------------


def test_a_household_commits_then_changes_its_mind(registration, gesture) -> None:
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.COMMITTED)
    choice = gesture_choose(
        registration=registration, gesture=gesture, status=GestureStatus.ALREADY, reason="autre"
    )
    assert GestureChoice.objects.count() == 1
    choice.refresh_from_db()
    assert choice.status == GestureStatus.ALREADY
    assert choice.reason == ""  # a reason only goes with « pas pour moi »


def test_not_for_me_needs_a_reason(registration, gesture) -> None:
    with pytest.raises(ValidationError, match="pourquoi"):
        gesture_choose(
            registration=registration, gesture=gesture, status=GestureStatus.NOT_FOR_ME, reason=""
        )
    choice = gesture_choose(
        registration=registration,
        gesture=gesture,
        status=GestureStatus.NOT_FOR_ME,
        reason=NotForMeReason.TOO_EXPENSIVE,
    )
    assert choice.reason == NotForMeReason.TOO_EXPENSIVE


def test_an_unknown_status_is_refused(registration, gesture) -> None:
    with pytest.raises(ValidationError):
        gesture_choose(registration=registration, gesture=gesture, status="peut-etre")


def test_a_household_on_the_waiting_list_cannot_choose(challenge, gesture) -> None:
    waiting = RegistrationFactory(challenge=challenge, status=RegistrationStatus.WAITING)
    with pytest.raises(ValidationError):
        gesture_choose(registration=waiting, gesture=gesture, status=GestureStatus.COMMITTED)


def test_a_closed_challenge_is_read_only(territory, gesture) -> None:
    closed = ChallengeFactory(
        territory=territory,
        starts_on=TODAY() - dt.timedelta(days=200),
        ends_on=TODAY() - dt.timedelta(days=10),
    )
    registration = RegistrationFactory(challenge=closed)
    with pytest.raises(ValidationError, match="terminé"):
        gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.COMMITTED)
    GestureChoice.objects.create(
        registration=registration, gesture=gesture, status=GestureStatus.COMMITTED
    )
    with pytest.raises(ValidationError, match="terminé"):
        gesture_tick(registration=registration, gesture=gesture, day=TODAY() - dt.timedelta(20))


# --- ticking ------------------------------------------------------------------


def test_ticking_twice_the_same_day_keeps_one_tick(registration, gesture) -> None:
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.COMMITTED)
    _tick, created = gesture_tick(registration=registration, gesture=gesture, day=TODAY())
    _tick, created_again = gesture_tick(registration=registration, gesture=gesture, day=TODAY())
    assert (created, created_again) == (True, False)
    assert GestureTick.objects.count() == 1


def test_a_tick_in_the_future_or_before_the_start_is_refused(challenge, registration, gesture):
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.COMMITTED)
    with pytest.raises(ValidationError, match="à venir"):
        gesture_tick(registration=registration, gesture=gesture, day=TODAY() + dt.timedelta(1))
    with pytest.raises(ValidationError, match="précède"):
        gesture_tick(
            registration=registration,
            gesture=gesture,
            day=challenge.starts_on - dt.timedelta(days=1),
        )
    assert not GestureTick.objects.exists()


def test_only_committed_gestures_are_ticked(registration, gesture) -> None:
    with pytest.raises(ValidationError, match="Engagez-vous"):
        gesture_tick(registration=registration, gesture=gesture, day=TODAY())
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.ALREADY)
    with pytest.raises(ValidationError, match="Engagez-vous"):
        gesture_tick(registration=registration, gesture=gesture, day=TODAY())


def test_ticks_are_kept_when_the_household_changes_its_choice(registration, gesture) -> None:
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.COMMITTED)
    gesture_tick(registration=registration, gesture=gesture, day=TODAY())
    gesture_choose(registration=registration, gesture=gesture, status=GestureStatus.ALREADY)
    assert GestureTick.objects.count() == 1


# --- what a challenge offers ----------------------------------------------------


def test_a_challenge_offers_the_catalogue_gestures_of_its_themes(challenge) -> None:
    energy = EcoGestureFactory(theme=Theme.ENERGY)
    water = EcoGestureFactory(theme=Theme.WATER)
    EcoGestureFactory(theme=Theme.MOBILITY)
    EcoGestureFactory(theme=Theme.ENERGY, is_active=False)
    assert set(offered_gestures(challenge)) == {energy, water}


def test_a_territory_copy_shadows_the_catalogue_gesture(challenge, territory, other_territory):
    source = EcoGestureFactory(theme=Theme.ENERGY, title="Baisser le chauffage")
    copy = ecogesture_edit_for_territory(
        territory=territory, gesture=source, data={"title": "Chauffer à 19 °C à Crest"}
    )
    source.refresh_from_db()
    assert source.title == "Baisser le chauffage"  # the catalogue never changes
    assert copy.copied_from == source
    assert list(offered_gestures(challenge)) == [copy]
    elsewhere = ChallengeFactory(territory=other_territory)
    assert list(offered_gestures(elsewhere)) == [source]


def test_a_hidden_gesture_is_not_offered_and_can_come_back(challenge, territory) -> None:
    source = EcoGestureFactory(theme=Theme.ENERGY)
    hidden = ecogesture_toggle_for_territory(territory=territory, gesture=source)
    assert not hidden.is_active
    assert hidden.copied_from == source
    assert list(offered_gestures(challenge)) == []
    shown = ecogesture_toggle_for_territory(territory=territory, gesture=source)
    assert shown.pk == hidden.pk
    assert shown.is_active
    assert list(offered_gestures(challenge)) == [shown]


def test_a_copy_takes_over_the_choices_of_the_territory_households(
    challenge, registration, other_territory
) -> None:
    source = EcoGestureFactory(theme=Theme.ENERGY)
    gesture_choose(registration=registration, gesture=source, status=GestureStatus.COMMITTED)
    gesture_tick(registration=registration, gesture=source, day=TODAY())
    elsewhere = RegistrationFactory(challenge=ChallengeFactory(territory=other_territory))
    gesture_choose(registration=elsewhere, gesture=source, status=GestureStatus.ALREADY)

    copy = ecogesture_copy_for_territory(territory=challenge.territory, gesture=source)

    choice = GestureChoice.objects.get(registration=registration)
    assert choice.gesture == copy
    assert choice.ticks.count() == 1
    assert GestureChoice.objects.get(registration=elsewhere).gesture == source
    assert ecogesture_copy_for_territory(territory=challenge.territory, gesture=source) == copy


def test_a_territory_cannot_copy_another_territory_gesture(territory, other_territory) -> None:
    theirs = EcoGestureFactory(territory=other_territory)
    with pytest.raises(ValidationError):
        ecogesture_copy_for_territory(territory=territory, gesture=theirs)


def test_a_territory_adds_its_own_gestures_with_free_slugs(challenge, territory) -> None:
    data = {"theme": Theme.WATER, "title": "Réparer la fuite", "explanation": "Vite."}
    first = ecogesture_add_for_territory(territory=territory, data=data)
    second = ecogesture_add_for_territory(territory=territory, data=data)
    assert (first.slug, second.slug) == ("reparer-la-fuite", "reparer-la-fuite-2")
    assert set(offered_gestures(challenge)) == {first, second}


def test_the_territory_catalogue_lists_each_gesture_with_its_copy(territory) -> None:
    kept = EcoGestureFactory(theme=Theme.ENERGY)
    edited = EcoGestureFactory(theme=Theme.ENERGY)
    copy = ecogesture_copy_for_territory(territory=territory, gesture=edited)
    own = EcoGestureFactory(theme=Theme.WATER, territory=territory)
    rows = territory_gestures(territory)
    assert (kept, None) in rows
    assert (edited, copy) in rows
    assert (own, None) in rows
    assert len(rows) == 3


# --- figures ---------------------------------------------------------------------


def test_adoption_counts_and_shares_on_four_households(challenge) -> None:
    heating, shower, leds = (
        EcoGestureFactory(theme=Theme.ENERGY, title="Chauffage"),
        EcoGestureFactory(theme=Theme.WATER, title="Douche"),
        EcoGestureFactory(theme=Theme.ENERGY, title="LED"),
    )
    households = [RegistrationFactory(challenge=challenge) for _ in range(4)]
    withdrawn = RegistrationFactory(challenge=challenge, status=RegistrationStatus.WITHDRAWN)
    # heating: 3 of 4 adopt it (2 already, 1 commits), 1 not for me (too expensive)
    for registration, status in zip(households, ["deja", "deja", "engage"], strict=False):
        GestureChoice.objects.create(registration=registration, gesture=heating, status=status)
    GestureChoice.objects.create(
        registration=households[3], gesture=heating, status="pas_pour_moi", reason="trop_cher"
    )
    # shower: 1 commits, 2 not for me (not applicable); leds: none
    GestureChoice.objects.create(registration=households[0], gesture=shower, status="engage")
    for registration in households[1:3]:
        GestureChoice.objects.create(
            registration=registration,
            gesture=shower,
            status="pas_pour_moi",
            reason="non_applicable",
        )
    # A withdrawn household does not count.
    GestureChoice.objects.create(registration=withdrawn, gesture=leds, status="deja")

    stats = gesture_adoption(challenge)

    assert stats.households == 4
    rows = {row.gesture.title: row for row in stats.gestures}
    assert (rows["Chauffage"].already, rows["Chauffage"].committed) == (2, 1)
    assert rows["Chauffage"].share == 0.75
    assert rows["Chauffage"].percent == 75
    assert rows["Douche"].adopted == 1
    assert rows["Douche"].not_for_me == 2
    assert rows["LED"].adopted == 0
    assert [row.gesture.title for row in stats.top] == ["Chauffage", "Douche"]
    assert [(r.reason, r.count, r.percent) for r in stats.reasons] == [
        ("non_applicable", 2, 67),
        ("trop_cher", 1, 33),
    ]
    assert [(r.title, r.count) for r in stats.refused] == [("Douche", 2), ("Chauffage", 1)]
    assert [label for label, _rows in stats.by_theme] == ["Énergie", "Eau"]
    assert stats.by_theme[0][1][0].gesture.title == "Chauffage"


def test_adoption_over_time_is_cumulative_per_week(territory) -> None:
    monday = TODAY() - dt.timedelta(days=TODAY().weekday())
    start = monday - dt.timedelta(weeks=3)  # a Monday: weeks start, start+1w, +2w, +3w
    challenge = ChallengeFactory(
        territory=territory, starts_on=start, ends_on=start + dt.timedelta(days=150)
    )
    gesture, other = EcoGestureFactory(), EcoGestureFactory()
    first, second = (
        RegistrationFactory(challenge=challenge),
        RegistrationFactory(challenge=challenge),
    )
    noon = dt.time(12, tzinfo=timezone.get_current_timezone())
    # One commitment before the start (counts in week 1), one in week 3.
    early = GestureChoice.objects.create(
        registration=first,
        gesture=gesture,
        status="engage",
        chosen_at=dt.datetime.combine(start - dt.timedelta(days=10), noon),
    )
    late = GestureChoice.objects.create(
        registration=second,
        gesture=other,
        status="engage",
        chosen_at=dt.datetime.combine(start + dt.timedelta(days=15), noon),
    )
    GestureChoice.objects.create(registration=second, gesture=gesture, status="deja")
    for day in (0, 1, 8, 16):
        GestureTick.objects.create(choice=early, done_on=start + dt.timedelta(days=day))
    GestureTick.objects.create(choice=late, done_on=start + dt.timedelta(days=21))

    weekly = adoption_over_time(challenge)

    assert weekly.weeks == [start + dt.timedelta(weeks=i) for i in range(4)]
    assert weekly.commitments == [1, 1, 2, 2]
    assert weekly.ticks == [2, 3, 4, 5]


def test_adoption_over_time_before_the_start_has_one_week(territory) -> None:
    challenge = ChallengeFactory(territory=territory, open_for_registration=True)
    weekly = adoption_over_time(challenge)
    assert len(weekly.weeks) == 1
    assert weekly.commitments == [0]
