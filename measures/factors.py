"""The versioned factor and tariff table (METHODOLOGY "Default factors").

Results read their factors through `current_factor_set()` and
`factor_values()`; the default version « Valeurs par défaut 2024 » is created
by the data migration 0003_default_factors with a source for every row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.engine.conversion import (
    FUELS,
    PCS_PER_PCI_RANGE,
    TARIFF_PER_KWH,
    Factors,
    basis_name,
    carrier_name,
    decimal_text,
)
from measures.models import FactorKind, FactorSet

DEFAULT_FACTOR_SET_NAME = "Valeurs par défaut 2024"

# Every (kind, key) the results engine may ask for. The default set ships
# each of them (tests check the migration against this list).
REQUIRED_FACTORS: tuple[tuple[str, str], ...] = (
    (FactorKind.KWH_PER_UNIT, "gaz"),
    (FactorKind.KWH_PER_UNIT, "fioul"),
    (FactorKind.KWH_PER_UNIT, "bois_buches"),
    (FactorKind.KWH_PER_UNIT, "granules"),
    (FactorKind.KWH_PER_UNIT, "propane"),
    (FactorKind.CO2_PER_KWH, "electricite_chauffage"),
    (FactorKind.CO2_PER_KWH, "electricite_autres"),
    (FactorKind.CO2_PER_KWH, "gaz"),
    (FactorKind.CO2_PER_KWH, "fioul"),
    (FactorKind.CO2_PER_KWH, "bois_buches"),
    (FactorKind.CO2_PER_KWH, "granules"),
    (FactorKind.CO2_PER_KWH, "propane"),
    (FactorKind.CO2_PER_KWH, "reseau_chaleur"),
    (FactorKind.CO2_PER_KM, "voiture"),
    (FactorKind.TARIFF, "electricite"),
    (FactorKind.TARIFF, "gaz"),
    (FactorKind.TARIFF, "fioul"),
    (FactorKind.TARIFF, "eau"),
    (FactorKind.TARIFF, "bois_buches"),
    (FactorKind.TARIFF, "granules"),
    (FactorKind.TARIFF, "propane"),
    (FactorKind.TARIFF, "reseau_chaleur"),
    # The shipped CO2 factors of gas and propane are per kWh PCI, their kWh PCS
    # (0007_default_factor_bases).
    (FactorKind.PCS_PER_PCI, "gaz"),
    (FactorKind.PCS_PER_PCI, "propane"),
    # Equivalences of the final reports (0008_equivalence_factors); CO2 as car
    # kilometres uses CO2_PER_KM « voiture ».
    (FactorKind.EQUIVALENCE, "mois_electricite_foyer"),
    (FactorKind.EQUIVALENCE, "bain"),
)

# Keys of the equivalence factors: kWh in a month of a household's
# electricity (lighting, appliances: no heating, hot water nor cooking) and
# m³ of water in a bath.
MONTH_OF_ELECTRICITY_KEY = "mois_electricite_foyer"
BATH_KEY = "bain"


def current_factor_set(day: datetime.date | None = None) -> FactorSet:
    """The factor version valid on `day` (today by default).

    Among the versions valid that day, the one that started last wins. When
    none covers the day, the latest version that started before it is used,
    then the oldest one: results always have factors once any version exists.
    Raises FactorSet.DoesNotExist when the table is empty.
    """
    day = day or timezone.localdate()
    started = FactorSet.objects.filter(valid_from__lte=day).order_by("-valid_from", "-pk")
    valid = started.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)).first()
    if valid is not None:
        return valid
    fallback = started.first() or FactorSet.objects.order_by("valid_from", "pk").first()
    if fallback is None:
        raise FactorSet.DoesNotExist("Aucune version des facteurs n'est enregistrée.")
    return fallback


def factor_values(factor_set: FactorSet) -> dict[tuple[str, str], Decimal]:
    """All factors of a version, keyed by (kind, key), in one query."""
    return {
        (kind, key): value
        for kind, key, value in factor_set.factors.values_list("kind", "key", "value")
    }


# Travel modes of pledge activity reports (kind co2_par_km, keys = the values
# of pledges.models.ActivityMode), shipped by 0004_mode_factors. CO2 avoided
# by a km = car factor − mode factor (METHODOLOGY §6); « autre » is unknown
# and left out of that computation.
CAR_KEY = "voiture"
TRAVEL_MODE_KEYS: tuple[str, ...] = (
    "velo",
    "marche",
    "covoiturage",
    "transport_commun",
    "trottinette",
    "autre",
)
MODES_WITHOUT_CO2_AVOIDED: frozenset[str] = frozenset({"autre"})


# --- Bases (METHODOLOGY « Factor bases ») -------------------------------------------


@dataclass(frozen=True)
class FactorRow:
    kind: str
    key: str
    value: Decimal
    energy_basis: str
    includes_upstream: bool | None


def basis_problems(rows: Iterable[FactorRow]) -> list[tuple[str, str]]:
    """(carrier, French message) for each way a version's rows mix bases: a CO2
    factor on another basis than the kWh it multiplies without a PCS/PCI ratio
    (the engine refuses it), a fuel row that does not state its basis or its
    upstream emissions, a tariff per kWh on another basis, an implausible ratio."""
    rows = list(rows)
    factors = Factors.from_values(
        {(r.kind, r.key): r.value for r in rows},
        bases={(r.kind, r.key): r.energy_basis for r in rows},
        upstream={(r.kind, r.key): r.includes_upstream for r in rows},
    )
    problems = [(b.carrier, b.problem) for b in factors.carrier_bases() if b.problem]
    low, high = PCS_PER_PCI_RANGE
    for row in rows:
        name = carrier_name(row.key)
        if (
            row.kind == FactorKind.CO2_PER_KWH
            and row.key in FUELS
            and row.includes_upstream is None
        ):
            problems.append(
                (
                    row.key,
                    _(
                        "%(carrier)s : le facteur CO2 ne dit pas s'il compte les émissions amont "
                        "(extraction, raffinage, transport)."
                    )
                    % {"carrier": name},
                )
            )
        energy = factors.energy_basis(row.key)
        per_kwh_tariff = row.kind == FactorKind.TARIFF and row.key in TARIFF_PER_KWH
        if per_kwh_tariff and row.energy_basis and energy and row.energy_basis != energy:
            problems.append(
                (
                    row.key,
                    _(
                        "%(carrier)s : le tarif est par kWh %(tariff)s mais les kWh sont en %(energy)s."
                    )
                    % {
                        "carrier": name,
                        "tariff": basis_name(row.energy_basis),
                        "energy": basis_name(energy),
                    },
                )
            )
        if row.kind == FactorKind.PCS_PER_PCI and not low < float(row.value) <= high:
            problems.append(
                (
                    row.key,
                    _(
                        "%(carrier)s : un rapport PCS/PCI de %(ratio)s n'est pas plausible (il est "
                        "compris entre 1 et 1,25)."
                    )
                    % {"carrier": name, "ratio": decimal_text(float(row.value))},
                )
            )
    return list(dict.fromkeys(problems))
