"""Forms of pledge campaigns. They validate; pledges.services writes."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.forms import CommuneField
from accounts.models import User
from pledges.models import ActivityMode, Audience, Campaign, Operation
from pledges.services import CAMPAIGN_FIELDS
from territories.models import Territory

# Paths under /t/<territory>/engagements/ that a campaign slug would shadow.
RESERVED_SLUGS = {"gerer", "operation"}
DOMAIN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
PHOTO_MAX_BYTES = 8 * 1024 * 1024
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _unique_slug(
    model: type[Any], territory: Territory, instance: Any, wanted: str, title: str
) -> str:
    def taken(slug: str) -> bool:
        others = model.objects.filter(territory=territory, slug=slug)
        return slug in RESERVED_SLUGS or others.exclude(pk=instance.pk).exists()

    if wanted:
        if taken(wanted):
            raise forms.ValidationError(
                _(
                    "Cette adresse courte est déjà prise dans ce territoire : choisissez-en une autre."
                )
            )
        return wanted
    base = slugify(title)[:70] or "campagne"
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


class CampaignForm(forms.ModelForm):
    sites = forms.CharField(
        label=_("Sites ou équipes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pour une campagne d'entreprise : un site ou une équipe par ligne. Chaque participant·e choisit le sien ; les sites sont classés."
        ),
    )
    activity_modes = forms.MultipleChoiceField(
        label=_("Modes déclarables"),
        choices=ActivityMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Laissez vide pour proposer tous les modes."),
    )

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "counterpart": forms.Textarea(attrs={"rows": 3}),
            "deadline": DATETIME_WIDGET,
            "audience": forms.RadioSelect,
        }
        help_texts = {
            "slug": _(
                "Utilisée dans l'adresse de la page (lettres, chiffres et tirets). Laissez vide pour la déduire du titre."
            ),
            "participants_goal": _(
                "Nombre de personnes engagées (adresse e-mail confirmée) qui déclenche la contrepartie."
            ),
            "allowed_domains": _(
                "Campagne réservée : seules les adresses de ces domaines peuvent s'engager (ex. : humanis.fr, exemple.org). Sans domaine, le code d'invitation est demandé."
            ),
            "invite_code": _(
                "Campagne réservée sans domaine : le code à donner aux membres de l'organisation."
            ),
        }
        error_messages = {
            "participants_goal": {
                "min_value": _("Le seuil doit être d'au moins 1 personne."),
                "required": _("Indiquez combien de personnes doivent s'engager."),
            },
            "counterpart": {
                "required": _(
                    "Décrivez ce que le parrain s'engage à faire si le seuil est atteint."
                )
            },
            "action": {"required": _("Décrivez l'action à laquelle on s'engage.")},
            "deadline": {"required": _("Indiquez la date limite de la campagne.")},
            "sponsor": {
                "required": _("Choisissez le parrain parmi les partenaires du territoire.")
            },
            "title": {"required": _("Donnez un titre à la campagne.")},
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.instance.territory = territory
        self.fields["slug"].required = False
        self.fields["invite_code"].required = False
        sponsor = cast(forms.ModelChoiceField, self.fields["sponsor"])
        sponsor.queryset = territory.partners.order_by("position", "name")
        sponsor.help_text = _(
            "Les partenaires se gèrent depuis la page « Partenaires » du territoire."
        )
        operation = cast(forms.ModelChoiceField, self.fields["operation"])
        operation.queryset = territory.pledge_operations.order_by("title")
        if not self.is_bound:
            self.initial["sites"] = "\n".join(self.instance.sites or [])
        self.fields["participants_goal"].widget.attrs.update({"min": 1, "inputmode": "numeric"})

    def clean_slug(self) -> str:
        return _unique_slug(
            Campaign,
            self.territory,
            self.instance,
            self.cleaned_data.get("slug") or "",
            self.cleaned_data.get("title") or "",
        )

    def clean_counterpart(self) -> str:
        text = self.cleaned_data["counterpart"].strip()
        if not text:
            raise forms.ValidationError(self.fields["counterpart"].error_messages["required"])
        return text

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        # An unchanged deadline may be past (editing the text of a closed campaign).
        unchanged = self.instance.pk and deadline == self.instance.deadline
        if deadline <= timezone.now() and not unchanged:
            raise forms.ValidationError(_("La date limite doit être dans le futur."))
        return deadline

    def clean_allowed_domains(self) -> str:
        raw = self.cleaned_data["allowed_domains"]
        domains = [d.strip().lower().lstrip("@") for d in re.split(r"[,;\s]+", raw) if d.strip()]
        wrong = [d for d in domains if not DOMAIN.match(d)]
        if wrong:
            raise forms.ValidationError(
                _("Ces domaines ne sont pas valables : %(domains)s. Exemple attendu : exemple.org.")
                % {"domains": ", ".join(wrong)}
            )
        return ", ".join(dict.fromkeys(domains))

    def clean_invite_code(self) -> str:
        return self.cleaned_data["invite_code"].strip().upper()

    def clean_sites(self) -> list[str]:
        lines = [" ".join(s.split()) for s in self.cleaned_data["sites"].splitlines()]
        sites = list(dict.fromkeys(s for s in lines if s))
        if any(len(s) > 80 for s in sites):
            raise forms.ValidationError(_("Un nom de site ne doit pas dépasser 80 caractères."))
        return sites

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        restricted = data.get("audience") == Audience.ORGANISATION
        if restricted and not data.get("allowed_domains") and not data.get("invite_code"):
            self.add_error(
                "invite_code",
                _("Une campagne réservée demande des domaines d'adresse ou un code d'invitation."),
            )
        return data


class OperationForm(forms.ModelForm):
    class Meta:
        model = Operation
        fields = ["title", "slug", "organisation", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "slug": _("Laissez vide pour la déduire du titre."),
        }
        error_messages = {"title": {"required": _("Donnez un titre à l'opération.")}}

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.instance.territory = territory
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        return _unique_slug(
            Operation,
            self.territory,
            self.instance,
            self.cleaned_data.get("slug") or "",
            self.cleaned_data.get("title") or "",
        )


class EmailListField(forms.CharField):
    """E-mail addresses of existing accounts, one per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> list[User]:  # type: ignore[override]
        text = super().clean(value)
        emails = list(dict.fromkeys(e.lower() for e in re.split(r"[,;\s]+", text) if e))
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("« %(email)s » n'est pas une adresse e-mail valable.") % {"email": email}
                ) from error
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [e for e in emails if e not in users]
        if unknown:
            raise forms.ValidationError(
                _(
                    "Aucun compte Élan n'existe pour : %(emails)s. Demandez à ces personnes de créer leur compte, puis recommencez."
                )
                % {"emails": ", ".join(unknown)}
            )
        return [users[e] for e in emails]


