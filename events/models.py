"""Workshops, launch / mid-way / closing events, meetings and trainings; their
registrations (members and guests, waiting list), attendance and photos; and
the workshop catalogue organisers create sessions from."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territories.themes import Theme


def _token() -> str:
    return secrets.token_urlsafe(24)


class EventKind(models.TextChoices):
    LAUNCH = "lancement", _("Soirée de lancement")
    MIDWAY = "mi_parcours", _("Événement de mi-parcours")
    CLOSING = "cloture", _("Événement de clôture")
    WORKSHOP = "atelier", _("Atelier")
    VISIT = "visite", _("Visite")
    CONFERENCE = "conference", _("Conférence")
    TEAM_MEETING = "reunion_equipe", _("Réunion d'équipe")
    CAPTAIN_TRAINING = "formation_capitaines", _("Formation des capitaines")
    ACTOR_COUNCIL = "conseil_acteurs", _("Conseil des acteurs")
    TECHNICAL_MEETING = "reunion_technique", _("Réunion technique")
    RELAY_TRAINING = "formation_relais", _("Formation des acteurs relais")
    CAMPAIGN_ACTION = "action_semaine", _("Action pendant une semaine thématique")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Tout public")
    CHALLENGE = "defi", _("Participants du défi")
    NETWORK = "reseau", _("Réseau d'acteurs")
    INVITATION = "invitation", _("Sur invitation")


class EventStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    PUBLISHED = "publie", _("Publié")
    CANCELLED = "annule", _("Annulé")


class WorkshopTemplate(models.Model):
    """An entry of the workshop catalogue (seed 000's list of workshops)."""

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workshop_templates",
        help_text=_("Vide pour le catalogue de la plateforme."),
    )
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("titre"), max_length=150)
    summary = models.CharField(_("résumé"), max_length=250)
    description = models.TextField(_("déroulé"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), default=120, validators=[MinValueValidator(15)]
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("places par défaut"), null=True, blank=True
    )
    what_to_bring = models.CharField(_("à apporter"), max_length=250, blank=True)
    is_active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        verbose_name = _("atelier du catalogue")
        verbose_name_plural = _("catalogue des ateliers")
        ordering = ["theme", "title"]

    def __str__(self) -> str:
        return self.title


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        """Visible in agendas: published or cancelled (a cancellation is news)."""
        return self.exclude(status=EventStatus.DRAFT)

    def with_seats(self) -> EventQuerySet:
        """Annotate ``taken_seats`` (confirmed, not counting walk-ins) and
        ``waiting_count``: the figures of « places restantes » in one query."""
        return self.annotate(
            taken_seats=models.Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__walk_in=False,
                ),
            ),
            waiting_count=models.Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )


