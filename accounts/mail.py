"""The one e-mail path of Élan: an outbox row per message, one Celery task per
delivery, unsubscribe honoured. Every module sends through `queue_email`
(or `queue_emails` for many at once); see docs/email.md.

    queue_email(
        key=f"event-reminder:{registration.pk}:{event.starts_at.isoformat()}",
        to=address, subject=subject, body=body,
        stream=EmailStream.REMINDER, unsubscribe_scope="reminders:events",
    )

The key says what the message is. Queuing it again is a no-op: the first row
wins, whatever the content of the second call.

**At most once per key.** A worker claims a row by one conditional UPDATE
(queued → sending), committed before it talks to the SMTP server, and marks it
sent afterwards. Two workers, a task enqueued twice, the periodic job and a
retry all race on that UPDATE and only one wins. If the worker dies between
the server's acceptance and the UPDATE to "sent", the row stays "sending":
nothing resends it (the message may have left), the admin lists it as
uncertain and a person may put it back in the queue. We chose that over
at-least-once because a reminder or a newsletter received twice costs more
trust than a rare one lost in a crash, and a lost one is visible. An SMTP
error is taken to mean "not delivered" and retried with backoff; the only
duplicate left is the protocol's own (a connection lost after the data was
sent and before the server's answer, RFC 5321 §6.1), and the stable
Message-ID derived from the key lets mailboxes recognise it.

**Broker down.** The row is written in the caller's transaction; the task is
handed to the broker after the commit. If that fails, the row stays queued
and `send_queued_emails` (Celery beat every minute, and a management command)
hands it over again once it is a minute overdue: sent once the broker is back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from accounts.models import (
    Consent,
    ConsentSource,
    EmailStatus,
    EmailStream,
    EmailSuppression,
    OutgoingEmail,
    SuppressionSource,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

ALL = EmailSuppression.ALL
BULK_STREAMS = frozenset({EmailStream.REMINDER, EmailStream.CAMPAIGN, EmailStream.NEWSLETTER})
# The periodic job takes a queued row over this long after it was due…
GRACE = dt.timedelta(minutes=1)
# …unless it was handed to the broker less than this ago (its task will run).
LEASE = dt.timedelta(minutes=15)
# A row "sending" for longer than this was left by a crashed worker.
STUCK_AFTER = dt.timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 3600
# After a failed hand-over, this process stops trying for a while: a fan-out
# of 10,000 messages must not wait 10,000 times for a dead broker.
BROKER_PAUSE_SECONDS = 30.0
BROKER_ERRORS = (KombuError, RedisError, OSError)
_broker_down_until = 0.0
_SALT = "accounts.mail.unsubscribe"
CHUNK = 900  # below SQLite's historical limit of 999 parameters


@dataclass(frozen=True)
class Email:
    """A message to queue (the arguments of `queue_email`)."""

    key: str
    to: str
    subject: str
    body: str
    stream: str
    html: str | None = None
    unsubscribe_scope: str | None = None
    headers: dict[str, str] | None = None
    reference: str = ""
    from_email: str = ""


@dataclass(frozen=True)
class Delivery:
    """How one delivery attempt ended: the row's status, and in how many
    seconds to try again when it failed and will be retried."""

    status: str
    stream: str = ""
    retry_in: int | None = None


# --- addresses, tokens, scopes ------------------------------------------------


def normalise(address: str) -> str:
    return address.strip().lower()


def email_hash(address: str) -> str:
    # A plain salted SHA-256 rather than an HMAC of SECRET_KEY: the hash must
    # survive a key rotation, or erased people would be written to again.
    return hashlib.sha256(f"elan-suppression:{normalise(address)}".encode()).hexdigest()


def unsubscribe_token(address: str, scope: str) -> str:
    """Signed, without expiry: the link of a two-year-old letter must work."""
    return signing.dumps([normalise(address), scope], salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        payload = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError):
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(isinstance(part, str) and part for part in payload)
    ):
        return None
    return payload[0], payload[1]


def unsubscribe_url(address: str, scope: str) -> str:
    return settings.SITE_URL + reverse("mail:unsubscribe", args=[unsubscribe_token(address, scope)])


def unsubscribe_headers(address: str, scope: str) -> dict[str, str]:
    """RFC 2369 link and RFC 8058 one-click: mailboxes show an unsubscribe
    button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(address, scope)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


