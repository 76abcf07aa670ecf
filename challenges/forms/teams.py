"""Forms of the teams pages. Choices come from lists the view already loaded,
so that rendering a page of forty teams does not run forty queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from challenges.models import Challenge, Registration, Team
from elan.forms import QuickSelect
from territories.models import Commune


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'équipe"), max_length=80)
    commune = forms.ModelChoiceField(
        label=_("Commune principale"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("— aucune —"),
    )

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = challenge.territory.communes.order_by("name")  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Donnez un nom à l'équipe."))
        return name


class TeamFilterForm(forms.Form):
    """The organiser's page of teams is paginated: a search and a filter find the team
    to work on among a hundred."""

    q = forms.CharField(
        label=_("Rechercher une équipe, un foyer ou un·e capitaine"),
        required=False,
        max_length=80,
    )
    a_completer = forms.BooleanField(
        label=_(
            "Seulement les équipes à compléter (moins de 3 foyers, capitaine à désigner ou à former)"
        ),
        required=False,
    )

    def clean_q(self) -> str:
        return str(self.cleaned_data["q"]).strip()


def _household_label(registration: Registration) -> str:
    household = registration.household
    return f"{household.name} — {household.commune.name}"


class TeamMoveForm(forms.Form):
    # Hundreds of households and teams: QuickSelect renders them without a
    # template per option.
    registration = forms.TypedChoiceField(label=_("Foyer"), coerce=int, widget=QuickSelect)
    team = forms.TypedChoiceField(
        label=_("Vers l'équipe"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )

    def __init__(
        self,
        *args: Any,
        registrations: Sequence[Registration],
        teams: Sequence[Team],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = {r.pk: r for r in registrations}
        self.teams = {t.pk: t for t in teams}
        self._list(registrations)
        self.fields["team"].choices = [("", _("Sans équipe"))] + [  # type: ignore[attr-defined]
            (t.pk, t.name) for t in teams
        ]
        self.fields["registration"].error_messages["invalid_choice"] = _(
            "Ce foyer n'est pas retenu pour ce défi."
        )
        self.fields["team"].error_messages["invalid_choice"] = _(
            "Cette équipe n'existe pas dans ce défi."
        )

    def offer(self, registrations: Sequence[Registration]) -> TeamMoveForm:
        """Narrow the households listed to those of the page shown (plus the one
        chosen), once the form has been validated against all of them."""
        offered = list(registrations)
        chosen = getattr(self, "cleaned_data", {}).get("registration")
        if chosen is not None and chosen not in offered:
            offered.append(chosen)
        self._list(offered)
        return self

    def _list(self, registrations: Sequence[Registration]) -> None:
        self.fields["registration"].choices = [("", _("— choisir un foyer —"))] + [  # type: ignore[attr-defined]
            (r.pk, _household_label(r)) for r in registrations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "registration" in data:
            data["registration"] = self.registrations[data["registration"]]
        if data.get("team") is not None:
            data["team"] = self.teams[data["team"]]
        return data


class CaptainForm(forms.Form):
    """For organisers, who see e-mails: two « Camille » must stay distinguishable."""

    captain = forms.TypedChoiceField(
        label=_("Capitaine"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    captain_trained = forms.BooleanField(label=_("Capitaine formé·e"), required=False)

    def __init__(self, *args: Any, members: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["captain"].choices = [("", _("— aucun·e capitaine —"))] + [  # type: ignore[attr-defined]
            (m.pk, f"{m.public_name} <{m.email}>") for m in members
        ]
        self.fields["captain"].error_messages["invalid_choice"] = _(
            "Le ou la capitaine doit faire partie d'un foyer de l'équipe."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("captain") is not None:
            data["captain"] = self.members[data["captain"]]
        if data.get("captain_trained") and data.get("captain") is None and "captain" in data:
            self.add_error(
                "captain_trained", _("Désignez d'abord un·e capitaine avant de cocher « formé·e ».")
            )
        return data


class JoinTeamForm(forms.Form):
    code = forms.CharField(
        label=_("Code d'invitation"),
        max_length=12,
        help_text=_("Huit caractères, donnés par votre capitaine ou un membre de l'équipe."),
    )

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.team: Team | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper().replace(" ", "")
        team = Team.objects.select_related("challenge").filter(invite_code=code).first()
        if team is None:
            raise forms.ValidationError(
                _("Ce code d'invitation est inconnu. Vérifiez-le auprès de votre capitaine.")
            )
        if team.challenge_id != self.challenge.pk:
            raise forms.ValidationError(
                _("Ce code correspond à une équipe d'un autre défi (« %(title)s »).")
                % {"title": team.challenge.title}
            )
        self.team = team
        return code
