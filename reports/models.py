"""A challenge's final report: what the organiser chose to show (photos of
its events, participants' testimonies given with their consent) and each
generated PDF, once per version of the data (two requests for the same
version join one generation)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from events.models import EventPhoto


class Audience(models.TextChoices):
    PUBLIC = "public", _("Version publique (chiffres d'ensemble seulement)")
    ORGANISER = "animation", _("Version de l'équipe d'animation (avec les exclusions détaillées)")


class ReportStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    RUNNING = "en_cours", _("En cours")
    DONE = "pret", _("Prêt")
    FAILED = "echec", _("Échec")


class ReportSelection(models.Model):
    """What the organiser picked for the report of a challenge. `version`
    goes up at each change, so that a new PDF is made for a new selection."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="report_selection"
    )
    photos = models.ManyToManyField(EventPhoto, blank=True, related_name="+")
    introduction = models.TextField(
        _("mot d'introduction"),
        blank=True,
        max_length=2000,
        help_text=_("Quelques phrases en tête du bilan (facultatif)."),
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("choix du bilan")
        verbose_name_plural = _("choix des bilans")

    def __str__(self) -> str:
        return str(self.challenge)


class Testimony(models.Model):
    """A participant's words about the challenge. Only given with the consent
    to publish them (recorded with its date); shown only once an organiser
    chose it; withdrawn at any time by its author."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="testimonies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="testimonies",
    )
    text = models.TextField(_("votre témoignage"), max_length=1500)
    signature = models.CharField(
        _("signature"),
        max_length=80,
        help_text=_("Comment signer votre témoignage, par exemple « Claire, Crest »."),
    )
    consent_at = models.DateTimeField(_("consentement à la publication donné le"))
    consent_source = models.CharField(_("recueilli par"), max_length=80)
    selected = models.BooleanField(_("retenu pour le bilan"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("témoignage")
        verbose_name_plural = _("témoignages")
        ordering = ["challenge", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.signature} — {self.challenge}"


class Report(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(_("version"), max_length=10, choices=Audience.choices)
    # The data version, factor version and selection version it was made from.
    data_key = models.CharField(max_length=80)
    status = models.CharField(
        _("état"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape"), max_length=120, blank=True)
    pdf = models.FileField(upload_to="rapports/%Y/", blank=True)
    pdf_size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The address the request came on: the PDF's links and images are read from it.
    host = models.CharField(max_length=250, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bilan PDF")
        verbose_name_plural = _("bilans PDF")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "audience", "data_key"], name="one_report_per_data_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge} — {self.get_audience_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def territory(self):  # type: ignore[no-untyped-def]
        return self.challenge.territory
