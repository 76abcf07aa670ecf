"""Writes of pledge campaigns: a campaign's life (draft → open → reached →
fulfilled, or expired) and the commitments that move its counters.

The counters on the campaign row (`participants_count`, `quantity_total`) are
only ever moved here (and by the activity reports' service), with F()
updates in the transaction that confirms or withdraws a commitment, so pages
and widgets read them instead of counting rows. E-mails leave through
pledges.tasks once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from pledges import tasks
from pledges.models import (
    Audience,
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    CommuneTally,
)
from territories.models import Commune, Territory

# A confirmation link is valid this long after it was (last) sent.
CONFIRMATION_VALIDITY = dt.timedelta(days=7)

# The fields an organiser edits through campaign_save (the form's cleaned_data).
CAMPAIGN_FIELDS = (
    "operation",
    "title",
    "slug",
    "action",
    "description",
    "participants_goal",
    "quantity_goal",
    "quantity_unit",
    "deadline",
    "sponsor",
    "counterpart",
    "beneficiary",
    "beneficiary_url",
    "audience",
    "allowed_domains",
    "invite_code",
    "sites",
    "reports_activities",
    "activity_modes",
)


class CommitmentRefused(ValidationError):
    """A commitment (or its confirmation) that is refused; the message is for the person."""


class CampaignRefused(ValidationError):
    """A change of a campaign's state that is refused; the message is for the organiser."""


