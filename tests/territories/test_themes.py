"""The platform's one theme vocabulary: challenges, éco-gestes and events
share it, and the codes stored before the merge are still members."""

from challenges.models import Challenge, EcoGesture
from events.models import Event, WorkshopTemplate
from territories.themes import MEASURED_THEMES, Theme

# The codes challenges.Theme and events.EventTheme stored before they merged.
FORMER_CODES = {
    "energie",
    "eau",
    "dechets",
    "alimentation",
    "mobilite",
    "consommation",
    "logement",
    "biodiversite",
}


def test_every_code_stored_before_the_merge_is_still_a_theme() -> None:
    assert set(Theme.values) >= FORMER_CODES


def test_challenges_gestures_and_events_offer_the_same_list() -> None:
    expected = list(Theme.choices)
    assert EcoGesture._meta.get_field("theme").choices == expected
    assert Event._meta.get_field("theme").choices == expected
    assert WorkshopTemplate._meta.get_field("theme").choices == expected


def test_only_energy_water_and_waste_are_measured() -> None:
    assert {Theme.ENERGY, Theme.WATER, Theme.WASTE} == MEASURED_THEMES


def test_a_challenge_accepts_a_theme_of_the_shared_list() -> None:
    challenge = Challenge(themes=[Theme.CONSUMPTION])
    assert challenge.theme_labels() == ["Consommation responsable"]
