"""E-mail the reminder of the events starting within two days.

Run it every hour (cron: `0 * * * * .venv/bin/python manage.py send_event_reminders`).
Each confirmed registrant gets the reminder once, whenever the job runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from events.tasks import send_event_reminders


class Command(BaseCommand):
    help = "Envoie le rappel des événements qui commencent dans les deux jours (à lancer chaque heure)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_event_reminders()
        self.stdout.write(f"Rappels d'événements envoyés : {sent}.")
