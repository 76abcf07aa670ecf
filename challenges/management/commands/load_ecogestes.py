"""Reload the shipped éco-gestes catalogue after the file changed.

Catalogue rows are created or updated by slug; territory copies and households'
choices are left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from challenges.services.gestures import CATALOGUE_FILE, catalogue_load


class Command(BaseCommand):
    help = "Charge (ou met à jour) le catalogue des éco-gestes livré avec la plateforme."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=CATALOGUE_FILE, help="Fichier CSV à charger."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = catalogue_load(path=options["file"])
        self.stdout.write(f"Éco-gestes : {created} créés, {updated} mis à jour.")
