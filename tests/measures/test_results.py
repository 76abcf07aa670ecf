"""The cached results service: payload, constant query count, cache, freezing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.models import Challenge, Theme
from measures.models import (
    Carrier,
    DegreeDay,
    Meter,
    Reading,
    ResultSnapshot,
    Unit,
    WeatherZone,
)
from measures.results import (
    challenge_results,
    household_series,
    results_invalidate,
    results_recompute,
)
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    DepartmentFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    WeighingFactory,
)

D = dt.date
START, END = D(2025, 12, 1), D(2025, 12, 31)  # period [1 Dec 2025, 1 Jan 2026)
RUNNING_DAY = D(2025, 12, 31)  # challenge window [1 Dec, 31 Dec): 30 days
REF_START, REF_END = D(2024, 12, 1), D(2024, 12, 31)


def make_challenge(**kwargs) -> Challenge:
    return ChallengeFactory(
        starts_on=START,
        ends_on=END,
        registration_opens_on=D(2025, 10, 1),
        registration_closes_on=D(2025, 11, 30),
        objective_energy_pct=8,
        **kwargs,
    )


def add_household(challenge, *, team=None, gas=(100, 90), water=(30, 24), commune=None, adults=2):
    """Gas read on the four boundaries (ref then challenge m³), and water."""
    household = HouseholdFactory(adults=adults, children=0, commune=commune or CommuneFactory())
    registration = RegistrationFactory(challenge=challenge, household=household, team=team)
    readings = []
    for carrier, unit, (ref, chal) in (
        (Carrier.GAS, Unit.M3, gas),
        (Carrier.WATER, Unit.M3, water),
    ):
        if ref is None:
            continue
        meter = Meter.objects.create(
            household=household,
            carrier=carrier,
            unit=unit,
            label=f"{carrier}",
            heating_share=Decimal("1") if carrier == Carrier.GAS else Decimal("0"),
        )
        for day, value in (
            (REF_START, 1000),
            (REF_END, 1000 + ref),
            (START, 5000),
            (RUNNING_DAY, 5000 + chal),
        ):
            readings.append(Reading(meter=meter, read_on=day, value=value))
    Reading.objects.bulk_create(readings)
    return registration


def add_dju(zone, ref_per_day, chal_per_day):
    rows = [
        DegreeDay(zone=zone, day=REF_START + dt.timedelta(days=i), value=ref_per_day)
        for i in range(31)
    ]
    rows += [
        DegreeDay(zone=zone, day=START + dt.timedelta(days=i), value=chal_per_day)
        for i in range(31)
    ]
    DegreeDay.objects.bulk_create(rows)


@pytest.fixture
def drome_zone(db):
    zone = WeatherZone.objects.create(code="26-montelimar", name="Montélimar")
    zone.departments.add(DepartmentFactory(code="26"))
    return zone


def test_it_computes_household_team_and_challenge_figures(drome_zone):
    challenge = make_challenge()
    commune = CommuneFactory(department=DepartmentFactory(code="26"))
    team = TeamFactory(challenge=challenge, name="Les Sobres")
    other = TeamFactory(challenge=challenge, name="Les Autres")
    # DJU 10 a day in the reference, 11 in the challenge: ratio 330/300 = 1.1
    add_dju(drome_zone, 10, 11)
    a = add_household(challenge, team=team, commune=commune)
    b = add_household(challenge, team=other, commune=commune, gas=(100, 100), water=(30, 30))
    missing = add_household(
        challenge, team=other, commune=commune, gas=(None, None), water=(30, 30)
    )

    payload = challenge_results(challenge, today=RUNNING_DAY)

    assert payload["climate"]["corrected"] is True
    assert payload["climate"]["zones"]["26-montelimar"]["ratio"] == pytest.approx(1.1)
    assert payload["periods"]["days_elapsed"] == 30
    # A: ref 100 m³ = 1 120 kWh, corrected 1 120 × 1.1 = 1 232; challenge
    # 90 m³ = 1 008 kWh; savings 224 kWh = 18.2 %; the gas CO2 factor is per
    # kWh PCI and these kWh are PCS: 224 × 0.227 / 1.11 = 45.8 kg CO2;
    # 224 × 0.10 € = 22.4 €
    ea = payload["households"][str(a.pk)]["energy"]
    assert ea["complete"] is True
    assert ea["ref_corr_kwh"] == 1232
    assert ea["savings_kwh"] == 224
    assert ea["savings_pct"] == pytest.approx(18.2)
    assert ea["co2_avoided_kg"] == 46
    assert ea["savings_eur"] == 22
    # B: corrected 1 232, challenge 1 120: savings 112 (9.1 %)
    assert payload["households"][str(b.pk)]["energy"]["savings_kwh"] == 112
    # challenge: (224 + 112) / (1 232 × 2) = 13.6 %; mean (18.18 + 9.09)/2 = 13.6
    energy = payload["energy"]
    assert (energy["households_total"], energy["households_complete"]) == (3, 2)
    assert energy["savings_kwh"] == 336
    assert energy["savings_pct"] == pytest.approx(13.6)
    assert energy["savings_kwh_per_person"] == 84  # 336 / 4 persons
    assert energy["objective_pct"] == 8
    # water (the third household is complete there): A 30 → 24 (6 m³), the
    # others 0; 6/90 = 6.7 %; 6 m³ / 6 persons × 365/30 days = 12.17
    water = payload["water"]
    assert water["households_complete"] == 3
    assert water["savings_pct"] == pytest.approx(6.7)
    assert water["savings_m3_per_person_year"] == pytest.approx(12.17)
    assert water["savings_eur"] == 26  # 6 × 4.3 = 25.8
    # the household without gas is excluded and says why
    excluded = [e for e in payload["excluded"] if e["registration_id"] == missing.pk]
    assert excluded[0]["resource"] == "energy"
    assert excluded[0]["missing"] == ["Aucun compteur d'énergie déclaré"]
    # teams ranked by energy savings %
    assert [(t["name"], t["rank"]) for t in payload["teams"]] == [
        ("Les Sobres", 1),
        ("Les Autres", 2),
    ]
    assert payload["teams"][1]["households_complete"] == 1
    # per resource: the household without gas is complete for water
    assert payload["teams"][1]["households_complete_by_resource"] == {"energy": 1, "water": 2}
    assert payload["progress"]["weeks"][0] == "2025-12-01"
    assert payload["progress"]["energy_savings_pct"][-1] == pytest.approx(13.6)
    assert payload["factor_set"]["name"]


def test_it_says_when_no_degree_days_are_available(drome_zone):
    challenge = make_challenge()
    # Drôme has a zone but no DJU; Ardèche has no zone at all
    registration = add_household(challenge, commune=CommuneFactory())
    ardeche = DepartmentFactory(code="07", name="Ardèche")
    add_household(challenge, commune=CommuneFactory(department=ardeche))
    payload = challenge_results(challenge, today=RUNNING_DAY)
    assert payload["climate"]["corrected"] is False
    assert payload["climate"]["zones"] == {}
    assert payload["climate"]["zones_without_data"] == [
        "26-montelimar",
        "communes sans zone météo",
    ]
    # no correction: 1 120 − 1 008 = 112 kWh
    assert payload["households"][str(registration.pk)]["energy"]["savings_kwh"] == 112


def _compute_queries(n: int) -> int:
    challenge = make_challenge()
    team = TeamFactory(challenge=challenge)
    commune = CommuneFactory()
    for _ in range(n):
        add_household(challenge, team=team, commune=commune)
    with CaptureQueriesContext(connection) as ctx:
        payload = challenge_results(challenge, today=RUNNING_DAY)
    assert payload["energy"]["households_complete"] == n
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_households(db, django_assert_num_queries):
    small = _compute_queries(10)
    challenge = make_challenge()
    team = TeamFactory(challenge=challenge)
    commune = CommuneFactory()
    for _ in range(200):
        add_household(challenge, team=team, commune=commune)
    with django_assert_num_queries(small):
        payload = challenge_results(challenge, today=RUNNING_DAY)
    assert payload["energy"]["households_complete"] == 200


def test_a_cache_hit_costs_at_most_two_queries(db, django_assert_max_num_queries):
    challenge = make_challenge()
    add_household(challenge)
    first = challenge_results(challenge, today=RUNNING_DAY)
    with django_assert_max_num_queries(2):
        again = challenge_results(challenge, today=RUNNING_DAY)
    assert again == first


def test_new_data_invalidates_the_cache(db):
    challenge = make_challenge()
    registration = add_household(challenge)
    before = challenge_results(challenge, today=RUNNING_DAY)
    assert before["households"][str(registration.pk)]["energy"]["savings_kwh"] == 112
    # a corrected last reading: 5 095 instead of 5 090 → 95 m³ → 5 × 11.2 less saved
    gas = Meter.objects.get(household=registration.household, carrier=Carrier.GAS)
    last = Reading.objects.get(meter=gas, read_on=RUNNING_DAY)
    fixed = Reading.objects.create(meter=gas, read_on=RUNNING_DAY, value=5095)
    last.superseded_by = fixed
    last.save()
    results_invalidate(household_id=registration.household_id)
    challenge.refresh_from_db()
    assert challenge.data_version == 1
    after = challenge_results(challenge, today=RUNNING_DAY)
    assert after["households"][str(registration.pk)]["energy"]["savings_kwh"] == 56
    assert ResultSnapshot.objects.filter(challenge=challenge).count() == 1


def test_results_of_a_closed_challenge_are_frozen_until_recomputed(db):
    challenge = make_challenge()
    registration = add_household(challenge)
    closed_day = D(2026, 2, 1)
    # readings on 31 Dec only: the challenge end (1 Jan) is extrapolated
    # from 1 Dec → 31 Dec: 90/30 a day → 93 m³; reference 100/30 × 31 ≈ 103.33
    frozen = challenge_results(challenge, today=closed_day)
    assert ResultSnapshot.objects.get(challenge=challenge).is_final
    gas = Meter.objects.get(household=registration.household, carrier=Carrier.GAS)
    Reading.objects.create(meter=gas, read_on=D(2026, 1, 1), value=5200)
    results_invalidate(household_id=registration.household_id)
    challenge.refresh_from_db()
    assert challenge_results(challenge, today=closed_day) == frozen
    recomputed = results_recompute(challenge=challenge, today=closed_day)
    energy = recomputed["households"][str(registration.pk)]["energy"]
    assert energy["challenge_kwh"] == 2240  # 200 m³ × 11.2
    assert ResultSnapshot.objects.get(challenge=challenge).is_final


def test_waste_results_per_phase(db):
    challenge = make_challenge(themes=[Theme.WASTE], reference_weeks=1)
    # phase [1 Dec, 8 Dec): 7 days; after: [8 Dec, 31 Dec): 23 days
    registration = RegistrationFactory(
        challenge=challenge, household=HouseholdFactory(adults=1, children=0)
    )
    WeighingFactory(registration=registration, weighed_on=D(2025, 12, 3), flow="omr", kg=7)
    WeighingFactory(registration=registration, weighed_on=D(2025, 12, 20), flow="omr", kg=11.5)
    payload = challenge_results(challenge, today=RUNNING_DAY)
    # ref 7/1/7 = 1 kg/p/d (365 a year); after 11.5/23 = 0.5 (182.5); −50 %;
    # avoided 0.5 × 1 × 23 = 11.5 kg
    omr = payload["waste"]["flows"]["omr"]
    assert omr["ref_kg_per_person_year"] == 365
    assert omr["challenge_kg_per_person_year"] == 182.5
    assert payload["waste"]["residual_reduction_pct"] == 50
    assert payload["waste"]["avoided_kg"] == 11.5
    assert payload["energy"] is None
    assert payload["households"][str(registration.pk)]["waste"]["complete"] is True


def test_household_series_compares_weeks_with_the_reference_year(db):
    challenge = make_challenge()
    registration = add_household(challenge)
    series = household_series(registration, today=RUNNING_DAY)
    gas = next(m for m in series["meters"] if m["label"] == "gaz")
    assert gas["points"][0][:2] == ["2025-12-01", 5000.0]
    assert gas["reference_points"][0][:2] == ["2025-12-01", 1000.0]
    # week of 1 Dec: 7 days × 90/30 m³ × 11.2 = 235.2 kWh; reference 100/30 × 7 × 11.2
    assert series["weeks"][0] == "2025-12-01"
    assert series["energy_kwh_week"][0] == pytest.approx(235.2)
    assert series["energy_ref_kwh_week"][0] == pytest.approx(100 / 30 * 7 * 11.2, abs=0.01)
    assert series["water_m3_week"][0] == pytest.approx(24 / 30 * 7, abs=0.01)


# --- The progress series: one pass, same figures as the engine run per week --------


def slow_progress(challenge: Challenge, today: dt.date) -> dict:
    """The definition of the progress series: the whole engine run again for
    each elapsed week (what `challenge_results` did before the one-pass walk)."""
    from measures import engine
    from measures.factors import current_factor_set
    from measures.models import WasteFlow
    from measures.results import MIN_PROGRESS_DAYS, one_year_before
    from measures.results.loading import load
    from measures.results.payload import _r

    ctx, chal, _ref = load(challenge, today=today, factor_set=current_factor_set(today))
    weeks = engine.weeks_between(chal[0], chal[1])
    energy_pct, water_pct, waste_week = [], [], []
    waste = ctx.waste(chal[1]) if Theme.WASTE in ctx.themes else None
    complete_waste = (
        {r for r, flows in waste.items() if flows[WasteFlow.RESIDUAL].complete} if waste else set()
    )
    persons = sum(r[3] + r[4] for r in ctx.registrations if r[0] in complete_waste)
    for monday in weeks:
        end = min(monday + dt.timedelta(days=7), chal[1])
        window = (chal[0], end)
        ref_window = (one_year_before(chal[0]), one_year_before(end))
        for theme, water, out in (
            (Theme.ENERGY, False, energy_pct),
            (Theme.WATER, True, water_pct),
        ):
            if theme in ctx.themes:
                if (end - chal[0]).days < MIN_PROGRESS_DAYS:
                    out.append(None)  # too short a window to mean anything
                    continue
                results = ctx.resources(window, ref_window, water=water)
                out.append(_r(engine.aggregate(list(results.values())).savings_pct))
        if waste is not None:
            kg = sum(
                kg
                for reg_id in complete_waste
                for day, kg in ctx.weighings[reg_id][WasteFlow.RESIDUAL]
                if monday <= day < end
            )
            waste_week.append(_r(kg / persons, 2) if persons else None)
    return {
        "weeks": [w.isoformat() for w in weeks],
        "energy_savings_pct": energy_pct,
        "water_savings_pct": water_pct,
        "waste_residual_kg_per_person_week": waste_week,
    }


@pytest.mark.parametrize("seed", range(3))
def test_the_progress_series_matches_the_engine_run_for_each_week(drome_zone, seed):
    import random

    from measures.models import Bill

    rng = random.Random(seed)
    challenge = ChallengeFactory(
        starts_on=D(2025, 12, 3),  # a Wednesday: the first week is cut
        ends_on=D(2026, 3, 31),
        registration_opens_on=D(2025, 10, 1),
        registration_closes_on=D(2025, 11, 30),
        themes=[Theme.ENERGY, Theme.WATER, Theme.WASTE],
        reference_weeks=2,
    )
    today = D(2026, 2, 19)
    commune = CommuneFactory(department=drome_zone.departments.get())
    # Degree days for part of the challenge only: later weeks are not corrected.
    rows = [
        DegreeDay(zone=drome_zone, day=D(2024, 11, 1) + dt.timedelta(days=i), value=10 + i % 5)
        for i in range(150)
    ]
    rows += [
        DegreeDay(zone=drome_zone, day=D(2025, 11, 1) + dt.timedelta(days=i), value=9 + i % 7)
        for i in range(80)
    ]
    DegreeDay.objects.bulk_create(rows)
    readings = []
    for i in range(12):
        household = HouseholdFactory(
            adults=rng.randint(1, 2),
            children=rng.randint(0, 2),
            commune=commune if i % 4 else CommuneFactory(),
        )
        registration = RegistrationFactory(challenge=challenge, household=household)
        for carrier, unit in (
            (Carrier.GAS, Unit.M3),
            (Carrier.ELECTRICITY, Unit.KWH),
            (
                Carrier.WATER,
                Unit.M3,
            ),
        ):
            if rng.random() < 0.15:
                continue
            meter = Meter.objects.create(
                household=household,
                carrier=carrier,
                unit=unit,
                label=f"{carrier}",
                heating_share=Decimal(str(round(rng.random(), 2))),
            )
            if rng.random() < 0.2:
                Bill.objects.create(
                    meter=meter,
                    starts_on=D(2024, 1, 1),
                    ends_on=D(2024, 12, 31),
                    quantity=Decimal(rng.randint(500, 5000)),
                )
            value = rng.uniform(100, 9000)
            stops = D(2025, 12, 3) + dt.timedelta(days=rng.randint(5, 90))
            for first, last in ((D(2024, 11, 25), D(2025, 3, 1)), (D(2025, 11, 28), stops)):
                day = first + dt.timedelta(days=rng.randint(0, 12))
                while day < last:
                    if rng.random() < 0.9:
                        readings.append(
                            Reading(meter=meter, read_on=day, value=Decimal(f"{value:.3f}"))
                        )
                    value += rng.uniform(0, 300)
                    day += dt.timedelta(days=rng.randint(3, 20))
        for _ in range(rng.randint(0, 12)):
            WeighingFactory(
                registration=registration,
                weighed_on=D(2025, 12, 3) + dt.timedelta(days=rng.randint(0, 90)),
                flow="omr",
                kg=Decimal(f"{rng.uniform(0.5, 9):.2f}"),
            )
    Reading.objects.bulk_create(readings)

    progress = challenge_results(challenge, today=today)["progress"]

    assert progress == slow_progress(challenge, today)
    assert len(progress["weeks"]) == 12
    values = progress["energy_savings_pct"] + progress["water_savings_pct"]
    assert any(v is not None for v in values)
    assert any(v is not None for v in progress["waste_residual_kg_per_person_week"])
