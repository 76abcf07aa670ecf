"""Savings of a household per resource, and the ratio-of-sums aggregates (METHODOLOGY §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from measures.engine.climate import climate_corrected
from measures.engine.conversion import TARIFF_PER_KWH, Factors, TariffAt, bill_reference
from measures.engine.series import MeterInput, Period, meter_consumption


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
    factor = 1.0 if water else factors.meter_kwh_factor(meter)
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


def rank(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranking, highest first (1, 2, 2, 4); None is not ranked."""
    ranked = sorted((v for v in values if v is not None), reverse=True)
    return [None if v is None else ranked.index(v) + 1 for v in values]
