"""Reciprocal pledges: « SI N personnes s'engagent, ALORS le parrain fait X ».

A campaign counts confirmed commitments (double opt-in by e-mail, or recorded
by a field agent with the resident's consent). The counters live on the
campaign row and are moved by the services in the same transaction as the
commitment, so that a page or a widget never counts a million rows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _token() -> str:
    return secrets.token_urlsafe(24)


def _invite_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Operation(models.Model):
    """Several campaigns run together, e.g. five transport modes in one company."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="pledge_operations"
    )
    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    description = models.TextField(_("présentation"), blank=True)
    organisation = models.CharField(
        _("organisation"), max_length=150, blank=True, help_text=_("Entreprise, collectivité…")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opération")
        verbose_name_plural = _("opérations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="unique_operation_slug")
        ]

    def __str__(self) -> str:
        return self.title


class CampaignStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    OPEN = "ouverte", _("Ouverte")
    REACHED = "atteinte", _("Objectif atteint")
    FULFILLED = "tenue", _("Promesse tenue")
    EXPIRED = "expiree", _("Expirée")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Tout public")
    ORGANISATION = "organisation", _("Membres d'une organisation")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible(self) -> CampaignQuerySet:
        return self.exclude(status=CampaignStatus.DRAFT)


class Campaign(models.Model):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("opération"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    action = models.CharField(
        _("action à laquelle on s'engage"),
        max_length=250,
        help_text=_("Ex. : se déplacer à vélo au moins une fois par semaine."),
    )
    description = models.TextField(_("présentation"), blank=True)
    participants_goal = models.PositiveIntegerField(
        _("seuil de participants"), validators=[MinValueValidator(1)]
    )
    quantity_goal = models.DecimalField(
        _("seuil de quantité déclarée"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("Facultatif, ex. 1 000 km parcourus."),
    )
    quantity_unit = models.CharField(_("unité"), max_length=20, default="km", blank=True)
    deadline = models.DateTimeField(_("date limite"))
    sponsor = models.ForeignKey(
        "territories.Partner",
        verbose_name=_("parrain"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    counterpart = models.TextField(
        _("contrepartie promise"),
        help_text=_(
            "Ex. : la Mairie donne 5 000 € à l'association Solicycle pour sensibiliser 500 scolaires."
        ),
    )
    beneficiary = models.CharField(_("bénéficiaire"), max_length=150, blank=True)
    beneficiary_url = models.URLField(_("site du bénéficiaire"), blank=True)
    audience = models.CharField(
        _("public"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    allowed_domains = models.CharField(
        _("domaines d'adresse e-mail acceptés"),
        max_length=250,
        blank=True,
        help_text=_("Séparés par des virgules, ex. : humanis.fr, exemple.org."),
    )
    invite_code = models.CharField(
        _("code d'invitation"), max_length=12, default=_invite_code, blank=True
    )
    sites = models.JSONField(
        _("sites ou équipes"),
        default=list,
        blank=True,
        help_text=_("Pour les campagnes d'entreprise : les sites ou équipes à classer."),
    )
    reports_activities = models.BooleanField(
        _("les participants déclarent leurs activités"), default=False
    )
    activity_modes = models.JSONField(_("modes déclarables"), default=list, blank=True)
    sponsor_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contacts du parrain"),
        blank=True,
        related_name="sponsored_campaigns",
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agents de terrain"),
        blank=True,
        related_name="field_campaigns",
    )
    status = models.CharField(
        _("état"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Counters, moved by pledges.services in the transaction that changes them.
    participants_count = models.PositiveIntegerField(default=0, editable=False)
    quantity_total = models.DecimalField(
        max_digits=14, decimal_places=1, default=Decimal("0"), editable=False
    )
    published_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    reached_at = models.DateTimeField(_("objectif atteint le"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("promesse tenue le"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expirée le"), null=True, blank=True)
    fulfilment_text = models.TextField(_("ce que le parrain a fait"), blank=True)
    fulfilment_photo = models.ImageField(_("photo"), upload_to="territories/campaigns/", blank=True)
    fulfilment_photo_alt = models.CharField(
        _("description de la photo"), max_length=250, blank=True
    )
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne d'engagement")
        verbose_name_plural = _("campagnes d'engagement")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="unique_campaign_slug")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (CampaignStatus.OPEN, CampaignStatus.REACHED)

    @property
    def progress(self) -> float:
        """Share of the participants goal reached, capped at 1."""
        return (
            min(1.0, self.participants_count / self.participants_goal)
            if self.participants_goal
            else 0.0
        )

    @property
    def action_phrase(self) -> str:
        """The action as it reads after « s'engagent à » (first letter lowered)."""
        return self.action[:1].lower() + self.action[1:]

    @property
    def quantity_progress(self) -> float:
        if not self.quantity_goal:
            return 0.0
        return min(1.0, float(self.quantity_total / self.quantity_goal))

    def is_past_deadline(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.deadline

    def accepts_commitments(self, now: dt.datetime | None = None) -> bool:
        """Open (or reached, people may still join) and before the deadline —
        whether or not the daily close_expired_campaigns command has run."""
        return self.is_open and not self.is_past_deadline(now)

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        """Shown as closed: expired, fulfilled, or open past its deadline."""
        return self.status in (CampaignStatus.EXPIRED, CampaignStatus.FULFILLED) or (
            self.is_open and self.is_past_deadline(now)
        )

    def threshold_met(self) -> bool:
        if self.participants_count < self.participants_goal:
            return False
        return not self.quantity_goal or self.quantity_total >= self.quantity_goal

    @property
    def domains(self) -> list[str]:
        """The accepted e-mail domains, lower case, without blanks."""
        return [d.strip().lower() for d in self.allowed_domains.split(",") if d.strip()]

    @property
    def restricted_by_code(self) -> bool:
        """An organisation campaign without a domain list is entered with its code."""
        return self.audience == Audience.ORGANISATION and not self.domains

    @property
    def organisation_name(self) -> str:
        if self.operation_id and self.operation and self.operation.organisation:
            return self.operation.organisation
        return self.sponsor.name


class CommitmentStatus(models.TextChoices):
    PENDING = "a_confirmer", _("Adresse e-mail à confirmer")
    CONFIRMED = "confirme", _("Confirmé")
    WITHDRAWN = "retire", _("Retiré")


class Commitment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="commitments")
    first_name = models.CharField(_("prénom ou pseudonyme"), max_length=60)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.CharField(_("site ou équipe"), max_length=80, blank=True)
    consent = models.BooleanField(_("accord"), default=False)
    status = models.CharField(max_length=12, choices=CommitmentStatus.choices)
    # Recorded by a field agent (door to door, stand) on the resident's behalf.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_commitments",
    )
    confirm_token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    # The personal, password-less link of activity reports.
    report_token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the last confirmation link went out: a link is valid 7 days from it.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "status", "-confirmed_at"]),
            models.Index(fields=["campaign", "commune"]),
        ]
        constraints = [
            # One person counts once per campaign (by e-mail, whatever its case).
            models.UniqueConstraint(
                Lower("email"),
                "campaign",
                name="one_commitment_per_email",
                condition=~Q(email=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} — {self.campaign}"


class ProposalOutcome(models.TextChoices):
    COMMITTED = "engage", _("S'est engagé·e")
    DECLINED = "refus", _("N'a pas souhaité s'engager")
    ABSENT = "absent", _("Personne à la porte")


class FieldProposal(models.Model):
    """A door knocked or a person met by a field agent, whatever the outcome:
    the organiser sees whether the field operation really offers the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="proposals")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(_("résultat"), max_length=8, choices=ProposalOutcome.choices)
    commitment = models.OneToOneField(
        Commitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    # A double tap, or a tablet sending its queue again, carries the same key.
    client_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposition sur le terrain")
        verbose_name_plural = _("propositions sur le terrain")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.campaign}"


class ActivityMode(models.TextChoices):
    BIKE = "velo", _("Vélo")
    WALK = "marche", _("Marche")
    CARPOOL = "covoiturage", _("Covoiturage")
    PUBLIC_TRANSPORT = "transport_commun", _("Transports en commun")
    SCOOTER = "trottinette", _("Trottinette")
    OTHER = "autre", _("Autre")


class ActivityReport(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=20, choices=ActivityMode.choices)
    km = models.DecimalField(
        _("kilomètres"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    count = models.PositiveSmallIntegerField(_("nombre de trajets"), null=True, blank=True)
    client_key = models.UUIDField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activité déclarée")
        verbose_name_plural = _("activités déclarées")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["commitment", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(km__gte=0) | Q(km__isnull=True), name="km_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.mode} {self.km or ''}"


class CommuneTally(models.Model):
    """Confirmed commitments of a campaign in one commune, moved with the
    campaign's counter: the map reads a few hundred rows, not a million."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    commune = models.ForeignKey("territories.Commune", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("engagements d'une commune")
        verbose_name_plural = _("engagements par commune")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune"], name="one_tally_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.count}"
