"""Forms of the events: registration (guests), the organisers' event form,
sessions from the catalogue, attendance, statistics and photos. They
validate; events.services does the writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import CommuneField
from accounts.models import User
from events.models import Attendance, Event, EventKind, EventPhoto
from territories.models import Role, Territory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


class GuestRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Votre nom"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Nous vous envoyons un lien pour confirmer votre inscription."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.")
        },
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon nom et mon adresse e-mail servent à gérer mon inscription "
            "(confirmation, rappel, changements) ; seule l'équipe d'animation les voit."
        ),
        error_messages={"required": _("Cochez cette case pour vous inscrire.")},
    )


class EventForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("Tapez le nom ou le code postal, puis choisissez dans la liste."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "theme",
            "audience",
            "challenge",
            "description",
            "starts_at",
            "ends_at",
            "place_name",
            "address",
            "commune",
            "latitude",
            "longitude",
            "access_note",
            "online_url",
            "contact",
            "partner",
            "capacity",
            "invited_count",
            "registration_open",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "latitude": _("Facultatif : par défaut, le centre de la commune."),
            "longitude": _("Facultatif : par défaut, le centre de la commune."),
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]
        self.fields["challenge"].queryset = territory.challenges.all()  # type: ignore[attr-defined]
        self.fields["partner"].queryset = territory.partners.all()  # type: ignore[attr-defined]
        self.fields["contact"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(territory_roles__territory=territory, territory_roles__role=Role.ORGANISER)
            | Q(pk=self.instance.contact_id or 0)
        ).distinct()
        self.fields["capacity"].error_messages["min_value"] = _(
            "Indiquez au moins une place, ou laissez vide pour ne pas limiter."
        )

    def clean_starts_at(self) -> dt.datetime:
        starts_at: dt.datetime = self.cleaned_data["starts_at"]
        creating = self.instance.pk is None
        if creating and starts_at < timezone.now():
            raise ValidationError(_("Cette date est passée : choisissez une date à venir."))
        return starts_at

    def clean(self) -> dict[str, Any]:
        # The end-after-start rule is the model's (Event.clean, on ends_at).
        data = super().clean() or {}
        commune = data.get("commune")
        if commune is not None and data.get("latitude") is None and data.get("longitude") is None:
            data["latitude"], data["longitude"] = commune.latitude, commune.longitude
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Indiquez la latitude et la longitude, ou aucune."))
        return data


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de l'annulation"),
        max_length=300,
        help_text=_("Elle figure sur la page de l'événement et dans l'e-mail aux inscrit·es."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez la raison de l'annulation.")},
    )


class FromTemplateForm(forms.Form):
    """The two clicks: a date, a start time and a place."""

    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Heure de début"), widget=TIME_WIDGET)
    place_name = forms.CharField(label=_("Lieu"), max_length=150)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("start") and self.starts_at() < timezone.now():
            self.add_error("date", _("Cette date est passée : choisissez une date à venir."))
        return data

    def starts_at(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["start"])
        return timezone.make_aware(naive)


class PersonForm(forms.Form):
    """A person added by hand by an organiser, or a walk-in at the door."""

    name = forms.CharField(label=_("Nom"), max_length=120)
    email = forms.EmailField(
        label=_("Adresse e-mail (facultatif)"),
        required=False,
        error_messages={
            "invalid": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.")
        },
    )


class AttendanceForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(label=_("Présence"), choices=Attendance.choices)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Au"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("Type d'événement"),
        choices=[("", _("Tous les types")), *EventKind.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période doit être après son début."))
        return data


class PhotoForm(forms.ModelForm):
    class Meta:
        model = EventPhoto
        fields = ["image", "alt_text", "caption"]
        error_messages = {
            "alt_text": {
                "required": _(
                    "Décrivez la photo en une phrase pour les personnes qui ne la voient pas."
                )
            },
            "image": {"required": _("Choisissez une photo.")},
        }

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image is not None and Path(image.name).suffix.lower() not in PHOTO_SUFFIXES:
            raise ValidationError(_("Envoyez une photo au format JPEG, PNG ou WebP."))
        if image is not None and image.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("Cette photo dépasse 8 Mo : réduisez-la avant de l'envoyer."))
        return image
