"""How the figures were computed, in words: the conversion of each meter and
the basis of each carrier's factors (METHODOLOGY §2 and « Factor bases »)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.models import Carrier
from measures.views.formatting import coefficient, unit_label

# The two electricity CO2 rows of the factor table.
FACTOR_LABELS = {
    "electricite_chauffage": gettext_lazy("Électricité (chauffage)"),
    "electricite_autres": gettext_lazy("Électricité (autres usages)"),
}
BASIS_NAMES = {"pcs": "PCS", "pci": "PCI"}


def conversion_text(meter: dict[str, Any]) -> str:
    """« coefficient 11,0 kWh/m³ (votre facture) », « coefficient 11,2 kWh/m³
    (valeur par défaut) »: the kWh per unit a meter was converted with."""
    factor = meter.get("kwh_per_unit")
    if factor is None:
        return ""
    values = {"value": coefficient(factor), "unit": f"kWh/{unit_label(meter.get('unit', ''))}"}
    if meter.get("kwh_per_unit_source") == "household":
        return _("coefficient %(value)s %(unit)s (votre facture)") % values
    return _("coefficient %(value)s %(unit)s (valeur par défaut)") % values


def _carrier_of(key: str) -> str:
    return "electricite" if key in FACTOR_LABELS else key


def _label(key: str) -> str:
    if key in FACTOR_LABELS:
        return str(FACTOR_LABELS[key])
    return str(Carrier(key).label) if key in Carrier.values else key


def basis_lines(payload: dict[str, Any], carriers: set[str] | None = None) -> list[str]:
    """One sentence per carrier (only `carriers` when given): the basis of its
    kWh, the CO2 factor of the table and the one applied to those kWh."""
    bases = (payload.get("factor_set") or {}).get("bases") or []
    return [
        basis_line(b) for b in bases if carriers is None or _carrier_of(b["carrier"]) in carriers
    ]


def basis_line(basis: dict[str, Any]) -> str:
    if basis.get("problem"):
        return _("Facteur CO2 non appliqué : %(problem)s") % {"problem": basis["problem"]}
    included = basis.get("co2_includes_upstream")
    upstream = _("amont non précisé")
    if included is not None:
        upstream = _("amont compris") if included else _("combustion seule, sans l'amont")
    energy, co2_basis = basis.get("energy_basis") or "", basis.get("co2_basis") or ""
    values = {
        "carrier": _label(basis["carrier"]),
        "energy": BASIS_NAMES.get(energy, energy),
        "co2_basis": BASIS_NAMES.get(co2_basis, co2_basis),
        "co2": coefficient(basis["co2_per_kwh_table"], 4),
        "applied": coefficient(basis.get("co2_per_kwh_applied") or 0, 4),
        "ratio": coefficient(basis.get("pcs_per_pci") or 0),
        "upstream": upstream,
    }
    if not energy:
        return _("%(carrier)s : kWh livrés ; %(co2)s kgCO2e par kWh (%(upstream)s).") % values
    if basis.get("pcs_per_pci"):
        return (
            _(
                "%(carrier)s : kWh %(energy)s ; facteur de la table %(co2)s kgCO2e par kWh "
                "%(co2_basis)s (%(upstream)s), divisé par le rapport PCS/PCI %(ratio)s : "
                "%(applied)s kgCO2e par kWh %(energy)s."
            )
            if energy == "pcs"
            else _(
                "%(carrier)s : kWh %(energy)s ; facteur de la table %(co2)s kgCO2e par kWh "
                "%(co2_basis)s (%(upstream)s), multiplié par le rapport PCS/PCI %(ratio)s : "
                "%(applied)s kgCO2e par kWh %(energy)s."
            )
        ) % values
    return (
        _("%(carrier)s : kWh %(energy)s ; %(co2)s kgCO2e par kWh %(co2_basis)s (%(upstream)s).")
        % values
    )
