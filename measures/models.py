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
    # METHODOLOGY §2: a gas meter in m³ converts with the coefficient printed on
    # the household's bill; empty means the factor table's default.
    gas_kwh_per_m3 = models.DecimalField(
        _("coefficient de conversion (kWh/m³)"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_(
            "Sur votre facture de gaz, ligne « coefficient de conversion », "
            "souvent entre 10,5 et 11,5 kWh/m³."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("en service"), default=True)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")
        ordering = ["carrier", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "carrier", "label"], name="unique_meter_per_household"
            ),
            models.CheckConstraint(
                condition=models.Q(gas_kwh_per_m3__isnull=True) | models.Q(gas_kwh_per_m3__gt=0),
                name="meter_gas_kwh_per_m3_positive",
                violation_error_message=_("Le coefficient de conversion doit être supérieur à 0."),
            ),
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


def _reading_photo_path(instance: Reading, filename: str) -> str:
    # Not under media/territories/: never served as a public file.
    return f"measures/photos/{instance.meter_id}/{filename}"


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
    # A key chosen by the client (form token, API caller, import row) makes a
    # repeated submission a no-op instead of a duplicate. Unique among the rows
    # that have one (Meta.constraints): a partial index, whose statistics count
    # only those rows, so that SQLite looks a batch's keys up in it instead of
    # scanning every reading when most rows have no key (seeded or imported);
    # NULL, not "", is "no key": the index leaves those rows out.
    client_key = models.CharField(max_length=80, null=True, blank=True, editable=False)  # noqa: DJ001
    photo = models.ImageField(_("photo du compteur"), upload_to=_reading_photo_path, blank=True)
    confirmed_unusual = models.BooleanField(_("valeur inhabituelle confirmée"), default=False)
    # Edits keep history: a corrected reading points to the one it replaces.
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("relevé")
        verbose_name_plural = _("relevés")
        ordering = ["meter", "register", "read_on"]
        indexes = [models.Index(fields=["meter", "read_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=models.Q(client_key__isnull=False),
                name="measures_reading_client_key_unique",
            )
        ]

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
    client_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("pesée")
        verbose_name_plural = _("pesées")
        ordering = ["registration", "weighed_on"]
        indexes = [models.Index(fields=["registration", "weighed_on"])]

    def __str__(self) -> str:
        return f"{self.registration} — {self.weighed_on} {self.get_flow_display()}: {self.kg} kg"


class Bill(models.Model):
    """Reference consumption declared from bills instead of readings (METHODOLOGY §2)."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="bills")
    starts_on = models.DateField(_("début de la période facturée"))
    ends_on = models.DateField(_("dernier jour de la période facturée"))
    quantity = models.DecimalField(
        _("quantité"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    amount_eur = models.DecimalField(
        _("montant (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["meter", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=False) | models.Q(amount_eur__isnull=False),
                name="bill_has_quantity_or_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="bill_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter} — {self.starts_on} → {self.ends_on}"


class WeatherZone(models.Model):
    """A station or a department; a commune's zone defaults to its department."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    departments = models.ManyToManyField(
        "territories.Department", blank=True, related_name="weather_zones"
    )
    is_synthetic = models.BooleanField(
        _("données synthétiques"),
        default=False,
        help_text=_("Série fabriquée pour la démonstration."),
    )

    class Meta:
        verbose_name = _("zone météo")
        verbose_name_plural = _("zones météo")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DegreeDay(models.Model):
    """Heating degree days (base 18 °C) of one day in one zone. Monthly data
    is stored spread over its days (METHODOLOGY §3)."""

    zone = models.ForeignKey(WeatherZone, on_delete=models.CASCADE, related_name="degree_days")
    day = models.DateField(_("jour"))
    value = models.DecimalField(
        _("DJU"), max_digits=7, decimal_places=3, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("degrés-jours")
        verbose_name_plural = _("degrés-jours")
        ordering = ["zone", "day"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "day"], name="one_dju_per_zone_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.day}: {self.value}"


class FactorSet(models.Model):
    """A version of the factor and tariff table. Results record the version
    they used, so that old reports do not change silently."""

    name = models.CharField(_("version"), max_length=80, unique=True)
    valid_from = models.DateField(_("valable à partir du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version des facteurs")
        verbose_name_plural = _("versions des facteurs")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name


class FactorKind(models.TextChoices):
    KWH_PER_UNIT = "kwh_par_unite", _("kWh par unité")
    CO2_PER_KWH = "co2_par_kwh", _("kgCO2e par kWh")
    CO2_PER_KM = "co2_par_km", _("kgCO2e par km")
    TARIFF = "tarif", _("Tarif (€ par unité)")
    PCS_PER_PCI = "pcs_sur_pci", _("Rapport PCS/PCI (kWh PCS par kWh PCI)")
    # What a figure amounts to in everyday terms (a month of a household's
    # electricity, a bath), for the final reports (METHODOLOGY « Équivalences »).
    EQUIVALENCE = "equivalence", _("Équivalence parlante")


class EnergyBasis(models.TextChoices):
    """The heating value a kWh of fuel is counted on (METHODOLOGY « Factor bases »)."""

    PCS = "pcs", _("kWh PCS (pouvoir calorifique supérieur)")
    PCI = "pci", _("kWh PCI (pouvoir calorifique inférieur)")


class Factor(models.Model):
    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(_("type"), max_length=20, choices=FactorKind.choices)
    # A carrier (gaz, electricite…), "electricite_chauffage" / "electricite_autres"
    # for the two electricity CO2 factors, or a travel mode.
    key = models.CharField(_("clé"), max_length=40)
    unit = models.CharField(_("unité"), max_length=20)
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=6)
    source = models.CharField(_("source"), max_length=250)
    # The kWh a fuel row counts (kWh per unit: the kWh it gives; CO2 or tariff
    # per kWh: the kWh it divides by). Empty where it does not apply
    # (electricity, delivered heat, per-unit tariffs, km).
    energy_basis = models.CharField(
        _("base des kWh"),
        max_length=3,
        choices=EnergyBasis.choices,
        blank=True,
        help_text=_(
            "PCS ou PCI pour les combustibles (gaz, fioul, bois, granulés, propane) ; "
            "vide pour l'électricité, la chaleur livrée, les tarifs par unité et les km."
        ),
    )
    includes_upstream = models.BooleanField(
        _("émissions amont comprises"),
        null=True,
        blank=True,
        help_text=_(
            "Facteurs CO2 : oui si la valeur compte l'extraction, le raffinage et le transport "
            "du combustible en plus de la combustion."
        ),
    )

    class Meta:
        verbose_name = _("facteur")
        verbose_name_plural = _("facteurs")
        ordering = ["factor_set", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["factor_set", "kind", "key"], name="one_factor_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} = {self.value} {self.unit}"


class ResultSnapshot(models.Model):
    """Computed results of a challenge, cached until its data changes."""

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="result_snapshots"
    )
    factor_set = models.ForeignKey(FactorSet, on_delete=models.PROTECT, related_name="+")
    data_version = models.PositiveIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField()
    # The aggregates only (measures.results.cache.public_part): what public pages read.
    public_payload = models.JSONField(default=dict)
    # The households left out and why (the organisers' list), read alone by
    # the organisers' results page instead of the whole payload.
    exclusions = models.JSONField(default=list)
    is_final = models.BooleanField(_("résultats figés"), default=False)

    class Meta:
        verbose_name = _("résultats calculés")
        verbose_name_plural = _("résultats calculés")
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["challenge", "data_version"])]

    def __str__(self) -> str:
        return f"{self.challenge} v{self.data_version} ({self.computed_at:%d/%m/%Y %H:%M})"
