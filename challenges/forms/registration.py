from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentText, Household
from challenges.models import Challenge, Registration, RegistrationStatus, Team, Theme
from challenges.services.registration import MANUAL_STATUSES, missing_meter_themes

MISSING_METER_MESSAGES = {
    Theme.ENERGY: _(
        "Ce défi mesure l'énergie : déclarez au moins un compteur d'énergie "
        "(électricité, gaz, fioul, bois…)."
    ),
    Theme.WATER: _("Ce défi mesure l'eau : déclarez votre compteur d'eau."),
}


class RegistrationForm(forms.Form):
    team_code = forms.CharField(
        label=_("Code d'invitation d'une équipe (facultatif)"),
        max_length=12,
        required=False,
        help_text=_("Le code que votre capitaine vous a donné, par exemple « K7PQ2MZX »."),
    )
    is_association_member = forms.BooleanField(required=False)
    consent = forms.BooleanField(
        label=_("J'accepte l'utilisation des données de mon foyer décrite ci-dessus."),
        error_messages={"required": _("Votre accord est nécessaire pour participer au défi.")},
    )

    def __init__(
        self,
        *args: Any,
        challenge: Challenge,
        household: Household,
        consent_text: ConsentText | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.household = household
        self.consent_text = consent_text
        if challenge.organising_association:
            self.fields["is_association_member"].label = _(
                "Je suis adhérent·e de %(association)s"
            ) % {"association": challenge.organising_association}
        else:
            del self.fields["is_association_member"]

    def clean_team_code(self) -> str:
        code: str = self.cleaned_data["team_code"].strip().upper()
        if code and not Team.objects.filter(challenge=self.challenge, invite_code=code).exists():
            raise forms.ValidationError(
                _(
                    "Ce code ne correspond à aucune équipe de ce défi. Vérifiez-le auprès de "
                    "votre capitaine, ou laissez le champ vide pour vous inscrire seul."
                )
            )
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for theme in missing_meter_themes(self.challenge, self.household):
            self.add_error(None, MISSING_METER_MESSAGES[Theme(theme)])
        return cleaned


class RegistrationOptionsForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["shares_values_with_team", "reminders_paused"]
        labels = {
            "shares_values_with_team": _("Partager mes chiffres avec mon équipe"),
            "reminders_paused": _("Mettre mes rappels en pause"),
        }
        help_texts = {
            "shares_values_with_team": _(
                "Sans cette option, votre capitaine voit seulement si vos relevés sont à jour, "
                "pas leurs valeurs."
            ),
            "reminders_paused": _(
                "Vous ne recevez plus les rappels de relevés ni les relances du capitaine."
            ),
        }


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Décision"),
        choices=[(s.value, s.label) for s in MANUAL_STATUSES],
    )
    reason = forms.CharField(
        label=_("Explication donnée au foyer"),
        max_length=250,
        help_text=_("Par exemple « Retenu : seul foyer chauffé au bois de la commune »."),
    )

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        return RegistrationStatus(status).value
