"""Ship the default factor and tariff table of METHODOLOGY "Default factors".

The values are frozen here (a migration must not depend on code that may
change later); tests check them against measures.factors.REQUIRED_FACTORS.
"""

import datetime
from decimal import Decimal

from django.db import migrations

NAME = "Valeurs par défaut 2024"
NOTES = (
    "Valeurs par défaut livrées avec Élan (METHODOLOGY.md, « Default factors »). "
    "Ordres de grandeur 2022–2024 à revoir par les administrateurs de la plateforme : "
    "ce sont des valeurs par défaut, pas des vérités."
)

ADEME = "ADEME Base Empreinte (ex-Base Carbone)"
PCI = "Ordre de grandeur usuel (ADEME, fiches combustibles)"

# (kind, key, unit, value, source)
FACTORS = [
    ("kwh_par_unite", "gaz", "kWh/m³", "11.2",
     "Coefficient de conversion moyen des factures de gaz (PCS), GRDF ; à remplacer par celui de la facture du foyer"),
    ("kwh_par_unite", "fioul", "kWh/L", "10", f"{PCI} : fioul domestique ≈ 10 kWh PCI par litre"),
    ("kwh_par_unite", "bois_buches", "kWh/stère", "1610",
     f"{PCI} : bûches de feuillus à 20 % d'humidité ≈ 1 610 kWh par stère"),
    ("kwh_par_unite", "granules", "kWh/kg", "4.6", f"{PCI} : granulés de bois (norme NF/ENplus) ≈ 4,6 kWh/kg"),
    ("kwh_par_unite", "propane", "kWh/kg", "13.88", f"{PCI} : propane ≈ 13,88 kWh PCS par kg"),
    ("co2_par_kwh", "electricite_chauffage", "kgCO2e/kWh", "0.079",
     f"{ADEME} : électricité 2022, usage chauffage résidentiel (méthode mensualisée par usage)"),
    ("co2_par_kwh", "electricite_autres", "kgCO2e/kWh", "0.057",
     f"{ADEME} : électricité 2022, usages résidentiels hors chauffage"),
    ("co2_par_kwh", "gaz", "kgCO2e/kWh", "0.227", f"{ADEME} : gaz naturel, réseau France, combustion et amont (PCI)"),
    ("co2_par_kwh", "fioul", "kgCO2e/kWh", "0.324", f"{ADEME} : fioul domestique, combustion et amont (PCI)"),
    ("co2_par_kwh", "bois_buches", "kgCO2e/kWh", "0.030", f"{ADEME} : bois bûche, hors carbone biogénique"),
    ("co2_par_kwh", "granules", "kgCO2e/kWh", "0.030", f"{ADEME} : granulés de bois, hors carbone biogénique"),
    ("co2_par_kwh", "propane", "kgCO2e/kWh", "0.272", f"{ADEME} : propane, combustion et amont (PCI)"),
    ("co2_par_kwh", "reseau_chaleur", "kgCO2e/kWh", "0.10",
     f"Moyenne nationale des réseaux de chaleur, {ADEME} (arrêté DPE : contenu CO2 propre à chaque réseau à saisir si connu)"),
    ("co2_par_km", "voiture", "kgCO2e/km", "0.218",
     f"{ADEME} / Nos Gestes Climat : voiture particulière moyenne, motorisation thermique, par km"),
    ("tarif", "electricite", "€/kWh", "0.20", "Tarif réglementé de vente (option base), ordre de grandeur 2022–2024, CRE"),
    ("tarif", "gaz", "€/kWh", "0.10", "Prix repère de vente du gaz, ordre de grandeur 2022–2024, CRE"),
    ("tarif", "fioul", "€/L", "1.5", "Prix moyen du fioul domestique 2022–2024, base de données Pégase (SDES)"),
    ("tarif", "eau", "€/m³", "4.3", "Prix moyen de l'eau (eau potable et assainissement collectif), SISPEA / Observatoire des services d'eau"),
    ("tarif", "bois_buches", "€/stère", "90", "Prix moyen du bois bûche livré 2022–2024, base de données Pégase (SDES) / CODA Stratégies"),
    ("tarif", "granules", "€/kg", "0.45", "Prix moyen des granulés en sacs 2022–2024, base de données Pégase (SDES) / Propellet"),
    ("tarif", "propane", "€/kg", "2.0", "Prix moyen du propane en citerne 2022–2024, base de données Pégase (SDES)"),
    ("tarif", "reseau_chaleur", "€/kWh", "0.11", "Prix moyen de la chaleur livrée (abonnement compris), enquête AMORCE / SNCU 2022–2023"),
]


def create_defaults(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    Factor = apps.get_model("measures", "Factor")
    factor_set, _created = FactorSet.objects.get_or_create(
        name=NAME, defaults={"valid_from": datetime.date(2022, 1, 1), "notes": NOTES}
    )
    for kind, key, unit, value, source in FACTORS:
        Factor.objects.get_or_create(
            factor_set=factor_set,
            kind=kind,
            key=key,
            defaults={"unit": unit, "value": Decimal(value), "source": source},
        )


def delete_defaults(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    ResultSnapshot = apps.get_model("measures", "ResultSnapshot")
    factor_set = FactorSet.objects.filter(name=NAME).first()
    if factor_set is None or ResultSnapshot.objects.filter(factor_set=factor_set).exists():
        # Results computed with it must keep pointing at the version they used.
        return
    factor_set.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_factorset_reading_client_key_and_more"),
    ]

    operations = [migrations.RunPython(create_defaults, delete_defaults)]
