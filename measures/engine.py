"""The results engine of METHODOLOGY.md: pure functions on plain data.

Nothing here touches the database: `measures.results` loads the rows of a
challenge in a fixed number of queries and hands them over as the dataclasses
below. Numbers are floats (the inputs are Decimals of at most 3 decimals; the
results are rounded when shown).

Periods are half-open [a, b) (METHODOLOGY §1): an index read on day d counts
as read at the start of that day, so consumption over [a, b) is
index(b) − index(a).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# METHODOLOGY §2: an index may be extrapolated up to 7 days beyond a reading.
MAX_EXTRAPOLATION_DAYS = 7

NORMAL = "normal"
REPLACEMENT = "remplacement"
ROLLOVER = "tour"

ELECTRICITY = "electricite"
WATER = "eau"
# Carriers whose tariff is in € per kWh; the others are per unit of the meter
# (fioul €/L, bois €/stère, granulés and propane €/kg, eau €/m³).
TARIFF_PER_KWH = {"electricite", "gaz", "reseau_chaleur"}

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

    @property
    def is_water(self) -> bool:
        return self.carrier == WATER


@dataclass(frozen=True)
class Factors:
    """The factor values of one version, by (kind, key) as in measures.factors."""

    kwh_per_unit: Mapping[str, float]
    co2_per_kwh: Mapping[str, float]
    tariff: Mapping[str, float]

    @classmethod
    def from_values(cls, values: Mapping[tuple[str, str], object]) -> Factors:
        groups: dict[str, dict[str, float]] = {
            "kwh_par_unite": {},
            "co2_par_kwh": {},
            "tarif": {},
        }
        for (kind, key), value in values.items():
            if kind in groups:
                groups[kind][key] = float(str(value))
        return cls(groups["kwh_par_unite"], groups["co2_par_kwh"], groups["tarif"])

    def kwh_factor(self, carrier: str, unit: str) -> float | None:
        """kWh per unit of the meter (1 for kWh meters; None for water)."""
        if carrier == WATER:
            return None
        if unit == "kWh":
            return 1.0
        return self.kwh_per_unit.get(carrier)

    def co2_factor(self, carrier: str, heating_share: float) -> float | None:
        """kgCO2e per kWh; electricity blends heating and other uses (§4)."""
        if carrier == ELECTRICITY:
            heating = self.co2_per_kwh.get("electricite_chauffage")
            other = self.co2_per_kwh.get("electricite_autres")
            if heating is None or other is None:
                return None
            return heating_share * heating + (1 - heating_share) * other
        return self.co2_per_kwh.get(carrier)


# A tariff lookup for bills in euros: (carrier, day) → € per tariff unit.
TariffAt = Callable[[str, dt.date], float | None]


def to_kwh(quantity: float, carrier: str, unit: str, factors: Factors) -> float | None:
    factor = factors.kwh_factor(carrier, unit)
    return None if factor is None else quantity * factor


def bill_reference(
    meter: MeterInput, reference: Period, factors: Factors, tariff_at: TariffAt
) -> tuple[float | None, list[str]]:
    """Reference consumption from bills, in kWh (energy) or m³ (water).

    Bills are prorated by days: Σ quantity / Σ days billed × days of the
    reference period. A bill in euros is divided by the tariff valid at the
    middle of its period (€/kWh for electricity, gas, district heat; € per
    unit of the meter otherwise).
    """
    total = 0.0
    billed_days = 0
    missing: list[str] = []
    for bill in meter.bills:
        if bill.days <= 0:
            continue
        amount = _bill_amount(meter, bill, factors, tariff_at)
        if amount is None:
            missing.append(
                _("« %(meter)s » : pas de tarif pour convertir la facture du %(day)s")
                % {"meter": meter.label, "day": fmt_day(bill.starts_on)}
            )
            continue
        total += amount
        billed_days += bill.days
    if billed_days == 0:
        return None, missing
    return total / billed_days * period_days(reference), missing


def _bill_amount(
    meter: MeterInput, bill: BillInput, factors: Factors, tariff_at: TariffAt
) -> float | None:
    water = meter.is_water
    if bill.quantity is not None:
        if water:
            return bill.quantity
        return to_kwh(bill.quantity, meter.carrier, meter.unit, factors)
    if bill.amount_eur is None:
        return None
    tariff = tariff_at(meter.carrier, bill.middle)
    if not tariff:
        return None
    quantity = bill.amount_eur / tariff
    if water or meter.carrier in TARIFF_PER_KWH:
        return quantity  # already in m³ or kWh
    # € / (€ per L, stère or kg) → litres, stères or kg → kWh.
    factor = factors.kwh_per_unit.get(meter.carrier)
    return None if factor is None else quantity * factor


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


# --- Climate ------------------------------------------------------------------


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


# --- Household results ----------------------------------------------------------


@dataclass
class MeterResult:
    meter: MeterInput
    ref: float | None = None  # reference, in the meter's unit (None from bills)
    ref_kwh: float | None = None  # kWh, or m³ for water
    ref_corr_kwh: float | None = None
    challenge: float | None = None
    challenge_kwh: float | None = None
    from_bills: bool = False
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.ref_corr_kwh is not None and self.challenge_kwh is not None

    @property
    def savings_kwh(self) -> float | None:
        if not self.complete:
            return None
        assert self.ref_corr_kwh is not None
        assert self.challenge_kwh is not None
        return self.ref_corr_kwh - self.challenge_kwh


@dataclass
class ResourceResult:
    """One household, one resource (energy in kWh or water in m³)."""

    meters: list[MeterResult]
    missing: list[str]
    persons: int
    ref_kwh: float = 0.0
    ref_corr_kwh: float = 0.0
    challenge_kwh: float = 0.0
    savings_eur: float | None = 0.0
    co2_avoided_kg: float | None = 0.0

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def savings_kwh(self) -> float:
        return self.ref_corr_kwh - self.challenge_kwh

    @property
    def savings_pct(self) -> float | None:
        if not self.complete or self.ref_corr_kwh <= 0:
            return None
        return 100 * self.savings_kwh / self.ref_corr_kwh


def _reference_label() -> str:
    return _("la période de référence")


def _challenge_label() -> str:
    return _("la période du défi")


def meter_result(
    meter: MeterInput,
    *,
    reference: Period,
    challenge: Period,
    factors: Factors,
    tariff_at: TariffAt,
    ratio: float | None,
) -> MeterResult:
    result = MeterResult(meter)
    water = meter.is_water
    factor = 1.0 if water else factors.kwh_factor(meter.carrier, meter.unit)
    if factor is None:
        result.missing.append(
            _("« %(meter)s » : pas de facteur de conversion en kWh pour cette énergie")
            % {"meter": meter.label}
        )
        return result
    ref, ref_missing = meter_consumption(meter, reference, _reference_label)
    if ref is not None:
        result.ref = ref
        result.ref_kwh = ref * factor
    elif meter.bills:
        from_bills, bill_missing = bill_reference(meter, reference, factors, tariff_at)
        if from_bills is not None:
            result.ref_kwh = from_bills
            result.from_bills = True
        else:
            result.missing.extend(bill_missing or ref_missing)
    else:
        result.missing.extend(ref_missing)
    chal, chal_missing = meter_consumption(meter, challenge, _challenge_label)
    if chal is not None:
        result.challenge = chal
        result.challenge_kwh = chal * factor
    else:
        result.missing.extend(chal_missing)
    if result.ref_kwh is not None:
        share = 0.0 if water else meter.heating_share
        result.ref_corr_kwh = climate_corrected(result.ref_kwh, share, ratio)
    return result


def meter_savings_eur(result: MeterResult, factors: Factors) -> float | None:
    """Savings × tariff of the carrier (in € per kWh, per m³ or per unit)."""
    savings = result.savings_kwh
    if savings is None:
        return None
    meter = result.meter
    tariff = factors.tariff.get(meter.carrier)
    if tariff is None:
        return None
    if meter.is_water or meter.carrier in TARIFF_PER_KWH:
        return savings * tariff
    factor = factors.kwh_per_unit.get(meter.carrier)
    if not factor:
        return None
    return savings / factor * tariff


def meter_co2_kg(result: MeterResult, factors: Factors) -> float | None:
    savings = result.savings_kwh
    if savings is None or result.meter.is_water:
        return None
    factor = factors.co2_factor(result.meter.carrier, result.meter.heating_share)
    return None if factor is None else savings * factor


def household_resource(
    meters: Sequence[MeterInput],
    *,
    persons: int,
    reference: Period,
    challenge: Period,
    factors: Factors,
    tariff_at: TariffAt,
    ratio: float | None,
    water: bool,
) -> ResourceResult:
    """Energy (all carriers in kWh) or water (m³) of one household (§2–§4)."""
    results = [
        meter_result(
            m,
            reference=reference,
            challenge=challenge,
            factors=factors,
            tariff_at=tariff_at,
            ratio=ratio,
        )
        for m in meters
    ]
    missing = [text for r in results for text in r.missing]
    if not meters:
        missing.append(
            _("Aucun compteur d'eau déclaré") if water else _("Aucun compteur d'énergie déclaré")
        )
    out = ResourceResult(meters=results, missing=missing, persons=persons)
    if missing:
        out.savings_eur = None
        out.co2_avoided_kg = None
        return out
    eur: float | None = 0.0
    co2: float | None = None if water else 0.0
    for r in results:
        assert r.ref_kwh is not None
        assert r.ref_corr_kwh is not None
        assert r.challenge_kwh is not None
        out.ref_kwh += r.ref_kwh
        out.ref_corr_kwh += r.ref_corr_kwh
        out.challenge_kwh += r.challenge_kwh
        meter_eur = meter_savings_eur(r, factors)
        eur = None if eur is None or meter_eur is None else eur + meter_eur
        if co2 is not None:
            meter_co2 = meter_co2_kg(r, factors)
            co2 = None if meter_co2 is None else co2 + meter_co2
    out.savings_eur = eur
    out.co2_avoided_kg = co2
    return out


# --- Aggregates -----------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    households_total: int
    households_complete: int
    ref_kwh: float
    ref_corr_kwh: float
    challenge_kwh: float
    savings_kwh: float
    savings_pct: float | None  # ratio of sums, in %
    mean_household_pct: float | None
    persons: int
    savings_eur: float | None
    co2_avoided_kg: float | None


def aggregate(results: Sequence[ResourceResult]) -> Aggregate:
    """Ratio of sums over complete households, with the mean of percentages (§4)."""
    complete = [r for r in results if r.complete]
    ref = sum(r.ref_kwh for r in complete)
    ref_corr = sum(r.ref_corr_kwh for r in complete)
    chal = sum(r.challenge_kwh for r in complete)
    savings = ref_corr - chal
    pcts = [p for p in (r.savings_pct for r in complete) if p is not None]
    eurs = [r.savings_eur for r in complete]
    co2s = [r.co2_avoided_kg for r in complete]
    return Aggregate(
        households_total=len(results),
        households_complete=len(complete),
        ref_kwh=ref,
        ref_corr_kwh=ref_corr,
        challenge_kwh=chal,
        savings_kwh=savings,
        savings_pct=100 * savings / ref_corr if ref_corr > 0 else None,
        mean_household_pct=sum(pcts) / len(pcts) if pcts else None,
        persons=sum(r.persons for r in complete),
        savings_eur=None if any(e is None for e in eurs) else sum(e or 0.0 for e in eurs),
        co2_avoided_kg=None if any(c is None for c in co2s) else sum(c or 0.0 for c in co2s),
    )


def per_person(total: float, persons: int) -> float | None:
    return total / persons if persons > 0 else None


def per_year(total: float, days: int) -> float | None:
    """Scale a figure over `days` to a year: × 365 / days (§4)."""
    return total * 365 / days if days > 0 else None


# --- Waste --------------------------------------------------------------------


@dataclass(frozen=True)
class WasteFlowResult:
    persons: int
    ref_days: int
    chal_days: int
    ref_kg: float
    chal_kg: float
    has_ref: bool
    has_chal: bool

    @property
    def complete(self) -> bool:
        return self.has_ref and self.has_chal and self.persons > 0 and self.chal_days > 0

    @property
    def rate_ref(self) -> float | None:
        """kg per person per day during the reference phase."""
        if not self.has_ref or self.persons <= 0 or self.ref_days <= 0:
            return None
        return self.ref_kg / self.persons / self.ref_days

    @property
    def rate_chal(self) -> float | None:
        if not self.has_chal or self.persons <= 0 or self.chal_days <= 0:
            return None
        return self.chal_kg / self.persons / self.chal_days

    @property
    def reduction_pct(self) -> float | None:
        ref, chal = self.rate_ref, self.rate_chal
        if ref is None or chal is None or ref <= 0:
            return None
        return 100 * (ref - chal) / ref

    @property
    def avoided_kg(self) -> float | None:
        ref, chal = self.rate_ref, self.rate_chal
        if ref is None or chal is None:
            return None
        return (ref - chal) * self.persons * self.chal_days


def waste_flow(
    weighings: Iterable[tuple[dt.date, float]],
    *,
    persons: int,
    reference: Period,
    after: Period,
) -> WasteFlowResult:
    """Rates of one flow of one household over the reference phase and after (§5)."""
    ref_kg = chal_kg = 0.0
    has_ref = has_chal = False
    for day, kg in weighings:
        if reference[0] <= day < reference[1]:
            ref_kg += kg
            has_ref = True
        elif after[0] <= day < after[1]:
            chal_kg += kg
            has_chal = True
    return WasteFlowResult(
        persons=persons,
        ref_days=max(period_days(reference), 0),
        chal_days=max(period_days(after), 0),
        ref_kg=ref_kg,
        chal_kg=chal_kg,
        has_ref=has_ref,
        has_chal=has_chal,
    )


@dataclass(frozen=True)
class WasteAggregate:
    households_complete: int
    ref_kg_per_person_year: float | None
    challenge_kg_per_person_year: float | None
    reduction_pct: float | None
    avoided_kg: float


def waste_aggregate(flows: Sequence[WasteFlowResult]) -> WasteAggregate:
    """Ratio of sums over households weighed in both phases (§5): household
    kg per day are summed, then compared."""
    complete = [f for f in flows if f.complete]
    persons = sum(f.persons for f in complete)
    ref_per_day = sum((f.rate_ref or 0.0) * f.persons for f in complete)
    chal_per_day = sum((f.rate_chal or 0.0) * f.persons for f in complete)
    return WasteAggregate(
        households_complete=len(complete),
        ref_kg_per_person_year=ref_per_day / persons * 365 if persons else None,
        challenge_kg_per_person_year=chal_per_day / persons * 365 if persons else None,
        reduction_pct=100 * (ref_per_day - chal_per_day) / ref_per_day if ref_per_day > 0 else None,
        avoided_kg=sum(f.avoided_kg or 0.0 for f in complete),
    )


# --- Ranking ------------------------------------------------------------------


def rank(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranking, highest first (1, 2, 2, 4); None is not ranked."""
    ranked = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else ranked.index(v) + 1 for v in values]


def weeks_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays of the weeks that overlap [start, end)."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


# --- Progress over time ---------------------------------------------------------


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
            factor = 1.0 if water else factors.kwh_factor(meter.carrier, meter.unit)
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
