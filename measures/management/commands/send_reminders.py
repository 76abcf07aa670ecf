"""Send the day's reminders of readings and weighings (run it daily, by cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from measures.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Envoie les rappels de relevés et de pesées dus aujourd'hui."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Jour à traiter (AAAA-MM-JJ), aujourd'hui par défaut.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(today=options["date"])
        self.stdout.write(f"Rappels envoyés : {sent} foyer(s).")
