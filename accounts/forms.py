"""Forms of the accounts module. They validate; services do the writing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentText, Household, User

if TYPE_CHECKING:
    from territories.models import Commune

# « Crest (26400) », as the commune search lists them.
_NAME_AND_CODE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<code>[0-9][0-9AB][0-9]{3})\s*\)$", re.I)
_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$", re.I)


class SignupForm(AllauthSignupForm):
    """allauth's signup, plus a display name and the acceptance of the terms."""

    display_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=80,
        required=False,
        help_text=_("Facultatif. C'est le nom que verra votre équipe."),
    )

    field_order = ["email", "display_name", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        self.terms = ConsentText.current(ConsentText.TERMS)
        if self.terms is not None:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("J'accepte les conditions d'utilisation"),
                help_text=format_html(
                    '<a href="{}#cgu" target="_blank" rel="noopener">{}</a>',
                    reverse("accounts:privacy"),
                    _("Lire les conditions d'utilisation (nouvel onglet)"),
                ),
                error_messages={
                    "required": _("Pour créer un compte, acceptez les conditions d'utilisation.")
                },
            )

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "display_name"]
        labels = {"display_name": _("Prénom ou pseudonyme")}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }


class CommuneInput(forms.TextInput):
    """A text input whose suggestions (a datalist) come from the commune search."""

    template_name = "accounts/widgets/commune_input.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        input_id = widget_attrs.get("id") or f"id_{name}"
        list_id = f"{input_id}_suggestions"
        widget_attrs.update({"list": list_id, "autocomplete": "off"})
        try:
            search_url = reverse("territories:commune_search")
        except NoReverseMatch:
            # Without the search endpoint the field still works: typing a
            # name or a postal code is enough.
            search_url = ""
        if search_url:
            widget_attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{list_id}",
                    "hx-swap": "innerHTML",
                    # static/js/elan.js sends the typed text as `q` (no
                    # `js:` value: the Content-Security-Policy forbids eval).
                    "data-search-param": "q",
                }
            )
        context["widget"]["list_id"] = list_id
        return context


class CommuneField(forms.Field):
    """Accepts an INSEE code, a postal code, « Nom (CP) » or a name that is unique."""

    widget = CommuneInput
    default_error_messages = {
        "not_found": _("Commune introuvable : vérifiez l'orthographe ou tapez le code postal."),
        "ambiguous": _(
            "Plusieurs communes portent ce nom : choisissez-la dans la liste "
            "ou précisez le code postal."
        ),
    }

    def prepare_value(self, value: Any) -> Any:
        # Shows « Crest (26400) » for the stored INSEE code (the initial value
        # of a model form) or for a code typed by the user.
        from territories.models import Commune

        if isinstance(value, Commune):
            return str(value)
        if isinstance(value, str) and _CODE.match(value):
            found = Commune.objects.filter(pk=value.upper()).first()
            return str(found) if found else value
        return value

    def to_python(self, value: Any) -> Commune | None:
        from territories.models import Commune, normalize_name

        if isinstance(value, Commune):
            return value
        text = " ".join(str(value or "").split())
        if not text:
            return None
        if _CODE.match(text):
            candidates = Commune.objects.filter(insee_code=text.upper())
            if not candidates.exists():
                candidates = Commune.objects.filter(postal_codes__contains=f" {text}")
        elif match := _NAME_AND_CODE.match(text):
            candidates = Commune.objects.filter(
                search_name=normalize_name(match["name"]),
                postal_codes__contains=f" {match['code'].upper()}",
            )
        else:
            candidates = Commune.objects.filter(search_name=normalize_name(text))
        return self._single(candidates)

    def _single(self, candidates: Any) -> Commune:
        found = list(candidates[:2])
        if not found:
            raise forms.ValidationError(self.error_messages["not_found"], code="not_found")
        if len(found) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return found[0]


class HouseholdForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Commune"),
        help_text=_("Tapez le nom ou le code postal, puis choisissez dans la liste."),
    )

    class Meta:
        model = Household
        fields = [
            "name",
            "adults",
            "children",
            "housing_type",
            "surface_m2",
            "main_heating",
            "commune",
        ]
        help_texts = {
            "name": _(
                "Par exemple « Les Martin » ou « Coloc des Tilleuls ». Visible par votre équipe."
            ),
            "adults": _("Personnes de 18 ans et plus qui vivent dans le logement (1 à 20)."),
            "children": _("Moins de 18 ans (0 à 20)."),
            "surface_m2": _("Facultatif. Surface habitable en m², entre 9 et 1000."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's hints follow the model's validators (the form field
        # only knows that the columns are positive).
        for name, minimum in (("adults", 1), ("children", 0), ("surface_m2", 9)):
            self.fields[name].widget.attrs.update({"min": minimum, "inputmode": "numeric"})

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Donnez un nom à votre foyer."), code="required")
        return name


class PasswordConfirmForm(forms.Form):
    """Confirms an irreversible action with the current password."""

    password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression de mon compte est définitive."),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."), code="wrong_password")
        return password
