"""E-mail each territory's organisers the members not contacted for more
than N days (90 by default, the seed's « tous les 3 mois » rule).

Run it weekly (cron: `0 7 * * 1 .venv/bin/python manage.py network_overdue_digest`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from network.models import OVERDUE_DAYS
from network.tasks import send_overdue_digest


class Command(BaseCommand):
    help = (
        "Envoie aux animateur·rices la liste des membres du réseau sans contact depuis plus de "
        "N jours (à lancer chaque semaine)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jours",
            type=int,
            default=OVERDUE_DAYS,
            dest="days",
            help=f"Délai sans contact, en jours ({OVERDUE_DAYS} par défaut).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError("--jours doit être un nombre de jours positif.")
        sent = send_overdue_digest(days=days)
        self.stdout.write(f"Récapitulatifs des membres à recontacter envoyés : {sent}.")
