"""Import degree days (DJU) of a weather zone from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from measures.degree_days import DegreeDayFormat, degree_days_import


class Command(BaseCommand):
    help = (
        "Importe des degrés-jours (DJU base 18 °C) d'une zone météo : journaliers, "
        "mensuels ou calculés à partir des températures Tmin/Tmax."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Fichier CSV (ou XLSX).")
        parser.add_argument("--zone", required=True, help="Code de la zone (ex. 26).")
        parser.add_argument("--zone-name", default="", help="Nom de la zone (ex. « Drôme (26) »).")
        parser.add_argument(
            "--format",
            default=DegreeDayFormat.DAILY.value,
            choices=[f.value for f in DegreeDayFormat],
            help="daily : date;dju — monthly : mois;dju — temperatures : date;tmin;tmax.",
        )
        parser.add_argument(
            "--departments", default="", help="Départements couverts, séparés par des virgules."
        )
        parser.add_argument("--source", default="", help="Source des données (texte).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {path} : {error}") from error
        report = degree_days_import(
            data=data,
            filename=path.name,
            fmt=options["format"],
            zone_code=options["zone"],
            zone_name=options["zone_name"],
            departments=options["departments"].split(","),
            source=options["source"],
        )
        if not report.ok:
            for message in report.errors:
                self.stderr.write(message)
            raise CommandError(f"{len(report.errors)} erreur(s) : rien n'a été enregistré.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Zone {report.zone_code} : {report.created} jour(s) créé(s), "
                f"{report.updated} mis à jour, {report.unchanged} inchangé(s)."
            )
        )