_scope_labels: dict[str, Callable[[str], str]] = {}


def register_scope(prefix: str, label: Callable[[str], str]) -> None:
    """How the unsubscribe page names a list: `prefix` is a whole scope
    ("reminders:events") or ends with ":" ("newsletter:") for a family."""
    _scope_labels[prefix] = label


def scope_label(scope: str) -> str:
    if scope in _scope_labels:
        return _scope_labels[scope](scope)
    families = [p for p in _scope_labels if p.endswith(":") and scope.startswith(p)]
    if families:
        return _scope_labels[max(families, key=len)](scope)
    return _("les messages de la liste « %(scope)s »") % {"scope": scope}


register_scope(
    ALL, lambda scope: _("tous les envois collectifs d'Élan (lettres, rappels, campagnes)")
)


# --- queuing -------------------------------------------------------------------


def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    stream: str,
    html: str | None = None,
    unsubscribe_scope: str | None = None,
    headers: dict[str, str] | None = None,
    reference: str = "",
    from_email: str = "",
) -> OutgoingEmail:
    """Queue one message to one recipient; its task leaves after the commit."""
    email = Email(
        key=key,
        to=to,
        subject=subject,
        body=body,
        stream=stream,
        html=html,
        unsubscribe_scope=unsubscribe_scope,
        headers=headers,
        reference=reference,
        from_email=from_email,
    )
    return queue_emails([email])[0]


def queue_emails(emails: Iterable[Email], *, now: dt.datetime | None = None) -> list[OutgoingEmail]:
    """Queue many messages in a constant number of queries (a newsletter, the
    day's reminders). Returns the row of each key, new or already there.
    Addresses unsubscribed from the message's list get a row "suppressed"
    (the list's figures count them) and no task."""
    now = now or timezone.now()
    batch = {email.key: email for email in emails}
    if not batch:
        return []
    for email in batch.values():
        _check(email)
    existing = _in_bulk(list(batch))
    fresh = [email for key, email in batch.items() if key not in existing]
    suppressed = _suppressed_pairs(
        [(email.to, email.unsubscribe_scope) for email in fresh if email.unsubscribe_scope]
    )
    rows = [_row(email, now, suppressed) for email in fresh]
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    created = _in_bulk([row.key for row in rows])
    # In the caller's order (a newsletter leaves in the order of its list).
    mine = [created[row.key] for row in rows if row.key in created]
    pending = [
        (row.pk, row.stream)
        for row in mine
        if row.status == EmailStatus.QUEUED and row.dispatched_at is None
    ]
    if pending:
        transaction.on_commit(partial(dispatch, pending), robust=True)
    found = {**existing, **created}
    return [found[key] for key in batch]


def _check(email: Email) -> None:
    if not email.key or len(email.key) > 200:
        raise ValueError(f"Clé d'e-mail vide ou trop longue : {email.key!r}")
    if email.stream not in EmailStream.values:
        raise ValueError(f"Type d'envoi inconnu : {email.stream!r}")
    if "@" not in email.to:
        raise ValueError(f"Adresse e-mail invalide pour {email.key!r}")


def _in_bulk(keys: Sequence[str]) -> dict[str, OutgoingEmail]:
    found: dict[str, OutgoingEmail] = {}
    for start in range(0, len(keys), CHUNK):
        found.update(OutgoingEmail.objects.in_bulk(keys[start : start + CHUNK], field_name="key"))
    return found


def _row(email: Email, now: dt.datetime, suppressed: set[tuple[str, str]]) -> OutgoingEmail:
    address = normalise(email.to)
    scope = email.unsubscribe_scope or ""
    headers = dict(email.headers or {})
    if scope:
        headers.update(unsubscribe_headers(address, scope))
    status = EmailStatus.SUPPRESSED if (address, scope) in suppressed else EmailStatus.QUEUED
    return OutgoingEmail(
        key=email.key,
        stream=email.stream,
        reference=email.reference,
        recipient=address,
        from_email=email.from_email,
        subject=email.subject,
        body=email.body,
        html=email.html or "",
        headers=headers,
        unsubscribe_scope=scope,
        status=status,
        created_at=now,
        send_after=now,
    )


