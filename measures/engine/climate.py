"""Climate correction with degree days (METHODOLOGY §3)."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from measures.engine.series import Period


def climate_corrected(e_ref: float, heating_share: float, ratio: float | None) -> float:
    """E_ref_corr = h · E_ref · (DJU_chal / DJU_ref) + (1 − h) · E_ref (§3)."""
    if ratio is None:
        return e_ref
    return heating_share * e_ref * ratio + (1 - heating_share) * e_ref


def dju_ratio(dju_challenge: float | None, dju_reference: float | None) -> float | None:
    if dju_challenge is None or not dju_reference:
        return None
    return dju_challenge / dju_reference


def spread_monthly_dju(year: int, month: int, total: float) -> list[tuple[dt.date, float]]:
    """Monthly degree days count each day as 1/days-in-month of the total (§3)."""
    days = calendar.monthrange(year, month)[1]
    return [(dt.date(year, month, d), total / days) for d in range(1, days + 1)]


@dataclass(frozen=True)
class DegreeDays:
    """Daily degree days of one zone, with prefix sums for quick period sums."""

    days: tuple[int, ...]
    cumulative: tuple[float, ...]  # cumulative[i] = sum of values before days[i]

    @classmethod
    def from_daily(cls, daily: Iterable[tuple[dt.date, float]]) -> DegreeDays:
        items = sorted((d.toordinal(), v) for d, v in daily)
        cumulative = [0.0]
        for _day, value in items:
            cumulative.append(cumulative[-1] + value)
        return cls(tuple(d for d, _v in items), tuple(cumulative))

    def total(self, period: Period) -> float | None:
        """Sum over the days of the period; None unless every day has data."""
        a, b = period[0].toordinal(), period[1].toordinal()
        if b <= a:
            return None
        i = bisect.bisect_left(self.days, a)
        j = bisect.bisect_left(self.days, b)
        if j - i != b - a:
            return None
        return self.cumulative[j] - self.cumulative[i]