class ContactsForm(forms.Form):
    sponsor_contacts = EmailListField(
        label=_("Contacts du parrain"),
        required=False,
        help_text=_(
            "Adresses e-mail de comptes existants, une par ligne. Ils sont prévenus quand l'objectif est atteint et confirment la contrepartie."
        ),
    )
    agents = EmailListField(
        label=_("Agents de terrain"),
        required=False,
        help_text=_(
            "Adresses e-mail de comptes existants, une par ligne. Ils enregistrent des engagements en porte-à-porte ou sur un stand."
        ),
    )


class FulfilForm(forms.Form):
    text = forms.CharField(
        label=_("Ce que le parrain a fait"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce texte est publié sur la page de la campagne."),
        error_messages={"required": _("Dites en quelques mots ce qui a été fait.")},
    )
    photo = forms.ImageField(
        label=_("Photo (facultative)"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 8 Mo au plus. Elle est publique."),
    )
    photo_alt = forms.CharField(
        label=_("Description de la photo"),
        max_length=250,
        required=False,
        help_text=_("Obligatoire avec une photo : ce qu'elle montre, pour qui ne la voit pas."),
    )

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("La photo pèse %(size)s : 8 Mo au plus.") % {"size": filesizeformat(photo.size)}
            )
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Décrivez la photo pour qui ne la voit pas."))
        return data


class CommitForm(forms.Form):
    """The one short form of a self-service commitment."""

    first_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=60,
        help_text=_("Affiché sur la page avec votre commune."),
        error_messages={"required": _("Indiquez un prénom ou un pseudonyme.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={
            "required": _("Indiquez votre adresse e-mail pour confirmer votre engagement."),
            "invalid": _("Cette adresse e-mail n'est pas valable (exemple : nom@exemple.fr)."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    commune = CommuneField(
        label=_("Commune"),
        help_text=_("Tapez le nom ou le code postal, puis choisissez dans la liste."),
        error_messages={"required": _("Indiquez votre commune.")},
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon engagement soit compté et que mon prénom ou pseudonyme et ma commune soient affichés sur la page."
        ),
        help_text=_(
            "Votre adresse e-mail sert uniquement à confirmer votre engagement et à vous prévenir quand l'objectif est atteint ou la promesse tenue. Elle n'est jamais publiée ni transmise au parrain."
        ),
        error_messages={"required": _("Cochez la case pour vous engager.")},
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["first_name"].widget.attrs["autocomplete"] = "nickname"
        if campaign.sites:
            self.fields["site"] = forms.ChoiceField(
                label=_("Votre site ou équipe"),
                choices=[("", _("— choisissez —")), *((s, s) for s in campaign.sites)],
                error_messages={"required": _("Choisissez votre site ou équipe.")},
            )
        if campaign.restricted_by_code:
            self.fields["invite_code"] = forms.CharField(
                label=_("Code d'invitation"),
                max_length=12,
                help_text=_("Le code transmis par votre organisation."),
                error_messages={"required": _("Indiquez le code d'invitation.")},
            )
        elif campaign.audience == Audience.ORGANISATION:
            self.fields["email"].help_text = _("Votre adresse professionnelle (%(domains)s).") % {
                "domains": ", ".join(campaign.domains)
            }
        self.order_fields(["first_name", "email", "commune", "site", "invite_code", "consent"])

    def clean_first_name(self) -> str:
        name = " ".join(self.cleaned_data["first_name"].split())
        if not name:
            raise forms.ValidationError(self.fields["first_name"].error_messages["required"])
        return name
