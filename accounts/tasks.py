"""The delivery tasks of the outbox (accounts/mail.py): in process without a
broker, on a Celery worker when ELAN_BROKER_URL is set.

Bulk streams (reminders, campaigns, newsletters) go through their own task so
that Celery's rate limit throttles them (ELAN_EMAIL_BULK_RATE_LIMIT, per
worker) and, with ELAN_EMAIL_BULK_QUEUE, through their own queue so that a
password reset never waits behind a newsletter."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from accounts import mail


def _deliver(task: Any, outgoing_id: int) -> str:
    outcome = mail.deliver(outgoing_id)
    # Without a broker the retry waits for the periodic job: sleeping through
    # a backoff inside a web request would be worse.
    if outcome.retry_in is not None and not task.request.is_eager:
        mail.dispatch([(outgoing_id, outcome.stream)], countdown=outcome.retry_in)
    return outcome.status


@shared_task(bind=True, ignore_result=True)
def deliver_email(self: Any, outgoing_id: int) -> str:
    return _deliver(self, outgoing_id)


@shared_task(bind=True, ignore_result=True, rate_limit=settings.ELAN_EMAIL_BULK_RATE_LIMIT or None)
def deliver_bulk_email(self: Any, outgoing_id: int) -> str:
    return _deliver(self, outgoing_id)


@shared_task(ignore_result=True)
def send_queued_emails() -> int:
    """Every minute (Celery beat): hand over again what the broker missed."""
    return mail.dispatch_due()


@shared_task
def purge_access_log() -> int:
    """The entries of the personal-data access log older than
    ELAN_ACCESS_LOG_DAYS (beat: daily 03:30)."""
    from accounts import audit

    return audit.purge_access_log()


@shared_task
def apply_retention() -> dict[str, int]:
    """Anonymise what ended more than ELAN_RETENTION_DAYS ago, in every
    module (accounts.rgpd.run_retention; beat: daily 03:45)."""
    from accounts import rgpd

    return rgpd.run_retention()
