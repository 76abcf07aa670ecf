"""Users, households (foyers), consent records, and the e-mail outbox with its
suppression list."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class HousingType(models.TextChoices):
    APARTMENT = "appartement", _("Appartement")
    HOUSE = "maison", _("Maison")
    OTHER = "autre", _("Autre")


class Heating(models.TextChoices):
    GAS = "gaz", _("Gaz naturel")
    ELECTRICITY = "electricite", _("Électricité")
    HEAT_PUMP = "pac", _("Pompe à chaleur")
    FUEL_OIL = "fioul", _("Fioul")
    LOGS = "bois_buches", _("Bois (bûches)")
    PELLETS = "granules", _("Granulés de bois")
    PROPANE = "propane", _("Propane / GPL")
    DISTRICT = "reseau_chaleur", _("Réseau de chaleur")
    OTHER = "autre", _("Autre")


ANONYMIZED_HOUSEHOLD_NAME = "Foyer supprimé"


class Household(models.Model):
    name = models.CharField(_("nom du foyer"), max_length=100)
    adults = models.PositiveSmallIntegerField(
        _("adultes"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    children = models.PositiveSmallIntegerField(
        _("enfants"), default=0, validators=[MaxValueValidator(20)]
    )
    housing_type = models.CharField(
        _("type de logement"), max_length=20, choices=HousingType.choices
    )
    surface_m2 = models.PositiveIntegerField(
        _("surface habitable (m²)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(9), MaxValueValidator(1000)],
    )
    main_heating = models.CharField(
        _("chauffage principal"), max_length=20, choices=Heating.choices
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    invite_token = models.CharField(max_length=40, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the last member erased their account: the row stays so that
    # published aggregates do not change, with nothing personal left on it.
    anonymized_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def persons(self) -> int:
        return self.adults + self.children

    def renew_invite_token(self) -> None:
        self.invite_token = _new_token()
        self.save(update_fields=["invite_token"])

    def anonymize(self) -> None:
        """Strip what identifies the household, keep what aggregates count
        (composition, housing, commune). The name is stored data, not UI text,
        hence not translated."""
        self.name = ANONYMIZED_HOUSEHOLD_NAME
        self.invite_token = _new_token()
        self.anonymized_at = timezone.now()
        self.save(update_fields=["name", "invite_token", "anonymized_at"])


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(
        _("nom affiché"),
        max_length=80,
        blank=True,
        help_text=_("Prénom ou pseudonyme visible par votre équipe."),
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.email

    @property
    def public_name(self) -> str:
        return self.display_name or self.first_name or str(_("Participant·e"))


class ConsentText(models.Model):
    """A versioned text that users agree to (terms, privacy, a challenge's data use)."""

    TERMS = "cgu"
    PRIVACY = "confidentialite"
    # Accepting the terms is a condition of having an account: one withdraws
    # them by deleting the account, not with a button.
    NOT_WITHDRAWABLE = frozenset({TERMS})

    key = models.SlugField(_("clé"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_consent_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_withdrawable(self) -> bool:
        return self.key not in self.NOT_WITHDRAWABLE

    @classmethod
    def current(cls, key: str) -> ConsentText | None:
        return (
            cls.objects.filter(key=key, published_at__lte=timezone.now())
            .order_by("-version")
            .first()
        )


class ConsentSource(models.TextChoices):
    FORM = "formulaire", _("formulaire du site")
    FIELD = "terrain", _("recueilli sur le terrain")
    IMPORT = "import", _("import d'un fichier")
    ADMIN = "admin", _("saisi par l'administration")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def for_list(self, scope: str) -> ConsentQuerySet:
        """The consents that allow sending the list `scope` today: not
        withdrawn and, for a double opt-in, confirmed."""
        return self.filter(scope=scope, withdrawn_at__isnull=True, confirmed_at__isnull=False)


class Consent(models.Model):
    """What a person agreed to, when, which version of the text, and the proof.

    Most consents belong to an account. The consent to receive a mailing list
    (``scope``, the key its unsubscribe links use, e.g. ``newsletter:<slug>``)
    may come from someone without one, known by ``email`` alone; with a
    double opt-in it counts from ``confirmed_at`` on."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="consents", null=True, blank=True
    )
    email = models.EmailField(_("adresse e-mail"), blank=True)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(
        _("liste de diffusion"),
        max_length=120,
        blank=True,
        help_text=_("Pour un envoi collectif : la clé de la liste (ex. newsletter:val-de-drome)."),
    )
    source = models.CharField(
        _("recueilli par"), max_length=12, choices=ConsentSource.choices, default=ConsentSource.FORM
    )
    proof = models.TextField(
        _("preuve"),
        blank=True,
        help_text=_("Où et comment l'accord a été donné (page, fichier, personne)."),
    )
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    confirmed_at = models.DateTimeField(
        _("confirmé le"),
        null=True,
        blank=True,
        help_text=_("Double opt-in : quand la personne a suivi le lien de confirmation."),
    )
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="consent_has_a_person"
            )
        ]
        indexes = [models.Index(fields=["email", "scope"], name="consent_email_scope")]

    def __str__(self) -> str:
        return f"{self.user or self.email} — {self.text}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- E-mail: the outbox and the suppression list (accounts/mail.py) ---------


class EmailStream(models.TextChoices):
    """What kind of message: transactional mail is never throttled nor
    suppressed; the others are bulk, throttled, and carry unsubscribe links."""

    TRANSACTIONAL = "transactionnel", _("transactionnel")
    REMINDER = "rappel", _("rappel")
    CAMPAIGN = "campagne", _("campagne")
    NEWSLETTER = "lettre", _("lettre d'information")


class EmailStatus(models.TextChoices):
    QUEUED = "en_attente", _("en attente")
    SENDING = "en_cours", _("envoi en cours")
    SENT = "envoye", _("envoyé")
    FAILED = "echec", _("échec")
    SUPPRESSED = "desabonne", _("non envoyé (désabonnement)")


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def for_reference(self, reference: str) -> OutgoingEmailQuerySet:
        return self.filter(reference=reference)

    def failed(self) -> OutgoingEmailQuerySet:
        """Given up on (a refusal by the server, or every retry spent), latest
        first: what the organisers' pages list with the server's answer."""
        return self.filter(status=EmailStatus.FAILED).order_by("-created_at", "-pk")

    def tally(self) -> dict[str, int]:
        """Messages per status (every status present, 0 when none), in one query."""
        counts = dict(
            self.order_by()
            .values_list("status")
            .annotate(n=models.Count("pk"))
            .values_list("status", "n")
        )
        return {status: counts.get(status, 0) for status in EmailStatus.values}

    def tally_by_reference(self) -> dict[str, dict[str, int]]:
        """{reference: {status: count}} in one query, e.g. for a list of newsletters."""
        rows = (
            self.order_by()
            .values_list("reference", "status")
            .annotate(n=models.Count("pk"))
            .values_list("reference", "status", "n")
        )
        tallies: dict[str, dict[str, int]] = {}
        for reference, status, n in rows:
            tallies.setdefault(reference, dict.fromkeys(EmailStatus.values, 0))[status] = n
        return tallies

    def due(
        self, *, now: dt.datetime, grace: dt.timedelta, lease: dt.timedelta
    ) -> OutgoingEmailQuerySet:
        """Queued rows whose task is presumed lost: never handed to the broker
        (or handed long ago), and due for more than `grace`."""
        return self.filter(status=EmailStatus.QUEUED, send_after__lte=now - grace).filter(
            Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - lease)
        )

    def stuck(self, *, now: dt.datetime, after: dt.timedelta) -> OutgoingEmailQuerySet:
        """Claimed by a worker that never said how the send ended (it crashed):
        maybe delivered, so never retried automatically."""
        return self.filter(status=EmailStatus.SENDING, claimed_at__lte=now - after)


class OutgoingEmail(models.Model):
    """One message to one recipient, from its queuing to its delivery.

    ``key`` says what the message is (``event-reminder:<registration>:<start>``):
    queuing the same key again is a no-op, so a message is sent at most once."""

    key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    stream = models.CharField(_("type d'envoi"), max_length=16, choices=EmailStream.choices)
    reference = models.CharField(
        _("origine"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("Ce qui a envoyé le message (ex. newsletter:12)."),
    )
    recipient = models.CharField(_("destinataire"), max_length=254, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=254, blank=True)
    subject = models.TextField(_("objet"))
    body = models.TextField(_("texte"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    unsubscribe_scope = models.CharField(_("liste de désabonnement"), max_length=120, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Not before (retries back off); and when a task was last handed to the
    # broker, so that the periodic job leaves alone what a worker will do.
    send_after = models.DateTimeField(_("pas avant"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("confié au broker le"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("pris par un worker le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outgoing_due"),
            models.Index(fields=["reference", "status"], name="outgoing_reference_status"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.subject[:60]}"


class SuppressionSource(models.TextChoices):
    ONE_CLICK = "un_clic", _("désabonnement en un clic (messagerie)")
    LINK = "lien", _("lien de désabonnement")
    ADMIN = "admin", _("administration")
    BOUNCE = "rejet", _("adresse rejetée")


class EmailSuppression(models.Model):
    """An address that must not receive the messages of `scope` (a list key,
    or ``all`` for every message that offers an unsubscribe link).

    Matched on ``email_hash`` only: the address itself is erased with the
    account, the hash stays, so that an erased person is never written to
    again by a list that still holds their address (e.g. an import)."""

    ALL = "all"

    email_hash = models.CharField(max_length=64, editable=False)
    email = models.CharField(_("adresse e-mail"), max_length=254, blank=True)
    scope = models.CharField(_("liste"), max_length=120)
    source = models.CharField(_("origine"), max_length=10, choices=SuppressionSource.choices)
    created_at = models.DateTimeField(_("désabonné le"), default=timezone.now)

    class Meta:
        verbose_name = _("désabonnement")
        verbose_name_plural = _("désabonnements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email_hash", "scope"], name="unique_suppression")
        ]

    def __str__(self) -> str:
        return f"{self.email or self.email_hash[:12]} — {self.scope}"


class AccessKind(models.TextChoices):
    VIEW = "consultation", _("Consultation")
    EXPORT = "export", _("Export")


class PersonalDataAccess(models.Model):
    """An organiser saw or exported other people's personal data: who, what,
    of which territory, when (RGPD accountability; platform admins read it
    in the back office). Written by `accounts.audit.log_access`."""

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept as text: the entry stays readable when the account is erased.
    user_label = models.CharField(_("compte"), max_length=254)
    kind = models.CharField(_("accès"), max_length=20, choices=AccessKind.choices)
    what = models.CharField(_("données"), max_length=200)
    territory = models.CharField(_("territoire"), max_length=80, blank=True)
    people = models.PositiveIntegerField(_("personnes ou foyers concernés"), default=0)
    path = models.CharField(_("adresse"), max_length=500)

    class Meta:
        verbose_name = _("accès à des données personnelles")
        verbose_name_plural = _("accès à des données personnelles")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_label} — {self.get_kind_display()} — {self.what}"
