"""Factors, their bases and conversion to kWh (METHODOLOGY §2 and « Factor bases »)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from measures.engine.series import (
    ELECTRICITY,
    WATER,
    BillInput,
    MeterInput,
    Period,
    fmt_day,
    period_days,
)
from measures.models import Carrier

# Carriers whose tariff is in € per kWh; the others are per unit of the meter
# (fioul €/L, bois €/stère, granulés and propane €/kg, eau €/m³).
TARIFF_PER_KWH = {"electricite", "gaz", "reseau_chaleur"}

GAS = "gaz"
KWH_PER_UNIT = "kwh_par_unite"
CO2_PER_KWH = "co2_par_kwh"
TARIFF = "tarif"
PCS_PER_PCI = "pcs_sur_pci"
PCS, PCI = "pcs", "pci"
# Carriers whose kWh depend on a heating value, higher (PCS) or lower (PCI);
# electricity and district heat count delivered kWh.
FUELS = frozenset({"gaz", "fioul", "bois_buches", "granules", "propane"})
# PCS is always above PCI (the water vapour's heat): ~1.11 for natural gas,
# ~1.09 for propane, ~1.06 for fuel oil. Outside this range, a typing error.
PCS_PER_PCI_RANGE = (1.0, 1.25)


def carrier_name(carrier: str) -> str:
    return str(Carrier(carrier).label) if carrier in Carrier.values else carrier


def decimal_text(value: float) -> str:
    """« 1,11 »: a factor in a French message."""
    return f"{value:g}".replace(".", ",")


def basis_name(basis: str) -> str:
    return {PCS: "PCS", PCI: "PCI"}.get(basis, basis)


@dataclass(frozen=True)
class Conversion:
    """The kWh per unit a meter converts with, and where it comes from."""

    kwh_per_unit: float
    from_household: bool  # the household's gas bill, not the factor table


@dataclass(frozen=True)
class CarrierBasis:
    """One carrier's kWh basis and the CO2 factor applied to them."""

    carrier: str
    energy_basis: str  # "pcs", "pci", or "" for delivered kWh
    co2_basis: str  # the basis of the table's CO2 factor
    co2_table: float | None  # kgCO2e per kWh as in the table
    co2_applied: float | None  # per kWh of `energy_basis`; None when refused
    pcs_per_pci: float | None  # the ratio used, when the bases differ
    includes_upstream: bool | None
    problem: str | None  # why the CO2 factor is refused


