from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Household
from challenges.models import Challenge
from measures.models import (
    CARRIER_UNITS,
    Bill,
    Carrier,
    Meter,
    ReadingKind,
    Register,
    Unit,
    WasteFlow,
    default_heating_share,
)
from measures.services import (
    GAS_COEFFICIENT,
    MAX_PHOTO_BYTES,
    MeterError,
    ReadingErrors,
    UnusualCoefficient,
    duplicate_message,
    gas_coefficient_check,
    registers_of,
)

HEATING_SHARE_HELP = _(
    "La part de cette énergie qui sert à chauffer le logement, de 0 (pas du tout) à 1 "
    "(entièrement). Laissez vide pour la valeur habituelle : 1 pour le gaz, le fioul, le bois, "
    "le propane et le réseau de chaleur ; 0 pour l'électricité. Si vous vous chauffez à "
    "l'électricité, indiquez par exemple 0,6 quand le chauffage fait environ 60 % de votre "
    "facture. Elle sert à tenir compte de la météo : un hiver plus froid que l'an dernier ne "
    "vous pénalise pas."
)


GAS_COEFFICIENT_HELP = _(
    "Gaz en m³ seulement : sur votre facture de gaz, ligne « coefficient de conversion », "
    "souvent entre 10,5 et 11,5 kWh/m³. Laissez vide pour la valeur moyenne (11,2 kWh/m³)."
)


def _units_help() -> str:
    lines = []
    for carrier, units in CARRIER_UNITS.items():
        labels = ", ".join(str(Unit(u).label) for u in units)
        lines.append(f"{Carrier(carrier).label} : {labels}")
    return " ; ".join(lines)


