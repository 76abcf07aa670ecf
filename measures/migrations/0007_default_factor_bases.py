"""State the basis of every row of the shipped factor set (METHODOLOGY « Factor
bases ») and add the PCS/PCI ratios that put its CO2 factors on the basis of
the kWh they multiply.

French gas bills count kWh PCS (the coefficient 11.2 kWh/m³ is PCS), while
the ADEME CO2 factors of fuels are per kWh PCI: the results divide the gas CO2
factor by PCS/PCI = 1.11 (0.227 / 1.11 ≈ 0.2045 kgCO2e per kWh PCS). The
propane row gives 13.88 kWh PCS per kg with a CO2 factor per kWh PCI: ratio
1.09. Fuel oil, logs and pellets are PCI on both sides. Frozen here like
0003: a migration must not depend on code that may change.
"""

from decimal import Decimal

from django.db import migrations

NAME = "Valeurs par défaut 2024"
ADEME = "ADEME Base Empreinte (ex-Base Carbone)"
PCI = "Ordre de grandeur usuel (ADEME, fiches combustibles)"

# (kind, key) → (energy basis, CO2 upstream included, new source or None)
BASES = {
    ("kwh_par_unite", "gaz"): (
        "pcs",
        None,
        "Coefficient de conversion moyen des factures de gaz, en kWh PCS par m³ (GRDF) ; "
        "remplacé par celui de la facture du foyer quand il le donne",
    ),
    ("kwh_par_unite", "fioul"): ("pci", None, None),
    ("kwh_par_unite", "bois_buches"): ("pci", None, None),
    ("kwh_par_unite", "granules"): ("pci", None, None),
    ("kwh_par_unite", "propane"): (
        "pcs",
        None,
        f"{PCI} : propane ≈ 13,88 kWh PCS par kg (≈ 12,7 kWh PCI)",
    ),
    ("co2_par_kwh", "electricite_chauffage"): ("", True, None),
    ("co2_par_kwh", "electricite_autres"): ("", True, None),
    ("co2_par_kwh", "gaz"): ("pci", True, None),
    ("co2_par_kwh", "fioul"): ("pci", True, None),
    ("co2_par_kwh", "bois_buches"): ("pci", True, None),
    ("co2_par_kwh", "granules"): ("pci", True, None),
    ("co2_par_kwh", "propane"): ("pci", True, None),
    ("co2_par_kwh", "reseau_chaleur"): ("", True, None),
    ("tarif", "gaz"): (
        "pcs",
        None,
        "Prix repère de vente du gaz, ordre de grandeur 2022–2024, CRE (€ par kWh PCS, "
        "comme les factures)",
    ),
}
UPSTREAM_KINDS = {"co2_par_km"}  # impactCO2 / Base Empreinte: life cycle, upstream included

# (key, unit, value, source)
RATIOS = [
    (
        "gaz",
        "kWh PCS/kWh PCI",
        "1.11",
        "ADEME, documentation de la Base Carbone (combustibles) : gaz naturel, PCS/PCI ≈ 1,11 ; "
        "arrêté du 31 mars 2021 relatif au DPE : 1 kWh PCS de gaz = 0,9 kWh PCI",
    ),
    (
        "propane",
        "kWh PCS/kWh PCI",
        "1.09",
        "ADEME, documentation de la Base Carbone (combustibles) : propane, PCS ≈ 50,4 MJ/kg et "
        "PCI ≈ 46,3 MJ/kg, soit PCS/PCI ≈ 1,09",
    ),
]
NOTE = (
    " Bases : les kWh de gaz et de propane sont comptés en PCS (comme les factures), ceux du "
    "fioul, du bois et des granulés en PCI ; les facteurs CO2 des combustibles sont par kWh PCI, "
    "amont compris, et sont ramenés au kWh PCS par le rapport PCS/PCI de la table."
)

# The sources of 0003, to put back on reverse.
OLD_SOURCES = {
    ("kwh_par_unite", "gaz"): "Coefficient de conversion moyen des factures de gaz (PCS), GRDF ; "
    "à remplacer par celui de la facture du foyer",
    ("kwh_par_unite", "propane"): f"{PCI} : propane ≈ 13,88 kWh PCS par kg",
    ("tarif", "gaz"): "Prix repère de vente du gaz, ordre de grandeur 2022–2024, CRE",
}


def add_bases(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    Factor = apps.get_model("measures", "Factor")
    factor_set = FactorSet.objects.filter(name=NAME).first()
    if factor_set is None:
        return
    for row in Factor.objects.filter(factor_set=factor_set):
        basis, upstream, source = BASES.get((row.kind, row.key), ("", None, None))
        if row.kind in UPSTREAM_KINDS:
            upstream = True
        row.energy_basis, row.includes_upstream = basis, upstream
        row.source = source or row.source
        row.save(update_fields=["energy_basis", "includes_upstream", "source"])
    for key, unit, value, source in RATIOS:
        Factor.objects.get_or_create(
            factor_set=factor_set,
            kind="pcs_sur_pci",
            key=key,
            defaults={"unit": unit, "value": Decimal(value), "source": source},
        )
    if NOTE not in factor_set.notes:
        factor_set.notes += NOTE
        factor_set.save(update_fields=["notes"])
    # Running results were computed with the CO2 factors unconverted: they are
    # a cache, recomputed at the next visit. Frozen (final) results stay.
    ResultSnapshot = apps.get_model("measures", "ResultSnapshot")
    ResultSnapshot.objects.filter(factor_set=factor_set, is_final=False).delete()


def remove_bases(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    Factor = apps.get_model("measures", "Factor")
    factor_set = FactorSet.objects.filter(name=NAME).first()
    if factor_set is None:
        return
    Factor.objects.filter(factor_set=factor_set, kind="pcs_sur_pci").delete()
    for row in Factor.objects.filter(factor_set=factor_set):
        row.energy_basis, row.includes_upstream = "", None
        row.source = OLD_SOURCES.get((row.kind, row.key), row.source)
        row.save(update_fields=["energy_basis", "includes_upstream", "source"])
    factor_set.notes = factor_set.notes.replace(NOTE, "")
    factor_set.save(update_fields=["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0006_factor_bases"),
    ]

    operations = [migrations.RunPython(add_bases, remove_bases)]
