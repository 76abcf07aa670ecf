"""Forms of the actors' network. They validate (with the same checks as
network.services, so that each message sits next to its field); the
services write."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import CommuneField
from commons.models import Resource
from network import services
from network.dedup import find_contact
from network.identifiers import (
    normalise_insee,
    normalise_rna,
    normalise_siret,
    validate_rna,
    validate_siret,
)
from network.models import (
    NO_MEMBERSHIP,
    OVERDUE_DAYS,
    Actor,
    ActorKind,
    Charter,
    Contact,
    ContactChannel,
    ContactLog,
    MembershipStatus,
)
from network.segments import Segment
from network.selectors import MAX_DAYS, DirectoryFilters
from territories.models import Commune, Territory
from territories.themes import Theme

LOGO_MAX_BYTES = 2 * 1024 * 1024
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActorCommuneField(CommuneField):
    """The commune search field, where an arrondissement code of Paris, Lyon
    or Marseille (75112, 69383, 13201) means the city."""

    def to_python(self, value: Any) -> Commune | None:
        if isinstance(value, str) and value.strip()[:2].isdigit() and len(value.strip()) == 5:
            value = normalise_insee(value)
        return super().to_python(value)


def _theme_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def split_tags(value: str) -> list[str]:
    return services.clean_tags(value.replace(";", ",").split(","))


class ActorForm(forms.ModelForm):
    commune = ActorCommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("Tapez le nom, le code postal ou le code INSEE, puis choisissez."),
    )
    themes = _theme_field()
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres, pour les entreprises et les associations qui en ont un."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rna = forms.CharField(
        label=_("Numéro RNA"),
        required=False,
        max_length=14,
        help_text=_(
            "W suivi de 9 chiffres. Les associations d'Alsace-Moselle n'en ont pas : "
            "indiquez plutôt leur inscription au tribunal."
        ),
    )
    tags = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=600,
        help_text=_("Séparés par des virgules, par exemple : réemploi, couture, jardin."),
    )

    class Meta:
        model = Actor
        fields = list(services.ACTOR_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
        }

    field_order = [
        "name",
        "kind",
        "commune",
        "address",
        "postal_code",
        "website",
        "description",
        "themes",
        "tags",
        "logo",
        "logo_alt",
        "siret",
        "rna",
        "local_register_court",
        "local_register_volume",
        "local_register_folio",
        "practice_sheet_url",
        "listed",
    ]

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        if self.instance.pk:
            self.initial.setdefault("themes", self.instance.theme_codes)
            self.initial.setdefault("tags", ", ".join(self.instance.tag_labels))
            self.initial["commune"] = self.instance.commune

    def clean_siret(self) -> str:
        value = normalise_siret(self.cleaned_data.get("siret") or "")
        if value:
            validate_siret(value)
        return value

    def clean_rna(self) -> str:
        value = normalise_rna(self.cleaned_data.get("rna") or "")
        if value:
            validate_rna(value)
        return value

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("Le logo pèse plus de %(max)s : réduisez-le.")
                % {"max": filesizeformat(LOGO_MAX_BYTES)}
            )
        return logo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        known = {k: v for k, v in data.items() if k not in self.errors}
        problems = services.actor_errors(
            territory=self.territory, data=known, actor=self.instance if self.instance.pk else None
        )
        for field, messages in problems.items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "data": {name: data[name] for name in services.ACTOR_FIELDS if name in data},
            "themes": data.get("themes") or [],
            "tags": split_tags(data.get("tags") or ""),
        }


class ContactForm(forms.ModelForm):
    give_access = forms.BooleanField(
        label=_("Donner accès à la fiche de l'acteur"),
        required=False,
        help_text=_(
            "La personne, avec son compte Élan à cette adresse, met elle-même à jour la fiche."
        ),
    )

    class Meta:
        model = Contact
        fields = list(services.CONTACT_FIELDS)
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.initial.setdefault("give_access", bool(self.instance.user_id))

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        twin = find_contact(actor=self.actor, email=email, exclude=self.instance)
        if twin is not None:
            raise forms.ValidationError(
                _("%(name)s a déjà cette adresse.") % {"name": twin.full_name}
            )
        return email


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["happened_on", "channel", "contact", "subject", "notes"]
        widgets = {"happened_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        contact = cast(forms.ModelChoiceField, self.fields["contact"])
        contact.queryset = actor.contacts.order_by("last_name", "first_name")
        contact.empty_label = str(_("— personne en particulier —"))
        self.fields["channel"].initial = ContactChannel.PHONE
        self.initial.setdefault("happened_on", timezone.localdate())

    def clean_happened_on(self) -> dt.date:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return day


class MembershipAction:
    CANDIDATE = "candidat"
    JOIN = "membre"
    DECLINE = "decliner"
    LEAVE = "quitter"


class MembershipForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Que s'est-il passé ?"),
        widget=forms.RadioSelect,
        choices=[
            (MembershipAction.CANDIDATE, _("Candidat : l'adhésion est en discussion")),
            (MembershipAction.JOIN, _("Membre : l'acteur a rejoint le réseau")),
            (MembershipAction.DECLINE, _("Candidature déclinée")),
            (MembershipAction.LEAVE, _("L'acteur a quitté le réseau")),
        ],
    )
    joined_on = forms.DateField(label=_("Membre depuis le"), required=False, widget=DATE_WIDGET)
    charter = forms.ModelChoiceField(
        label=_("Version de la charte signée"),
        queryset=Charter.objects.none(),
        required=False,
        empty_label=_("— aucune (membre de droit, ou charte non signée) —"),
    )
    charter_signed_on = forms.DateField(
        label=_("Charte signée le"), required=False, widget=DATE_WIDGET
    )
    reason = forms.CharField(
        label=_("Raison du refus"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    left_on = forms.DateField(label=_("Parti le"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        charter = cast(forms.ModelChoiceField, self.fields["charter"])
        charter.queryset = Charter.objects.filter(territory=actor.territory).order_by("-version")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        today = timezone.localdate()
        required = {
            MembershipAction.JOIN: ("joined_on", _("Indiquez la date d'adhésion.")),
            MembershipAction.DECLINE: ("reason", _("Indiquez la raison du refus.")),
            MembershipAction.LEAVE: ("left_on", _("Indiquez la date de départ.")),
        }
        if action in required:
            field, message = required[action]
            if not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        for field in ("joined_on", "charter_signed_on", "left_on"):
            if data.get(field) and data[field] > today:
                self.add_error(field, _("La date ne peut pas être dans le futur."))
        return data


class DirectoryFilterForm(forms.Form):
    """The filters of a directory, in a plain GET form (a filtered list has a
    shareable address). The public one has no status nor overdue filter."""

    q = forms.CharField(label=_("Nom"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types")), *ActorKind.choices],
    )
    theme = forms.ChoiceField(
        label=_("Thème"), required=False, choices=[("", _("Tous les thèmes")), *Theme.choices]
    )
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    status = forms.ChoiceField(
        label=_("Adhésion"),
        required=False,
        choices=[
            ("", _("Toutes")),
            *MembershipStatus.choices,
            (NO_MEMBERSHIP, _("Sans adhésion")),
        ],
    )
    overdue = forms.BooleanField(label=_("Seulement les membres à recontacter"), required=False)

    def __init__(
        self, *args: Any, communes: list[Commune], public: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        commune = cast(forms.ChoiceField, self.fields["commune"])
        commune.choices = [("", _("Toutes les communes")), *((c.pk, c.name) for c in communes)]
        if public:
            for name in ("status", "overdue"):
                del self.fields[name]

    def filters(self) -> DirectoryFilters:
        """The valid filters only: a wrong one is reported, the others apply."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return DirectoryFilters(
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            commune=data.get("commune") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            q=(data.get("q") or "").strip(),
        )


