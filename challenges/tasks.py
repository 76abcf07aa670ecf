"""E-mails to households about their registration. They go out through
accounts.tasks.send_email once the transaction that decided them commits, so a
rolled-back decision never reaches anyone's mailbox."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tasks import send_email
from challenges.models import Registration, RegistrationStatus

# What happened → the e-mail template (challenges/emails/<name>_subject.txt and _body.txt).
TEMPLATES = {
    RegistrationStatus.CANDIDATE: "received",
    RegistrationStatus.SELECTED: "selected",
    RegistrationStatus.WAITING: "waiting",
    RegistrationStatus.NOT_SELECTED: "not_selected",
    "promoted": "promoted",
}


def household_addresses(registration: Registration) -> list[str]:
    members = User.objects.filter(
        household_id=registration.household_id, is_active=True, erased_at__isnull=True
    ).order_by("email")
    return [m.email for m in members]


def notify_household(registration: Registration, event: str) -> None:
    """Queue the e-mail of `event` (a RegistrationStatus or "promoted") to
    every member of the household."""
    name = TEMPLATES.get(event)
    to = household_addresses(registration)
    if name is None or not to:
        return
    challenge = registration.challenge
    context = {
        "registration": registration,
        "challenge": challenge,
        "household": registration.household,
        "registration_url": settings.SITE_URL
        + reverse("challenges:registration", args=[challenge.territory.slug, challenge.slug]),
        "meters_url": settings.SITE_URL + reverse("measures:meters"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"challenges/emails/{name}_subject.txt", context)
        body = render_to_string(f"challenges/emails/{name}_body.txt", context)
    subject_line = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    transaction.on_commit(
        partial(send_email.delay, to=to, subject=subject_line, body=body), robust=True
    )
