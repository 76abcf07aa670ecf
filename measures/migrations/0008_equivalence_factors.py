"""Equivalences of the final reports (METHODOLOGY « Équivalences »): kWh
saved as months of a household's electricity, water as baths; CO2 as car
kilometres reuses `co2_par_km` « voiture » (0003). Frozen values, each with
its source, like 0003 and 0004.
"""

from decimal import Decimal

from django.db import migrations, models

NAME = "Valeurs par défaut 2024"

# (key, unit, value, source)
FACTORS = [
    (
        "mois_electricite_foyer",
        "kWh/mois",
        "200",
        "ADEME, « Consommations d'électricité des ménages » : environ 2 400 kWh par an "
        "d'électricité spécifique (éclairage, électroménager, multimédia ; hors chauffage, "
        "eau chaude et cuisson) pour un foyer moyen, soit 200 kWh par mois ; ordre de grandeur",
    ),
    (
        "bain",
        "m³/bain",
        "0.150",
        "Centre d'information sur l'eau : un bain consomme de 150 à 200 litres ; "
        "la valeur basse est retenue pour ne pas grossir l'équivalence",
    ),
]


def add_equivalences(apps, schema_editor):
    FactorSet = apps.get_model("measures", "FactorSet")
    Factor = apps.get_model("measures", "Factor")
    factor_set = FactorSet.objects.filter(name=NAME).first()
    if factor_set is None:  # an administrator removed the default version
        return
    for key, unit, value, source in FACTORS:
        Factor.objects.get_or_create(
            factor_set=factor_set,
            kind="equivalence",
            key=key,
            defaults={"unit": unit, "value": Decimal(value), "source": source},
        )


def remove_equivalences(apps, schema_editor):
    Factor = apps.get_model("measures", "Factor")
    Factor.objects.filter(
        factor_set__name=NAME, kind="equivalence", key__in=[row[0] for row in FACTORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0007_default_factor_bases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="factor",
            name="kind",
            field=models.CharField(
                choices=[
                    ("kwh_par_unite", "kWh par unité"),
                    ("co2_par_kwh", "kgCO2e par kWh"),
                    ("co2_par_km", "kgCO2e par km"),
                    ("tarif", "Tarif (€ par unité)"),
                    ("pcs_sur_pci", "Rapport PCS/PCI (kWh PCS par kWh PCI)"),
                    ("equivalence", "Équivalence parlante"),
                ],
                max_length=20,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(add_equivalences, remove_equivalences),
    ]