class MeterForm(forms.ModelForm):
    unit = forms.ChoiceField(
        label=_("unité"),
        required=False,
        choices=[("", _("Unité habituelle")), *Unit.choices],
    )
    heating_share = forms.DecimalField(
        label=_("part du chauffage"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        max_digits=3,
        decimal_places=2,
        localize=True,
        help_text=HEATING_SHARE_HELP,
    )
    gas_kwh_per_m3 = forms.DecimalField(
        label=_("coefficient de conversion (kWh/m³)"),
        required=False,
        max_digits=5,
        decimal_places=3,
        localize=True,
        help_text=GAS_COEFFICIENT_HELP,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    # Shown with the message when the coefficient is unusual (see clean()).
    confirm_coefficient = forms.BooleanField(
        label=_("Je confirme ce coefficient"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Meter
        fields = [
            "carrier",
            "label",
            "unit",
            "heating_share",
            "gas_kwh_per_m3",
            "has_offpeak",
            "is_active",
        ]
        help_texts = {
            "has_offpeak": _("Électricité seulement : votre compteur affiche deux index."),
            "is_active": _("Décochez quand le compteur ne sert plus (déménagement, remplacement)."),
        }

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        self.asks_confirmation = False
        if self.data.get(self.add_prefix("confirm_coefficient")) in ("on", "true", "True"):
            self._ask_confirmation()
        self.order_fields(
            ["carrier", "label", "unit", "heating_share", GAS_COEFFICIENT, "confirm_coefficient"]
        )
        self.fields["unit"].help_text = _("Unités possibles — %(units)s.") % {
            "units": _units_help()
        }
        if self.instance.pk is None:
            del self.fields["is_active"]
        elif self.instance.readings.exists():
            for name in ("carrier", "unit"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Ce compteur a déjà des relevés : cette information ne peut plus changer."
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        carrier = cleaned.get("carrier")
        if not carrier:
            return cleaned
        allowed = CARRIER_UNITS[carrier]
        unit = cleaned.get("unit") or allowed[0]
        if unit not in allowed:
            self.add_error(
                "unit",
                _("Un compteur « %(carrier)s » compte en %(units)s.")
                % {
                    "carrier": Carrier(carrier).label,
                    "units": ", ".join(str(Unit(u).label) for u in allowed),
                },
            )
        cleaned["unit"] = unit
        if cleaned.get("heating_share") is None:
            cleaned["heating_share"] = default_heating_share(carrier)
        if carrier == Carrier.WATER and cleaned["heating_share"]:
            self.add_error("heating_share", _("Un compteur d'eau n'a pas de part de chauffage."))
        if cleaned.get("has_offpeak") and carrier != Carrier.ELECTRICITY:
            self.add_error(
                "has_offpeak", _("Les heures pleines et creuses ne concernent que l'électricité.")
            )
        label = cleaned.get("label")
        duplicates = Meter.objects.filter(household=self.household, carrier=carrier, label=label)
        if label and duplicates.exclude(pk=self.instance.pk).exists():
            self.add_error("label", duplicate_message(label))
        if GAS_COEFFICIENT not in self.errors and "unit" not in self.errors:
            self._check_coefficient(cleaned, carrier, unit)
        return cleaned

    def _check_coefficient(self, cleaned: dict[str, Any], carrier: str, unit: str) -> None:
        try:
            gas_coefficient_check(
                value=cleaned.get(GAS_COEFFICIENT),
                carrier=carrier,
                unit=unit,
                confirmed=bool(cleaned.get("confirm_coefficient")),
                previous=self.instance.gas_kwh_per_m3 if self.instance.pk else None,
            )
        except MeterError as error:
            if isinstance(error, UnusualCoefficient):
                self._ask_confirmation()
            self.add_error(GAS_COEFFICIENT, str(error))

    def _ask_confirmation(self) -> None:
        """Show the confirmation checkbox (it stays hidden otherwise)."""
        self.asks_confirmation = True
        self.fields["confirm_coefficient"].widget = forms.CheckboxInput()

    def add_meter_error(self, error: MeterError) -> None:
        """A refusal of the services, next to its field when it names one."""
        if isinstance(error, UnusualCoefficient):
            self._ask_confirmation()
        self.add_error(error.field if error.field in self.fields else None, str(error))

    def values(self) -> dict[str, Any]:
        """The cleaned values, as the services take them."""
        names = ["carrier", "unit", "label", "heating_share", "has_offpeak", GAS_COEFFICIENT]
        values = {name: self.cleaned_data[name] for name in names}
        values["confirm_coefficient"] = bool(self.cleaned_data.get("confirm_coefficient"))
        if "is_active" in self.fields:
            values["is_active"] = self.cleaned_data["is_active"]
        return values


# --- Entry of readings, bills and weighings -------------------------------------------

# Carriers read on a meter with rolling digits; the others (a tank, a wood
# stack) are followed as a running total.
DIAL_CARRIERS = {Carrier.ELECTRICITY, Carrier.GAS, Carrier.WATER, Carrier.DISTRICT_HEAT}

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _new_key() -> str:
    return uuid.uuid4().hex


def _check_entry_date(day: dt.date, floor: dt.date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
    if day < floor:
        raise forms.ValidationError(
            _("La date ne peut pas précéder le %(date)s.") % {"date": date_format(floor, "j F Y")}
        )


def register_help(meter: Meter) -> str:
    if meter.carrier not in DIAL_CARRIERS:
        return str(
            _("Le total en %(unit)s indiqué par votre suivi (jauge, carnet de livraisons).")
            % {"unit": meter.get_unit_display()}
        )
    return str(
        _(
            "Tapez les chiffres noirs du compteur, en %(unit)s entiers : ignorez les chiffres "
            "rouges et ceux qui suivent la virgule."
        )
        % {"unit": meter.get_unit_display()}
    )


class ReadingForm(forms.Form):
    read_on = forms.DateField(label=_("Date du relevé"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("Type de relevé"),
        choices=ReadingKind.choices,
        initial=ReadingKind.NORMAL,
        help_text=_(
            "Choisissez « Nouveau compteur » quand le compteur a été remplacé (indiquez alors "
            "l'index du nouveau), ou « Le compteur a fait le tour » quand il est repassé par zéro."
        ),
    )
    photo = forms.ImageField(
        label=_("Photo du compteur (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Une image de 8 Mo au plus ; elle aide à vérifier un index douteux."),
    )
    confirm_unusual = forms.BooleanField(label=_("Je confirme cette valeur"), required=False)
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=40, initial=_new_key)

    def __init__(self, *args: Any, meter: Meter, floor: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"m{meter.pk}")
        kwargs["initial"] = {"read_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.meter, self.floor = meter, floor
        self.asks_confirmation = bool(self.data.get(self.add_prefix("confirm_unusual")))
        dial = meter.carrier in DIAL_CARRIERS
        for register in registers_of(meter):
            label = str(Register(register).label)
            if register == Register.SINGLE:
                label = _("Index (%(unit)s)") % {"unit": meter.get_unit_display()}
            self.fields[register] = forms.DecimalField(
                label=label,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=3,
                localize=True,
                help_text=register_help(meter),
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric" if dial else "decimal", "autocomplete": "off"}
                ),
            )
        self.order_fields([*registers_of(meter), "read_on", "kind", "photo"])
        self.fields["read_on"].widget.attrs.update(
            min=floor.isoformat(), max=timezone.localdate().isoformat()
        )

    @property
    def value_fields(self) -> list[forms.BoundField]:
        return [self[r] for r in registers_of(self.meter)]

    @property
    def filled(self) -> bool:
        """An index was typed for this meter (its date and type have defaults):
        on the page of every meter, a meter left blank is not read today."""
        return self.is_bound and any(
            str(self.data.get(self.add_prefix(r), "")).strip() for r in registers_of(self.meter)
        )

    def clean_read_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["read_on"]
        _check_entry_date(day, self.floor)
        return day

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("La photo dépasse 8 Mo : choisissez une image plus légère.")
            )
        return photo

    def add_reading_errors(self, errors: ReadingErrors) -> None:
        """Show the service's refusals next to their field; ask for a
        confirmation when only unusual values stand in the way."""
        self.asks_confirmation = errors.only_unusual
        for error in errors.errors:
            field = error.register if error.register in self.fields else None
            self.add_error(field, str(error))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "meter": self.meter,
            "values": {r: data[r] for r in registers_of(self.meter)},
            "read_on": data["read_on"],
            "kind": data["kind"],
            "client_key": data["client_key"],
            "photo": data.get("photo") or None,
            "confirm_unusual": data["confirm_unusual"],
        }


MIN_BILL_DAYS = 28


class BillForm(forms.ModelForm):
    class Meta:
        model = Bill
        fields = ["meter", "starts_on", "ends_on", "quantity", "amount_eur"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        labels = {"meter": _("Compteur")}
        help_texts = {
            "quantity": _("La consommation de la période, dans l'unité du compteur."),
            "amount_eur": _(
                "Ou le montant payé pour cette consommation, si la quantité ne figure pas sur la "
                "facture : il sera converti au tarif de référence."
            ),
        }

    def __init__(
        self, *args: Any, household: Household, reference: tuple[dt.date, dt.date], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reference = reference
        meter_field = self.fields["meter"]
        assert isinstance(meter_field, forms.ModelChoiceField)
        meter_field.queryset = Meter.objects.filter(household=household, is_active=True)
        for name in ("quantity", "amount_eur"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        amounts = [cleaned.get("quantity"), cleaned.get("amount_eur")]
        amounts_ok = "quantity" not in self.errors and "amount_eur" not in self.errors
        if amounts_ok and amounts == [None, None]:
            self.add_error(None, _("Indiquez la quantité consommée ou le montant de la facture."))
        if starts is None or ends is None:
            return cleaned
        if ends < starts:
            self.add_error("ends_on", _("Le dernier jour doit suivre le premier."))
        elif (ends - starts).days + 1 < MIN_BILL_DAYS:
            self.add_error(
                "ends_on",
                _("La période facturée doit couvrir au moins %(n)d jours.") % {"n": MIN_BILL_DAYS},
            )
        elif ends > timezone.localdate():
            self.add_error("ends_on", _("La période facturée ne peut pas finir dans le futur."))
        first, after_last = self.reference
        if ends >= starts and (ends < first or starts >= after_last):
            self.add_error(
                None,
                _(
                    "La facture doit couvrir une partie de la période de référence (du %(a)s au %(b)s)."
                )
                % {
                    "a": date_format(first, "j F Y"),
                    "b": date_format(after_last - dt.timedelta(days=1), "j F Y"),
                },
            )
        return cleaned


class WeighingsForm(forms.Form):
    """One weighing day: a field per flow, empty when that flow was not weighed."""

    weighed_on = forms.DateField(label=_("Date de la pesée"), widget=DATE_WIDGET)
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=40, initial=_new_key)

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"weighed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        for flow, label in WasteFlow.choices:
            self.fields[flow] = kg_field(str(label), required=False)

    @property
    def flow_fields(self) -> list[forms.BoundField]:
        return [self[flow] for flow in WasteFlow.values]

    def clean_weighed_on(self) -> dt.date:
        return weighing_date(self.cleaned_data["weighed_on"], self.challenge)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        flows_ok = not any(flow in self.errors for flow in WasteFlow.values)
        if flows_ok and all(cleaned.get(flow) is None for flow in WasteFlow.values):
            self.add_error(None, _("Indiquez le poids d'au moins un flux de déchets."))
        return cleaned

    def kgs(self) -> dict[str, Decimal]:
        return {
            f: self.cleaned_data[f] for f in WasteFlow.values if self.cleaned_data[f] is not None
        }


class WeighingCorrectionForm(forms.Form):
    weighed_on = forms.DateField(label=_("Date de la pesée"), widget=DATE_WIDGET)
    kg = forms.DecimalField()
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=40, initial=_new_key)

    def __init__(self, *args: Any, challenge: Challenge, flow_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.fields["kg"] = kg_field(flow_label, required=True)
        self.order_fields(["weighed_on", "kg"])

    def clean_weighed_on(self) -> dt.date:
        return weighing_date(self.cleaned_data["weighed_on"], self.challenge)


def kg_field(label: str, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("%(flow)s (kg)") % {"flow": label},
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(500),
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def weighing_date(day: dt.date, challenge: Challenge) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
    if day < challenge.starts_on or day > challenge.ends_on:
        raise forms.ValidationError(
            _("La pesée doit avoir lieu pendant le défi, du %(start)s au %(end)s.")
            % {
                "start": date_format(challenge.starts_on, "j F Y"),
                "end": date_format(challenge.ends_on, "j F Y"),
            }
        )
    return day
