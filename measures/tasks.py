"""Reminders by e-mail when a reading or a weighing is due.

Run daily (cron: `manage.py send_reminders`, or the Celery task). Nothing is
stored about past reminders: a household is reminded on the days when the time
since its last entry is an exact multiple of the challenge's frequency (15, 30,
45… days after the last reading with a 15-day rhythm). That gives at most one
reminder per period and theme, keeps reminding a household that stays silent,
and stops as soon as it enters something. Without any entry yet, the count
starts on the challenge's first day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.mail import Email, queue_emails
from accounts.models import EmailStream, User
from challenges.models import Challenge, Phase, Registration
from challenges.status import ThemeStatus, data_statuses
from challenges.tasks import DATA_REMINDER_SCOPE

# Phases during which households enter data.
ACTIVE_PHASES = {Phase.REFERENCE, Phase.RUNNING}


def _is_due(status: ThemeStatus, challenge: Challenge, today: dt.date) -> bool:
    frequency = status.frequency_days
    since_start = (today - challenge.starts_on).days
    if status.last_on is None or status.unread_meters:
        return since_start % frequency == 0
    days = (today - status.last_on).days
    return days >= frequency and days % frequency == 0


def due_reminders(*, today: dt.date) -> list[tuple[Registration, list[ThemeStatus]]]:
    """Selected households, reminders not paused, of challenges under way,
    with the themes for which a reminder is due today."""
    challenges = [
        c
        for c in Challenge.objects.filter(
            published_at__isnull=False, starts_on__lte=today, ends_on__gte=today
        ).select_related("territory")
        if c.phase(today) in ACTIVE_PHASES
    ]
    if not challenges:
        return []
    registrations = list(
        Registration.objects.selected()
        .filter(challenge__in=challenges, reminders_paused=False)
        .select_related("challenge__territory")
        .order_by("challenge_id", "pk")
    )
    due = []
    for status in data_statuses(registrations, today=today):
        challenge = status.registration.challenge
        themes = [t for t in status.themes if _is_due(t, challenge, today)]
        if themes:
            due.append((status.registration, themes))
    return due


def _line(status: ThemeStatus) -> str:
    if status.unread_meters:
        meters = ", ".join(status.unread_meters)
        return _("%(theme)s : premier relevé attendu pour %(meters)s") % {
            "theme": status.theme_label,
            "meters": meters,
        }
    detail = status.detail or _("aucune donnée pour l'instant")
    return f"{status.theme_label} : {detail}"


@shared_task
def send_due_reminders(today: dt.date | str | None = None) -> int:
    """Send today's reminders; returns how many households were written to."""
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    day = today or timezone.localdate()
    due = due_reminders(today=day)
    members: dict[int, list[User]] = defaultdict(list)
    users = User.objects.filter(
        household_id__in={r.household_id for r, _themes in due},
        is_active=True,
        erased_at__isnull=True,
    ).order_by("email")
    for member in users:
        members[member.household_id].append(member)  # type: ignore[index]
    sent = 0
    emails: list[Email] = []
    for registration, themes in due:
        household = members.get(registration.household_id)
        if not household:
            continue
        emails.extend(_emails(registration, themes, household, day))
        sent += 1
    # One outbox call for the whole day: the query count does not grow.
    queue_emails(emails)
    return sent


def _emails(
    registration: Registration, themes: list[ThemeStatus], members: list[User], day: dt.date
) -> list[Email]:
    """The reminder, one message per member: each has their own unsubscribe
    link, and the key (registration, day, member) makes a second run of the
    same day send nothing."""
    challenge = registration.challenge
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "challenge": challenge,
            "due": [_line(t) for t in themes],
            "entry_url": settings.SITE_URL
            + reverse("measures:entry", args=[challenge.territory.slug, challenge.slug]),
        }
        subject = render_to_string("measures/entry/emails/reminder_subject.txt", context)
        body = render_to_string("measures/entry/emails/reminder_body.txt", context)
    subject_line = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return [
        Email(
            key=f"reminder:measures:{registration.pk}:{day.isoformat()}:{member.pk}",
            to=member.email,
            subject=subject_line,
            body=body,
            stream=EmailStream.REMINDER,
            unsubscribe_scope=DATA_REMINDER_SCOPE,
            reference=f"challenge:{challenge.pk}",
        )
        for member in members
    ]


# --- Results precomputed after writes (measures.results.cache) -------------------


@shared_task(acks_late=True)
def precompute_results(challenge_id: int) -> bool:
    """Compute and store a challenge's results unless they are fresh."""
    from measures.results.cache import results_precompute

    return results_precompute(challenge_id)


@shared_task
def precompute_running_results() -> int:
    """Every running challenge's results for the new day (beat: 00:05), and
    the final results of challenges closed since, one task each so that the
    workers share them."""
    from measures.results.cache import closed_without_final_ids, running_challenge_ids

    ids = running_challenge_ids() + closed_without_final_ids()
    for challenge_id in ids:
        precompute_results.delay(challenge_id)
    return len(ids)
