"""Eco-citizen challenges: the challenge and its life cycle, registrations and
selection, teams and captains, éco-gestes and the participant kit."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.themes import MEASURED_THEMES, Theme

TEAM_MIN_HOUSEHOLDS = 3
TEAM_MAX_HOUSEHOLDS = 10


def _invite_code() -> str:
    # Short enough to read aloud at a launch evening; no 0/O or 1/I.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Phase(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    ANNOUNCED = "annonce", _("Annoncé")
    REGISTRATION = "inscriptions", _("Inscriptions ouvertes")
    REFERENCE = "reference", _("Période de référence")
    RUNNING = "en_cours", _("En cours")
    CLOSED = "termine", _("Terminé (résultats figés)")
    ARCHIVED = "archive", _("Archivé")


class SelectionRule(models.TextChoices):
    FIRST_COME = "premiers_inscrits", _("Premiers inscrits d'abord")
    RESIDENTS_FIRST = "residents", _("Habitants des communes du territoire d'abord")
    MEMBERS_FIRST = "adherents", _("Adhérents de l'association organisatrice d'abord")
    TEAMS_FIRST = "equipes", _("Inscriptions en équipe d'abord")
    DIVERSE = "diversite", _("Profils diversifiés (logement, chauffage, taille du foyer, commune)")


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def published(self) -> ChallengeQuerySet:
        return self.filter(published_at__isnull=False)


class Challenge(models.Model):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    summary = models.CharField(_("résumé"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("thèmes"), default=list)
    registration_opens_on = models.DateField(_("ouverture des inscriptions"))
    registration_closes_on = models.DateField(_("clôture des inscriptions"))
    starts_on = models.DateField(_("premier jour du défi"))
    ends_on = models.DateField(_("dernier jour du défi"))
    reference_weeks = models.PositiveSmallIntegerField(
        _("semaines de la phase de référence (déchets)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "Les foyers pèsent leurs déchets sans changer leurs habitudes pendant ces premières semaines."
        ),
    )
    objective_energy_pct = models.DecimalField(
        _("objectif énergie (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    objective_water_pct = models.DecimalField(
        _("objectif eau (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    objective_waste_pct = models.DecimalField(
        _("objectif déchets résiduels (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_households = models.PositiveIntegerField(
        _("nombre maximal de foyers"),
        default=100,
        validators=[MinValueValidator(3), MaxValueValidator(2000)],
    )
    reading_frequency_days = models.PositiveSmallIntegerField(
        _("relevés de compteurs : tous les … jours"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    weighing_frequency_days = models.PositiveSmallIntegerField(
        _("pesées : tous les … jours"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    selection_rule = models.CharField(
        _("règle de sélection"),
        max_length=30,
        choices=SelectionRule.choices,
        default=SelectionRule.FIRST_COME,
    )
    organising_association = models.CharField(
        _("association organisatrice"),
        max_length=150,
        blank=True,
        help_text=_(
            "Pour la règle « adhérents d'abord » : les foyers déclarent en être adhérents."
        ),
    )
    consent_text = models.ForeignKey(
        "accounts.ConsentText",
        verbose_name=_("texte de consentement (usage des données)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    # Organisers may force a phase (e.g. reopen registrations for two days).
    phase_override = models.CharField(
        _("phase forcée"), max_length=20, choices=Phase.choices, blank=True
    )
    phase_override_note = models.CharField(_("motif"), max_length=250, blank=True)
    phase_overridden_at = models.DateTimeField(null=True, blank=True)
    phase_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    # Bumped by every write to the challenge's measures: cached results with
    # an older version are recomputed.
    data_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="unique_challenge_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.territory.slug, self.slug])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        unknown = set(self.themes or []) - set(Theme.values)
        if not self.themes:
            errors["themes"] = _("Choisissez au moins un thème.")
        elif unknown:
            errors["themes"] = _("Thème inconnu : %(t)s.") % {"t": ", ".join(sorted(unknown))}
        opens, closes, start, end = (
            self.registration_opens_on,
            self.registration_closes_on,
            self.starts_on,
            self.ends_on,
        )
        if opens and closes and closes < opens:
            errors["registration_closes_on"] = _(
                "La clôture des inscriptions doit suivre leur ouverture."
            )
        if start and end and end <= start:
            errors["ends_on"] = _("Le dernier jour du défi doit suivre le premier.")
        if closes and end and closes > end:
            errors["registration_closes_on"] = _(
                "Les inscriptions doivent se clore avant la fin du défi."
            )
        waste_phase_too_long = (
            start
            and end
            and Theme.WASTE in (self.themes or [])
            and self.reference_weeks
            and start + dt.timedelta(weeks=self.reference_weeks) >= end
        )
        if waste_phase_too_long:
            errors["reference_weeks"] = _(
                "La phase de référence doit laisser du temps au défi lui-même."
            )
        if errors:
            raise ValidationError(errors)

    # Periods follow METHODOLOGY §1: [a, b) with b exclusive; ends_on is the
    # last day shown to people, so the period ends the day after.
    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.starts_on, self.ends_on + dt.timedelta(days=1)

    @property
    def reference_period(self) -> tuple[dt.date, dt.date]:
        """Energy and water: the same calendar dates one year earlier."""
        start, end = self.period
        return _one_year_before(start), _one_year_before(end)

    @property
    def waste_reference_end(self) -> dt.date:
        return self.starts_on + dt.timedelta(weeks=self.reference_weeks)

    def computed_phase(self, today: dt.date | None = None) -> Phase:
        today = today or timezone.localdate()
        if self.archived_at:
            return Phase.ARCHIVED
        if self.published_at is None:
            return Phase.DRAFT
        if today < self.registration_opens_on:
            return Phase.ANNOUNCED
        if today <= self.registration_closes_on and today < self.starts_on:
            return Phase.REGISTRATION
        if today < self.starts_on:
            return Phase.REFERENCE
        if Theme.WASTE in self.themes and today < self.waste_reference_end:
            return Phase.REFERENCE
        if today <= self.ends_on:
            return Phase.RUNNING
        return Phase.CLOSED

    def phase(self, today: dt.date | None = None) -> Phase:
        if self.phase_override:
            return Phase(self.phase_override)
        return self.computed_phase(today)

    def registration_is_open(self, today: dt.date | None = None) -> bool:
        return self.phase(today) == Phase.REGISTRATION

    @property
    def measured_themes(self) -> list[str]:
        return [t for t in self.themes if t in MEASURED_THEMES]

    def theme_labels(self) -> list[str]:
        return [str(Theme(t).label) for t in self.themes if t in Theme.values]


def _one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class Team(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("nom de l'équipe"), max_length=80)
    invite_code = models.CharField(
        _("code d'invitation"), max_length=12, unique=True, default=_invite_code
    )
    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("capitaine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="captained_teams",
    )
    captain_trained = models.BooleanField(_("capitaine formé·e"), default=False)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune principale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "challenges:team", args=[self.challenge.territory.slug, self.challenge.slug, self.pk]
        )


class RegistrationStatus(models.TextChoices):
    CANDIDATE = "candidat", _("Candidature reçue")
    SELECTED = "retenu", _("Retenu")
    WAITING = "attente", _("Liste d'attente")
    NOT_SELECTED = "non_retenu", _("Non retenu")
    WITHDRAWN = "desiste", _("Désisté")


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def selected(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.SELECTED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by(
            "waiting_rank", "registered_at"
        )


class Registration(models.Model):
    """A household's participation in a challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="registrations")
    household = models.ForeignKey(
        "accounts.Household",
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CANDIDATE,
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("équipe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # The code typed at registration: the household asked to join that team.
    requested_team_code = models.CharField(_("code d'équipe"), max_length=12, blank=True)
    is_association_member = models.BooleanField(
        _("adhérent·e de l'association organisatrice"), default=False
    )
    consent = models.ForeignKey(
        "accounts.Consent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waiting_rank = models.PositiveIntegerField(
        _("rang sur la liste d'attente"), null=True, blank=True
    )
    decision_reason = models.CharField(_("explication de la décision"), max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The captain sees the data status; values only when the household shares them.
    shares_values_with_team = models.BooleanField(
        _("partager mes chiffres avec mon équipe"), default=False
    )
    reminders_paused = models.BooleanField(_("rappels en pause"), default=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "household"], name="one_registration_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} — {self.challenge}"


class RegistrationDecision(models.Model):
    """History of every decision on a registration, with its explanation."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="decisions"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    reason = models.CharField(_("explication"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision d'inscription")
        verbose_name_plural = _("décisions d'inscription")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration} → {self.get_status_display()}"


class CaptainReminder(models.Model):
    """A reminder a captain sent to a household (kept to rate-limit them)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reminders")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="captain_reminders"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relance du capitaine")
        verbose_name_plural = _("relances des capitaines")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.registration} — {self.sent_at:%d/%m/%Y}"


class EcoGesture(models.Model):
    """An éco-geste. Platform catalogue rows have no territory; a territory
    edits its own copy (`copied_from`) without touching the catalogue."""

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="eco_gestures",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    slug = models.SlugField(max_length=80)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("geste"), max_length=150)
    explanation = models.TextField(_("explication"))
    saving_estimate = models.CharField(_("économie estimée"), max_length=200, blank=True)
    saving_source = models.CharField(_("source de l'estimation"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        verbose_name = _("éco-geste")
        verbose_name_plural = _("éco-gestes")
        ordering = ["theme", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"], name="unique_gesture_per_territory"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(territory__isnull=True),
                name="unique_catalogue_gesture",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GestureStatus(models.TextChoices):
    ALREADY = "deja", _("Je le fais déjà")
    COMMITTED = "engage", _("Je m'engage")
    NOT_FOR_ME = "pas_pour_moi", _("Pas pour moi")


class NotForMeReason(models.TextChoices):
    NOT_APPLICABLE = "non_applicable", _("Ne s'applique pas à mon logement")
    TOO_EXPENSIVE = "trop_cher", _("Trop cher")
    TOO_HARD = "trop_complique", _("Trop compliqué")
    NO_TIME = "pas_le_temps", _("Pas le temps")
    NOT_CONVINCED = "pas_convaincu", _("Pas convaincu·e de son utilité")
    NOT_MY_DECISION = "pas_decideur", _("Ce n'est pas moi qui décide (bailleur, copropriété…)")
    OTHER = "autre", _("Autre raison")


class GestureChoice(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="gesture_choices"
    )
    gesture = models.ForeignKey(EcoGesture, on_delete=models.CASCADE, related_name="choices")
    status = models.CharField(_("choix"), max_length=20, choices=GestureStatus.choices)
    reason = models.CharField(
        _("raison"), max_length=20, choices=NotForMeReason.choices, blank=True
    )
    chosen_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("choix d'éco-geste")
        verbose_name_plural = _("choix d'éco-gestes")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "gesture"], name="one_choice_per_gesture"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.household} — {self.gesture}: {self.get_status_display()}"


class GestureTick(models.Model):
    """A day on which the household did a gesture it committed to."""

    choice = models.ForeignKey(GestureChoice, on_delete=models.CASCADE, related_name="ticks")
    done_on = models.DateField(_("fait le"))

    class Meta:
        verbose_name = _("geste accompli")
        verbose_name_plural = _("gestes accomplis")
        ordering = ["-done_on"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "done_on"], name="one_tick_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.choice.gesture} — {self.done_on}"


class KitKind(models.TextChoices):
    PARTICIPANT_GUIDE = "guide_participant", _("Guide du participant")
    GESTURES_GUIDE = "guide_ecogestes", _("Guide des éco-gestes")
    CAPTAIN_KIT = "kit_capitaine", _("Kit du capitaine")
    OTHER = "autre", _("Autre document")


def _kit_path(instance: KitDocument, filename: str) -> str:
    return f"challenges/{instance.challenge_id}/kit/{filename}"


class KitDocument(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="kit_documents")
    kind = models.CharField(_("type"), max_length=30, choices=KitKind.choices)
    title = models.CharField(_("titre"), max_length=150)
    file = models.FileField(_("fichier"), upload_to=_kit_path)
    # Captain kits are for captains and organisers; the rest for participants.
    uploaded_at = models.DateTimeField(auto_now_add=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("document du kit")
        verbose_name_plural = _("documents du kit")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
