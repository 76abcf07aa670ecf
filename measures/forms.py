from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Household
from measures.models import CARRIER_UNITS, Carrier, Meter, Unit, default_heating_share
from measures.services import duplicate_message

HEATING_SHARE_HELP = _(
    "La part de cette énergie qui sert à chauffer le logement, de 0 (pas du tout) à 1 "
    "(entièrement). Laissez vide pour la valeur habituelle : 1 pour le gaz, le fioul, le bois, "
    "le propane et le réseau de chaleur ; 0 pour l'électricité. Si vous vous chauffez à "
    "l'électricité, indiquez par exemple 0,6 quand le chauffage fait environ 60 % de votre "
    "facture. Elle sert à tenir compte de la météo : un hiver plus froid que l'an dernier ne "
    "vous pénalise pas."
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

    class Meta:
        model = Meter
        fields = ["carrier", "label", "unit", "heating_share", "has_offpeak", "is_active"]
        help_texts = {
            "has_offpeak": _("Électricité seulement : votre compteur affiche deux index."),
            "is_active": _("Décochez quand le compteur ne sert plus (déménagement, remplacement)."),
        }

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
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
        return cleaned

    def values(self) -> dict[str, Any]:
        """The cleaned values, as the services take them."""
        names = ["carrier", "unit", "label", "heating_share", "has_offpeak"]
        values = {name: self.cleaned_data[name] for name in names}
        if "is_active" in self.fields:
            values["is_active"] = self.cleaned_data["is_active"]
        return values
