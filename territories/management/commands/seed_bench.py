"""Build a benchmark dataset (territories/bench_data.py) in bulk, with its
progress per block and a summary of the rows in the database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from territories import bench_data


class Command(BaseCommand):
    help = (
        "Construit le jeu de données des bancs d'essai (small, territory ou national) "
        "par insertions en masse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(bench_data.SCALES), default="small")
        parser.add_argument(
            "--append",
            action="store_true",
            help="Ajoute le jeu de données à côté de celles que la base contient déjà.",
        )
        parser.add_argument(
            "--no-results",
            action="store_true",
            help="Ne calcule pas les instantanés des résultats des défis.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bench_data.database_holds_data() and not options["append"]:
            raise CommandError(
                "La base contient déjà des données (territoires ou comptes). Utilisez une base "
                "vide (par exemple : createdb elan_bench_national, puis "
                "ELAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/elan_bench_national "
                ".venv/bin/python manage.py migrate), ou relancez avec --append pour ajouter "
                "ce jeu de données à côté des données existantes."
            )
        scale = bench_data.SCALES[options["scale"]]
        database = connection.settings_dict["NAME"]
        self.stdout.write(
            f"Jeu de données « {options['scale']} » dans la base {connection.vendor} "
            f"« {database} » : {scale.territories} territoires, {scale.households:,} foyers, "
            f"{scale.readings:,} relevés, {scale.actors:,} acteurs, {scale.resources:,} "
            f"ressources, {scale.commitments:,} engagements.".replace(",", " ")
        )
        started = time.perf_counter()
        bench_data.seed(scale, say=self._say, results=not options["no_results"])
        elapsed = time.perf_counter() - started
        self.stdout.write("\nLignes dans la base :")
        for label, count in bench_data.totals().items():
            self.stdout.write(f"  {label:<28} {count:>12,}".replace(",", " "))
        minutes, seconds = divmod(elapsed, 60)
        self.stdout.write(
            self.style.SUCCESS(
                f"Jeu de données « {options['scale']} » prêt en {elapsed:.1f} s "
                f"({int(minutes)} min {seconds:.0f} s) sur {connection.vendor}."
            )
        )

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
