"""CO2 per km of the travel modes of pledge activity reports (METHODOLOGY §6).

CO2 avoided = km × (car factor − mode factor), the car staying `voiture`
(0.218 kgCO2e/km, shipped by 0003). The values come from impactCO2 (ADEME,
Base Empreinte), use and vehicle construction included, infrastructure
excluded; « autre » is 0 and left out of CO2 avoided (nothing is known about
it). Frozen here like 0003: a migration must not depend on code that may
change.
"""

from decimal import Decimal

from django.db import migrations

NAME = "Valeurs par défaut 2024"
IMPACT_CO2 = "impactCO2 (ADEME, Base Empreinte), usage et construction des véhicules"

# (key, value in kgCO2e/km, source)
FACTORS = [
    ("velo", "0", f"{IMPACT_CO2} : « Vélo ou marche », 0 g CO2e/km"),
    ("marche", "0", f"{IMPACT_CO2} : « Vélo ou marche », 0 g CO2e/km"),
    (
        "trottinette",
        "0.0107",
        f"{IMPACT_CO2} : « Vélo (ou trottinette) à assistance électrique », 2,0 + 8,7 g/km ; "
        "trottinette mécanique ≈ 0 ; libre-service plus émetteur (collecte), non distingué",
    ),
    (
        "transport_commun",
        "0.070",
        f"{IMPACT_CO2} : mélange 50 % bus thermique (112,7 g/km) et 50 % TER (27,7 g/km) "
        "par voyageur ; ordre de grandeur à ajuster au réseau local",
    ),
    (
        "covoiturage",
        "0.109",
        "Voiture particulière moyenne (0,218 kgCO2e/km, ADEME) partagée par 2 occupants",
    ),
    ("autre", "0", "Mode non précisé : exclu du calcul du CO2 évité (valeur non significative)"),
]


def add_mode_factors(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    Factor = apps.get_model("measures", "Factor")
    factor_set = FactorSet.objects.filter(name=NAME).first()
    if factor_set is None:  # an administrator removed the default version
        return
    for key, value, source in FACTORS:
        Factor.objects.get_or_create(
            factor_set=factor_set,
            kind="co2_par_km",
            key=key,
            defaults={"unit": "kgCO2e/km", "value": Decimal(value), "source": source},
        )


def remove_mode_factors(apps, schema_editor):
    Factor = apps.get_model("measures", "Factor")
    Factor.objects.filter(
        factor_set__name=NAME, kind="co2_par_km", key__in=[key for key, _v, _s in FACTORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0003_default_factors"),
    ]

    operations = [migrations.RunPython(add_mode_factors, remove_mode_factors)]
