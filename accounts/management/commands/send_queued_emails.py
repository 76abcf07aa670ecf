"""Hand over to the broker the e-mails it missed (run it every minute, by cron,
where Celery beat does not run; beat schedules the same job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts import mail


class Command(BaseCommand):
    help = (
        "Reprend les e-mails restés en attente depuis plus d'une minute "
        "(broker indisponible, tâche perdue) : chacun part une seule fois."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Les envoyer depuis cette commande, sans passer par le broker.",
        )
        parser.add_argument(
            "--limit", type=int, default=5000, help="Au plus ce nombre par passage."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["in_process"]:
            sent = mail.deliver_due(limit=options["limit"])
            self.stdout.write(f"E-mails envoyés : {sent}.")
            return
        handed = mail.dispatch_due(limit=options["limit"])
        self.stdout.write(f"E-mails remis en file : {handed}.")
