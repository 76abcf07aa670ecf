"""The household's gas coefficient (kWh per m³, METHODOLOGY §2): entered on
the meter form, used by the engine in place of the table's 11.2, and stated
by each result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import Theme
from measures import engine
from measures.models import Carrier, Meter, Reading, Unit
from measures.results import challenge_results
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

D = dt.date
START, END = D(2025, 12, 1), D(2025, 12, 31)
RUNNING_DAY = D(2025, 12, 31)  # challenge window [1 Dec, 31 Dec): 30 days
REF_START, REF_END = D(2024, 12, 1), D(2024, 12, 31)
LIST = "/compte/foyer/compteurs/"


def make_challenge(**kwargs):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        starts_on=START,
        ends_on=END,
        registration_opens_on=D(2025, 10, 1),
        registration_closes_on=D(2025, 11, 30),
        **kwargs,
    )


def add_gas_household(challenge, *, coefficient=None, adults=3, team=None):  # type: ignore[no-untyped-def]
    """A gas meter read on the four boundaries: 100 m³ in the reference, 90 in
    the challenge; a commune without weather zone (no climate correction)."""
    household = HouseholdFactory(adults=adults, children=0, commune=CommuneFactory())
    registration = RegistrationFactory(challenge=challenge, household=household, team=team)
    meter = Meter.objects.create(
        household=household,
        carrier=Carrier.GAS,
        unit=Unit.M3,
        label="Compteur gaz",
        heating_share=Decimal("1"),
        gas_kwh_per_m3=coefficient,
    )
    Reading.objects.bulk_create(
        Reading(meter=meter, read_on=day, value=value)
        for day, value in ((REF_START, 1000), (REF_END, 1100), (START, 5000), (RUNNING_DAY, 5090))
    )
    return registration


# --- The engine ---------------------------------------------------------------------


FACTORS = engine.Factors(kwh_per_unit={"gaz": 11.2}, co2_per_kwh={}, tariff={"gaz": 0.10})


def gas_meter(*, unit: str = "m3", coefficient: float | None = None, bills=()) -> engine.MeterInput:  # type: ignore[no-untyped-def]
    return engine.MeterInput(
        id=1,
        label="Gaz",
        carrier="gaz",
        unit=unit,
        heating_share=1.0,
        registers={},
        bills=tuple(bills),
        gas_kwh_per_m3=coefficient,
    )


def test_the_bill_coefficient_replaces_the_table_default():
    assert FACTORS.kwh_factor("gaz", "m3") == 11.2
    assert FACTORS.kwh_factor("gaz", "m3", 11.0) == 11.0
    assert FACTORS.meter_kwh_factor(gas_meter(coefficient=10.95)) == 10.95
    assert engine.to_kwh(100, "gaz", "m3", FACTORS, coefficient=11.0) == pytest.approx(1100)
    # a gas meter in kWh needs no coefficient; water never converts
    assert FACTORS.kwh_factor("gaz", "kWh", 11.0) == 1.0
    assert FACTORS.kwh_factor("eau", "m3", 11.0) is None


def test_a_gas_bill_in_m3_converts_with_the_household_coefficient():
    # 310 m³ billed over 31 days (1 Dec → 31 Dec 2024) × 11.0 = 3 410 kWh,
    # prorated to the 31 days of the reference: 3 410 kWh (11.2 would give 3 472).
    bill = engine.BillInput(D(2024, 12, 1), D(2024, 12, 31), 310.0, None)
    reference = (D(2024, 12, 1), D(2025, 1, 1))
    total, missing = engine.bill_reference(
        gas_meter(coefficient=11.0, bills=[bill]), reference, FACTORS, lambda c, d: None
    )
    assert total == pytest.approx(3410)
    assert missing == []


def test_the_conversion_says_where_the_coefficient_comes_from():
    own = FACTORS.conversion(gas_meter(coefficient=11.0))
    default = FACTORS.conversion(gas_meter())
    assert own is not None
    assert (own.kwh_per_unit, own.from_household) == (11.0, True)
    assert default is not None
    assert (default.kwh_per_unit, default.from_household) == (11.2, False)
    assert FACTORS.conversion(gas_meter(unit="kWh", coefficient=11.0)) is None


# --- A household computed by hand ------------------------------------------------------


def test_a_household_with_its_own_coefficient_is_computed_with_it(db):
    challenge = make_challenge(themes=[Theme.ENERGY])
    own = add_gas_household(challenge, coefficient=Decimal("11.0"))
    default = add_gas_household(challenge)

    payload = challenge_results(challenge, today=RUNNING_DAY)

    mine = payload["households"][str(own.pk)]["energy"]
    # Reference 100 m³ × 11.0 kWh/m³ = 1 100 kWh PCS (no degree days: not
    # corrected); challenge 90 m³ × 11.0 = 990 kWh; savings 110 kWh = 10.0 %.
    assert (mine["ref_corr_kwh"], mine["challenge_kwh"], mine["savings_kwh"]) == (1100, 990, 110)
    assert mine["savings_pct"] == 10.0
    # Euros: 110 kWh × 0.10 €/kWh = 11 €. CO2: the table's 0.227 kgCO2e per
    # kWh PCI ÷ 1.11 (PCS/PCI) = 0.2045 per kWh PCS; 110 × 0.2045 = 22.5 → 22 kg.
    assert mine["savings_eur"] == 11
    assert mine["co2_avoided_kg"] == 22
    # Per person (3 persons): 990 / 3 = 330 kWh consumed, 110 / 3 = 36.7 → 37
    # saved; per year over the 30 days: 330 × 365 / 30 = 4 015 kWh and
    # 36.67 × 365 / 30 = 446.1 → 446 kWh.
    assert mine["challenge_kwh_per_person"] == 330
    assert mine["savings_kwh_per_person"] == 37
    assert mine["challenge_kwh_per_person_year"] == 4015
    assert mine["savings_kwh_per_person_year"] == 446
    (meter,) = mine["per_meter"]
    assert (meter["kwh_per_unit"], meter["kwh_per_unit_source"]) == (11.0, "household")

    other = payload["households"][str(default.pk)]["energy"]
    # Without a coefficient: 100 × 11.2 = 1 120, 90 × 11.2 = 1 008, 112 saved.
    assert (other["ref_corr_kwh"], other["challenge_kwh"], other["savings_kwh"]) == (
        1120,
        1008,
        112,
    )
    (meter,) = other["per_meter"]
    assert (meter["kwh_per_unit"], meter["kwh_per_unit_source"]) == (11.2, "default")
    # The challenge: (110 + 112) / (1 100 + 1 120) = 10.0 %
    assert payload["energy"]["savings_kwh"] == 222
    assert payload["energy"]["savings_pct"] == 10.0


def test_the_household_page_says_which_coefficient_was_used(client, territory):
    today = timezone.localdate()
    challenge = ChallengeFactory(
        territory=territory,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=120),
        registration_opens_on=today - dt.timedelta(days=90),
        registration_closes_on=today - dt.timedelta(days=31),
        themes=[Theme.ENERGY],
    )
    registration = add_gas_household(challenge, coefficient=Decimal("11.0"))
    other = add_gas_household(challenge)
    client.force_login(UserFactory(household=registration.household))
    page = client.get(
        reverse("measures:household_results", args=[territory.slug, challenge.slug])
    ).content.decode()
    assert "coefficient 11,0 kWh/m³ (votre facture)" in page
    client.force_login(UserFactory(household=other.household))
    page = client.get(
        reverse("measures:household_results", args=[territory.slug, challenge.slug])
    ).content.decode()
    assert "coefficient 11,2 kWh/m³ (valeur par défaut)" in page
    # The API gives the household the same, with its per-person figures.
    (mine,) = client.get("/api/v1/me/results").json()
    energy = mine["household"]["energy"]
    assert energy["per_meter"][0]["kwh_per_unit_source"] == "default"
    assert "savings_kwh_per_person_year" in energy
    # The method note states the basis of the gas kWh and of its CO2 factor.
    assert "Gaz naturel : kWh PCS" in page
    assert "divisé par le rapport PCS/PCI 1,11" in page


def test_changing_the_coefficient_makes_the_results_stale(member_client, member):
    challenge = make_challenge()
    RegistrationFactory(challenge=challenge, household=member.household)
    meter = MeterFactory(household=member.household, carrier="gaz", unit="m3", label="Gaz")
    version = challenge.data_version
    member_client.post(
        reverse("measures:meter_edit", args=[meter.pk]),
        {"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": "11,05", "is_active": "on"},
    )
    challenge.refresh_from_db()
    assert challenge.data_version == version + 1


# --- The meter form ------------------------------------------------------------------


@pytest.fixture
def member_client(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def gas(**values: str) -> dict[str, str]:
    return {"carrier": "gaz", "label": "Compteur gaz", **values}


def test_the_form_explains_where_to_find_the_coefficient(member_client):
    page = member_client.get(LIST).content.decode()
    assert "coefficient de conversion (kWh/m³)" in page
    assert "sur votre facture de gaz, ligne « coefficient de conversion »" in page.lower()
    assert "souvent entre 10,5 et 11,5 kWh/m³" in page
    # the confirmation only appears with an unusual value
    assert 'type="checkbox" name="confirm_coefficient"' not in page


def test_a_french_coefficient_is_saved(member_client, member):
    response = member_client.post(LIST, gas(gas_kwh_per_m3="11,05"))
    assert response.status_code == 302
    assert Meter.objects.get(household=member.household).gas_kwh_per_m3 == Decimal("11.05")


@pytest.mark.parametrize("value", ["0", "-11", "0,000"])
def test_a_zero_or_negative_coefficient_is_refused_next_to_the_field(member_client, value):
    response = member_client.post(LIST, gas(gas_kwh_per_m3=value))
    assert response.status_code == 400
    form = response.context["form"]
    assert "doit être supérieur à 0" in " ".join(form.errors["gas_kwh_per_m3"])
    assert not Meter.objects.exists()


def test_a_coefficient_for_another_energy_is_refused(member_client):
    response = member_client.post(
        LIST, {"carrier": "fioul", "label": "Cuve", "gas_kwh_per_m3": "11"}
    )
    assert response.status_code == 400
    assert "ne concerne qu'un compteur de gaz" in " ".join(
        response.context["form"].errors["gas_kwh_per_m3"]
    )


def test_an_unusual_coefficient_asks_for_a_confirmation_and_keeps_what_was_typed(
    member_client, member
):
    typed = gas(gas_kwh_per_m3="8,5", heating_share="0,9")
    response = member_client.post(LIST, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "8,5 kWh/m³ est inhabituel" in page
    assert 'type="checkbox" name="confirm_coefficient"' in page
    assert 'value="8,5"' in page
    assert 'value="0,9"' in page
    assert 'value="Compteur gaz"' in page
    assert not Meter.objects.exists()

    confirmed = member_client.post(LIST, {**typed, "confirm_coefficient": "on"})
    assert confirmed.status_code == 302
    assert Meter.objects.get(household=member.household).gas_kwh_per_m3 == Decimal("8.5")


def test_a_confirmed_coefficient_is_not_asked_again_on_the_next_edit(member_client, member):
    meter = MeterFactory(household=member.household, label="Gaz", gas_kwh_per_m3=Decimal("13.5"))
    response = member_client.post(
        reverse("measures:meter_edit", args=[meter.pk]),
        {"carrier": "gaz", "label": "Gaz maison", "gas_kwh_per_m3": "13,5", "is_active": "on"},
    )
    assert response.status_code == 302
    meter.refresh_from_db()
    assert (meter.label, meter.gas_kwh_per_m3) == ("Gaz maison", Decimal("13.5"))


def test_the_meter_list_shows_the_coefficient(member_client, member):
    MeterFactory(household=member.household, label="Gaz", gas_kwh_per_m3=Decimal("11.05"))
    MeterFactory(household=member.household, label="Gaz garage")
    page = member_client.get(LIST).content.decode()
    assert "11,05 kWh/m³ (votre facture)" in page
    assert "valeur par défaut" in page


def test_the_services_refuse_an_unconfirmed_unusual_coefficient(member):
    from measures import services

    with pytest.raises(services.UnusualCoefficient):
        services.meter_create(
            household=member.household,
            carrier="gaz",
            unit="m3",
            label="Gaz",
            heating_share=Decimal("1"),
            gas_kwh_per_m3=Decimal("20"),
        )
    with pytest.raises(services.MeterError, match="supérieur à 0"):
        services.meter_create(
            household=member.household,
            carrier="gaz",
            unit="m3",
            label="Gaz",
            heating_share=Decimal("1"),
            gas_kwh_per_m3=Decimal("0"),
        )
    assert not Meter.objects.exists()


# --- Teams count completeness per resource ---------------------------------------------


def test_a_team_counts_a_household_without_water_meter_as_complete_for_energy(db):
    challenge = make_challenge(themes=[Theme.ENERGY, Theme.WATER])
    team = TeamFactory(challenge=challenge, name="Les Sobres")
    add_gas_household(challenge, team=team)  # gas only: no water meter
    payload = challenge_results(challenge, today=RUNNING_DAY)
    (row,) = payload["teams"]
    assert row["households_complete_by_resource"] == {"energy": 1, "water": 0}
    assert row["households_complete"] == 1  # the energy ranking counts it
    assert row["energy_savings_pct"] == 10.0  # (1 120 − 1 008) / 1 120
    assert row["water_savings_pct"] is None
    # the household's own block says what is missing for water only
    household = next(iter(payload["households"].values()))
    assert household["energy"]["complete"] is True
    assert household["water"]["missing"] == ["Aucun compteur d'eau déclaré"]


def test_water_figures_per_person_and_per_year(db):
    challenge = make_challenge(themes=[Theme.WATER])
    household = HouseholdFactory(adults=2, children=1, commune=CommuneFactory())
    registration = RegistrationFactory(challenge=challenge, household=household)
    meter = MeterFactory(household=household, carrier="eau", unit="m3", label="Eau")
    for day, value in ((REF_START, 100), (REF_END, 130), (START, 500), (RUNNING_DAY, 524)):
        ReadingFactory(meter=meter, read_on=day, value=value)
    payload = challenge_results(challenge, today=RUNNING_DAY)
    water = payload["households"][str(registration.pk)]["water"]
    # 30 m³ then 24 m³ for 3 persons over 30 days: 10 and 8 m³ per person,
    # 2 saved; per year × 365 / 30: 121.67, 97.33 and 24.33 m³.
    assert (water["ref_m3_per_person"], water["challenge_m3_per_person"]) == (10.0, 8.0)
    assert water["savings_m3_per_person"] == 2.0
    assert water["ref_m3_per_person_year"] == pytest.approx(121.67)
    assert water["challenge_m3_per_person_year"] == pytest.approx(97.33)
    assert water["savings_m3_per_person_year"] == pytest.approx(24.33)