class Event(models.Model):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("défi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    template = models.ForeignKey(
        WorkshopTemplate,
        verbose_name=_("atelier du catalogue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    kind = models.CharField(_("type"), max_length=24, choices=EventKind.choices)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, blank=True)
    audience = models.CharField(
        _("public"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place_name = models.CharField(_("lieu"), max_length=150, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    access_note = models.CharField(
        _("accessibilité et transports"),
        max_length=300,
        blank=True,
        help_text=_("Accès en fauteuil, transports en commun, stationnement vélo…"),
    )
    online_url = models.URLField(_("lien de visioconférence"), blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateur ou animatrice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_led",
    )
    partner = models.ForeignKey(
        "territories.Partner",
        verbose_name=_("structure partenaire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Vide : sans limite."),
    )
    invited_count = models.PositiveIntegerField(
        _("personnes invitées"),
        null=True,
        blank=True,
        help_text=_("Pour les statistiques : combien de personnes ont reçu l'invitation."),
    )
    registration_open = models.BooleanField(_("inscriptions ouvertes"), default=True)
    status = models.CharField(
        _("état"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.CharField(_("raison de l'annulation"), max_length=300, blank=True)
    # iCalendar: a stable UID and a SEQUENCE bumped on each change that
    # registrants are told about.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["territory", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit être après le début.")})

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def seats_taken(self) -> int:
        """Confirmed seats (walk-ins come on top of the capacity); uses the
        ``with_seats()`` annotation when present."""
        annotated = getattr(self, "taken_seats", None)
        if annotated is not None:
            return int(annotated)
        return self.registrations.filter(status=RegistrationStatus.CONFIRMED, walk_in=False).count()

    def seats_left(self) -> int | None:
        """None when the event has no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken(), 0)

    @property
    def period_label(self) -> str:
        """The dates as people say them: « samedi 12 décembre 2026 de 14 h à
        17 h », or « du … à 9 h au … à 17 h » over several days."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        if start.date() == end.date():
            return str(_("%(day)s de %(start)s à %(end)s")) % {
                "day": date_format(start, "l j F Y"),
                "start": hour_label(start),
                "end": hour_label(end),
            }
        return str(_("du %(start_day)s à %(start)s au %(end_day)s à %(end)s")) % {
            "start_day": date_format(start, "l j F Y"),
            "start": hour_label(start),
            "end_day": date_format(end, "l j F Y"),
            "end": hour_label(end),
        }


def hour_label(moment: dt.datetime) -> str:
    """« 14 h », « 14 h 30 » (French typography)."""
    if moment.minute:
        return gettext("%(hour)d h %(minute)02d") % {"hour": moment.hour, "minute": moment.minute}
    return gettext("%(hour)d h") % {"hour": moment.hour}


class RegistrationStatus(models.TextChoices):
    PENDING = "a_confirmer", _("Adresse e-mail à confirmer")
    CONFIRMED = "inscrit", _("Inscrit")
    WAITING = "attente", _("Liste d'attente")
    CANCELLED = "annule", _("Annulé")


ACTIVE_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
)


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Non relevé")
    PRESENT = "present", _("Présent")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excuse", _("Excusé")


class EventRegistrationQuerySet(models.QuerySet["EventRegistration"]):
    def with_rank(self) -> EventRegistrationQuerySet:
        """Annotate ``rank``: the place on the waiting list (1 = next to get a
        seat), None for the others; a subquery, not a query per row."""
        ahead = (
            EventRegistration.objects.filter(
                event=models.OuterRef("event"), status=RegistrationStatus.WAITING
            )
            .filter(
                Q(created_at__lt=models.OuterRef("created_at"))
                | Q(created_at=models.OuterRef("created_at"), pk__lte=models.OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            rank=models.Case(
                models.When(status=RegistrationStatus.WAITING, then=models.Subquery(ahead)),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class EventRegistration(models.Model):
    """A seat asked for by a member (``user``) or a guest (name + e-mail,
    counted once the e-mail is confirmed); walk-ins are added at the door."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("nom"), max_length=120, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    status = models.CharField(_("état"), max_length=12, choices=RegistrationStatus.choices)
    attendance = models.CharField(
        _("présence"), max_length=8, choices=Attendance.choices, blank=True, default=""
    )
    walk_in = models.BooleanField(_("venu sans inscription"), default=False)
    # Secret of the e-mail links (confirm, cancel) for guests and members.
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EventRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à un événement")
        verbose_name_plural = _("inscriptions aux événements")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="one_active_registration_per_user",
                condition=Q(user__isnull=False) & ~Q(status="annule"),
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                name="one_active_registration_per_email",
                condition=Q(user__isnull=True) & ~Q(email="") & ~Q(status="annule"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} — {self.event}"

    @property
    def display_name(self) -> str:
        if self.user_id and self.user is not None:
            return str(self.user)
        return self.name or self.email


class EventPhoto(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="events/photos/%Y/%m/")
    alt_text = models.CharField(
        _("description de la photo"),
        max_length=250,
        help_text=_("Pour les personnes qui ne voient pas l'image."),
    )
    caption = models.CharField(_("légende"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo d'événement")
        verbose_name_plural = _("photos d'événements")
        ordering = ["event", "created_at"]

    def __str__(self) -> str:
        return self.alt_text

    @property
    def territory(self) -> Any:
        """For the territory roles of events/rules.py (organisers manage photos)."""
        return self.event.territory


class CalendarFeed(models.Model):
    """The secret address of a person's own iCal feed (calendar apps cannot
    log in); regenerating the token revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda personnel")
        verbose_name_plural = _("agendas personnels")

    def __str__(self) -> str:
        return str(self.user)
