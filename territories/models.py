"""Territory spaces (the tenants of Élan), their branding and roles, and the
French administrative geography (regions, departments, communes)."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from elan.storage import public_storage


def normalize_name(value: str) -> str:
    """Lower-case, accent-free, hyphen-free form used to search commune names."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    for sep in ("-", "'", "’"):
        plain = plain.replace(sep, " ")
    plain = plain.replace("saint ", "st ").replace("sainte ", "ste ")
    return " ".join(plain.split())


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:region", args=[self.code])


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneQuerySet(models.QuerySet["Commune"]):
    def search(self, query: str) -> CommuneQuerySet:
        """By postal code or INSEE code prefix when digits, else by name prefix.

        Larger communes first: typing « saint » should offer Saint-Étienne
        before a hamlet.
        """
        query = query.strip()
        if not query:
            return self.none()
        if query[:2].isdigit() or query[:2].upper() in ("2A", "2B"):
            return self.filter(
                models.Q(postal_codes__contains=" " + query)
                | models.Q(insee_code__startswith=query.upper())
            ).order_by("-population", "name")
        key = normalize_name(query)
        return self.filter(
            models.Q(search_name__startswith=key) | models.Q(search_name__contains=" " + key)
        ).order_by("-population", "name")


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    # Space-separated with a leading space, so that a prefix of any code is
    # found with one `contains`: " 26400 26401".
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        code = self.main_postal_code
        return f"{self.name} ({code})" if code else self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    @property
    def main_postal_code(self) -> str:
        codes = self.postal_code_list
        return codes[0] if codes else ""


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité")
    ASSOCIATION = "association", _("Association")
    COLLECTIVE = "collectif", _("Collectif citoyen")
    COMPANY = "entreprise", _("Entreprise")


colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Indiquez une couleur au format #RRVVBB, par exemple #1f6f50.")
)


class TerritoryQuerySet(models.QuerySet["Territory"]):
    def published(self) -> TerritoryQuerySet:
        return self.filter(is_published=True)


class Territory(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("adresse courte"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=TerritoryKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, related_name="territories"
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), blank=True, related_name="territories"
    )
    tagline = models.CharField(_("accroche"), max_length=200, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="territories/logos/", blank=True, storage=public_storage
    )
    accent_color = models.CharField(
        _("couleur d'accent"), max_length=7, default="#1f6f50", validators=[colour_validator]
    )
    website = models.URLField(_("site web"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", args=[self.slug])


class Partner(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("nom"), max_length=150)
    url = models.URLField(_("lien"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="territories/partners/", blank=True, storage=public_storage
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Animateur·rice")
    SPONSOR = "sponsor", _("Partenaire / financeur")
    ACTOR_CONTACT = "actor_contact", _("Contact d'un acteur")


class Membership(models.Model):
    """A role held by a user in a territory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territory_roles"
    )
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans un territoire")
        verbose_name_plural = _("rôles dans les territoires")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="unique_territory_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.territory}"


class RegionalCoordinator(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated_regions"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="coordinators")

    class Meta:
        verbose_name = _("coordination régionale")
        verbose_name_plural = _("coordinations régionales")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="unique_coordinator")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.region}"
