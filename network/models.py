"""The network of a territory's actors (Club OPTIMO, the Mulhouse prevention
programme): organisations and their contacts, membership against a versioned
charter, the public « rejoindre le réseau » requests, the log of every
interaction, and what actor contacts changed on their own entry.

An actor's membership is a series of periods (`Membership` rows): the latest
row is the current one, and at most one is open (candidate or member). The
contact log is append-only: an entry is never edited, a correction is a new
entry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils.translation import gettext_lazy as _

from network.identifiers import LocalCourt
from territories.themes import Theme

# The seed's rule: « avoir un contact avec l'ensemble des membres tous les 3 mois ».
OVERDUE_DAYS = 90


def _token() -> str:
    return secrets.token_urlsafe(24)


class ActorKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "intercommunalite", _("Intercommunalité")
    PUBLIC_SERVICE = "service_public", _("Service public ou de la collectivité")
    ASSOCIATION = "association", _("Association")
    COMPANY = "entreprise", _("Entreprise")
    CRAFT = "artisan", _("Artisan·e ou commerçant·e")
    SCHOOL = "etablissement_scolaire", _("Établissement scolaire")
    SOCIAL_LANDLORD = "bailleur_social", _("Bailleur social")
    UNIVERSITY_HOSPITAL = "universite_hopital", _("Université ou hôpital")
    ARTIST = "artiste", _("Artiste")
    RESIDENT = "habitant", _("Habitant·e")
    OTHER = "autre", _("Autre")


class MembershipStatus(models.TextChoices):
    CANDIDATE = "candidat", _("Candidat")
    MEMBER = "membre", _("Membre")
    DECLINED = "refuse", _("Candidature déclinée")
    LEFT = "parti", _("A quitté le réseau")


OPEN_STATUSES = (MembershipStatus.CANDIDATE, MembershipStatus.MEMBER)
# « Sans adhésion »: actors entered in the directory but never candidates.
NO_MEMBERSHIP = "aucune"


class ActorQuerySet(models.QuerySet["Actor"]):
    def with_membership(self) -> ActorQuerySet:
        """Annotate ``membership_status`` and ``member_since`` from the current
        (latest) membership row: two subqueries, whatever the number of rows."""
        current = Membership.objects.filter(actor=OuterRef("pk")).order_by("-pk")
        return self.annotate(
            membership_status=Subquery(current.values("status")[:1]),
            member_since=Subquery(current.values("joined_on")[:1]),
        )

    def with_last_contact(self) -> ActorQuerySet:
        """Annotate ``last_contact_on``: the date of the latest contact-log entry."""
        latest = ContactLog.objects.filter(actor=OuterRef("pk")).order_by("-happened_on", "-pk")
        return self.annotate(last_contact_on=Subquery(latest.values("happened_on")[:1]))

    def with_status(self, status: str) -> ActorQuerySet:
        """A current membership status, or NO_MEMBERSHIP (needs with_membership)."""
        if status == NO_MEMBERSHIP:
            return self.filter(membership_status__isnull=True)
        return self.filter(membership_status=status)

    def longest_without_contact(self) -> ActorQuerySet:
        """Oldest last contact first (needs with_membership and with_last_contact)."""
        return self.order_by("last_contact_on", "member_since", "normalised_name", "pk")

    def members(self) -> ActorQuerySet:
        """Actors whose current membership is « member » (needs with_membership)."""
        return self.filter(membership_status=MembershipStatus.MEMBER)

    def overdue(self, *, today: dt.date, days: int = OVERDUE_DAYS) -> ActorQuerySet:
        """Members not contacted for more than `days` days; a member never
        contacted counts from the day they joined (or were entered). Needs
        with_membership() and with_last_contact()."""
        limit = today - dt.timedelta(days=days)
        return (
            self.members()
            .alias(
                contact_reference=Coalesce(
                    "last_contact_on",
                    "member_since",
                    TruncDate("created_at"),
                    output_field=models.DateField(),
                )
            )
            .filter(contact_reference__lt=limit)
        )

    def listed_members(self) -> ActorQuerySet:
        """What the public directory shows: members who agreed to be listed."""
        return self.with_membership().members().filter(listed=True)


class Actor(models.Model):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="actors",
    )
    name = models.CharField(_("nom"), max_length=200)
    # The deduplication key (network.identifiers.normalise_actor_name),
    # written by network.services with the name.
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("type"), max_length=24, choices=ActorKind.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="network/logos/%Y/", blank=True)
    logo_alt = models.CharField(
        _("description du logo"),
        max_length=200,
        blank=True,
        help_text=_("Pour les personnes qui ne voient pas l'image, par exemple « Logo de … »."),
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    local_register_court = models.CharField(
        _("tribunal du registre des associations"),
        max_length=20,
        choices=LocalCourt.choices,
        blank=True,
        help_text=_("Associations de droit local d'Alsace-Moselle, inscrites au tribunal."),
    )
    local_register_volume = models.CharField(_("volume"), max_length=10, blank=True)
    local_register_folio = models.CharField(_("folio"), max_length=10, blank=True)
    listed = models.BooleanField(
        _("accepte de figurer dans l'annuaire public"),
        default=False,
        help_text=_("Le nom, le type, la commune, le site et la présentation deviennent publics."),
    )
    last_confirmed_at = models.DateTimeField(_("fiche confirmée le"), null=True, blank=True)
    # The link point of the good-practice sheets that the commons of resources
    # will hold; until then, where the sheet is.
    practice_sheet_url = models.URLField(
        _("fiche de bonne pratique"),
        blank=True,
        help_text=_("Adresse de la fiche d'expérience de cet acteur, s'il en a écrit une."),
    )
    # The good-practice sheets this actor wrote, as resources of the commons
    # (no second document store): what the dashboard counts as « fiches ».
    practice_sheets = models.ManyToManyField(
        "commons.Resource",
        verbose_name=_("fiches du commun"),
        blank=True,
        related_name="network_actors",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("acteur du réseau")
        verbose_name_plural = _("acteurs du réseau")
        ordering = ["normalised_name", "pk"]
        indexes = [
            models.Index(fields=["territory", "normalised_name"]),
            models.Index(fields=["territory", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "siret"], condition=~Q(siret=""), name="actor_unique_siret"
            ),
            models.UniqueConstraint(
                fields=["territory", "rna"], condition=~Q(rna=""), name="actor_unique_rna"
            ),
            models.UniqueConstraint(
                fields=[
                    "territory",
                    "local_register_court",
                    "local_register_volume",
                    "local_register_folio",
                ],
                condition=~Q(local_register_court=""),
                name="actor_unique_local_register",
            ),
            # A commune is one actor of the territory (members by right).
            models.UniqueConstraint(
                fields=["territory", "commune"],
                condition=Q(kind="commune"),
                name="actor_unique_commune",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_register(self) -> str:
        """« Tribunal judiciaire de Colmar, volume 45, folio 112 », or ""."""
        if not self.local_register_court:
            return ""
        return str(_("%(court)s, volume %(volume)s, folio %(folio)s")) % {
            "court": self.get_local_register_court_display(),
            "volume": self.local_register_volume,
            "folio": self.local_register_folio,
        }

    @property
    def theme_codes(self) -> list[str]:
        """From the prefetched themes when there are (no query per row)."""
        return [t.theme for t in self.themes.all()]

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(code, code)) for code in self.theme_codes]

    @property
    def tag_labels(self) -> list[str]:
        return [t.label for t in self.tags.all()]


class ActorTheme(models.Model):
    """A theme of the platform's vocabulary (territories.themes.Theme) an
    actor works on: a row each, so that filters and counts are plain SQL on
    SQLite and PostgreSQL alike."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)

    class Meta:
        verbose_name = _("thème d'un acteur")
        verbose_name_plural = _("thèmes des acteurs")
        ordering = ["theme"]
        indexes = [models.Index(fields=["theme", "actor"])]
        constraints = [
            models.UniqueConstraint(fields=["actor", "theme"], name="actor_theme_once"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_theme_display()}"


class ActorTag(models.Model):
    """A free keyword (« réemploi », « couture »), lower-cased."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="tags")
    label = models.CharField(_("mot-clé"), max_length=50)

    class Meta:
        verbose_name = _("mot-clé d'un acteur")
        verbose_name_plural = _("mots-clés des acteurs")
        ordering = ["label"]
        indexes = [models.Index(fields=["label", "actor"])]
        constraints = [
            models.UniqueConstraint(fields=["actor", "label"], name="actor_tag_once"),
        ]

    def __str__(self) -> str:
        return self.label


class Contact(models.Model):
    """A person of an actor. Personal data: exported and erased with the
    account whose e-mail it bears (network/rgpd.py). A contact linked to an
    account (`user`) keeps the actor's entry up to date."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    role = models.CharField(_("fonction"), max_length=120, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte Élan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actor_contacts",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact d'un acteur")
        verbose_name_plural = _("contacts des acteurs")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(Lower("email"), name="contact_email_lower")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "actor", condition=~Q(email=""), name="contact_email_once"
            ),
            models.UniqueConstraint(
                fields=["actor", "user"], condition=Q(user__isnull=False), name="contact_user_once"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def territory(self) -> Any:
        """For the territory roles of territories/rules.py."""
        return self.actor.territory


class Charter(models.Model):
    """A version of the network's charter. A version is never rewritten once
    published: a change of text is a new version, and each membership says
    which one was signed."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="network_charters"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"))
    published_on = models.DateField(_("en vigueur depuis le"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("charte du réseau")
        verbose_name_plural = _("chartes du réseau")
        ordering = ["territory", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "version"], name="charter_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @classmethod
    def current(cls, territory: Any) -> Charter | None:
        return cls.objects.filter(territory=territory).order_by("-version").first()


class Membership(models.Model):
    """One period of an actor in the network, from candidate to member, then
    left (or declined). Communes may be members by right, without a charter."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(_("statut"), max_length=10, choices=MembershipStatus.choices)
    by_right = models.BooleanField(_("membre de droit"), default=False)
    joined_on = models.DateField(_("membre depuis le"), null=True, blank=True)
    left_on = models.DateField(_("parti le"), null=True, blank=True)
    charter = models.ForeignKey(
        Charter,
        verbose_name=_("version de la charte signée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    charter_signed_on = models.DateField(_("charte signée le"), null=True, blank=True)
    decline_reason = models.TextField(_("raison du refus"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("adhésion au réseau")
        verbose_name_plural = _("adhésions au réseau")
        ordering = ["actor", "-pk"]
        indexes = [models.Index(fields=["actor", "-id"], name="membership_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["actor"],
                condition=Q(status__in=["candidat", "membre"]),
                name="one_open_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_status_display()}"

    @property
    def territory(self) -> Any:
        return self.actor.territory


class JoinRequestStatus(models.TextChoices):
    UNCONFIRMED = "a_confirmer", _("Adresse e-mail à confirmer")
    PENDING = "a_examiner", _("À examiner")
    ACCEPTED = "acceptee", _("Acceptée")
    DECLINED = "refusee", _("Déclinée")


class JoinRequest(models.Model):
    """A « rejoindre le réseau » form: counted once its e-mail is confirmed
    (double opt-in), then accepted (the actor, its contact and its
    membership are written) or declined with a reason that is e-mailed."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="network_join_requests"
    )
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.UNCONFIRMED,
    )
    name = models.CharField(_("nom de la structure"), max_length=200)
    kind = models.CharField(_("type"), max_length=24, choices=ActorKind.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    website = models.URLField(_("site web"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    listed = models.BooleanField(_("accepte de figurer dans l'annuaire public"), default=False)
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80)
    role = models.CharField(_("fonction"), max_length=120, blank=True)
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    charter = models.ForeignKey(
        Charter,
        verbose_name=_("version de la charte acceptée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="join_requests",
    )
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField(_("raison du refus"), blank=True)
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("acteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
    )

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["territory", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ContactChannel(models.TextChoices):
    PHONE = "telephone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    APPOINTMENT = "rendez_vous", _("Rendez-vous")
    MEETING = "reunion", _("Réunion")
    VISIT = "visite", _("Visite")
    LETTER = "courrier", _("Courrier")
    OTHER = "autre", _("Autre")


class ContactLog(models.Model):
    """One interaction with an actor. Append-only: no service edits or
    deletes an entry (the admin neither); a correction is a new entry."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="contact_logs")
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("personne"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logs",
    )
    happened_on = models.DateField(_("date"))
    channel = models.CharField(_("canal"), max_length=12, choices=ContactChannel.choices)
    subject = models.CharField(_("objet"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("échange avec un acteur")
        verbose_name_plural = _("journal des échanges")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["actor", "-happened_on", "-id"], name="contactlog_latest")]

    def __str__(self) -> str:
        return f"{self.happened_on} — {self.actor} — {self.subject}"

    @property
    def territory(self) -> Any:
        return self.actor.territory


class ChangeKind(models.TextChoices):
    EDITED = "modifiee", _("Fiche modifiée")
    CONFIRMED = "confirmee", _("Fiche confirmée sans changement")


class ActorChange(models.Model):
    """What a change of an actor's entry changed, and who made it: the list
    organisers read when the actor's contacts keep their entry up to date."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("nature"), max_length=10, choices=ChangeKind.choices)
    by_contact = models.BooleanField(_("par un contact de l'acteur"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # {field label: [before, after]}, as displayed (a change list, not a backup).
    diff = models.JSONField(_("champs modifiés"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification d'une fiche")
        verbose_name_plural = _("modifications des fiches")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_kind_display()}"

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(field label, before, after), in the reader's language."""
        extra = {"themes": _("Thèmes"), "tags": _("Mots-clés")}
        shown = []
        # In the entry's own order (PostgreSQL's jsonb does not keep the keys').
        order = [f.name for f in Actor._meta.concrete_fields] + list(extra)
        for name, (before, after) in sorted(
            (self.diff or {}).items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        ):
            if name in extra:
                label = extra[name]
            else:
                try:
                    label = getattr(Actor._meta.get_field(name), "verbose_name", name)
                except FieldDoesNotExist:
                    label = name
            shown.append((str(label).capitalize(), before, after))
        return shown


# Meetings and trainings: events of the events engine (actor councils,
# technical meetings, relay-actor training sessions) to which contacts are
# invited. The answer is kept here; attendance is the event registration's.


class InvitationAnswer(models.TextChoices):
    PENDING = "", _("Sans réponse")
    COMING = "vient", _("Vient")
    NOT_COMING = "ne_vient_pas", _("Ne vient pas")
    EXCUSED = "excuse", _("Excusé")


class Invitation(models.Model):
    """A contact invited to a network meeting or training session. The actor
    is kept beside the contact so that a meeting's figures survive the
    erasure of a person (the contact becomes empty, the count stays)."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="network_invitations"
    )
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    answer = models.CharField(
        _("réponse"), max_length=12, choices=InvitationAnswer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    # Created when the contact comes (or is marked present at the door):
    # attendance (present / absent / excused / not yet marked) lives there.
    registration = models.OneToOneField(
        "events.EventRegistration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_invitation",
    )
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invité le"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event", "actor__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "contact"],
                name="one_invitation_per_contact",
                condition=Q(contact__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["actor", "event"])]

    def __str__(self) -> str:
        return f"{self.contact or self.actor} — {self.event}"


# Campaign weeks (the European Week for Waste Reduction of a year, say):
# actors declare actions, organisers moderate them, accepted actions appear
# in the territory's agenda and map as events.


class CampaignWeek(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="campaign_weeks"
    )
    title = models.CharField(_("titre"), max_length=150)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    declaration_deadline = models.DateField(_("déclarations jusqu'au"))
    # Partners' time is valued at this rate in the edition's figures.
    staff_day_value = models.DecimalField(
        _("valeur d'une journée de travail (€)"),
        max_digits=8,
        decimal_places=2,
        default=200,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("semaine thématique")
        verbose_name_plural = _("semaines thématiques")
        ordering = ["territory", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "title"], name="one_week_title"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="week_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    SUBMITTED = "proposee", _("Proposée")
    CHANGES = "a_modifier", _("Modifications demandées")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")


class ActionAudience(models.TextChoices):
    PUBLIC = "public", _("Tout public")
    SCHOOL = "scolaires", _("Scolaires")
    STAFF = "salaries", _("Salariés")
    MEMBERS = "adherents", _("Adhérents")
    RESIDENTS = "habitants", _("Habitants d'un quartier")


class CampaignAction(models.Model):
    """One action declared for a campaign week. An action held on several
    dates is one action with several dates: the edition counts it once
    among the distinct actions and once per date among the actions."""

    week = models.ForeignKey(CampaignWeek, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        Actor, verbose_name=_("acteur"), on_delete=models.CASCADE, related_name="campaign_actions"
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"))
    place_name = models.CharField(_("lieu"), max_length=150, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    audience = models.CharField(
        _("public"), max_length=12, choices=ActionAudience.choices, default=ActionAudience.PUBLIC
    )
    expected_attendance = models.PositiveIntegerField(_("participants attendus"), default=0)
    partners = models.ManyToManyField(
        Actor,
        verbose_name=_("partenaires co-organisateurs"),
        blank=True,
        related_name="partner_actions",
    )
    other_partners = models.CharField(
        _("autres partenaires"),
        max_length=250,
        blank=True,
        help_text=_("Ceux qui ne sont pas dans l'annuaire, séparés par des virgules."),
    )
    staff_days = models.DecimalField(
        _("temps de travail (journées)"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    material_expenses = models.DecimalField(
        _("dépenses matérielles (€)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.SUBMITTED
    )
    moderation_note = models.TextField(_("message de l'équipe"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action d'une semaine thématique")
        verbose_name_plural = _("actions des semaines thématiques")
        ordering = ["week", "title", "pk"]
        indexes = [models.Index(fields=["week", "status"])]

    def __str__(self) -> str:
        return self.title


class CampaignActionDate(models.Model):
    action = models.ForeignKey(CampaignAction, on_delete=models.CASCADE, related_name="dates")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    # The agenda's event, made when the action is accepted.
    event = models.OneToOneField(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_action_date",
    )

    class Meta:
        verbose_name = _("date d'une action")
        verbose_name_plural = _("dates des actions")
        ordering = ["action", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="action_date_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.starts_at:%d/%m/%Y}"


class CampaignActionPhoto(models.Model):
    action = models.ForeignKey(CampaignAction, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="network/actions/%Y/")
    alt_text = models.CharField(
        _("description de la photo"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo d'une action")
        verbose_name_plural = _("photos des actions")
        ordering = ["action", "pk"]

    def __str__(self) -> str:
        return self.alt_text


# Newsletters of the network, sent through the platform outbox
# (accounts.mail): the outbox keeps what each recipient got.


class NewsletterStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    SENDING = "envoi", _("En cours d'envoi")
    SENT = "envoyee", _("Envoyée")


class Newsletter(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="newsletters"
    )
    subject = models.CharField(_("objet"), max_length=150)
    body = models.TextField(_("texte (Markdown)"))
    # The segment: {"kinds": [...], "themes": [...], "communes": [...],
    # "statuses": [...], "trained": "oui"|"non"|"", "council": "present"|"absent"|""}
    segment = models.JSONField(_("destinataires"), default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=NewsletterStatus.choices, default=NewsletterStatus.DRAFT
    )
    in_archive = models.BooleanField(_("publiée dans les archives publiques"), default=True)
    recipients_count = models.PositiveIntegerField(_("destinataires"), default=0)
    skipped_unsubscribed = models.PositiveIntegerField(_("écartés car désabonnés"), default=0)
    skipped_no_email = models.PositiveIntegerField(_("écartés faute d'adresse"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lettre d'information")
        verbose_name_plural = _("lettres d'information")
        ordering = ["territory", "-sent_at", "-created_at"]
        indexes = [models.Index(fields=["territory", "status", "-sent_at"])]

    def __str__(self) -> str:
        return self.subject