class DaysForm(forms.Form):
    jours = forms.IntegerField(
        label=_("Sans contact depuis plus de (jours)"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def days(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("jours"):
            return int(self.cleaned_data["jours"])
        return OVERDUE_DAYS


class JoinForm(forms.Form):
    required_css_class = "required"
    ORGANISATION = ("name", "kind", "commune", "website", "siret", "rna", "themes", "message")
    PERSON = ("first_name", "last_name", "role", "email", "phone")

    name = forms.CharField(label=_("Nom de votre structure"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de structure"), choices=ActorKind.choices)
    commune = ActorCommuneField(
        label=_("Commune"),
        help_text=_("Tapez le nom ou le code postal, puis choisissez dans la liste."),
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("Facultatif. 14 chiffres, si votre structure en a un."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rna = forms.CharField(
        label=_("Numéro RNA"),
        required=False,
        max_length=14,
        help_text=_(
            "Facultatif, pour une association : W suivi de 9 chiffres. En Alsace-Moselle, "
            "les associations inscrites au tribunal n'en ont pas : laissez vide."
        ),
    )
    themes = _theme_field()
    message = forms.CharField(
        label=_("Ce que vous faites, ce que vous aimeriez faire avec le réseau"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    listed = forms.BooleanField(
        label=_("Nous acceptons de figurer dans l'annuaire public du réseau"),
        required=False,
        help_text=_("Nom, type, commune, site et thèmes : jamais vos coordonnées personnelles."),
    )
    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Votre nom"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    role = forms.CharField(
        label=_("Votre fonction dans la structure"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Nous vous y envoyons un lien pour confirmer la demande."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Votre téléphone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    accept_charter = forms.BooleanField(
        label=_("Nous avons lu la charte du réseau et nous l'acceptons"),
        error_messages={"required": _("Pour rejoindre le réseau, acceptez sa charte.")},
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que l'équipe d'animation garde mes coordonnées pour les échanges du réseau"
        ),
        help_text=_("Vous pouvez les faire effacer à tout moment en écrivant à l'équipe."),
        error_messages={"required": _("Sans votre accord, nous ne pouvons pas vous recontacter.")},
    )

    def __init__(self, *args: Any, charter: Charter | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if charter is None:
            del self.fields["accept_charter"]

    def organisation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ORGANISATION]

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PERSON]

    def clean_siret(self) -> str:
        value = normalise_siret(self.cleaned_data.get("siret") or "")
        if value:
            validate_siret(value)
        return value

    def clean_rna(self) -> str:
        value = normalise_rna(self.cleaned_data.get("rna") or "")
        if value:
            validate_rna(value)
        return value


class DecisionForm(forms.Form):
    ACCEPT, DECLINE = "accepter", "decliner"

    decision = forms.ChoiceField(
        label=_("Décision"),
        widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accepter la demande")), (DECLINE, _("Décliner la demande"))],
    )
    merge = forms.ChoiceField(
        label=_("Dans l'annuaire"),
        widget=forms.RadioSelect,
        required=False,
        choices=[("nouveau", _("Créer une nouvelle fiche"))],
    )
    reason = forms.CharField(
        label=_("Raison du refus (envoyée à la personne)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, match: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.match = match
        merge = cast(forms.ChoiceField, self.fields["merge"])
        fresh = ("nouveau", _("Créer une nouvelle fiche"))
        if match is not None:
            existing = _("Rattacher à la fiche existante « %(name)s »") % {"name": match.name}
            merge.choices = [(str(match.pk), existing), fresh]
            merge.initial = str(match.pk)
        else:
            merge.choices = [fresh]
            merge.initial = "nouveau"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez la raison : elle est envoyée à la personne."))
        return data

    def merge_into(self) -> Actor | None:
        chosen = self.cleaned_data.get("merge") or ""
        if self.match is not None and chosen == str(self.match.pk):
            return self.match
        return None


class CharterForm(forms.ModelForm):
    class Meta:
        model = Charter
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class SegmentForm(forms.Form):
    """Who a newsletter or an invitation goes to (network/segments.py):
    checkboxes, nothing ticked in a group means « no condition »."""

    kinds = forms.MultipleChoiceField(
        label=_("Types d'acteurs"),
        required=False,
        choices=ActorKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    communes = forms.MultipleChoiceField(
        label=_("Communes"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    statuses = forms.MultipleChoiceField(
        label=_("Adhésion"),
        required=False,
        choices=MembershipStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    trained = forms.ChoiceField(
        label=_("Formation des acteurs relais"),
        required=False,
        choices=[("", _("Peu importe")), ("oui", _("Formés")), ("non", _("Pas encore formés"))],
    )
    council = forms.ChoiceField(
        label=_("Conseils des acteurs"),
        required=False,
        choices=[
            ("", _("Peu importe")),
            ("present", _("Venus à au moins un conseil")),
            ("absent", _("Jamais venus à un conseil")),
        ],
    )

    def __init__(self, *args: Any, communes: list[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["communes"])
        field.choices = [(c.pk, c.name) for c in communes]

    def segment(self) -> Segment:
        """The valid part of the segment."""
        self.is_valid()
        return Segment.from_dict(getattr(self, "cleaned_data", {}))


SHEET_ADDRESS = re.compile(r"(?:^|/)commun/r/(?P<slug>[-\w]+)/?(?:[?#].*)?$")


class PracticeSheetForm(forms.Form):
    """Link one of the commons' sheets to an actor, by its address (or the
    short address at its end)."""

    address = forms.CharField(
        label=_("Adresse de la fiche dans le commun"),
        max_length=300,
        help_text=_(
            "Copiez l'adresse de la page de la fiche, par exemple "
            "https://elan.example.org/commun/r/compostage-partage/."
        ),
    )

    def clean_address(self) -> Resource:
        text = self.cleaned_data["address"].strip()
        found = SHEET_ADDRESS.search(text)
        slug = found.group("slug") if found else text.strip("/")
        resource = Resource.objects.published().filter(slug=slug).first() if slug else None
        if resource is None:
            raise forms.ValidationError(
                _(
                    "Aucune fiche publiée du commun n'a cette adresse : ouvrez la fiche dans "
                    "le commun et copiez l'adresse de sa page."
                )
            )
        return resource
