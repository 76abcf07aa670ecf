"""One household's chart: its meter points and weekly consumption this year
against the reference year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from challenges.models import Registration
from measures import engine
from measures.engine import Period
from measures.factors import current_factor_set
from measures.models import (
    Meter,
    Reading,
)
from measures.results.loading import (
    METER_COLUMNS,
    READING_MARGIN_DAYS,
    FactorTable,
    meter_inputs,
    one_year_before,
)


def household_series(registration: Registration, *, today: dt.date | None = None) -> dict[str, Any]:
    """Meter points and weekly consumption this year vs the reference year."""
    today = today or timezone.localdate()
    challenge = registration.challenge
    chal_start, chal_end_full = challenge.period
    chal_end = max(chal_start, min(chal_end_full, today))
    ref_start, ref_end_full = challenge.reference_period
    factor_set = current_factor_set(today)
    factors = FactorTable(factor_set)
    margin = dt.timedelta(days=READING_MARGIN_DAYS)
    meter_rows = list(
        Meter.objects.filter(household_id=registration.household_id, is_active=True).values_list(
            *METER_COLUMNS
        )
    )
    reading_rows = list(
        Reading.objects.filter(
            meter__household_id=registration.household_id,
            meter__is_active=True,
            superseded_by__isnull=True,
            read_on__gte=ref_start - margin,
            read_on__lte=chal_end_full + margin,
        )
        .order_by("read_on", "pk")
        .values_list("meter_id", "register", "read_on", "value", "kind")
    )
    meters = meter_inputs(meter_rows, reading_rows, []).get(registration.household_id, [])
    points: dict[int, list[list[Any]]] = defaultdict(list)
    ref_points: dict[int, list[list[Any]]] = defaultdict(list)
    for meter_id, register, day, value, _kind in reading_rows:
        if chal_start <= day < chal_end_full:
            points[meter_id].append([day.isoformat(), float(value), register])
        elif ref_start <= day < ref_end_full:
            shifted = _one_year_after(day)
            ref_points[meter_id].append([shifted.isoformat(), float(value), register])
    weeks = engine.weeks_between(chal_start, chal_end)
    energy_week: list[float | None] = []
    energy_ref_week: list[float | None] = []
    water_week: list[float | None] = []
    water_ref_week: list[float | None] = []
    for monday in weeks:
        window = (max(monday, chal_start), min(monday + dt.timedelta(days=7), chal_end))
        ref_window = (one_year_before(window[0]), one_year_before(window[1]))
        for water, this_year, last_year in (
            (False, energy_week, energy_ref_week),
            (True, water_week, water_ref_week),
        ):
            chosen = [m for m in meters if m.is_water == water]
            this_year.append(_weekly(chosen, window, factors.current))
            last_year.append(_weekly(chosen, ref_window, factors.current))
    return {
        "meters": [
            {
                "meter_id": m.id,
                "label": m.label,
                "unit": m.unit,
                "points": points[m.id],
                "reference_points": ref_points[m.id],
            }
            for m in meters
        ],
        "weeks": [w.isoformat() for w in weeks],
        "energy_kwh_week": energy_week,
        "energy_ref_kwh_week": energy_ref_week,
        "water_m3_week": water_week,
        "water_ref_m3_week": water_ref_week,
    }


def _weekly(
    meters: list[engine.MeterInput], window: Period, factors: engine.Factors
) -> float | None:
    if not meters:
        return None
    total = 0.0
    for meter in meters:
        consumption, missing = engine.meter_consumption(meter, window, "")
        factor = 1.0 if meter.is_water else factors.meter_kwh_factor(meter)
        if consumption is None or missing or factor is None:
            return None
        total += consumption * factor
    return round(total, 2)


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
