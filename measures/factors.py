"""The versioned factor and tariff table (METHODOLOGY "Default factors").

Results read their factors through `current_factor_set()` and
`factor_values()`; the default version « Valeurs par défaut 2024 » is created
by the data migration 0003_default_factors with a source for every row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

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
)


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
