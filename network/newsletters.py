"""Newsletters of the actors' network: written in Markdown (rendered by
commons.markdown, sanitised by nh3), sent to a segment (network/segments.py)
through the platform's outbox (accounts.mail), archived on a public page.

- The organiser writes a draft, picks a segment and sees the exact list
  before sending: who gets the letter, who is left out and why (no e-mail
  address, unsubscribed). The segment « everyone » also reaches the people
  who subscribed on the public page, with a double opt-in.
- Sending is a decision (the draft becomes « en cours d'envoi », the
  segment and the counts are frozen) and a Celery task after the commit
  (`network.tasks.send_newsletter`) that queues one message per address:
  outbox key ``newsletter:<pk>:<sha-256 of the address>``, stream « lettre »
  (throttled, retried), unsubscribe scope ``newsletter:<territory slug>``
  (RFC 8058 one-click link in every message). Queuing twice sends nothing
  twice; nobody unsubscribed is written to (the list leaves them out, the
  outbox checks again when queuing and when delivering).
- The figures read the outbox by the letter's reference (``newsletter:<pk>``)
  in one query: sent, failed, waiting, not sent because unsubscribed while
  it went out, and recipients who unsubscribed since; beside them the
  counts stored when it was sent (left out as unsubscribed, without
  address).
- Consent to the list, from the public form: `accounts.Consent` with its
  proof (the page and the text ticked), its date and source, and the time
  of the double opt-in's confirmation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Right
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.mail import (
    ALL,
    BROKER_ERRORS,
    Email,
    email_hash,
    is_suppressed,
    normalise,
    queue_email,
    queue_emails,
    register_scope,
    resubscribe,
    unsubscribe_url,
)
from accounts.models import (
    Consent,
    ConsentSource,
    ConsentText,
    EmailStatus,
    EmailStream,
    EmailSuppression,
    OutgoingEmail,
    User,
)
from accounts.services import list_consent_confirm, list_consent_record
from commons import markdown
from network import segments
from network.models import Contact, Newsletter, NewsletterStatus
from network.services import NetworkRefused
from network.tasks import absolute
from territories.models import Territory

logger = logging.getLogger(__name__)

STREAM = EmailStream.NEWSLETTER
SCOPE_PREFIX = "newsletter:"
HASH_LENGTH = 64  # the address's SHA-256 at the end of each outbox key
CONSENT_KEY = "lettre-reseau"
# Codes of the refusals, for the views' status (409: the letter's state).
ALREADY_SENT, EMPTY, CHANGED = "deja_envoyee", "segment_vide", "liste_changee"
CONFIRM_SALT = "network.newsletters.subscribe"
CONFIRM_VALIDITY = dt.timedelta(days=7)
# Rendered once per letter, then these are replaced per recipient: 10,000
# messages do not render 10,000 templates.
_UNSUBSCRIBE = "ELANLIENDESABONNEMENT7F3A"
_REASON = "ELANRAISONDENVOI7F3A"


def newsletter_scope(territory: Territory) -> str:
    """The list a letter's link unsubscribes from: that territory's letters."""
    return f"{SCOPE_PREFIX}{territory.slug}"


def reference(newsletter: Newsletter) -> str:
    """The outbox reference of a letter's messages (its figures)."""
    return f"{SCOPE_PREFIX}{newsletter.pk}"


def message_key(newsletter: Newsletter, address: str) -> str:
    # A hash, never the address (docs/email.md); the figures join it with
    # the suppression list, which holds the same hash.
    return f"{reference(newsletter)}:{email_hash(address)}"


def _scope_label(scope: str) -> str:
    slug = scope.removeprefix(SCOPE_PREFIX)
    name = Territory.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    return _("la lettre d'information du réseau d'acteurs de %(name)s") % {"name": name}


def register_scopes() -> None:
    """Called by network.apps: how the unsubscribe page names the list."""
    register_scope(SCOPE_PREFIX, _scope_label)


def render_html(body: str) -> SafeString:
    """The letter's Markdown as safe HTML (the preview, the archive, the e-mail)."""
    return markdown.render(body)


# --- drafts ---------------------------------------------------------------------------

DRAFT_FIELDS = ("subject", "body", "in_archive")