def _suppressed_pairs(pairs: Sequence[tuple[str, str | None]]) -> set[tuple[str, str]]:
    """The (address, scope) pairs of `pairs` that must not be sent, in one
    query per chunk of addresses."""
    by_hash = {email_hash(address): normalise(address) for address, _scope in pairs}
    hashes = list(by_hash)
    blocked: set[tuple[str, str]] = set()
    for start in range(0, len(hashes), CHUNK):
        rows = EmailSuppression.objects.filter(email_hash__in=hashes[start : start + CHUNK])
        blocked.update((by_hash[h], scope) for h, scope in rows.values_list("email_hash", "scope"))
    return {
        (normalise(address), scope)
        for address, scope in pairs
        if scope and {(normalise(address), scope), (normalise(address), ALL)} & blocked
    }


# --- handing over to the broker ------------------------------------------------


def dispatch(items: Sequence[tuple[int, str]], *, countdown: int | None = None) -> int:
    """Hand one task per row to the broker (or run it here without one).
    Returns how many were handed over; the others stay queued for the
    periodic job. Never raises for a broker problem."""
    global _broker_down_until
    from accounts import tasks

    if tasks.deliver_email.app.conf.task_always_eager:
        for pk, stream in items:
            _task(stream).apply(args=[pk])
        return len(items)
    handed: list[int] = []
    for pk, stream in items:
        if time.monotonic() < _broker_down_until:
            break
        options = {"queue": _queue(stream)} if _queue(stream) else {}
        try:
            _task(stream).apply_async(
                args=[pk],
                countdown=countdown,
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
                **options,
            )
        except BROKER_ERRORS as error:
            _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Broker injoignable (%s) : %d e-mail(s) restent en attente, "
                "send_queued_emails les reprendra.",
                error,
                len(items) - len(handed),
            )
            break
        handed.append(pk)
    now = timezone.now()
    for start in range(0, len(handed), CHUNK):
        OutgoingEmail.objects.filter(
            pk__in=handed[start : start + CHUNK], status=EmailStatus.QUEUED
        ).update(dispatched_at=now)
    return len(handed)


def _task(stream: str):  # type: ignore[no-untyped-def]
    from accounts import tasks

    return tasks.deliver_bulk_email if stream in BULK_STREAMS else tasks.deliver_email


def _queue(stream: str) -> str:
    if stream in BULK_STREAMS:
        return settings.ELAN_EMAIL_BULK_QUEUE or settings.ELAN_EMAIL_QUEUE
    return settings.ELAN_EMAIL_QUEUE


def dispatch_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """The periodic job: queued rows nobody is taking care of (the broker was
    down, or a task was lost) are handed over again."""
    now = now or timezone.now()
    rows = OutgoingEmail.objects.due(now=now, grace=GRACE, lease=LEASE).order_by("send_after", "pk")
    return dispatch(list(rows.values_list("pk", "stream")[:limit]))


def deliver_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """The same rows, delivered in this process (`send_queued_emails
    --in-process`, when no broker can be reached). Bulk streams keep to
    ELAN_EMAIL_BULK_RATE_LIMIT. Returns how many were sent."""
    now = now or timezone.now()
    rows = OutgoingEmail.objects.due(now=now, grace=GRACE, lease=LEASE).order_by("send_after", "pk")
    pause = 1 / bulk_rate_per_second() if bulk_rate_per_second() else 0.0
    sent = 0
    for pk, stream in rows.values_list("pk", "stream")[:limit]:
        sent += deliver(pk).status == EmailStatus.SENT
        if stream in BULK_STREAMS and pause:
            time.sleep(pause)
    return sent


