"""Index series of a meter and consumption over a period (METHODOLOGY §1–§2).

Periods are half-open [a, b) (METHODOLOGY §1): an index read on day d counts
as read at the start of that day, so consumption over [a, b) is
index(b) − index(a).
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# METHODOLOGY §2: an index may be extrapolated up to 7 days beyond a reading.
MAX_EXTRAPOLATION_DAYS = 7

NORMAL = "normal"
REPLACEMENT = "remplacement"
ROLLOVER = "tour"

ELECTRICITY = "electricite"
WATER = "eau"

REGISTER_LABELS = {"base": "", "hp": "heures pleines", "hc": "heures creuses"}

Period = tuple[dt.date, dt.date]


def fmt_day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def period_days(period: Period) -> int:
    return (period[1] - period[0]).days


# --- Index series -----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One register of one meter as a continuous cumulative index.

    `days` are date ordinals (strictly increasing), `values` the index with
    replacements and rollovers folded in, so that any difference of two
    values is a consumption.
    """

    days: tuple[int, ...]
    values: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.days)


_KIND_ORDER = {NORMAL: 0, ROLLOVER: 1, REPLACEMENT: 2}
_first = operator.itemgetter(0)


def integer_digits(value: float) -> int:
    """Digits of the integer part: 99 850.5 → 5 (0 → 1)."""
    return len(str(int(abs(value))))


def build_series(readings: Iterable[tuple[dt.date, float, str]]) -> Series:
    """Fold (day, index, kind) readings of one register into a `Series`.

    - ROLLOVER: the index passed its maximum; 10^digits is added, digits being
      the number of integer digits of the previous index (99 850 → +100 000).
    - REPLACEMENT: a new meter starts at this index; the old series ends on
      that day at its last index and the new one continues from there, so the
      consumption across = old series up to the replacement day + new series
      from its start index.
    Several readings of one day: the last one (in kind order normal, rollover,
    replacement, then given order) wins.
    """
    items = list(readings)
    days: list[int] = []
    values: list[float] = []
    if all(kind == NORMAL for _day, _raw, kind in items):
        # The common case, without the kind ranking: same-day readings keep
        # their given order (the sort is stable) and the last one wins.
        for day, raw, _kind in sorted(items, key=_first):
            ordinal = day.toordinal()
            if days and days[-1] == ordinal:
                values[-1] = float(raw)
            else:
                days.append(ordinal)
                values.append(float(raw))
        return Series(tuple(days), tuple(values))
    ordered = sorted(items, key=lambda r: (r[0], _KIND_ORDER.get(r[2], 0)))
    offset = 0.0
    previous_raw: float | None = None
    for day, raw, kind in ordered:
        if previous_raw is not None:
            if kind == ROLLOVER:
                offset += 10.0 ** integer_digits(previous_raw)
            elif kind == REPLACEMENT:
                offset = values[-1] - raw
        cumulative = offset + raw
        ordinal = day.toordinal()
        if days and days[-1] == ordinal:
            values[-1] = cumulative
        else:
            days.append(ordinal)
            values.append(cumulative)
        previous_raw = raw
    return Series(tuple(days), tuple(values))


def index_at(series: Series, day: dt.date | int) -> float | None:
    """Index at the start of `day`, or None when it cannot be known.

    Between two readings: linear interpolation. Before the first or after the
    last reading: linear extrapolation from the two nearest readings, when the
    nearest is at most 7 days away.
    """
    d = day if isinstance(day, int) else day.toordinal()
    days, values = series.days, series.values
    n = len(days)
    if n == 0:
        return None
    i = bisect.bisect_left(days, d)
    if i < n and days[i] == d:
        return values[i]
    if 0 < i < n:
        d1, d2 = days[i - 1], days[i]
        return values[i - 1] + (values[i] - values[i - 1]) * (d - d1) / (d2 - d1)
    if n < 2:
        return None
    if i == 0:
        if days[0] - d > MAX_EXTRAPOLATION_DAYS:
            return None
        j, k = 0, 1
    else:
        if d - days[-1] > MAX_EXTRAPOLATION_DAYS:
            return None
        j, k = n - 2, n - 1
    slope = (values[k] - values[j]) / (days[k] - days[j])
    return values[j] + slope * (d - days[j])


def series_consumption(series: Series, period: Period) -> float | None:
    start, end = index_at(series, period[0]), index_at(series, period[1])
    if start is None or end is None:
        return None
    return end - start


def weeks_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays of the weeks that overlap [start, end)."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


# --- Meters -------------------------------------------------------------------


@dataclass(frozen=True)
class BillInput:
    starts_on: dt.date
    ends_on: dt.date  # last day billed (inclusive, as entered)
    quantity: float | None
    amount_eur: float | None

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def middle(self) -> dt.date:
        return self.starts_on + dt.timedelta(days=(self.ends_on - self.starts_on).days // 2)


@dataclass(frozen=True)
class MeterInput:
    id: int
    label: str
    carrier: str
    unit: str
    heating_share: float
    registers: Mapping[str, Series]
    bills: Sequence[BillInput] = ()
    # kWh PCS per m³ from the household's gas bill (METHODOLOGY §2); None:
    # the factor table's default.
    gas_kwh_per_m3: float | None = None

    @property
    def is_water(self) -> bool:
        return self.carrier == WATER


def meter_consumption(
    meter: MeterInput, period: Period, what: str | Callable[[], str]
) -> tuple[float | None, list[str]]:
    """Consumption of all registers summed, in the meter's unit.

    `what` names the period in messages (a callable is only called when a
    message is needed: the happy path does no translation work).
    """
    total = 0.0
    failed: list[tuple[str, dt.date, bool]] = []
    for register, series in meter.registers.items():
        start = index_at(series, period[0])
        end = index_at(series, period[1])
        if start is None or end is None:
            if start is None:
                failed.append((register, period[0], True))
            if end is None:
                failed.append((register, period[1], False))
            continue
        total += end - start
    if meter.registers and not failed:
        return total, []
    label = what() if callable(what) else what
    if not meter.registers:
        return None, [
            _("« %(meter)s » : aucun relevé pour %(what)s") % {"meter": meter.label, "what": label}
        ]
    missing = []
    for register, day, is_start in sorted(failed):
        name = meter.label
        if REGISTER_LABELS.get(register):
            name = f"{meter.label}, {REGISTER_LABELS[register]}"
        missing.append(
            _(
                "« %(meter)s » : relevé manquant près du %(day)s (%(edge)s de %(what)s) ; "
                "il faut un relevé à 7 jours au plus"
            )
            % {
                "meter": name,
                "day": fmt_day(day),
                "edge": _("début") if is_start else _("fin"),
                "what": label,
            }
        )
    return None, missing
