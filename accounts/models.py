"""Users, households (foyers) and consent records."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
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


class Consent(models.Model):
    """What a user agreed to, when, and which version of the text."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.text}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
