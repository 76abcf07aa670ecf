"""Load the platform's workshop catalogue (events/data/ateliers.csv), the
workshops of seed 000 (« Quels thèmes d'ateliers, visites et conférences ? »).

Self-contained on purpose: a migration must keep working whatever later
becomes of the app's code, so it reads the CSV itself and uses the historical
model. Reversing it deletes the platform's entries; sessions already created
from them keep their text (Event.template is SET_NULL).
"""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "ateliers.csv"
TEXT_FIELDS = ("theme", "summary", "description", "what_to_bring")


def _rows():
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def load_catalogue(apps, schema_editor):
    WorkshopTemplate = apps.get_model("events", "WorkshopTemplate")
    for row in _rows():
        defaults = {field: row[field] for field in TEXT_FIELDS}
        defaults["duration_minutes"] = int(row["duration_minutes"])
        defaults["default_capacity"] = (
            int(row["default_capacity"]) if row["default_capacity"] else None
        )
        WorkshopTemplate.objects.update_or_create(
            territory=None, title=row["title"], defaults=defaults
        )


def unload_catalogue(apps, schema_editor):
    WorkshopTemplate = apps.get_model("events", "WorkshopTemplate")
    titles = [row["title"] for row in _rows()]
    WorkshopTemplate.objects.filter(territory=None, title__in=titles).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, unload_catalogue)]
