"""Meters of a household, and the raw data entered against them.

This module holds what the challenges need to know whether a household is up
to date (meters, readings, weighings); the results engine of METHODOLOGY.md
builds on these rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Carrier(models.TextChoices):
    ELECTRICITY = "electricite", _("Électricité")
    GAS = "gaz", _("Gaz naturel")
    FUEL_OIL = "fioul", _("Fioul")
    LOGS = "bois_buches", _("Bois bûches")
    PELLETS = "granules", _("Granulés de bois")
    PROPANE = "propane", _("Propane / GPL")
    DISTRICT_HEAT = "reseau_chaleur", _("Réseau de chaleur")
    WATER = "eau", _("Eau")


class Unit(models.TextChoices):
    KWH = "kWh", _("kWh")
    M3 = "m3", _("m³")
    LITRE = "L", _("litres")
    STERE = "stere", _("stères")
    KG = "kg", _("kg")


# Units a meter of each carrier may count in (the first is the default).
CARRIER_UNITS: dict[str, list[str]] = {
    Carrier.ELECTRICITY: [Unit.KWH],
    Carrier.GAS: [Unit.M3, Unit.KWH],
    Carrier.FUEL_OIL: [Unit.LITRE],
    Carrier.LOGS: [Unit.STERE],
    Carrier.PELLETS: [Unit.KG],
    Carrier.PROPANE: [Unit.KG],
    Carrier.DISTRICT_HEAT: [Unit.KWH],
    Carrier.WATER: [Unit.M3],
}

# METHODOLOGY §2: heating share defaults to 1 except for electricity.
DEFAULT_HEATING_SHARE: dict[str, Decimal] = {
    Carrier.ELECTRICITY: Decimal("0"),
    Carrier.WATER: Decimal("0"),
}


def default_heating_share(carrier: str) -> Decimal:
    return DEFAULT_HEATING_SHARE.get(carrier, Decimal("1"))


class Meter(models.Model):
    household = models.ForeignKey(
        "accounts.Household",
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="meters",
    )
    carrier = models.CharField(_("énergie ou fluide"), max_length=20, choices=Carrier.choices)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices)
    label = models.CharField(
        _("nom du compteur"),
        max_length=80,
        help_text=_("Par exemple « Compteur Linky » ou « Cuve de fioul »."),
    )
    heating_share = models.DecimalField(
        _("part du chauffage"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Part de cette énergie utilisée pour chauffer le logement (0 à 1)."),
    )
    has_offpeak = models.BooleanField(_("heures pleines / heures creuses"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("en service"), default=True)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")
        ordering = ["carrier", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "carrier", "label"], name="unique_meter_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_carrier_display()})"

    @property
    def is_water(self) -> bool:
        return self.carrier == Carrier.WATER


class Register(models.TextChoices):
    SINGLE = "base", _("Index unique")
    PEAK = "hp", _("Heures pleines")
    OFFPEAK = "hc", _("Heures creuses")


class ReadingKind(models.TextChoices):
    NORMAL = "normal", _("Relevé")
    REPLACEMENT = "remplacement", _("Nouveau compteur (index de départ)")
    ROLLOVER = "tour", _("Le compteur a fait le tour")


class Reading(models.Model):
    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="readings")
    register = models.CharField(
        _("index"), max_length=4, choices=Register.choices, default=Register.SINGLE
    )
    read_on = models.DateField(_("date du relevé"))
    value = models.DecimalField(
        _("index"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=ReadingKind.choices, default=ReadingKind.NORMAL
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relevé")
        verbose_name_plural = _("relevés")
        ordering = ["meter", "register", "read_on"]
        indexes = [models.Index(fields=["meter", "read_on"])]

    def __str__(self) -> str:
        return f"{self.meter} — {self.read_on}: {self.value}"


class WasteFlow(models.TextChoices):
    RESIDUAL = "omr", _("Ordures ménagères résiduelles")
    PACKAGING = "emballages", _("Emballages et recyclables")
    GLASS = "verre", _("Verre")
    PAPER = "papier", _("Papiers")
    BIOWASTE = "biodechets", _("Biodéchets")


class Weighing(models.Model):
    registration = models.ForeignKey(
        "challenges.Registration", on_delete=models.CASCADE, related_name="weighings"
    )
    weighed_on = models.DateField(_("date de la pesée"))
    flow = models.CharField(_("flux"), max_length=20, choices=WasteFlow.choices)
    kg = models.DecimalField(
        _("poids (kg)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pesée")
        verbose_name_plural = _("pesées")
        ordering = ["registration", "weighed_on"]
        indexes = [models.Index(fields=["registration", "weighed_on"])]

    def __str__(self) -> str:
        return f"{self.registration} — {self.weighed_on} {self.get_flow_display()}: {self.kg} kg"
