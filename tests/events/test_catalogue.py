"""The workshop catalogue shipped with the platform (events/data/ateliers.csv,
loaded by migration 0002, removed by its reverse)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from events.models import WorkshopTemplate
from territories.themes import Theme

pytestmark = pytest.mark.django_db

migration = importlib.import_module("events.migrations.0002_workshop_catalogue")


def test_every_row_is_complete_and_in_a_known_theme() -> None:
    rows = migration._rows()
    assert len(rows) >= 14
    for row in rows:
        assert row["theme"] in Theme.values, row["title"]
        assert all(row[key] for key in ("title", "summary", "description")), row["title"]
        assert int(row["duration_minutes"]) >= 15
    assert len({row["title"] for row in rows}) == len(rows)


def test_the_seed_themes_are_all_covered() -> None:
    text = " ".join(row["title"].lower() for row in migration._rows())
    for workshop in (
        "compostage",
        "produits ménagers",
        "cosmétiques",
        "repair café",
        "couture",
        "étiquettes",
        "rénovation",
        "copropriété",
        "anti-gaspi",
        "facture",
        "jardiner",
        "eau",
    ):
        assert workshop in text, workshop


def test_loading_again_updates_without_duplicating() -> None:
    WorkshopTemplate.objects.filter(title="Repair café").update(summary="Changé")
    migration.load_catalogue(apps, None)
    assert WorkshopTemplate.objects.filter(territory=None).count() == len(migration._rows())
    assert WorkshopTemplate.objects.get(title="Repair café").summary != "Changé"


def test_the_reverse_removes_the_platform_catalogue_only(territory) -> None:
    own = WorkshopTemplate.objects.create(
        territory=territory, theme=Theme.WASTE, title="Repair café", summary="Le nôtre"
    )
    migration.unload_catalogue(apps, None)
    assert list(WorkshopTemplate.objects.all()) == [own]