def edit_problem(newsletter: Newsletter) -> str:
    """Why the letter cannot change any more, or ""."""
    if newsletter.status != NewsletterStatus.DRAFT:
        return _("Cette lettre est déjà envoyée : elle ne peut plus être modifiée.")
    return ""


@transaction.atomic
def newsletter_create(*, territory: Territory, data: dict[str, Any], user: User) -> Newsletter:
    values = {name: data[name] for name in DRAFT_FIELDS if name in data}
    return Newsletter.objects.create(territory=territory, created_by=user, **values)


@transaction.atomic
def newsletter_update(*, newsletter: Newsletter, data: dict[str, Any]) -> Newsletter:
    """A draft only: what was sent stays as it was sent."""
    newsletter = _lock(newsletter)
    problem = edit_problem(newsletter)
    if problem:
        raise NetworkRefused(problem, code=ALREADY_SENT)
    changed = [name for name in DRAFT_FIELDS if name in data]
    for name in changed:
        setattr(newsletter, name, data[name])
    newsletter.save(update_fields=[*changed, "updated_at"])
    return newsletter


def _lock(newsletter: Newsletter) -> Newsletter:
    # A lock on the row only (PostgreSQL refuses FOR UPDATE on outer joins).
    Newsletter.objects.select_for_update().filter(pk=newsletter.pk).values_list("pk").get()
    newsletter.refresh_from_db()
    return newsletter


