"""Factor bases (METHODOLOGY « Factor bases »): every row states whether its
kWh are PCS or PCI, the CO2 factor applied to a carrier's kWh is on their
basis, and a version that mixes bases without a ratio is refused."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.forms import inlineformset_factory

from measures import engine
from measures.admin import FactorForm, FactorFormSet
from measures.factors import DEFAULT_FACTOR_SET_NAME, FactorRow, basis_problems
from measures.models import Factor, FactorSet

BASES = importlib.import_module("measures.migrations.0007_default_factor_bases")


def factors(**overrides) -> engine.Factors:  # type: ignore[no-untyped-def]
    """Gas kWh PCS (bills), its CO2 per kWh PCI, fuel oil PCI on both sides."""
    bases = {
        ("kwh_par_unite", "gaz"): "pcs",
        ("co2_par_kwh", "gaz"): "pci",
        ("kwh_par_unite", "fioul"): "pci",
        ("co2_par_kwh", "fioul"): "pci",
        ("kwh_par_unite", "propane"): "pcs",
        ("co2_par_kwh", "propane"): "pci",
    }
    values = {
        ("kwh_par_unite", "gaz"): 11.2,
        ("co2_par_kwh", "gaz"): 0.227,
        ("pcs_sur_pci", "gaz"): 1.11,
        ("kwh_par_unite", "fioul"): 10,
        ("co2_par_kwh", "fioul"): 0.324,
        ("kwh_par_unite", "propane"): 13.88,
        ("co2_par_kwh", "propane"): 0.272,
        ("pcs_sur_pci", "propane"): 1.09,
    }
    for key, value in overrides.items():
        kind, carrier = key.split("__")
        if value is None:
            values.pop((kind, carrier), None)
        elif isinstance(value, str):
            bases[(kind, carrier)] = value
        else:
            values[(kind, carrier)] = value
    return engine.Factors.from_values(values, bases=bases)


def test_a_co2_factor_per_kwh_pci_is_brought_to_kwh_pcs():
    f = factors()
    # 0.227 kgCO2e per kWh PCI, 1.11 kWh PCS per kWh PCI: 0.227 / 1.11 = 0.2045
    assert f.co2_factor("gaz", 1.0) == pytest.approx(0.227 / 1.11)
    # propane: 0.272 / 1.09 = 0.2495 per kWh PCS
    assert f.co2_factor("propane", 1.0) == pytest.approx(0.272 / 1.09)
    # fuel oil is PCI on both sides: as in the table
    assert f.co2_factor("fioul", 1.0) == pytest.approx(0.324)
    assert f.problems() == []


def test_a_co2_factor_per_kwh_pcs_is_brought_to_kwh_pci():
    f = factors(co2_par_kwh__fioul="pcs", pcs_sur_pci__fioul=1.06)
    assert f.co2_factor("fioul", 1.0) == pytest.approx(0.324 * 1.06)


def test_mixed_bases_without_a_ratio_are_refused_in_the_engine():
    f = factors(pcs_sur_pci__gaz=None)
    assert f.co2_factor("gaz", 1.0) is None
    (problem,) = f.problems()
    assert problem == (
        "Gaz naturel : le facteur CO2 est par kWh PCI mais les kWh sont comptés en PCS, "
        "et la table n'a pas de rapport PCS/PCI pour les convertir."
    )
    # the household's CO2 is then not computed rather than wrong
    meter = engine.MeterInput(
        id=1,
        label="Gaz",
        carrier="gaz",
        unit="m3",
        heating_share=1.0,
        registers={"base": engine.build_series([])},
    )
    result = engine.MeterResult(meter, ref_corr_kwh=1000.0, challenge_kwh=900.0)
    assert engine.meter_co2_kg(result, f) is None


def test_a_fuel_row_without_basis_or_an_implausible_ratio_is_refused():
    unstated = factors(co2_par_kwh__gaz="").problems()
    assert "ne dit pas s'il est par kWh PCS ou par kWh PCI" in unstated[0]
    assert "n'est pas plausible" in factors(pcs_sur_pci__gaz=0.9).problems()[0]
    assert "indiquez-le en PCS" in factors(kwh_par_unite__gaz="pci").problems()[0]


def test_plain_values_without_bases_are_used_as_they_are():
    f = engine.Factors(kwh_per_unit={"gaz": 11.2}, co2_per_kwh={"gaz": 0.227}, tariff={})
    assert f.co2_factor("gaz", 1.0) == 0.227


# --- The shipped table ------------------------------------------------------------------


def default_rows() -> list[FactorRow]:
    factor_set = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    return [
        FactorRow(f.kind, f.key, f.value, f.energy_basis, f.includes_upstream)
        for f in factor_set.factors.all()
    ]


def test_every_shipped_row_states_its_basis(db):
    factor_set = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    rows = {(f.kind, f.key): f for f in factor_set.factors.all()}
    for key in ("gaz", "propane"):
        assert rows[("kwh_par_unite", key)].energy_basis == "pcs"
        assert rows[("co2_par_kwh", key)].energy_basis == "pci"
        ratio = rows[("pcs_sur_pci", key)]
        assert ratio.source
        assert ratio.unit == "kWh PCS/kWh PCI"
    assert rows[("pcs_sur_pci", "gaz")].value == Decimal("1.11")
    assert rows[("pcs_sur_pci", "propane")].value == Decimal("1.09")
    for key in ("fioul", "bois_buches", "granules"):
        assert rows[("kwh_par_unite", key)].energy_basis == "pci"
        assert rows[("co2_par_kwh", key)].energy_basis == "pci"
    assert all(f.includes_upstream is not None for (kind, _k), f in rows.items() if "co2" in kind)
    assert rows[("tarif", "gaz")].energy_basis == "pcs"
    assert basis_problems(default_rows()) == []


def test_the_bases_migration_reverses_and_replays(db):
    BASES.remove_bases(apps, None)
    assert not Factor.objects.filter(kind="pcs_sur_pci").exists()
    assert not Factor.objects.exclude(energy_basis="").exists()
    # without bases the gas row no longer says PCS: the set would be refused
    assert any("PCS ou PCI" in message for _c, message in basis_problems(default_rows()))
    BASES.add_bases(apps, None)
    BASES.add_bases(apps, None)  # idempotent
    assert Factor.objects.filter(kind="pcs_sur_pci").count() == 2
    assert basis_problems(default_rows()) == []
    notes = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME).notes
    assert notes.count("Bases :") == 1


# --- The admin -----------------------------------------------------------------------------


def test_the_admin_refuses_a_row_that_mixes_bases(db):
    factor_set = FactorSet.objects.get(name=DEFAULT_FACTOR_SET_NAME)
    Factor.objects.filter(factor_set=factor_set, kind="pcs_sur_pci", key="propane").delete()
    row = Factor.objects.get(factor_set=factor_set, kind="co2_par_kwh", key="propane")
    data = {
        "factor_set": factor_set.pk,
        "kind": "co2_par_kwh",
        "key": "propane",
        "unit": "kgCO2e/kWh",
        "value": "0.272",
        "energy_basis": "pci",
        "includes_upstream": "true",
        "source": row.source,
    }
    form = FactorForm(data, instance=row)
    assert not form.is_valid()
    assert "pas de rapport PCS/PCI" in form.non_field_errors()[0]
    # stated per kWh PCS like its kWh, the row is accepted
    assert FactorForm({**data, "energy_basis": "pcs"}, instance=row).is_valid()


def test_the_admin_refuses_a_version_that_mixes_bases(db):
    FormSet = inlineformset_factory(
        FactorSet,
        Factor,
        formset=FactorFormSet,
        fields=["kind", "key", "unit", "value", "energy_basis", "includes_upstream", "source"],
        extra=0,
    )
    rows = [
        ("kwh_par_unite", "gaz", "kWh/m³", "11.2", "pcs", ""),
        ("co2_par_kwh", "gaz", "kgCO2e/kWh", "0.227", "pci", "true"),
    ]
    data = {"factors-TOTAL_FORMS": str(len(rows)), "factors-INITIAL_FORMS": "0"}
    for i, (kind, key, unit, value, basis, upstream) in enumerate(rows):
        data.update(
            {
                f"factors-{i}-kind": kind,
                f"factors-{i}-key": key,
                f"factors-{i}-unit": unit,
                f"factors-{i}-value": value,
                f"factors-{i}-energy_basis": basis,
                f"factors-{i}-includes_upstream": upstream,
                f"factors-{i}-source": "Essai",
            }
        )
    new_set = FactorSet(name="2026", valid_from="2026-01-01")
    formset = FormSet(data, instance=new_set, prefix="factors")
    assert not formset.is_valid()
    assert "pas de rapport PCS/PCI pour les convertir" in formset.non_form_errors()[0]
    data.update(
        {
            "factors-TOTAL_FORMS": "3",
            "factors-2-kind": "pcs_sur_pci",
            "factors-2-key": "gaz",
            "factors-2-unit": "kWh PCS/kWh PCI",
            "factors-2-value": "1.11",
            "factors-2-energy_basis": "",
            "factors-2-includes_upstream": "",
            "factors-2-source": "ADEME",
        }
    )
    assert FormSet(data, instance=new_set, prefix="factors").is_valid()
