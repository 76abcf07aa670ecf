"""E-mails to households about their registration. They go through the
outbox (accounts.mail.queue_email) and leave once the transaction that decided
them commits, so a rolled-back decision never reaches anyone's mailbox. One
message per member, keyed by the decision (its time), so a decision notified
twice is sent once."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.mail import Email, queue_emails
from accounts.models import EmailStream, User
from challenges.models import Registration, RegistrationStatus

# What happened → the e-mail template (challenges/emails/<name>_subject.txt and _body.txt).
TEMPLATES = {
    RegistrationStatus.CANDIDATE: "received",
    RegistrationStatus.SELECTED: "selected",
    RegistrationStatus.WAITING: "waiting",
    RegistrationStatus.NOT_SELECTED: "not_selected",
    "promoted": "promoted",
}


# The list a member leaves with the unsubscribe link of a reminder to enter
# readings or weighings: the daily ones (measures/tasks.py) and the captain's.
DATA_REMINDER_SCOPE = "reminders:measures"


def household_members(registration: Registration) -> list[User]:
    return list(
        User.objects.filter(
            household_id=registration.household_id, is_active=True, erased_at__isnull=True
        ).order_by("email")
    )


def notify_household(registration: Registration, event: str) -> None:
    """Queue the e-mail of `event` (a RegistrationStatus or "promoted") to
    every member of the household."""
    name = TEMPLATES.get(event)
    members = household_members(registration)
    if name is None or not members:
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
    decided = registration.decided_at or registration.registered_at
    queue_emails(
        Email(
            key=f"challenge-{name.replace('_', '-')}:{registration.pk}:{decided.isoformat()}:{member.pk}",
            to=member.email,
            subject=subject_line,
            body=body,
            stream=EmailStream.TRANSACTIONAL,
            reference=f"challenge:{challenge.pk}",
        )
        for member in members
    )
