"""One test per rule of METHODOLOGY.md, with the values computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measures import engine
from measures.engine import BillInput, Factors, MeterInput, build_series, index_at

D = dt.date
FACTORS = Factors(
    kwh_per_unit={"gaz": 11.2, "fioul": 10, "bois_buches": 1610, "granules": 4.6, "propane": 13.88},
    co2_per_kwh={
        "electricite_chauffage": 0.079,
        "electricite_autres": 0.057,
        "gaz": 0.227,
        "fioul": 0.324,
        "bois_buches": 0.030,
        "granules": 0.030,
        "propane": 0.272,
    },
    tariff={"electricite": 0.20, "gaz": 0.10, "fioul": 1.5, "eau": 4.3},
)
REF = (D(2024, 12, 1), D(2025, 1, 1))  # 31 days
CHAL = (D(2025, 12, 1), D(2026, 1, 1))


def no_tariff(carrier: str, day: dt.date) -> float | None:
    return None


def series(*points: tuple[dt.date, float] | tuple[dt.date, float, str]) -> engine.Series:
    return build_series((p[0], p[1], p[2] if len(p) > 2 else "normal") for p in points)  # type: ignore[misc]


def meter(carrier: str, unit: str, *, share: float = 1.0, registers=None, bills=()) -> MeterInput:
    return MeterInput(
        id=1,
        label="Compteur",
        carrier=carrier,
        unit=unit,
        heating_share=share,
        registers=registers or {},
        bills=tuple(bills),
    )


def both_periods(ref: float, chal: float) -> dict[str, engine.Series]:
    """A register read on the four boundaries: ref consumption then challenge."""
    return {
        "base": series(
            (REF[0], 1000), (REF[1], 1000 + ref), (CHAL[0], 2000), (CHAL[1], 2000 + chal)
        )
    }


def test_index_between_two_readings_is_interpolated():
    # 100 on 1 Dec, 200 on 11 Dec: on 4 Dec, 100 + 100·3/10 = 130.
    s = series((D(2025, 12, 1), 100), (D(2025, 12, 11), 200))
    assert index_at(s, D(2025, 12, 4)) == pytest.approx(130)
    # consumption over [1 Dec, 4 Dec) = 130 − 100 = 30
    assert engine.series_consumption(s, (D(2025, 12, 1), D(2025, 12, 4))) == pytest.approx(30)


def test_index_is_extrapolated_up_to_7_days_and_not_beyond():
    # 10/day from 3 Dec (100) to 13 Dec (200): 1 Dec is 2 days before → 80;
    # 20 Dec is 7 days after → 270; 21 Dec is 8 days after → unknown.
    s = series((D(2025, 12, 3), 100), (D(2025, 12, 13), 200))
    assert index_at(s, D(2025, 12, 1)) == pytest.approx(80)
    assert index_at(s, D(2025, 12, 20)) == pytest.approx(270)
    assert index_at(s, D(2025, 12, 21)) is None
    assert index_at(s, D(2025, 11, 25)) is None  # 8 days before


def test_a_single_reading_cannot_be_extrapolated():
    s = series((D(2025, 12, 3), 100))
    assert index_at(s, D(2025, 12, 3)) == 100
    assert index_at(s, D(2025, 12, 4)) is None


def test_an_incomplete_meter_says_what_is_missing():
    m = meter("gaz", "m3", registers={"base": series((D(2025, 12, 1), 10), (D(2025, 12, 5), 20))})
    result = engine.meter_result(
        m, reference=REF, challenge=CHAL, factors=FACTORS, tariff_at=no_tariff, ratio=None
    )
    assert not result.complete
    text = " ".join(result.missing)
    # reference: no reading at all near 1 Dec 2024 nor 1 Jan 2025
    assert "01/12/2024" in text
    assert "01/01/2025" in text
    # challenge end 1 Jan 2026 is 27 days after the last reading (5 Dec)
    assert "01/01/2026" in text
    assert "01/12/2025" not in text  # the start is read


def test_a_household_without_meter_is_incomplete():
    result = engine.household_resource(
        [],
        persons=2,
        reference=REF,
        challenge=CHAL,
        factors=FACTORS,
        tariff_at=no_tariff,
        ratio=None,
        water=False,
    )
    assert not result.complete
    assert result.missing == ["Aucun compteur d'énergie déclaré"]


def test_registers_are_summed():
    # peak: 100 → 160 (60); off-peak: 50 → 90 (40); total 100 kWh
    m = meter(
        "electricite",
        "kWh",
        share=0,
        registers={
            "hp": series((CHAL[0], 100), (CHAL[1], 160)),
            "hc": series((CHAL[0], 50), (CHAL[1], 90)),
        },
    )
    assert engine.meter_consumption(m, CHAL, "x") == (pytest.approx(100), [])


def test_a_replacement_starts_a_new_series():
    # old meter 500 on 1 Dec, 540 on 10 Dec (replaced that day);
    # new meter starts at 0 on 10 Dec, reads 25 on 20 Dec.
    # [1 Dec, 20 Dec) = old 540 − 500 + new 25 − 0 = 65
    s = series(
        (D(2025, 12, 1), 500),
        (D(2025, 12, 10), 540),
        (D(2025, 12, 10), 0, "remplacement"),
        (D(2025, 12, 20), 25),
    )
    assert engine.series_consumption(s, (D(2025, 12, 1), D(2025, 12, 20))) == pytest.approx(65)


def test_a_rollover_adds_ten_to_the_number_of_digits():
    # 99 950 (5 integer digits) then 30 after passing 99 999:
    # 30 + 100 000 − 99 950 = 80
    s = series((D(2025, 12, 1), 99950), (D(2025, 12, 11), 30, "tour"))
    assert engine.series_consumption(s, (D(2025, 12, 1), D(2025, 12, 11))) == pytest.approx(80)
    assert engine.integer_digits(99950.5) == 5
    assert engine.integer_digits(0) == 1


@pytest.mark.parametrize(
    ("carrier", "unit", "quantity", "kwh"),
    [
        ("gaz", "m3", 100, 1120),  # 100 m³ × 11.2
        ("gaz", "kWh", 100, 100),
        ("fioul", "L", 100, 1000),  # 100 L × 10
        ("bois_buches", "stere", 2, 3220),  # 2 stères × 1 610
        ("granules", "kg", 100, 460),  # 100 kg × 4.6
        ("propane", "kg", 100, 1388),  # 100 kg × 13.88
        ("electricite", "kWh", 100, 100),
    ],
)
def test_units_are_converted_to_kwh(carrier, unit, quantity, kwh):
    m = meter(carrier, unit, registers=both_periods(quantity, quantity))
    result = engine.meter_result(
        m, reference=REF, challenge=CHAL, factors=FACTORS, tariff_at=no_tariff, ratio=None
    )
    assert result.ref_kwh == pytest.approx(kwh)
    assert result.challenge_kwh == pytest.approx(kwh)
    assert result.savings_kwh == pytest.approx(0)


def test_a_bill_in_quantity_is_prorated_by_days():
    # 600 m³ of gas over 1 Jan–31 Dec 2024 (366 days, inclusive); the
    # reference lasts 31 days: 600 / 366 × 31 = 50.82 m³ × 11.2 = 569.18 kWh
    bill = BillInput(D(2024, 1, 1), D(2024, 12, 31), 600, None)
    m = meter("gaz", "m3", bills=[bill])
    value, missing = engine.bill_reference(m, REF, FACTORS, no_tariff)
    assert missing == []
    assert value == pytest.approx(600 / 366 * 31 * 11.2)
    assert value == pytest.approx(569.18, abs=0.01)


def test_a_bill_in_euros_is_divided_by_the_tariff_valid_at_its_middle():
    # 62 € over 1–31 Dec 2024 (middle 16 Dec): tariff then 0.25 €/kWh
    # (0.20 later) → 248 kWh over 31 days, the length of the reference.
    bill = BillInput(D(2024, 12, 1), D(2024, 12, 31), None, 62)

    def tariff_at(carrier: str, day: dt.date) -> float | None:
        assert carrier == "electricite"
        return 0.25 if day < D(2025, 1, 1) else 0.20

    m = meter("electricite", "kWh", share=0, bills=[bill])
    value, _missing = engine.bill_reference(m, REF, FACTORS, tariff_at)
    assert value == pytest.approx(248)
    assert bill.middle == D(2024, 12, 16)


def test_a_fuel_oil_bill_in_euros_goes_through_litres():
    # 150 € / 1.5 €/L = 100 L × 10 kWh/L = 1 000 kWh over 31 days
    bill = BillInput(D(2024, 12, 1), D(2024, 12, 31), None, 150)
    m = meter("fioul", "L", bills=[bill])
    value, _ = engine.bill_reference(m, REF, FACTORS, lambda c, d: 1.5)
    assert value == pytest.approx(1000)


def test_a_meter_without_reference_readings_uses_its_bills():
    bill = BillInput(D(2024, 12, 1), D(2024, 12, 31), 1000, None)
    m = meter(
        "electricite",
        "kWh",
        share=0,
        registers={"base": series((CHAL[0], 0), (CHAL[1], 900))},
        bills=[bill],
    )
    result = engine.meter_result(
        m, reference=REF, challenge=CHAL, factors=FACTORS, tariff_at=no_tariff, ratio=None
    )
    assert result.complete
    assert result.from_bills
    assert result.savings_kwh == pytest.approx(100)


def test_climate_correction_applies_to_the_heating_share_only():
    # E_ref 1 000 kWh, h = 0.6, DJU 300 now vs 400 then (ratio 0.75):
    # 0.6 × 1 000 × 0.75 + 0.4 × 1 000 = 450 + 400 = 850
    assert engine.climate_corrected(1000, 0.6, engine.dju_ratio(300, 400)) == pytest.approx(850)


def test_without_degree_days_no_correction():
    assert engine.dju_ratio(None, 400) is None
    assert engine.dju_ratio(300, 0) is None
    assert engine.climate_corrected(1000, 0.6, None) == 1000


def test_meter_result_uses_the_climate_ratio():
    # gas 100 m³ = 1 120 kWh each period, h = 1, ratio 0.9 → ref corr 1 008,
    # savings 1 008 − 1 120 = −112 (a milder winter: more consumption than
    # the corrected reference)
    m = meter("gaz", "m3", registers=both_periods(100, 100))
    result = engine.meter_result(
        m, reference=REF, challenge=CHAL, factors=FACTORS, tariff_at=no_tariff, ratio=0.9
    )
    assert result.ref_corr_kwh == pytest.approx(1008)
    assert result.savings_kwh == pytest.approx(-112)


def test_monthly_degree_days_are_spread_per_day():
    # 310 DJU in December → 10 a day; a period of 5 December days → 50
    days = engine.spread_monthly_dju(2025, 12, 310)
    assert len(days) == 31
    assert days[0] == (D(2025, 12, 1), pytest.approx(10))
    dju = engine.DegreeDays.from_daily(days)
    assert dju.total((D(2025, 12, 1), D(2025, 12, 6))) == pytest.approx(50)
    # a day without data makes the sum unknown
    assert dju.total((D(2025, 11, 30), D(2025, 12, 6))) is None


def _household(ref_kwh: float, chal_kwh: float, persons: int = 2) -> engine.ResourceResult:
    return engine.household_resource(
        [meter("electricite", "kWh", share=0, registers=both_periods(ref_kwh, chal_kwh))],
        persons=persons,
        reference=REF,
        challenge=CHAL,
        factors=FACTORS,
        tariff_at=no_tariff,
        ratio=None,
        water=False,
    )


def test_team_figures_are_ratios_of_sums_beside_the_mean_of_percentages():
    # A: 10 000 → 9 000 (10 %); B: 1 000 → 500 (50 %).
    # ratio of sums: (1 000 + 500) / 11 000 = 13.64 %; mean of % = 30 %
    agg = engine.aggregate([_household(10000, 9000), _household(1000, 500)])
    assert agg.savings_pct == pytest.approx(1500 / 11000 * 100)
    assert agg.mean_household_pct == pytest.approx(30)


def test_incomplete_households_are_left_out_of_totals():
    incomplete = engine.household_resource(
        [meter("gaz", "m3")],
        persons=4,
        reference=REF,
        challenge=CHAL,
        factors=FACTORS,
        tariff_at=no_tariff,
        ratio=None,
        water=False,
    )
    agg = engine.aggregate([_household(1000, 900), incomplete])
    assert (agg.households_total, agg.households_complete) == (2, 1)
    assert agg.savings_kwh == pytest.approx(100)
    assert agg.persons == 2


def test_per_person_and_per_year_scaling():
    # 300 kWh saved by 3 persons → 100 per person; over 73 days → ×5 = 500 a year
    assert engine.per_person(300, 3) == 100
    assert engine.per_year(100, 73) == pytest.approx(500)
    assert engine.per_person(300, 0) is None


def test_co2_blends_electricity_by_heating_share_and_euros_use_tariffs():
    # electricity h = 0.5: factor 0.5 × 0.079 + 0.5 × 0.057 = 0.068;
    # 1 000 → 800 kWh: 200 × 0.068 = 13.6 kg; 200 × 0.20 € = 40 €.
    # gas 100 → 90 m³: 10 m³ = 112 kWh × 0.227 = 25.424 kg; 112 × 0.10 = 11.2 €.
    # fuel oil 100 → 80 L: 200 kWh × 0.324 = 64.8 kg; 20 L × 1.5 = 30 €.
    result = engine.household_resource(
        [
            meter("electricite", "kWh", share=0.5, registers=both_periods(1000, 800)),
            meter("gaz", "m3", registers=both_periods(100, 90)),
            meter("fioul", "L", registers=both_periods(100, 80)),
        ],
        persons=2,
        reference=REF,
        challenge=CHAL,
        factors=FACTORS,
        tariff_at=no_tariff,
        ratio=None,
        water=False,
    )
    assert result.savings_kwh == pytest.approx(200 + 112 + 200)
    assert result.co2_avoided_kg == pytest.approx(13.6 + 25.424 + 64.8)
    assert result.savings_eur == pytest.approx(40 + 11.2 + 30)


def test_water_is_counted_in_m3_with_its_tariff():
    # 30 → 24 m³: 6 m³ saved = 20 %, 6 × 4.3 = 25.8 €
    result = engine.household_resource(
        [meter("eau", "m3", share=0, registers=both_periods(30, 24))],
        persons=2,
        reference=REF,
        challenge=CHAL,
        factors=FACTORS,
        tariff_at=no_tariff,
        ratio=0.5,  # ignored for water
        water=True,
    )
    assert result.savings_kwh == pytest.approx(6)
    assert result.savings_pct == pytest.approx(20)
    assert result.savings_eur == pytest.approx(25.8)
    assert result.co2_avoided_kg is None


def test_waste_rates_reduction_and_avoided_kg():
    # 2 persons; reference phase 28 days: 56 kg → 56/2/28 = 1 kg/person/day
    # (365 kg a year); after, 100 days: 160 kg → 0.8 kg/person/day.
    # reduction (1 − 0.8)/1 = 20 %; avoided 0.2 × 2 × 100 = 40 kg
    start = D(2026, 1, 5)
    ref = (start, start + dt.timedelta(days=28))
    after = (ref[1], ref[1] + dt.timedelta(days=100))
    weighings = [(start, 30.0), (start + dt.timedelta(days=20), 26.0)]
    weighings += [(after[0] + dt.timedelta(days=10 * i), 16.0) for i in range(10)]
    flow = engine.waste_flow(weighings, persons=2, reference=ref, after=after)
    assert flow.rate_ref == pytest.approx(1)
    assert flow.rate_chal == pytest.approx(0.8)
    assert flow.rate_ref * 365 == pytest.approx(365)
    assert flow.reduction_pct == pytest.approx(20)
    assert flow.avoided_kg == pytest.approx(40)


def test_waste_totals_are_ratios_of_sums_over_households_weighed_in_both_phases():
    # A (2 persons): 1 → 0.8 kg/p/d = 2 → 1.6 kg/d; B (1 person): 1 → 0.5.
    # Σ ref 3 kg/d, Σ chal 2.1 → reduction 30 %; C has no weighing after.
    ref = (D(2026, 1, 1), D(2026, 1, 11))  # 10 days
    after = (D(2026, 1, 11), D(2026, 1, 21))  # 10 days
    a = engine.waste_flow(
        [(D(2026, 1, 2), 20.0), (D(2026, 1, 12), 16.0)], persons=2, reference=ref, after=after
    )
    b = engine.waste_flow(
        [(D(2026, 1, 2), 10.0), (D(2026, 1, 12), 5.0)], persons=1, reference=ref, after=after
    )
    c = engine.waste_flow([(D(2026, 1, 2), 50.0)], persons=4, reference=ref, after=after)
    assert not c.complete
    agg = engine.waste_aggregate([a, b, c])
    assert agg.households_complete == 2
    assert agg.reduction_pct == pytest.approx(30)
    # avoided: A 0.2 × 2 × 10 = 4, B 0.5 × 1 × 10 = 5
    assert agg.avoided_kg == pytest.approx(9)
    # 3 kg/d over 3 persons → 365 kg per person per year
    assert agg.ref_kg_per_person_year == pytest.approx(365)


def test_ranking_highest_first_with_ties_and_unranked():
    assert engine.rank([5.0, None, 12.0, 5.0]) == [2, None, 1, 2]


def test_weeks_are_mondays():
    # 3 Dec 2025 is a Wednesday: weeks of 1 Dec and 8 Dec up to 10 Dec
    assert engine.weeks_between(D(2025, 12, 3), D(2025, 12, 10)) == [
        D(2025, 12, 1),
        D(2025, 12, 8),
    ]


@given(
    e_ref=st.floats(min_value=0, max_value=1e6),
    share=st.floats(min_value=0, max_value=1),
    dju=st.floats(min_value=1, max_value=5000),
)
def test_equal_degree_days_leave_the_reference_unchanged(e_ref, share, dju):
    corrected = engine.climate_corrected(e_ref, share, engine.dju_ratio(dju, dju))
    assert corrected == pytest.approx(e_ref)


@given(
    steps=st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=12),
    k=st.integers(min_value=1, max_value=50),
    offset=st.integers(min_value=0, max_value=30),
)
def test_scaling_every_index_by_k_scales_consumption_by_k(steps, k, offset):
    start = D(2025, 12, 1)
    values = [sum(steps[: i + 1]) for i in range(len(steps))]
    points = [(start + dt.timedelta(days=5 * i), v, "normal") for i, v in enumerate(values)]
    period = (start + dt.timedelta(days=offset % 5), start + dt.timedelta(days=5 * len(steps)))
    base = engine.series_consumption(build_series(points), period)
    scaled = engine.series_consumption(build_series((d, v * k, kd) for d, v, kd in points), period)
    assert base is not None
    assert scaled == pytest.approx(base * k)


# --- Progress in one pass ---------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.floats(0, 1e6, allow_nan=False)),
        max_size=12,
        unique_by=lambda p: p[0],
    ),
    st.lists(st.integers(-20, 140), max_size=30),
)
def test_index_at_many_gives_the_values_of_index_at(points, days):
    start = D(2025, 1, 1).toordinal()
    s = series(*((D.fromordinal(start + d), v) for d, v in points))
    wanted = sorted(start + d for d in days)

    assert engine.index_at_many(s, wanted) == [index_at(s, d) for d in wanted]


def slow_progress(households, windows, ref_windows, *, water):
    """The definition: the whole engine run again for each window."""
    out = []
    for w, (window, ref_window) in enumerate(zip(windows, ref_windows, strict=True)):
        results = [
            engine.household_resource(
                h.meters,
                persons=2,
                reference=ref_window,
                challenge=window,
                factors=FACTORS,
                tariff_at=lambda carrier, day: 0.1,
                ratio=h.ratios[w],
                water=water,
            )
            for h in households
        ]
        out.append(engine.aggregate(results).savings_pct)
    return out


def random_meter(rng, carrier, unit, *, with_bills: bool) -> MeterInput:
    registers = {}
    for register in ("hp", "hc") if rng.random() < 0.3 else ("base",):
        points = []
        value = rng.uniform(0, 5000)
        stops = CHAL[0] + dt.timedelta(days=rng.randint(5, 110))  # reads until then
        for first, last in ((REF[0], D(2025, 2, 20)), (CHAL[0], stops)):
            day = first - dt.timedelta(days=rng.randint(0, 9))
            while day < last:
                if rng.random() < 0.85:  # some readings are missing
                    points.append((day, value))
                value += rng.uniform(0, 50)
                day += dt.timedelta(days=rng.randint(3, 16))
        registers[register] = series(*points)
    bills = ()
    if with_bills:
        bills = (BillInput(D(2024, 1, 1), D(2024, 12, 31), rng.uniform(1000, 9000), None),)
    return meter(carrier, unit, share=rng.random(), registers=registers, bills=bills)


@pytest.mark.parametrize("seed", range(5))
def test_progress_in_one_pass_matches_the_engine_run_for_each_week(seed):
    import random

    rng = random.Random(seed)
    weeks = engine.weeks_between(CHAL[0], D(2026, 2, 15))
    ends = [min(monday + dt.timedelta(days=7), D(2026, 2, 15)) for monday in weeks]
    windows = [(CHAL[0], end) for end in ends]
    ref_windows = [(REF[0], end.replace(year=end.year - 1)) for end in ends]
    for water, kinds in (
        (False, (("gaz", "m3"), ("electricite", "kWh"), ("fioul", "L"), ("charbon", "kg"))),
        (True, (("eau", "m3"),)),
    ):
        households = [
            engine.ProgressHousehold(
                meters=[
                    random_meter(rng, *rng.choice(kinds), with_bills=rng.random() < 0.3)
                    for _ in range(rng.randint(0, 3))
                ],
                ratios=[rng.choice([None, rng.uniform(0.8, 1.2)]) for _ in windows],
            )
            for _ in range(30)
        ]

        fast = engine.progress_savings_pct(
            households,
            challenge_windows=windows,
            reference_windows=ref_windows,
            factors=FACTORS,
            tariff_at=lambda carrier, day: 0.1,
            water=water,
        )

        assert fast == slow_progress(households, windows, ref_windows, water=water)
        assert any(p is not None for p in fast)