def _day(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


# Campaigns


@transaction.atomic
def campaign_save(
    *, campaign: Campaign | None, territory: Territory, data: dict[str, Any], user: User
) -> Campaign:
    """Create a draft campaign of the territory, or update one. A lowered goal
    may reach the threshold of an open campaign at once."""
    if campaign is None:
        campaign = Campaign(territory=territory, created_by=user, status=CampaignStatus.DRAFT)
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    campaign.full_clean()
    campaign.save()
    if campaign.status == CampaignStatus.OPEN:
        campaign_check_threshold(campaign=campaign)
        campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_set_people(
    *, campaign: Campaign, sponsor_contacts: list[User], agents: list[User], user: User
) -> None:
    """Name the sponsor's contacts (they confirm the counterpart) and the field agents."""
    campaign.sponsor_contacts.set(sponsor_contacts)
    campaign.agents.set(agents)


@transaction.atomic
def campaign_publish(*, campaign: Campaign, user: User, now: dt.datetime | None = None) -> Campaign:
    """Draft → open. Idempotent on an already open campaign."""
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.OPEN:
        return locked
    if locked.status != CampaignStatus.DRAFT:
        raise CampaignRefused(_("Seule une campagne en brouillon peut être publiée."))
    if locked.deadline <= now:
        raise CampaignRefused(
            _("La date limite (%(day)s) est passée : choisissez-en une nouvelle avant de publier.")
            % {"day": _day(locked.deadline)}
        )
    locked.status = CampaignStatus.OPEN
    locked.published_at = now
    locked.save(update_fields=["status", "published_at", "updated_at"])
    return locked


@transaction.atomic
def campaign_check_threshold(*, campaign: Campaign, now: dt.datetime | None = None) -> bool:
    """Open → reached when the goals are met. Returns True when this call
    reached it; participants and sponsor contacts are told at once."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN or not locked.threshold_met():
        return False
    locked.status = CampaignStatus.REACHED
    locked.reached_at = now or timezone.now()
    locked.save(update_fields=["status", "reached_at", "updated_at"])
    tasks.notify_participants(locked, "reached")
    tasks.notify_sponsor_contacts(locked, "reached_sponsor")
    return True


@transaction.atomic
def campaign_fulfil(
    *,
    campaign: Campaign,
    text: str,
    photo: UploadedFile | None = None,
    photo_alt: str = "",
    user: User,
    now: dt.datetime | None = None,
) -> Campaign:
    """Reached → fulfilled: the sponsor says (and shows) what it did."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.FULFILLED:
        raise CampaignRefused(_("La promesse de cette campagne est déjà confirmée."))
    if locked.status != CampaignStatus.REACHED:
        raise CampaignRefused(
            _("La promesse ne peut être confirmée qu'une fois l'objectif atteint.")
        )
    if not text.strip():
        raise CampaignRefused({"text": _("Dites en quelques mots ce qui a été fait.")})
    if photo and not photo_alt.strip():
        raise CampaignRefused({"photo_alt": _("Décrivez la photo pour qui ne la voit pas.")})
    locked.status = CampaignStatus.FULFILLED
    locked.fulfilled_at = now or timezone.now()
    locked.fulfilled_by = user
    locked.fulfilment_text = text.strip()
    locked.fulfilment_photo_alt = photo_alt.strip() if photo else ""
    fields = ["status", "fulfilled_at", "fulfilled_by", "fulfilment_text", "fulfilment_photo_alt"]
    if photo:
        locked.fulfilment_photo.save(photo.name or "photo.jpg", photo, save=False)
        fields.append("fulfilment_photo")
    locked.save(update_fields=[*fields, "updated_at"])
    tasks.notify_participants(locked, "fulfilled")
    return locked


def campaign_expire_due(*, now: dt.datetime | None = None) -> int:
    """Close the open campaigns past their deadline below the threshold
    (participants are told). Reached ones stay reached. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, deadline__lte=now)
    for pk in due.values_list("pk", flat=True):
        expired += _campaign_expire(pk=pk, now=now)
    return expired


@transaction.atomic
def _campaign_expire(*, pk: int, now: dt.datetime) -> int:
    locked = Campaign.objects.select_for_update().get(pk=pk)
    if locked.status != CampaignStatus.OPEN or locked.deadline > now:
        return 0
    if campaign_check_threshold(campaign=locked, now=now):
        return 0
    locked.status = CampaignStatus.EXPIRED
    locked.expired_at = now
    locked.save(update_fields=["status", "expired_at", "updated_at"])
    tasks.notify_participants(locked, "expired")
    return 1


# Commitments


def _refuse_if_closed(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.status == CampaignStatus.DRAFT:
        raise CommitmentRefused(_("Cette campagne n'est pas encore ouverte."))
    if campaign.is_past_deadline(now):
        raise CommitmentRefused(
            _("La campagne est close depuis le %(day)s.") % {"day": _day(campaign.deadline)}
        )
    if not campaign.is_open:
        raise CommitmentRefused(_("Cette campagne est close, merci de votre intérêt."))


def _refuse_outsider(campaign: Campaign, email: str, invite_code: str, agent: User | None) -> None:
    if campaign.audience != Audience.ORGANISATION:
        return
    refused = CommitmentRefused(
        _("Cette campagne est réservée aux membres de %(organisation)s.")
        % {"organisation": campaign.organisation_name}
    )
    if campaign.domains:
        domain = email.rpartition("@")[2]
        # A field agent may record someone without an e-mail: the agent vouches.
        if (email or agent is None) and domain not in campaign.domains:
            raise refused
    elif agent is None and invite_code.strip().upper() != campaign.invite_code.upper():
        raise refused


@transaction.atomic
def commitment_create(
    *,
    campaign: Campaign,
    first_name: str,
    email: str,
    commune: Commune | None,
    consent: bool,
    site: str = "",
    invite_code: str = "",
    agent: User | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Self-service: a PENDING commitment and its confirmation e-mail (or the
    link again for the same pending e-mail). With a field agent: CONFIRMED at
    once, counted, the agent attesting the resident's consent."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("territory", "sponsor", "operation").get(
        pk=campaign.pk
    )
    email = email.strip().lower()
    _refuse_if_closed(campaign, now)
    if not consent:
        raise CommitmentRefused({"consent": _("Votre accord est nécessaire pour vous engager.")})
    if agent is None and not email:
        raise CommitmentRefused({"email": _("Indiquez votre adresse e-mail pour confirmer.")})
    _refuse_outsider(campaign, email, invite_code, agent)
    if campaign.sites and site not in campaign.sites:
        raise CommitmentRefused({"site": _("Choisissez votre site ou équipe dans la liste.")})
    existing = (
        Commitment.objects.select_for_update()
        .filter(campaign=campaign, email__iexact=email)
        .first()
        if email
        else None
    )
    if existing is not None and existing.status == CommitmentStatus.CONFIRMED:
        raise CommitmentRefused(_("Vous êtes déjà engagé·e dans cette campagne, merci !"))
    commitment = existing or Commitment(campaign=campaign, email=email)
    commitment.first_name = first_name.strip()
    commitment.commune = commune
    commitment.site = site
    commitment.consent = True
    commitment.withdrawn_at = None
    if agent is not None:
        commitment.agent = agent
        return _commitment_count(commitment, campaign, now, welcome=bool(email))
    commitment.status = CommitmentStatus.PENDING
    commitment.confirmation_sent_at = now
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError as error:  # the same e-mail in the same instant
        raise CommitmentRefused(
            _("Un engagement avec cette adresse vient d'être enregistré : vérifiez votre boîte.")
        ) from error
    tasks.send_confirmation(commitment)
    return commitment


def _move_counters(commitment: Commitment, delta: int, now: dt.datetime) -> None:
    """A commitment starts (+1) or stops (-1) counting: the campaign's counter
    and its commune's tally move together, in the caller's transaction. Never
    below zero: rows written in bulk (an import, the demo) may have left a
    counter behind its rows until `commune_tallies_rebuild`, and a withdrawal
    must not turn that into a 500."""
    Campaign.objects.filter(pk=commitment.campaign_id).update(
        participants_count=Greatest(F("participants_count") + delta, 0), updated_at=now
    )
    if commitment.commune_id is None:
        return
    tally, _created = CommuneTally.objects.get_or_create(
        campaign_id=commitment.campaign_id, commune_id=commitment.commune_id
    )
    CommuneTally.objects.filter(pk=tally.pk).update(count=Greatest(F("count") + delta, 0))


def _commitment_count(
    commitment: Commitment, campaign: Campaign, now: dt.datetime, *, welcome: bool
) -> Commitment:
    commitment.status = CommitmentStatus.CONFIRMED
    commitment.confirmed_at = now
    commitment.save()
    _move_counters(commitment, +1, now)
    campaign_check_threshold(campaign=campaign, now=now)
    if welcome:
        tasks.send_welcome(commitment)
    return commitment


def confirmation_problem(commitment: Commitment, now: dt.datetime | None = None) -> str:
    """Why this pending commitment cannot be confirmed now ("" if it can)."""
    now = now or timezone.now()
    if commitment.status == CommitmentStatus.WITHDRAWN:
        return _(
            "Cet engagement a été retiré. Engagez-vous à nouveau depuis la page de la campagne."
        )
    sent = commitment.confirmation_sent_at or commitment.created_at
    if now > sent + CONFIRMATION_VALIDITY:
        return _(
            "Ce lien de confirmation a expiré (il est valable 7 jours). Engagez-vous à nouveau depuis la page de la campagne : nous vous enverrons un nouveau lien."
        )
    try:
        _refuse_if_closed(commitment.campaign, now)
    except CommitmentRefused as refusal:
        return " ".join(refusal.messages)
    return ""


@transaction.atomic
def commitment_confirm(*, token: str, now: dt.datetime | None = None) -> Commitment:
    """PENDING → CONFIRMED by the e-mailed link, counted once however often
    the link is followed (or followed twice at the same instant)."""
    now = now or timezone.now()
    commitment = Commitment.objects.select_for_update().filter(confirm_token=token).first()
    if commitment is None:
        raise CommitmentRefused(_("Ce lien de confirmation n'est pas valable."))
    if commitment.status == CommitmentStatus.CONFIRMED:
        return commitment
    campaign = Campaign.objects.select_for_update().get(pk=commitment.campaign_id)
    commitment.campaign = campaign
    problem = confirmation_problem(commitment, now)
    if problem:
        raise CommitmentRefused(problem)
    # The conditional update makes a second, simultaneous confirmation a no-op.
    changed = Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.PENDING).update(
        status=CommitmentStatus.CONFIRMED, confirmed_at=now
    )
    if changed:
        _move_counters(commitment, +1, now)
        campaign_check_threshold(campaign=campaign, now=now)
    commitment.refresh_from_db()
    return commitment


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, now: dt.datetime | None = None) -> Commitment:
    """The person takes their commitment back (by its personal link); a
    confirmed one stops counting. Idempotent. Once the campaign is closed its
    published result no longer changes."""
    now = now or timezone.now()
    campaign = Campaign.objects.get(pk=commitment.campaign_id)
    if commitment.status != CommitmentStatus.WITHDRAWN and campaign.is_closed(now):
        raise CommitmentRefused(
            _(
                "Cette campagne est close : son bilan est publié et ne change plus. Votre prénom et votre commune restent affichés ; écrivez à l'équipe d'animation du territoire pour les effacer."
            )
        )
    changed_from_confirmed = Commitment.objects.filter(
        pk=commitment.pk, status=CommitmentStatus.CONFIRMED
    ).update(status=CommitmentStatus.WITHDRAWN, withdrawn_at=now)
    if changed_from_confirmed:
        _move_counters(commitment, -1, now)
    else:
        Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.PENDING).update(
            status=CommitmentStatus.WITHDRAWN, withdrawn_at=now
        )
    commitment.refresh_from_db()
    return commitment


@transaction.atomic
def commune_tallies_rebuild(*, campaign: Campaign) -> None:
    """Recount the map's tallies from the confirmed rows (one GROUP BY), for
    rows written in bulk (demo, benchmark) rather than through the services."""
    counts = (
        Commitment.objects.filter(
            campaign=campaign, status=CommitmentStatus.CONFIRMED, commune__isnull=False
        )
        .values("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    CommuneTally.objects.filter(campaign=campaign).delete()
    CommuneTally.objects.bulk_create(
        CommuneTally(campaign=campaign, commune_id=commune_id, count=n) for commune_id, n in counts
    )
