"""E-mails about events and registrations, and the reminder job.

Every mail goes through the outbox (accounts.mail.queue_email), whose task
leaves once the transaction that decided it commits: a rolled-back
registration never reaches a mailbox. Each key says which notice of which
registration it is (``event-reminder:<registration>:<start>``), so a notice
queued twice is sent once. Templates: events/emails/<name>_subject.txt and
_body.txt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import queue_email
from accounts.models import EmailStream
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


# Reminders may be declined (the unsubscribe link of the message); the
# notices about one's own registration (confirmation, change, cancellation)
# are part of the service and always leave.
REMINDER_SCOPE = "reminders:events"


def _key(name: str, registration: EventRegistration, occasion: str) -> str:
    event = registration.event
    if name == "reminder":
        occasion = occasion or event.starts_at.isoformat()
    elif name in ("changed", "cancelled"):
        occasion = occasion or str(event.sequence)  # one notice per version of the event
    suffix = f":{occasion}" if occasion else ""
    return f"event-{name.replace('_', '-')}:{registration.pk}{suffix}"


def notify_registration(
    registration: EventRegistration, name: str, *, occasion: str = "", **extra: Any
) -> None:
    """Queue the mail `name` (guest_confirm, confirmed, waiting, promoted,
    changed, cancelled, reminder) to the person of `registration`. `occasion`
    tells a deliberate second notice of the same kind apart (a link sent
    again)."""
    address = registration_address(registration)
    if not address:
        return
    context = {
        "registration": registration,
        "event": registration.event,
        **_links(registration),
        **extra,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"events/emails/{name}_subject.txt", context)
        body = render_to_string(f"events/emails/{name}_body.txt", context)
    reminder = name == "reminder"
    queue_email(
        key=_key(name, registration, occasion),
        to=address,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        stream=EmailStream.REMINDER if reminder else EmailStream.TRANSACTIONAL,
        unsubscribe_scope=REMINDER_SCOPE if reminder else None,
        reference=f"event:{registration.event_id}",
    )


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