@dataclass(frozen=True)
class Factors:
    """The factor values of one version, by (kind, key) as in measures.factors.

    `bases` gives the energy basis of each row, (kind, key) → "pcs", "pci"
    or ""; None means the values come without bases (plain numbers): they are
    then used as they are.
    """

    kwh_per_unit: Mapping[str, float]
    co2_per_kwh: Mapping[str, float]
    tariff: Mapping[str, float]
    bases: Mapping[tuple[str, str], str] | None = None
    pcs_per_pci: Mapping[str, float] = field(default_factory=dict)
    upstream: Mapping[str, bool | None] = field(default_factory=dict)  # by CO2 key

    @classmethod
    def from_values(
        cls,
        values: Mapping[tuple[str, str], object],
        *,
        bases: Mapping[tuple[str, str], str] | None = None,
        upstream: Mapping[tuple[str, str], bool | None] | None = None,
    ) -> Factors:
        groups: dict[str, dict[str, float]] = {
            KWH_PER_UNIT: {},
            CO2_PER_KWH: {},
            TARIFF: {},
            PCS_PER_PCI: {},
        }
        for (kind, key), value in values.items():
            if kind in groups:
                groups[kind][key] = float(str(value))
        return cls(
            groups[KWH_PER_UNIT],
            groups[CO2_PER_KWH],
            groups[TARIFF],
            bases=bases,
            pcs_per_pci=groups[PCS_PER_PCI],
            upstream={key: u for (kind, key), u in (upstream or {}).items() if kind == CO2_PER_KWH},
        )

    def kwh_factor(self, carrier: str, unit: str, coefficient: float | None = None) -> float | None:
        """kWh per unit of the meter (1 for kWh meters; None for water). A gas
        meter in m³ converts with its bill's `coefficient` when it has one."""
        if carrier == WATER:
            return None
        if unit == "kWh":
            return 1.0
        if carrier == GAS and coefficient is not None and coefficient > 0:
            return coefficient
        return self.kwh_per_unit.get(carrier)

    def meter_kwh_factor(self, meter: MeterInput) -> float | None:
        return self.kwh_factor(meter.carrier, meter.unit, meter.gas_kwh_per_m3)

    def conversion(self, meter: MeterInput) -> Conversion | None:
        """The factor a meter counted in units (m³, L, stères, kg) converts with;
        None for kWh and water meters, or without a factor."""
        if meter.is_water or meter.unit == "kWh":
            return None
        factor = self.meter_kwh_factor(meter)
        if factor is None:
            return None
        own = meter.carrier == GAS and bool(meter.gas_kwh_per_m3 and meter.gas_kwh_per_m3 > 0)
        return Conversion(kwh_per_unit=factor, from_household=own)

    def energy_basis(self, carrier: str) -> str:
        """The basis of a carrier's kWh. Gas counts kWh PCS whatever the meter:
        bills give kWh PCS and their coefficient turns m³ into kWh PCS."""
        if carrier not in FUELS:
            return ""
        if carrier == GAS:
            return PCS
        return (self.bases or {}).get((KWH_PER_UNIT, carrier), "")

    def co2_factor(self, carrier: str, heating_share: float) -> float | None:
        """kgCO2e per kWh of the carrier's basis; electricity blends heating and
        other uses (§4). None when the table has no factor or mixes bases
        without a PCS/PCI ratio to convert them."""
        if carrier == ELECTRICITY:
            heating = self.co2_per_kwh.get("electricite_chauffage")
            other = self.co2_per_kwh.get("electricite_autres")
            if heating is None or other is None:
                return None
            return heating_share * heating + (1 - heating_share) * other
        return self.basis_of(carrier).co2_applied

    def basis_of(self, carrier: str) -> CarrierBasis:
        found = self._carrier_bases.get(carrier)
        return found if found is not None else self._carrier_basis(carrier)

    @cached_property
    def _carrier_bases(self) -> dict[str, CarrierBasis]:
        carriers = FUELS | set(self.co2_per_kwh) | set(self.kwh_per_unit)
        return {c: self._carrier_basis(c) for c in carriers}

    def carrier_bases(self) -> list[CarrierBasis]:
        """The basis of every carrier with a CO2 factor, in a stable order."""
        return [b for c, b in sorted(self._carrier_bases.items()) if b.co2_table is not None]

    def problems(self) -> list[str]:
        """Why CO2 factors of this version are refused (French, for people)."""
        return [b.problem for b in self.carrier_bases() if b.problem]

    def _carrier_basis(self, carrier: str) -> CarrierBasis:
        co2 = self.co2_per_kwh.get(carrier)
        bases = self.bases or {}
        energy = self.energy_basis(carrier)
        co2_basis = bases.get((CO2_PER_KWH, carrier), "")
        upstream = self.upstream.get(carrier)
        if self.bases is None or carrier not in FUELS or co2 is None:
            return CarrierBasis(carrier, energy, co2_basis, co2, co2, None, upstream, None)
        problem, ratio = self._basis_problem(carrier, energy, co2_basis)
        applied: float | None = co2
        if problem is not None:
            applied = None
        elif ratio is not None:
            applied = co2 / ratio if energy == PCS else co2 * ratio
        return CarrierBasis(carrier, energy, co2_basis, co2, applied, ratio, upstream, problem)

    def _basis_problem(
        self, carrier: str, energy: str, co2_basis: str
    ) -> tuple[str | None, float | None]:
        """(why the CO2 factor cannot be applied, the PCS/PCI ratio to use)."""
        name = carrier_name(carrier)
        kwh_row = (self.bases or {}).get((KWH_PER_UNIT, carrier), "")
        if carrier in self.kwh_per_unit and not kwh_row:
            return _(
                "%(carrier)s : la ligne « kWh par unité » ne dit pas si ses kWh sont PCS ou PCI."
            ) % {"carrier": name}, None
        if carrier == GAS and kwh_row == PCI:
            return _(
                "%(carrier)s : le coefficient en kWh/m³ tient lieu de celui des factures, qui "
                "donnent des kWh PCS ; indiquez-le en PCS."
            ) % {"carrier": name}, None
        if not co2_basis:
            return _(
                "%(carrier)s : le facteur CO2 ne dit pas s'il est par kWh PCS ou par kWh PCI."
            ) % {"carrier": name}, None
        if not energy or co2_basis == energy:
            return None, None
        ratio = self.pcs_per_pci.get(carrier)
        if ratio is None:
            return _(
                "%(carrier)s : le facteur CO2 est par kWh %(co2)s mais les kWh sont comptés en "
                "%(energy)s, et la table n'a pas de rapport PCS/PCI pour les convertir."
            ) % {"carrier": name, "co2": basis_name(co2_basis), "energy": basis_name(energy)}, None
        low, high = PCS_PER_PCI_RANGE
        if not low < ratio <= high:
            return _(
                "%(carrier)s : un rapport PCS/PCI de %(ratio)s n'est pas plausible (il est "
                "compris entre 1 et 1,25)."
            ) % {"carrier": name, "ratio": decimal_text(ratio)}, None
        return None, ratio


# A tariff lookup for bills in euros: (carrier, day) → € per tariff unit.
TariffAt = Callable[[str, dt.date], float | None]


def to_kwh(
    quantity: float,
    carrier: str,
    unit: str,
    factors: Factors,
    *,
    coefficient: float | None = None,
) -> float | None:
    """A quantity in the meter's unit in kWh; `coefficient`: the kWh per m³ of
    the household's gas bill, when it gives one."""
    factor = factors.kwh_factor(carrier, unit, coefficient)
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
        return to_kwh(
            bill.quantity, meter.carrier, meter.unit, factors, coefficient=meter.gas_kwh_per_m3
        )
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