# --- recipients -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One address that gets the letter: a contact of an actor, or a person
    who subscribed on the public page."""

    email: str
    name: str = ""
    organisation: str = ""
    contact_id: int | None = None
    actor_id: int | None = None

    @property
    def subscriber(self) -> bool:
        return self.contact_id is None


def _recipient(contact: Contact) -> Recipient:
    return Recipient(
        email=normalise(contact.email),
        name=contact.full_name,
        organisation=contact.actor.name,
        contact_id=contact.pk,
        actor_id=contact.actor_id,
    )


@dataclass
class NewsletterRecipients:
    """The exact list of a sending, and who is left out and why."""

    segment: segments.Segment
    recipients: list[Recipient] = field(default_factory=list)
    without_email: list[Contact] = field(default_factory=list)
    unsubscribed: list[Recipient] = field(default_factory=list)
    duplicates: int = 0  # one address for several contacts: one message

    @property
    def fingerprint(self) -> str:
        """Changes when the list does: what was shown is what is sent."""
        addresses = "\n".join(sorted(r.email for r in self.recipients))
        return hashlib.sha256(addresses.encode()).hexdigest()[:20]

    @property
    def actors_count(self) -> int:
        return len({r.actor_id for r in self.recipients if r.actor_id is not None})

    @property
    def subscribers_count(self) -> int:
        return sum(1 for r in self.recipients if r.subscriber)

    @property
    def empty_message(self) -> str:
        return _(
            "Ce segment ne contient aucune personne joignable par e-mail : "
            "la lettre n'a pas été envoyée. Élargissez les critères."
        )


def subscribers(territory: Territory) -> list[str]:
    """The addresses whose consent to the territory's letter allows sending
    today (confirmed, not withdrawn), oldest first. One query."""
    rows = (
        Consent.objects.for_list(newsletter_scope(territory))
        .order_by("given_at", "pk")
        .values_list("email", "user__email")
    )
    found: dict[str, None] = {}
    for email, account_email in rows:
        address = normalise(email or account_email or "")
        if "@" in address:
            found.setdefault(address)
    return list(found)


def _suppressed(addresses: Sequence[str], scope: str) -> set[str]:
    """The hashes of `addresses` unsubscribed from `scope` or from every list."""
    hashes = [email_hash(a) for a in addresses]
    blocked: set[str] = set()
    for start in range(0, len(hashes), segments.CHUNK):
        blocked.update(
            EmailSuppression.objects.filter(
                email_hash__in=hashes[start : start + segments.CHUNK], scope__in=[scope, ALL]
            ).values_list("email_hash", flat=True)
        )
    return blocked


def recipients(territory: Territory, segment: segments.Segment) -> NewsletterRecipients:
    """The segment's contacts on the letter's list, one per address; for the
    whole network, the confirmed subscribers too. Three queries (plus one
    per 900 addresses), whatever the number of contacts."""
    scope = newsletter_scope(territory)
    count = segments.recipients(territory, segment, scope=scope)
    found = NewsletterRecipients(
        segment=segment,
        recipients=[_recipient(c) for c in count.recipients],
        without_email=count.without_email,
        unsubscribed=[_recipient(c) for c in count.unsubscribed],
        duplicates=count.duplicates,
    )
    if segment.is_everyone:
        seen = {r.email for r in found.recipients} | {r.email for r in found.unsubscribed}
        extra = [a for a in subscribers(territory) if a not in seen]
        blocked = _suppressed(extra, scope)
        for address in extra:
            person = Recipient(email=address, organisation=_("abonné·e par le site"))
            target = found.unsubscribed if email_hash(address) in blocked else found.recipients
            target.append(person)
    return found


# --- sending ------------------------------------------------------------------------------


def send_problem(newsletter: Newsletter) -> str:
    if newsletter.status == NewsletterStatus.SENT:
        return _("Cette lettre est déjà envoyée : elle ne part qu'une fois.")
    return ""


@transaction.atomic
def newsletter_send(
    *,
    newsletter: Newsletter,
    segment: segments.Segment,
    user: User,
    fingerprint: str | None = None,
    now: dt.datetime | None = None,
) -> Newsletter:
    """The decision to send: the draft becomes « en cours d'envoi » with its
    segment and counts, and the task that queues the messages leaves after
    the commit. A letter already sent is refused (409); one still going out
    is handed to a task again (a lost task, a broker that was down), which
    sends nothing twice. With `fingerprint` (the preview's), a list that
    changed since the preview is refused. An empty list is refused."""
    now = now or timezone.now()
    newsletter = _lock(newsletter)
    problem = send_problem(newsletter)
    if problem:
        raise NetworkRefused(problem, code=ALREADY_SENT)
    if newsletter.status == NewsletterStatus.DRAFT:
        found = recipients(newsletter.territory, segment)
        if fingerprint is not None and fingerprint != found.fingerprint:
            raise NetworkRefused(
                _(
                    "La liste des destinataires a changé depuis l'aperçu : "
                    "vérifiez-la ci-dessous puis envoyez à nouveau."
                ),
                code=CHANGED,
            )
        if not found.recipients:
            raise NetworkRefused(found.empty_message, code=EMPTY)
        newsletter.segment = segment.as_dict()
        newsletter.status = NewsletterStatus.SENDING
        newsletter.sent_by, newsletter.sent_at = user, now
        _store_counts(newsletter, found)
        newsletter.save(
            update_fields=[
                "segment",
                "status",
                "sent_by",
                "sent_at",
                "recipients_count",
                "skipped_unsubscribed",
                "skipped_no_email",
                "updated_at",
            ]
        )
    pk = newsletter.pk
    transaction.on_commit(lambda: hand_over(pk), robust=True)
    return newsletter


def _store_counts(newsletter: Newsletter, found: NewsletterRecipients) -> None:
    newsletter.recipients_count = len(found.recipients)
    newsletter.skipped_unsubscribed = len(found.unsubscribed)
    newsletter.skipped_no_email = len(found.without_email)


def hand_over(newsletter_id: int) -> bool:
    """Give the queuing task to the broker (or run it here without one).
    A broker down leaves the letter « en cours d'envoi »: sending it again
    from its page hands it over again."""
    from network.tasks import send_newsletter

    queue = settings.ELAN_EMAIL_BULK_QUEUE or settings.ELAN_EMAIL_QUEUE
    try:
        send_newsletter.apply_async(args=[newsletter_id], **({"queue": queue} if queue else {}))
    except BROKER_ERRORS as error:
        logger.warning(
            "Lettre %s : broker injoignable (%s), envoi à reprendre.", newsletter_id, error
        )
        return False
    return True


def newsletter_deliver(*, newsletter_id: int, now: dt.datetime | None = None) -> int:
    """The task's body: queue one message per recipient, in one transaction,
    and mark the letter sent. The list is read again now: someone who
    unsubscribed since the decision is left out. Returns the messages
    queued; 0 for a letter that is not going out (already done)."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().filter(pk=newsletter_id).first()
        if newsletter is None or newsletter.status != NewsletterStatus.SENDING:
            return 0
        territory = newsletter.territory
        found = recipients(territory, segments.Segment.from_dict(newsletter.segment))
        rows = queue_emails(_emails(newsletter, territory, found.recipients), now=now)
        newsletter.status = NewsletterStatus.SENT
        _store_counts(newsletter, found)
        newsletter.save(
            update_fields=[
                "status",
                "recipients_count",
                "skipped_unsubscribed",
                "skipped_no_email",
                "updated_at",
            ]
        )
    return len(rows)


def _sender(territory: Territory) -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = _("%(name)s — réseau d'acteurs") % {"name": territory.name}
    # Quoted as needed, not encoded: the mail library encodes when sending.
    return str(Address(display_name=name, addr_spec=address))


def _emails(
    newsletter: Newsletter, territory: Territory, people: Iterable[Recipient]
) -> list[Email]:
    scope = newsletter_scope(territory)
    archive_url = (
        absolute("network:newsletter_public", territory.slug, newsletter.pk)
        if newsletter.in_archive
        else ""
    )
    context = {
        "newsletter": newsletter,
        "territory": territory,
        "body_html": render_html(newsletter.body),
        "archive_url": archive_url,
        "unsubscribe_url": _UNSUBSCRIBE,
        "reason": _REASON,
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("network/newsletters/emails/letter_body.txt", context)
        html = render_to_string("network/newsletters/emails/letter.html", context)
        subscribed = _("Vous recevez cette lettre car vous vous y êtes abonné·e sur le site.")
        as_contact = _(
            "Vous recevez cette lettre en tant que contact de « %(actor)s » "
            "dans le réseau d'acteurs de %(territory)s."
        )
        sender = _sender(territory)
    subject = " ".join(newsletter.subject.split())
    emails = []
    for person in people:
        link = unsubscribe_url(person.email, scope)
        reason = (
            subscribed
            if person.subscriber
            else as_contact % {"actor": person.organisation, "territory": territory.name}
        )
        emails.append(
            Email(
                key=message_key(newsletter, person.email),
                to=person.email,
                subject=subject,
                body=text.replace(_UNSUBSCRIBE, link).replace(_REASON, reason),
                html=html.replace(_UNSUBSCRIBE, escape(link)).replace(_REASON, escape(reason)),
                stream=STREAM,
                unsubscribe_scope=scope,
                reference=reference(newsletter),
                from_email=sender,
            )
        )
    return emails


# --- figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsletterFigures:
    """What the outbox says of a letter's messages."""

    queued: int = 0  # rows written (one per recipient)
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # queued or being sent
    suppressed: int = 0  # unsubscribed while it was going out: not sent
    unsubscribed: int = 0  # recipients who unsubscribed since (list or all)


def _unsubscribed_since() -> Exists:
    """The row's address unsubscribed from its list (or from every list)
    after the row was queued. The address is erased with its person, its
    hash stays in the key and in the suppression list."""
    return Exists(
        EmailSuppression.objects.filter(
            Q(scope=OuterRef("unsubscribe_scope")) | Q(scope=ALL),
            email_hash=Right(OuterRef("key"), HASH_LENGTH),
            created_at__gte=OuterRef("created_at"),
        )
    )


def figures_for(newsletters: Iterable[Newsletter]) -> dict[int, NewsletterFigures]:
    """{pk: figures} for many letters, in one query."""
    by_reference = {reference(n): n.pk for n in newsletters}
    if not by_reference:
        return {}
    rows = (
        OutgoingEmail.objects.filter(reference__in=list(by_reference))
        .order_by()
        .values("reference")
        .annotate(
            queued=Count("pk"),
            sent=Count("pk", filter=Q(status=EmailStatus.SENT)),
            failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
            waiting=Count("pk", filter=Q(status__in=[EmailStatus.QUEUED, EmailStatus.SENDING])),
            suppressed=Count("pk", filter=Q(status=EmailStatus.SUPPRESSED)),
            unsubscribed=Count("pk", filter=Q(_unsubscribed_since())),
        )
    )
    found = {pk: NewsletterFigures() for pk in by_reference.values()}
    for row in rows:
        found[by_reference[row["reference"]]] = NewsletterFigures(
            queued=row["queued"],
            sent=row["sent"],
            failed=row["failed"],
            waiting=row["waiting"],
            suppressed=row["suppressed"],
            unsubscribed=row["unsubscribed"],
        )
    return found


def figures(newsletter: Newsletter) -> NewsletterFigures:
    return figures_for([newsletter])[newsletter.pk]


def status_label(newsletter: Newsletter, figures: NewsletterFigures) -> str:
    """The state an organiser reads: « envoyée » once the outbox is done."""
    if newsletter.status == NewsletterStatus.SENT and figures.waiting:
        return _("En cours d'envoi")
    return str(newsletter.get_status_display())


# --- the public archive ----------------------------------------------------------------------


def archived(territory: Territory) -> QuerySet[Newsletter]:
    """The letters sent and kept in the public archive, latest first."""
    return Newsletter.objects.filter(
        territory=territory,
        in_archive=True,
        status__in=[NewsletterStatus.SENDING, NewsletterStatus.SENT],
    ).order_by("-sent_at", "-pk")


# --- subscribing on the public page (double opt-in) ----------------------------------


def consent_text() -> ConsentText:
    """The text ticked on the subscription form; its version is in the proof."""
    text = ConsentText.current(CONSENT_KEY)
    if text is None:
        # Stored data, not interface text: the proof quotes what was shown.
        text, _created = ConsentText.objects.get_or_create(
            key=CONSENT_KEY,
            version=1,
            defaults={
                "title": "Lettre d'information du réseau d'acteurs",
                "body": (
                    "J'accepte de recevoir par e-mail la lettre d'information du réseau "
                    "d'acteurs de ce territoire. Je peux me désabonner à tout moment, "
                    "en un clic, par le lien présent dans chaque lettre."
                ),
                "published_at": timezone.now() - dt.timedelta(seconds=1),
            },
        )
    return text


@transaction.atomic
def subscription_request(
    *, territory: Territory, email: str, page_url: str, now: dt.datetime | None = None
) -> Consent | None:
    """Record the consent (unconfirmed) with its proof and e-mail the link
    that confirms it. Returns None when the address already receives the
    letter: nothing to confirm, nothing sent (the page says the same either
    way, so that it tells nobody who is subscribed)."""
    now = now or timezone.now()
    scope = newsletter_scope(territory)
    text = consent_text()
    consent = list_consent_record(
        email=email,
        scope=scope,
        text=text,
        source=ConsentSource.FORM,
        proof=(
            f"Formulaire « Recevoir la lettre » ({page_url}), case cochée : "
            f"« {text.title} » (version {text.version})."
        ),
        double_opt_in=True,
        now=now,
    )
    if consent.confirmed_at is not None and not is_suppressed(consent.email, scope):
        return None
    context = {
        "territory": territory,
        "confirm_url": absolute(
            "network:newsletter_subscribe_confirm", subscription_token(consent)
        ),
        "days": CONFIRM_VALIDITY.days,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("network/newsletters/emails/subscribe_subject.txt", context)
        body = render_to_string("network/newsletters/emails/subscribe_body.txt", context)
    # Asking again sends the link again: a key per request.
    queue_email(
        key=f"newsletter-subscribe:{consent.pk}:{now.isoformat()}",
        to=consent.email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        stream=EmailStream.TRANSACTIONAL,
        reference="network:newsletter_subscribe",
    )
    return consent


def subscription_token(consent: Consent) -> str:
    return signing.dumps([consent.pk, consent.email], salt=CONFIRM_SALT)


def subscription_from_token(token: str) -> Consent | None:
    """The consent a confirmation link is for: None if the link is bad,
    older than a week, or the consent was withdrawn since."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_VALIDITY)
    except (signing.BadSignature, ValueError):
        return None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        return None
    return Consent.objects.filter(
        pk=payload[0],
        email=payload[1],
        scope__startswith=SCOPE_PREFIX,
        withdrawn_at__isnull=True,
    ).first()


def consent_territory(consent: Consent) -> Territory | None:
    return Territory.objects.filter(slug=consent.scope.removeprefix(SCOPE_PREFIX)).first()


@transaction.atomic
def subscription_confirm(*, consent: Consent, now: dt.datetime | None = None) -> Consent:
    """The click of the double opt-in: the consent counts from now. An
    address that had unsubscribed from this list with a letter's link is
    subscribed again (an administrator's or a bounce's suppression stays).
    Confirming twice changes nothing."""
    now = now or timezone.now()
    consent = list_consent_confirm(consent=consent, now=now)
    resubscribe(email=consent.email, scope=consent.scope, now=now)
    return consent
