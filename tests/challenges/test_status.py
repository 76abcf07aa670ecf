"""Data status of households (à jour / en retard / aucune donnée), with dates
given explicitly."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.models import Registration, Theme
from challenges.status import DataState, data_statuses
from measures.models import Carrier, Unit
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    WeighingFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)


@pytest.fixture
def challenge():
    return ChallengeFactory(
        themes=[Theme.ENERGY, Theme.WATER, Theme.WASTE, Theme.FOOD],
        starts_on=dt.date(2025, 12, 1),
        ends_on=dt.date(2026, 4, 30),
        registration_opens_on=dt.date(2025, 10, 1),
        registration_closes_on=dt.date(2025, 11, 30),
        reading_frequency_days=15,
        weighing_frequency_days=7,
    )


def _registration(challenge, **kwargs) -> Registration:
    return RegistrationFactory(challenge=challenge, household=HouseholdFactory(), **kwargs)


def _status(registration: Registration, today: dt.date = TODAY):
    registration = Registration.objects.select_related("challenge").get(pk=registration.pk)
    status = data_statuses([registration], today=today)[0]
    # Dashboards count with values=False: every state and date must be the same.
    counted = data_statuses([registration], today=today, values=False)[0]
    assert [replace(t, values=()) for t in status.themes] == counted.themes
    assert counted.needs_reminder == status.needs_reminder
    return {theme.theme: theme for theme in status.themes}, status


def _themes(registration: Registration, today: dt.date = TODAY):
    return _status(registration, today)[0]


def test_it_reports_only_measured_themes(challenge) -> None:
    themes = _themes(_registration(challenge))
    assert list(themes) == [Theme.ENERGY, Theme.WATER, Theme.WASTE]


def test_a_household_without_data_has_no_data(challenge) -> None:
    registration = _registration(challenge)
    MeterFactory(household=registration.household)  # declared, never read
    themes, status = _status(registration)
    assert {t.state for t in themes.values()} == {DataState.MISSING}
    assert themes[Theme.ENERGY].days_since is None
    assert themes[Theme.ENERGY].detail == ""
    assert status.needs_reminder


@pytest.mark.parametrize(
    ("days_ago", "state"),
    [(0, DataState.UP_TO_DATE), (18, DataState.UP_TO_DATE), (19, DataState.LATE)],
)
def test_a_reading_is_late_after_the_frequency_and_three_days_of_grace(
    challenge, days_ago, state
) -> None:
    registration = _registration(challenge)
    meter = MeterFactory(household=registration.household)
    ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=days_ago))
    themes = _themes(registration)
    assert themes[Theme.ENERGY].state == state
    assert themes[Theme.ENERGY].days_since == days_ago


def test_it_says_how_long_ago_the_last_reading_was(challenge) -> None:
    registration = _registration(challenge)
    meter = MeterFactory(household=registration.household)
    ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=40))
    ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=23))
    themes = _themes(registration)
    assert themes[Theme.ENERGY].state == DataState.LATE
    assert themes[Theme.ENERGY].detail == "dernier relevé il y a 23 jours"
    assert themes[Theme.ENERGY].last_on == TODAY - dt.timedelta(days=23)


def test_water_meters_count_for_water_and_the_others_for_energy(challenge) -> None:
    registration = _registration(challenge)
    water = MeterFactory(household=registration.household, carrier=Carrier.WATER, unit=Unit.M3)
    ReadingFactory(meter=water, read_on=TODAY - dt.timedelta(days=2))
    themes = _themes(registration)
    assert themes[Theme.WATER].state == DataState.UP_TO_DATE
    assert themes[Theme.ENERGY].state == DataState.MISSING


def test_the_stalest_energy_meter_decides(challenge) -> None:
    registration = _registration(challenge)
    gas = MeterFactory(household=registration.household, label="Gaz")
    electricity = MeterFactory(
        household=registration.household,
        carrier=Carrier.ELECTRICITY,
        unit=Unit.KWH,
        label="Linky",
    )
    ReadingFactory(meter=gas, read_on=TODAY - dt.timedelta(days=1))
    themes = _themes(registration)
    assert themes[Theme.ENERGY].state == DataState.LATE
    assert themes[Theme.ENERGY].unread_meters == ("Linky",)
    ReadingFactory(meter=electricity, read_on=TODAY - dt.timedelta(days=30))
    themes = _themes(registration)
    assert themes[Theme.ENERGY].state == DataState.LATE
    assert themes[Theme.ENERGY].days_since == 30


def test_inactive_meters_are_not_expected(challenge) -> None:
    registration = _registration(challenge)
    MeterFactory(household=registration.household, is_active=False)
    meter = MeterFactory(household=registration.household)
    ReadingFactory(meter=meter, read_on=TODAY)
    themes = _themes(registration)
    assert themes[Theme.ENERGY].state == DataState.UP_TO_DATE


@pytest.mark.parametrize(
    ("days_ago", "state"),
    [(10, DataState.UP_TO_DATE), (11, DataState.LATE)],
)
def test_weighings_follow_the_weighing_frequency(challenge, days_ago, state) -> None:
    registration = _registration(challenge)
    WeighingFactory(registration=registration, weighed_on=TODAY - dt.timedelta(days=days_ago))
    themes = _themes(registration)
    assert themes[Theme.WASTE].state == state


def test_another_challenge_weighings_do_not_count(challenge) -> None:
    registration = _registration(challenge)
    elsewhere = RegistrationFactory(household=registration.household)
    WeighingFactory(registration=elsewhere, weighed_on=TODAY)
    themes = _themes(registration)
    assert themes[Theme.WASTE].state == DataState.MISSING


def test_nobody_is_late_after_the_last_day_of_the_challenge(challenge) -> None:
    registration = _registration(challenge)
    meter = MeterFactory(household=registration.household)
    ReadingFactory(meter=meter, read_on=dt.date(2026, 4, 20))
    themes = _themes(registration, today=dt.date(2026, 9, 1))
    assert themes[Theme.ENERGY].state == DataState.UP_TO_DATE
    assert themes[Theme.ENERGY].days_since == 10


def test_values_stay_hidden_unless_the_household_shares_them(challenge) -> None:
    private = _registration(challenge)
    shared = _registration(challenge, shares_values_with_team=True)
    for registration in (private, shared):
        meter = MeterFactory(household=registration.household, label="Gaz")
        ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=9), value=1000)
        ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=2), value=Decimal("1042.5"))
        WeighingFactory(registration=registration, weighed_on=TODAY, flow="omr", kg=3)
        WeighingFactory(registration=registration, weighed_on=TODAY, flow="verre", kg="1.5")
        WeighingFactory(registration=registration, weighed_on=TODAY - dt.timedelta(days=7), kg=9)
    themes = _themes(private)
    assert all(theme.values == () for theme in themes.values())
    themes = _themes(shared)
    (gas,) = themes[Theme.ENERGY].values
    assert (gas.label, gas.value, gas.unit, gas.on) == (
        "Gaz",
        Decimal("1042.5"),
        "m³",
        TODAY - dt.timedelta(days=2),
    )
    (waste,) = themes[Theme.WASTE].values
    assert (waste.value, waste.on) == (Decimal("4.5"), TODAY)


def _team_of(challenge, count: int) -> list[Registration]:
    for index in range(count):
        registration = _registration(challenge, shares_values_with_team=index % 2 == 0)
        meter = MeterFactory(household=registration.household)
        ReadingFactory(meter=meter, read_on=TODAY - dt.timedelta(days=index * 5))
        water = MeterFactory(household=registration.household, carrier=Carrier.WATER, unit="m3")
        ReadingFactory(meter=water, read_on=TODAY)
        WeighingFactory(registration=registration, weighed_on=TODAY - dt.timedelta(days=index))
    return list(Registration.objects.filter(challenge=challenge).select_related("challenge"))


def _queries(registrations: list[Registration]) -> int:
    with CaptureQueriesContext(connection) as captured:
        statuses = data_statuses(registrations, today=TODAY)
        assert len(statuses) == len(registrations)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_households(challenge) -> None:
    small = _queries(_team_of(challenge, 3))
    other = ChallengeFactory(
        themes=challenge.themes,
        starts_on=challenge.starts_on,
        ends_on=challenge.ends_on,
        registration_opens_on=challenge.registration_opens_on,
        registration_closes_on=challenge.registration_closes_on,
    )
    large = _queries(_team_of(other, 10))
    assert small == large == 3


def test_it_keeps_the_order_given(challenge) -> None:
    registrations = _team_of(challenge, 4)[::-1]
    statuses = data_statuses(registrations, today=TODAY)
    assert [s.registration for s in statuses] == registrations
    assert [s.themes[0].days_since for s in statuses] == [15, 10, 5, 0]
