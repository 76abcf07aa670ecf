"""Load the platform's éco-gestes catalogue (challenges/data/ecogestes.csv).

Self-contained on purpose: a migration must keep working whatever later
becomes of the app's code, so it reads the CSV itself and uses the historical
model. `manage.py load_ecogestes` reloads the same file after an update.
"""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "ecogestes.csv"
FIELDS = ("theme", "title", "explanation", "saving_estimate", "saving_source")


def _rows():
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def load_catalogue(apps, schema_editor):
    EcoGesture = apps.get_model("challenges", "EcoGesture")
    positions = {}
    for row in _rows():
        position = positions[row["theme"]] = positions.get(row["theme"], 0) + 10
        defaults = {field: row[field] for field in FIELDS}
        defaults["position"] = position
        EcoGesture.objects.update_or_create(territory=None, slug=row["slug"], defaults=defaults)


def unload_catalogue(apps, schema_editor):
    # Rows that households chose, or that territories copied, stay: deleting
    # them would erase participants' history.
    EcoGesture = apps.get_model("challenges", "EcoGesture")
    slugs = [row["slug"] for row in _rows()]
    EcoGesture.objects.filter(territory=None, slug__in=slugs, choices__isnull=True, copies__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, unload_catalogue)]
