"""E-mails of the actors' network, and the weekly digest of the members not
contacted for too long.

Every mail goes through the platform's outbox (accounts.mail.queue_email): its
row is written in the transaction that decided it and its delivery leaves
after the commit, so a rolled-back decision never reaches anyone. Each person
gets their own message; the key says what the message is, so that the same
message queued twice (a digest run twice the same day) leaves once.
Templates: network/emails/<name>_subject.txt and _body.txt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import queue_email
from accounts.models import EmailStream, User
from network.models import OVERDUE_DAYS, Actor, ActorChange, JoinRequest
from territories.models import Role, Territory

# The digest lists this many members at most; the page has them all.
DIGEST_ROWS = 50
# An organiser may unsubscribe from the weekly digest (and from it only).
DIGEST_SCOPE = "reminders:network-overdue"


def absolute(name: str, *args: Any, query: str = "") -> str:
    return settings.SITE_URL + reverse(name, args=args) + (f"?{query}" if query else "")


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"network/emails/{name}_subject.txt", context)
        body = render_to_string(f"network/emails/{name}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def _queue(
    to: str,
    name: str,
    context: dict[str, Any],
    *,
    key: str,
    stream: str = EmailStream.TRANSACTIONAL,
    scope: str | None = None,
) -> None:
    subject, body = _render(name, context)
    queue_email(
        key=f"network-{name}:{key}",
        to=to,
        subject=subject,
        body=body,
        stream=stream,
        unsubscribe_scope=scope,
        reference=f"network:{name}",
    )


def organisers(territory: Territory) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            territory_roles__territory=territory,
            territory_roles__role=Role.ORGANISER,
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def _to_organisers(
    territory: Territory, name: str, context: dict[str, Any], *, key: str, **options: Any
) -> int:
    people = organisers(territory)
    for person in people:
        _queue(
            person.email,
            name,
            {**context, "organiser": person},
            key=f"{key}:{person.pk}",
            **options,
        )
    return len(people)


# Join requests


def send_join_confirmation(join_request: JoinRequest) -> None:
    """The double opt-in link."""
    context = {
        "request": join_request,
        "territory": join_request.territory,
        "confirm_url": absolute("network:join_confirm", join_request.token),
    }
    # Asking again sends the link again: a key per sending.
    _queue(
        join_request.email,
        "join_confirm",
        context,
        key=f"{join_request.pk}:{timezone.now().isoformat()}",
    )


def notify_join_request(join_request: JoinRequest) -> None:
    """Tell the organisers that a confirmed request waits for them."""
    territory = join_request.territory
    context = {
        "request": join_request,
        "territory": territory,
        "queue_url": absolute("network:join_requests", territory.slug),
    }
    _to_organisers(territory, "join_pending", context, key=str(join_request.pk))


def send_join_decision(join_request: JoinRequest) -> None:
    """Accepted (welcome) or declined (with the organiser's reason)."""
    territory = join_request.territory
    context = {
        "request": join_request,
        "territory": territory,
        "directory_url": absolute("network:directory", territory.slug),
    }
    name = "join_accepted" if join_request.status == "acceptee" else "join_declined"
    _queue(join_request.email, name, context, key=str(join_request.pk))


# Changes made by actor contacts


def notify_change(change: ActorChange) -> None:
    actor = change.actor
    territory = actor.territory
    context = {
        "change": change,
        "actor": actor,
        "territory": territory,
        "actor_url": absolute("network:actor_detail", territory.slug, actor.pk),
        "changes_url": absolute("network:changes", territory.slug),
    }
    _to_organisers(territory, "actor_changed", context, key=str(change.pk))


# The weekly digest


def overdue_actors(territory: Territory, *, today: dt.date, days: int) -> Any:
    return (
        Actor.objects.filter(territory=territory)
        .with_membership()
        .with_last_contact()
        .overdue(today=today, days=days)
        .select_related("commune")
        .longest_without_contact()
    )


@shared_task
def send_overdue_digest(*, days: int = OVERDUE_DAYS, today: str | None = None) -> int:
    """E-mail each organiser of every territory the members not contacted for
    more than `days` days. Returns the number of e-mails queued. A territory
    with no overdue member sends nothing. `today`: ISO date (tests)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    territories = Territory.objects.filter(actors__isnull=False).distinct().order_by("pk")
    for territory in territories:
        overdue = overdue_actors(territory, today=day, days=days)
        total = overdue.count()
        if not total:
            continue
        context = {
            "territory": territory,
            "days": days,
            "total": total,
            "actors": list(overdue[:DIGEST_ROWS]),
            "more": max(total - DIGEST_ROWS, 0),
            "overdue_url": absolute("network:overdue", territory.slug, query=f"jours={days}"),
        }
        sent += _to_organisers(
            territory,
            "overdue_digest",
            context,
            key=f"{territory.pk}:{day.isoformat()}:{days}",
            stream=EmailStream.REMINDER,
            scope=DIGEST_SCOPE,
        )
    return sent


# Newsletters (network/newsletters.py)


@shared_task(bind=True, ignore_result=True, max_retries=5)
def send_newsletter(self: Any, newsletter_id: int) -> int:
    """Queue a letter's messages once its sending is decided. Run twice, it
    sends nothing twice (one outbox key per address); a database error is
    retried, with the letter still « en cours d'envoi »."""
    from django.db import DatabaseError

    from network import newsletters

    try:
        return newsletters.newsletter_deliver(newsletter_id=newsletter_id)
    except DatabaseError as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
