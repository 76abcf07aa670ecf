"""The default factor table and the choice of the current version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from measures.factors import (
    DEFAULT_FACTOR_SET_NAME,
    REQUIRED_FACTORS,
    current_factor_set,
    factor_values,
)
from measures.models import FactorSet


def test_the_default_set_has_every_factor_with_a_source(db):
    factor_set = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    assert factor_set.valid_from == dt.date(2022, 1, 1)
    values = factor_values(factor_set)
    assert set(REQUIRED_FACTORS) <= set(values)
    assert all(f.source and f.unit for f in factor_set.factors.all())
    # METHODOLOGY "Default factors"
    assert values[("kwh_par_unite", "gaz")] == Decimal("11.2")
    assert values[("kwh_par_unite", "bois_buches")] == 1610
    assert values[("co2_par_kwh", "electricite_chauffage")] == Decimal("0.079")
    assert values[("co2_par_kwh", "electricite_autres")] == Decimal("0.057")
    assert values[("co2_par_kwh", "fioul")] == Decimal("0.324")
    assert values[("co2_par_km", "voiture")] == Decimal("0.218")
    assert values[("tarif", "eau")] == Decimal("4.3")


def test_the_current_set_is_the_latest_valid_one(db):
    default = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    assert current_factor_set() == default
    newer = FactorSet.objects.create(name="2026", valid_from=dt.date(2026, 1, 1))
    old = FactorSet.objects.create(
        name="ancien", valid_from=dt.date(2015, 1, 1), valid_until=dt.date(2016, 12, 31)
    )
    assert current_factor_set(dt.date(2026, 6, 1)) == newer
    assert current_factor_set(dt.date(2025, 6, 1)) == default
    assert current_factor_set(dt.date(2016, 1, 1)) == old
    # Before every version: the oldest one rather than nothing.
    assert current_factor_set(dt.date(2000, 1, 1)) == old


def test_without_any_version_it_says_so(db):
    FactorSet.objects.all().delete()
    with pytest.raises(FactorSet.DoesNotExist):
        current_factor_set()
