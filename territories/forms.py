from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from territories.models import Membership, Partner, Role, Territory

MAX_LOGO_BYTES = 2 * 1024 * 1024


def _check_logo_size(image):  # type: ignore[no-untyped-def]
    if image and getattr(image, "size", 0) > MAX_LOGO_BYTES:
        raise forms.ValidationError(_("L'image dépasse 2 Mo : réduisez-la avant de l'envoyer."))
    return image


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = [
            "name",
            "tagline",
            "description",
            "logo",
            "accent_color",
            "website",
            "contact_email",
        ]
        widgets = {
            "accent_color": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "accent_color": _("Utilisée pour les bandeaux et les badges de votre espace."),
            "logo": _("PNG, JPEG ou WebP, 2 Mo au plus."),
        }

    def clean_logo(self):  # type: ignore[no-untyped-def]
        return _check_logo_size(self.cleaned_data.get("logo"))


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "url", "logo", "position"]
        help_texts = {"position": _("Les partenaires sont affichés dans cet ordre.")}

    def clean_logo(self):  # type: ignore[no-untyped-def]
        return _check_logo_size(self.cleaned_data.get("logo"))


class RoleForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        help_text=_("La personne doit déjà avoir un compte Élan."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)

    def __init__(self, *args, territory: Territory, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.territory = territory

    def clean_email(self) -> object:
        email = self.cleaned_data["email"].lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _(
                    "Aucun compte actif n'utilise cette adresse. Demandez à la personne de créer son compte d'abord."
                )
            )
        return user

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        user, role = data.get("email"), data.get("role")
        if (
            user
            and role
            and Membership.objects.filter(user=user, territory=self.territory, role=role).exists()
        ):
            self.add_error("role", _("Cette personne a déjà ce rôle dans ce territoire."))
        return data