def bulk_rate_per_second() -> float:
    """ELAN_EMAIL_BULK_RATE_LIMIT ("100/s", "3000/m", "" for none) per second."""
    rate = settings.ELAN_EMAIL_BULK_RATE_LIMIT
    if not rate:
        return 0.0
    count, _slash, unit = rate.partition("/")
    return float(count) / {"s": 1, "m": 60, "h": 3600}[unit or "s"]


def requeue(*, ids: Iterable[int]) -> int:
    """An organiser's decision to try failed or uncertain messages again."""
    rows = OutgoingEmail.objects.filter(
        pk__in=list(ids), status__in=[EmailStatus.FAILED, EmailStatus.SENDING]
    )
    pending = list(rows.values_list("pk", "stream"))
    count = rows.update(
        status=EmailStatus.QUEUED, attempts=0, send_after=timezone.now(), dispatched_at=None
    )
    transaction.on_commit(partial(dispatch, pending), robust=True)
    return count


# --- delivery --------------------------------------------------------------------


def deliver(outgoing_id: int, *, now: dt.datetime | None = None) -> Delivery:
    """One attempt at one message (the body of the Celery task)."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=outgoing_id, status=EmailStatus.QUEUED, send_after__lte=now
    ).update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    row = OutgoingEmail.objects.filter(pk=outgoing_id).first()
    if row is None:
        return Delivery(status="")
    if not claimed:
        return Delivery(status=row.status, stream=row.stream)
    if row.unsubscribe_scope and is_suppressed(row.recipient, row.unsubscribe_scope):
        return _finish(row, EmailStatus.SUPPRESSED)
    try:
        _message(row).send()
    except (smtplib.SMTPException, OSError) as error:
        return _failed(row, error, now)
    except Exception as error:
        # Not the server's doing (a bad header…): trying again would not help.
        logger.exception("E-mail %s impossible à envoyer", row.key)
        return _finish(row, EmailStatus.FAILED, error=_describe(error))
    return _finish(row, EmailStatus.SENT, sent_at=timezone.now())


def _message(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers={"Message-ID": message_id(row.key), **row.headers},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def message_id(key: str) -> str:
    """Stable per key: the rare duplicate SMTP itself can make is recognisable."""
    digest = hashlib.sha256(f"{settings.SITE_URL}|{key}".encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "elan.localhost"
    return f"<{digest}@{domain}>"


def _finish(
    row: OutgoingEmail, status: str, *, error: str = "", sent_at: dt.datetime | None = None
) -> Delivery:
    OutgoingEmail.objects.filter(pk=row.pk, status=EmailStatus.SENDING).update(
        status=status, last_error=error, sent_at=sent_at
    )
    return Delivery(status=status, stream=row.stream)


def _failed(row: OutgoingEmail, error: Exception, now: dt.datetime) -> Delivery:
    description = _describe(error)
    logger.warning("E-mail %s : tentative %d en échec (%s)", row.key, row.attempts, description)
    if _permanent(error) or row.attempts > settings.ELAN_EMAIL_MAX_RETRIES:
        return _finish(row, EmailStatus.FAILED, error=description)
    delay = backoff_seconds(row.attempts)
    OutgoingEmail.objects.filter(pk=row.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.QUEUED,
        last_error=description,
        send_after=now + dt.timedelta(seconds=delay),
        dispatched_at=None,
    )
    return Delivery(status=EmailStatus.QUEUED, stream=row.stream, retry_in=delay)


def backoff_seconds(attempt: int) -> int:
    """60 s, 120 s, 240 s… after the 1st, 2nd, 3rd failed attempt (capped at an hour)."""
    base: int = settings.ELAN_EMAIL_RETRY_BACKOFF
    return int(min(base * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


def _permanent(error: Exception) -> bool:
    """A 5xx about this message (unknown mailbox, refused content): no retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


# --- unsubscribing -----------------------------------------------------------------


def is_suppressed(address: str, scope: str) -> bool:
    return EmailSuppression.objects.filter(
        email_hash=email_hash(address), scope__in=[scope, ALL]
    ).exists()


