"""The catalogue shipped with the platform, its data migration and its command."""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from challenges.models import EcoGesture, GestureChoice, Theme
from challenges.services.gestures import CATALOGUE_FILE, catalogue_load, catalogue_rows
from tests.factories import EcoGestureFactory, RegistrationFactory

ROWS = catalogue_rows()
migration = importlib.import_module("challenges.migrations.0002_ecogestes_catalogue")


def test_the_shipped_file_has_at_least_sixty_gestures_in_every_challenge_theme() -> None:
    # The platform's vocabulary is wider than what households do at home; the
    # catalogue covers the five themes a challenge is about.
    assert len(ROWS) >= 60
    per_theme = Counter(row["theme"] for row in ROWS)
    assert set(per_theme) <= set(Theme.values)
    assert {Theme.ENERGY, Theme.WATER, Theme.WASTE, Theme.FOOD, Theme.MOBILITY} <= set(per_theme)
    assert min(per_theme.values()) >= 8, per_theme


def test_every_gesture_is_explained_and_every_estimate_is_sourced() -> None:
    slugs = [row["slug"] for row in ROWS]
    assert len(slugs) == len(set(slugs))
    for row in ROWS:
        assert 0 < len(row["title"]) <= 150, row["slug"]
        assert len(row["explanation"]) >= 30, row["slug"]
        assert len(row["slug"]) <= 80
        if row["saving_estimate"]:
            assert row["saving_source"], f"{row['slug']}: estimation sans source"
    assert sum(1 for row in ROWS if row["saving_estimate"]) >= 10


def test_the_brief_s_reference_figures_are_there() -> None:
    by_slug = {row["slug"]: row for row in ROWS}
    assert "7 %" in by_slug["chauffage-19-degres"]["saving_estimate"]
    assert "ADEME" in by_slug["chauffage-19-degres"]["saving_source"]
    assert "120 L" in by_slug["reparer-robinet-goutte"]["saving_estimate"]
    assert "600 L" in by_slug["reparer-chasse-eau"]["saving_estimate"]
    assert "Centre d'information sur l'eau" in by_slug["reparer-chasse-eau"]["saving_source"]


@pytest.mark.django_db
def test_the_migration_loads_the_catalogue_and_is_idempotent() -> None:
    EcoGesture.objects.all().delete()
    migration.load_catalogue(django_apps, None)
    migration.load_catalogue(django_apps, None)
    catalogue = EcoGesture.objects.filter(territory__isnull=True)
    assert catalogue.count() == len(ROWS)
    first = catalogue.get(slug=ROWS[0]["slug"])
    assert (first.title, first.position, first.is_active) == (ROWS[0]["title"], 10, True)


@pytest.mark.django_db
def test_the_reverse_keeps_the_gestures_households_chose(territory) -> None:
    EcoGesture.objects.all().delete()
    migration.load_catalogue(django_apps, None)
    chosen = EcoGesture.objects.get(slug=ROWS[0]["slug"])
    GestureChoice.objects.create(
        registration=RegistrationFactory(), gesture=chosen, status="engage"
    )
    copied = EcoGesture.objects.get(slug=ROWS[1]["slug"])
    EcoGestureFactory(territory=territory, copied_from=copied, slug=copied.slug)
    migration.unload_catalogue(django_apps, None)
    left = set(EcoGesture.objects.filter(territory__isnull=True).values_list("pk", flat=True))
    assert left == {chosen.pk, copied.pk}


@pytest.mark.django_db
def test_the_command_updates_the_catalogue_without_touching_territory_copies(
    territory, tmp_path, capsys
) -> None:
    EcoGesture.objects.all().delete()
    catalogue_load()
    source = EcoGesture.objects.get(slug="stop-pub")
    copy = EcoGestureFactory(
        territory=territory, copied_from=source, slug="stop-pub", title="Notre Stop Pub"
    )
    source.title = "Ancien titre"
    source.save()
    edited = tmp_path / "ecogestes.csv"
    edited.write_text(
        CATALOGUE_FILE.read_text(encoding="utf-8")
        + 'nouveau-geste,eau,Un geste de plus,"Une explication assez longue pour le test.",,\n',
        encoding="utf-8",
    )
    call_command("load_ecogestes", file=edited)
    assert "1 créés" in capsys.readouterr().out
    assert EcoGesture.objects.get(slug="stop-pub", territory=None).title.startswith("Coller")
    copy.refresh_from_db()
    assert copy.title == "Notre Stop Pub"
    assert EcoGesture.objects.filter(territory=None).count() == len(ROWS) + 1
