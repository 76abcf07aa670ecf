"""E-mails about events and registrations, and the reminder job.

Every mail is queued through accounts.tasks.send_email once the transaction
that decided it commits: a rolled-back registration never reaches a mailbox.
Templates: events/emails/<name>_subject.txt and _body.txt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tasks import send_email
from events.models import Event, EventRegistration, EventStatus, RegistrationStatus

# Reminders go to the events starting within this delay (« deux jours avant »).
# A window rather than an exact hour: the hourly job may miss a run, and an
# event created the day before still gets its reminder, once.
REMINDER_AHEAD = dt.timedelta(days=2)


def registration_address(registration: EventRegistration) -> str:
    if registration.user_id and registration.user is not None:
        return registration.user.email
    return registration.email


def _absolute(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _links(registration: EventRegistration) -> dict[str, str]:
    event = registration.event
    return {
        "event_url": _absolute("events:detail", event.territory.slug, event.pk),
        "cancel_url": _absolute("events:registration_cancel", registration.token),
        "confirm_url": _absolute("events:guest_confirm", registration.token),
    }


def _queue(name: str, to: list[str], context: dict[str, Any]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"events/emails/{name}_subject.txt", context)
        body = render_to_string(f"events/emails/{name}_body.txt", context)
    line = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    transaction.on_commit(partial(send_email.delay, to=to, subject=line, body=body), robust=True)


def notify_registration(registration: EventRegistration, name: str, **extra: Any) -> None:
    """Queue the mail `name` (guest_confirm, confirmed, waiting, promoted,
    changed, cancelled, reminder) to the person of `registration`."""
    address = registration_address(registration)
    if not address:
        return
    context = {
        "registration": registration,
        "event": registration.event,
        **_links(registration),
        **extra,
    }
    _queue(name, [address], context)


def notify_registrants(
    event: Event, name: str, statuses: Iterable[str], **extra: Any
) -> list[EventRegistration]:
    """The same mail to every registration of `event` in `statuses`, each
    with its own cancel link."""
    registrations = list(
        event.registrations.filter(status__in=list(statuses)).select_related("user")
    )
    for registration in registrations:
        registration.event = event
        notify_registration(registration, name, **extra)
    return registrations


@shared_task
def send_event_reminders(now: dt.datetime | None = None) -> int:
    """E-mail every confirmed registrant of the published events starting
    within two days, once (``reminder_sent_at``). Returns the number sent."""
    now = now or timezone.now()
    due = (
        EventRegistration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            walk_in=False,
            reminder_sent_at__isnull=True,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_AHEAD,
        )
        .select_related("event__territory", "event__commune", "user")
        .order_by("pk")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            # Claim the row first: two overlapping runs never send twice.
            claimed = EventRegistration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                notify_registration(registration, "reminder")
                sent += 1
    return sent
