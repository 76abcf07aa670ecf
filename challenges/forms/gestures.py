from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge, EcoGesture, GestureStatus, NotForMeReason, Theme
from challenges.services.gestures import tick_day_error


class GestureChoiceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Votre choix"),
        choices=GestureStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une des trois réponses.")},
    )
    reason = forms.ChoiceField(
        label=_("Pourquoi ce geste n'est pas pour vous ?"),
        choices=[("", _("— Choisir une raison —")), *NotForMeReason.choices],
        required=False,
        help_text=_("Obligatoire si vous répondez « Pas pour moi »."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == GestureStatus.NOT_FOR_ME:
            if not data.get("reason"):
                self.add_error("reason", _("Indiquez pourquoi ce geste n'est pas pour vous."))
        else:
            data["reason"] = ""
        return data


class GestureTickForm(forms.Form):
    day = forms.DateField(
        label=_("Jour"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez le jour."),
            "invalid": _("Saisissez une date valide."),
        },
    )

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        widget = self.fields["day"].widget
        widget.attrs["min"] = challenge.starts_on.isoformat()
        widget.attrs["max"] = min(timezone.localdate(), challenge.ends_on).isoformat()

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        error = tick_day_error(self.challenge, day)
        if error:
            raise forms.ValidationError(error)
        return day


class EcoGestureForm(forms.ModelForm):
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)

    class Meta:
        model = EcoGesture
        fields = ["theme", "title", "explanation", "saving_estimate", "saving_source", "position"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "saving_estimate": _(
                "Un ordre de grandeur, par exemple « ≈ 7 % du chauffage par degré ». Laissez vide si aucune source fiable."
            ),
            "saving_source": _(
                "Obligatoire si une économie est indiquée (ADEME, Centre d'information sur l'eau…)."
            ),
            "position": _("Les gestes d'un thème sont affichés dans cet ordre."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("saving_estimate") and not data.get("saving_source"):
            self.add_error("saving_source", _("Indiquez la source de cette estimation."))
        return data
