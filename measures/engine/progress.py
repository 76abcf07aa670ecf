"""Savings week after week: growing windows in one pass over the readings (METHODOLOGY §4)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from measures.engine.climate import climate_corrected
from measures.engine.conversion import Factors, TariffAt, bill_reference
from measures.engine.series import MAX_EXTRAPOLATION_DAYS, MeterInput, Period, Series


def index_at_many(series: Series, days: Sequence[int]) -> list[float | None]:
    """`index_at` for many day ordinals given in non-decreasing order.

    One walk over the readings (each search starts where the previous one
    stopped) instead of one full search per day; the arithmetic is the one of
    `index_at`, so the values are identical.
    """
    s_days, values = series.days, series.values
    n = len(s_days)
    if n == 0:
        return [None] * len(days)
    out: list[float | None] = []
    append = out.append
    bisect_left = bisect.bisect_left
    i = 0
    for d in days:
        i = bisect_left(s_days, d, i)
        if i < n and s_days[i] == d:
            append(values[i])
        elif 0 < i < n:
            d1, d2 = s_days[i - 1], s_days[i]
            append(values[i - 1] + (values[i] - values[i - 1]) * (d - d1) / (d2 - d1))
        elif n < 2:
            append(None)
        elif i == 0:
            if s_days[0] - d > MAX_EXTRAPOLATION_DAYS:
                append(None)
            else:
                append(
                    values[0] + (values[1] - values[0]) / (s_days[1] - s_days[0]) * (d - s_days[0])
                )
        elif d - s_days[-1] > MAX_EXTRAPOLATION_DAYS:
            append(None)
        else:
            slope = (values[-1] - values[-2]) / (s_days[-1] - s_days[-2])
            append(values[-2] + slope * (d - s_days[-2]))
    return out


@dataclass(frozen=True)
class _Boundaries:
    """Windows [start, end) sharing their start: the distinct days to look
    up, in order, and where the start and each end are among them."""

    days: list[int]
    start: int
    ends: list[int]

    @classmethod
    def of(cls, windows: Sequence[Period]) -> _Boundaries:
        start = windows[0][0].toordinal()
        ends = [w[1].toordinal() for w in windows]
        days = sorted({start, *ends})
        position = {day: i for i, day in enumerate(days)}
        return cls(days, position[start], [position[e] for e in ends])


def _windows_consumption(meter: MeterInput, bounds: _Boundaries) -> list[float | None]:
    """Consumption of all registers over each window, as `meter_consumption`
    computes it (None when a boundary index is unknown)."""
    if not meter.registers:
        return [None] * len(bounds.ends)
    totals: list[float | None] = [0.0] * len(bounds.ends)
    for series in meter.registers.values():
        at = index_at_many(series, bounds.days)
        first = at[bounds.start]
        for w, end in enumerate(bounds.ends):
            total, last = totals[w], at[end]
            if total is None:
                continue
            if first is None or last is None:
                totals[w] = None
            else:
                totals[w] = total + (last - first)
    return totals


@dataclass(frozen=True)
class ProgressHousehold:
    """One household for `progress_savings_pct`: its meters of the resource and
    the climate ratio of its zone for each window (None: not corrected)."""

    meters: Sequence[MeterInput]
    ratios: Sequence[float | None]


def progress_savings_pct(
    households: Sequence[ProgressHousehold],
    *,
    challenge_windows: Sequence[Period],
    reference_windows: Sequence[Period],
    factors: Factors,
    tariff_at: TariffAt,
    water: bool,
) -> list[float | None]:
    """Savings % (ratio of sums over the households complete in each window)
    for growing windows sharing their start: the same figures as running
    `household_resource` then `aggregate` for each window, in one pass over
    each meter's readings (windows as in the challenge progress, §4)."""
    count = len(challenge_windows)
    if count == 0:
        return []
    chal_bounds = _Boundaries.of(challenge_windows)
    ref_bounds = _Boundaries.of(reference_windows)
    ref_sum = [0.0] * count
    chal_sum = [0.0] * count
    for household in households:
        if not household.meters:
            continue
        complete = [True] * count
        h_ref = [0.0] * count
        h_chal = [0.0] * count
        for meter in household.meters:
            factor = 1.0 if water else factors.meter_kwh_factor(meter)
            if factor is None:
                complete = [False] * count
                break
            chal = _windows_consumption(meter, chal_bounds)
            ref = _windows_consumption(meter, ref_bounds)
            share = 0.0 if water else meter.heating_share
            for w in range(count):
                if not complete[w]:
                    continue
                c, r = chal[w], ref[w]
                ref_kwh = None if r is None else r * factor
                if ref_kwh is None and meter.bills:
                    ref_kwh = bill_reference(meter, reference_windows[w], factors, tariff_at)[0]
                if ref_kwh is None or c is None:
                    complete[w] = False
                    continue
                h_ref[w] += climate_corrected(ref_kwh, share, household.ratios[w])
                h_chal[w] += c * factor
        for w in range(count):
            if complete[w]:
                ref_sum[w] += h_ref[w]
                chal_sum[w] += h_chal[w]
    return [
        100 * (ref_corr - chal) / ref_corr if ref_corr > 0 else None
        for ref_corr, chal in zip(ref_sum, chal_sum, strict=True)
    ]