@transaction.atomic
def unsubscribe(
    *, email: str, scope: str, source: str, now: dt.datetime | None = None
) -> EmailSuppression:
    """Effective at once and idempotent: the messages of that list (of every
    list for ``all``) still queued for the address will not leave, and the
    consents to those lists are withdrawn."""
    now = now or timezone.now()
    address = normalise(email)
    suppression, _created = EmailSuppression.objects.get_or_create(
        email_hash=email_hash(address),
        scope=scope,
        defaults={"email": address, "source": source, "created_at": now},
    )
    queued = OutgoingEmail.objects.filter(recipient=address, status=EmailStatus.QUEUED).exclude(
        unsubscribe_scope=""
    )
    consents = (
        Consent.objects.filter(withdrawn_at__isnull=True)
        .exclude(scope="")
        .filter(Q(email__iexact=address) | Q(user__email=address))
    )
    if scope != ALL:
        queued = queued.filter(unsubscribe_scope=scope)
        consents = consents.filter(scope=scope)
    queued.update(status=EmailStatus.SUPPRESSED)
    consents.update(withdrawn_at=now)
    return suppression


@transaction.atomic
def resubscribe(*, email: str, scope: str, now: dt.datetime | None = None) -> bool:
    """Undo one's own unsubscribing (not an administrator's or a bounce's).
    The consent to that list, withdrawn by the unsubscribing, is given again:
    the click on a link signed for this address is its proof, as the click
    of a double opt-in is."""
    address = normalise(email)
    deleted, _rows = EmailSuppression.objects.filter(
        email_hash=email_hash(address),
        scope=scope,
        source__in=[SuppressionSource.ONE_CLICK, SuppressionSource.LINK],
    ).delete()
    if deleted and scope != ALL:
        _consent_again(address, scope, now or timezone.now())
    return bool(deleted)


def _consent_again(address: str, scope: str, now: dt.datetime) -> None:
    consents = Consent.objects.filter(scope=scope).filter(
        Q(email__iexact=address) | Q(user__email=address)
    )
    if consents.filter(withdrawn_at__isnull=True).exists():
        return
    latest = consents.order_by("-withdrawn_at").first()
    if latest is not None:
        Consent.objects.create(
            user=latest.user,
            email=latest.email,
            scope=scope,
            text=latest.text,
            source=ConsentSource.FORM,
            # Stored data, not interface text: not translated.
            proof="Réabonnement par le lien de désabonnement signé pour cette adresse.",
            given_at=now,
            confirmed_at=now,
        )


# --- personal data (registered in accounts/rgpd.py) ------------------------------


def _addresses(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    others = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    return sorted({normalise(user.email), *(normalise(a) for a in others)})


def export_outbox(user: User) -> list[dict[str, object]]:
    rows = OutgoingEmail.objects.filter(recipient__in=_addresses(user)).order_by("created_at")
    return [
        {
            "adresse": row.recipient,
            "objet": row.subject,
            "texte": row.body,
            "type": row.get_stream_display(),
            "etat": row.get_status_display(),
            "cree_le": row.created_at,
            "envoye_le": row.sent_at,
        }
        for row in rows
    ]


def export_suppressions(user: User) -> list[dict[str, object]]:
    hashes = [email_hash(address) for address in _addresses(user)]
    return [
        {
            "adresse": row.email,
            "liste": scope_label(row.scope),
            "origine": row.get_source_display(),
            "depuis": row.created_at,
        }
        for row in EmailSuppression.objects.filter(email_hash__in=hashes)
    ]


def erase_personal_data(user: User) -> None:
    """Erasure: what was written to the person goes, the rows stay (the figures
    of a newsletter do not change) and a message still queued never leaves.
    The suppressions keep their hash and lose the address: an erased person
    who had unsubscribed stays unsubscribed, even if an organiser re-imports
    the address later."""
    addresses = _addresses(user)
    rows = OutgoingEmail.objects.filter(recipient__in=addresses)
    rows.filter(status=EmailStatus.QUEUED).update(status=EmailStatus.SUPPRESSED)
    rows.update(
        recipient="", from_email="", subject="", body="", html="", headers={}, last_error=""
    )
    EmailSuppression.objects.filter(email_hash__in=[email_hash(a) for a in addresses]).update(
        email=""
    )
    Consent.objects.filter(user__isnull=True, email__in=addresses).delete()
