"""Close the pledge campaigns whose deadline has passed below their threshold.

Run it daily (cron or a Celery beat entry), e.g. at 00:15:
    15 0 * * *  cd /srv/elan && .venv/bin/python manage.py close_expired_campaigns
Campaign pages already show such a campaign as closed before it runs; this
records the « expirée » state and tells the participants by e-mail.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pledges.services import campaign_expire_due


class Command(BaseCommand):
    help = "Clôt les campagnes d'engagement échues sous leur seuil et prévient les participant·es."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = campaign_expire_due()
        self.stdout.write(f"Campagnes closes : {expired}.")
