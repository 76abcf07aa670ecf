"""Forms of the campaign weeks: an edition, the declaration of an action (its
dates and photos in two small formsets), the moderation, and the filters of
the organisers' list. They validate with the checks of network.campaigns, so
that each message sits next to its field; the services write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commons.files import check_image
from elan.forms import ModelMultipleChoiceField
from network import campaigns
from network.campaigns import MAX_DATES, MAX_PHOTOS, DateIn, PhotoIn
from network.models import (
    ActionStatus,
    Actor,
    CampaignAction,
    CampaignActionPhoto,
    CampaignWeek,
)
from territories.models import Commune, Territory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NEGATIVE = _("Indiquez un nombre positif ou nul.")


class CampaignWeekForm(forms.ModelForm):
    class Meta:
        model = CampaignWeek
        fields = list(campaigns.WEEK_FIELDS)
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "declaration_deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "declaration_deadline": _(
                "Les acteurs déclarent leurs actions jusqu'à ce jour inclus."
            ),
            "staff_day_value": _(
                "Sert à valoriser le temps de travail des partenaires dans les chiffres de l'édition."
            ),
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        value = cast(forms.DecimalField, self.fields["staff_day_value"])
        value.min_value = 0
        value.validators.append(MinValueValidator(0))
        value.error_messages["min_value"] = _("La valeur d'une journée ne peut pas être négative.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        known = {k: v for k, v in data.items() if k not in self.errors}
        week = self.instance if self.instance.pk else None
        for field, messages in campaigns.week_errors(
            territory=self.territory, data=known, week=week
        ).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    def _post_clean(self) -> None:
        # The territory is no field of the form: week_errors checks the dates
        # and the title the model's constraints would (and words them better).
        pass


MAX_ATTENDANCE = 1_000_000


class CampaignActionForm(forms.ModelForm):
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("— choisissez la commune —"),
        error_messages={"invalid_choice": _("Cette commune n'est pas dans le territoire.")},
    )
    partners = ModelMultipleChoiceField(
        label=_("Partenaires co-organisateurs"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=_(
            "Les acteurs du réseau qui organisent l'action avec vous (Ctrl ou Cmd + clic "
            "pour en choisir plusieurs)."
        ),
        error_messages={
            "invalid_choice": _("Cet acteur n'est pas dans le réseau de ce territoire."),
            "invalid_pk_value": _("Cet acteur n'est pas dans le réseau de ce territoire."),
        },
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    remove_photos = ModelMultipleChoiceField(
        label=_("Photos à retirer"),
        queryset=CampaignActionPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CampaignAction
        fields = [*campaigns.ACTION_FIELDS, "partners"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "expected_attendance": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }
        help_texts = {
            "place_name": _("Par exemple : salle des fêtes, marché couvert, école Jean-Macé."),
            "latitude": _(
                "Facultatif : sans coordonnées, l'action est placée au centre de la commune."
            ),
            "staff_days": _(
                "Le temps que vous et vos partenaires y consacrez, en journées (0,5 pour une demi-journée)."
            ),
            "material_expenses": _("Location, impressions, matériel, en euros."),
        }

    field_order = [
        "title",
        "description",
        "place_name",
        "address",
        "commune",
        "latitude",
        "longitude",
        "audience",
        "expected_attendance",
        "partners",
        "other_partners",
        "staff_days",
        "material_expenses",
        "remove_photos",
    ]

    def __init__(self, *args: Any, week: CampaignWeek, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.week, self.actor = week, actor
        commune = cast(forms.ModelChoiceField, self.fields["commune"])
        commune.queryset = week.territory.communes.order_by("name")
        # The agenda and the map place an action by its commune at least.
        commune.required = commune.queryset.exists()
        commune.error_messages["required"] = _("Choisissez la commune de l'action.")
        partners = cast(forms.ModelMultipleChoiceField, self.fields["partners"])
        partners.queryset = (
            Actor.objects.filter(territory_id=week.territory_id)
            .exclude(pk=actor.pk)
            .order_by("normalised_name", "pk")
        )
        for name in ("staff_days", "material_expenses"):
            field = cast(forms.DecimalField, self.fields[name])
            field.min_value = 0
            field.validators.append(MinValueValidator(0))
            field.error_messages["min_value"] = _(
                "Les dépenses valorisées ne peuvent pas être négatives."
            )
            field.required = False
        attendance = cast(forms.IntegerField, self.fields["expected_attendance"])
        attendance.required = False
        attendance.error_messages["min_value"] = NEGATIVE
        # A number the database can hold, and still far above any real action.
        attendance.max_value = MAX_ATTENDANCE
        attendance.validators.append(MaxValueValidator(MAX_ATTENDANCE))
        attendance.widget.attrs["max"] = MAX_ATTENDANCE
        attendance.error_messages["max_value"] = _(
            "Indiquez un nombre de participants réaliste (au plus %(limit_value)s)."
        )
        photos = cast(forms.ModelMultipleChoiceField, self.fields["remove_photos"])
        if self.instance.pk:
            photos.queryset = self.instance.photos.all()
        else:
            del self.fields["remove_photos"]
        if not self.initial.get("commune"):
            # A new action takes place in the actor's commune unless told otherwise
            # (the unsaved instance puts `commune: None` in the initial data).
            self.initial["commune"] = actor.commune_id

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in campaigns.ACTION_FIELDS}


class ActionDateForm(forms.Form):
    date_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(label=_("Jour"), widget=DATE_WIDGET)
    starts = forms.TimeField(label=_("Heure de début"), widget=TIME_WIDGET)
    ends = forms.TimeField(label=_("Heure de fin"), widget=TIME_WIDGET)

    def __init__(self, *args: Any, week: CampaignWeek, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.week = week
        self.fields["day"].widget.attrs.update(
            {"min": week.starts_on.isoformat(), "max": week.ends_on.isoformat()}
        )

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if not self.week.starts_on <= day <= self.week.ends_on:
            raise ValidationError(
                _("Choisissez un jour de la semaine, du %(start)s au %(end)s.")
                % {
                    "start": date_format(self.week.starts_on, "j F Y"),
                    "end": date_format(self.week.ends_on, "j F Y"),
                }
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("L'heure de fin doit être après l'heure de début."))
        return data

    def date_in(self) -> DateIn:
        data = self.cleaned_data
        day = data["day"]
        return DateIn(
            starts_at=timezone.make_aware(dt.datetime.combine(day, data["starts"])),
            ends_at=timezone.make_aware(dt.datetime.combine(day, data["ends"])),
            pk=data.get("date_id"),
        )


class BaseActionDateFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Retirer cette date")

    def filled(self) -> list[ActionDateForm]:
        # A date already saved counts even when left as it was: unchanged is
        # not removed (only « Retirer cette date » removes it).
        return [
            cast(ActionDateForm, form)
            for form in self.forms
            if (form.cleaned_data.get("date_id") or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.filled():
            raise ValidationError(_("Indiquez au moins une date."), code="too_few_forms")

    def dates(self) -> list[DateIn]:
        return [form.date_in() for form in self.filled()]


def date_formset(
    data: Any = None, *, week: CampaignWeek, action: CampaignAction | None = None
) -> BaseActionDateFormSet:
    initial = []
    if action is not None:
        for row in action.dates.all():
            starts, ends = timezone.localtime(row.starts_at), timezone.localtime(row.ends_at)
            initial.append(
                {
                    "date_id": row.pk,
                    "day": starts.date(),
                    "starts": starts.time(),
                    "ends": ends.time(),
                }
            )
    factory = forms.formset_factory(
        ActionDateForm,
        formset=BaseActionDateFormSet,
        extra=2 if initial else 3,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_DATES,
        validate_max=True,
    )
    formset = factory(data, initial=initial or None, prefix="dates", form_kwargs={"week": week})
    return cast(BaseActionDateFormSet, formset)


class ActionPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("PNG ou JPEG, 5 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    alt_text = forms.CharField(
        label=_("Description de la photo"),
        required=False,
        max_length=250,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image:
            check_image(image)
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        image, alt = data.get("image"), " ".join((data.get("alt_text") or "").split())
        if image and not alt and "alt_text" not in self.errors:
            self.add_error(
                "alt_text",
                _("Décrivez la photo en une phrase pour les personnes qui ne la voient pas."),
            )
        if alt and not image and "image" not in self.errors:
            self.add_error("image", _("Choisissez la photo que ce texte décrit."))
        return data


class BaseActionPhotoFormSet(forms.BaseFormSet):
    def photos(self) -> list[PhotoIn]:
        return [
            PhotoIn(image=form.cleaned_data["image"], alt_text=form.cleaned_data["alt_text"])
            for form in self.forms
            if form.cleaned_data.get("image")
        ]


def photo_formset(data: Any = None, files: Any = None) -> BaseActionPhotoFormSet:
    factory = forms.formset_factory(
        ActionPhotoForm, formset=BaseActionPhotoFormSet, extra=2, max_num=MAX_PHOTOS
    )
    return cast(BaseActionPhotoFormSet, factory(data, files, prefix="photos"))


class Decision:
    ACCEPT = "accepter"
    CHANGES = "modifier"
    REFUSE = "refuser"


DECISIONS = {
    Decision.ACCEPT: _("Accepter : l'action paraît dans l'agenda et sur la carte"),
    Decision.CHANGES: _("Demander des modifications au déclarant"),
    Decision.REFUSE: _("Refuser"),
}


def decisions_for(action: CampaignAction) -> list[str]:
    if action.status == ActionStatus.ACCEPTED:
        return [Decision.REFUSE]
    if action.status == ActionStatus.REFUSED:
        return [Decision.ACCEPT]
    return [Decision.ACCEPT, Decision.CHANGES, Decision.REFUSE]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message au déclarant"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obligatoire pour demander des modifications ou pour refuser : il lui est envoyé par e-mail."
        ),
    )

    def __init__(self, *args: Any, action: CampaignAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["decision"])
        field.choices = [(key, DECISIONS[key]) for key in decisions_for(action)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        message = (data.get("message") or "").strip()
        decision = data.get("decision")
        if not message and "message" not in self.errors:
            if decision == Decision.CHANGES:
                self.add_error("message", _("Dites au déclarant ce qu'il faut modifier."))
            elif decision == Decision.REFUSE:
                self.add_error("message", _("Indiquez la raison du refus."))
        return data


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Toutes les actions")), *ActionStatus.choices],
    )

    def status_value(self) -> str:
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data.get("status") or "")
        return ""


class ActorChoiceForm(forms.Form):
    """The organisers add an action for an actor of the territory."""

    acteur = forms.ModelChoiceField(
        label=_("Acteur"),
        queryset=Actor.objects.none(),
        empty_label=_("— choisissez l'acteur —"),
        error_messages={
            "required": _("Choisissez l'acteur qui organise l'action."),
            "invalid_choice": _("Cet acteur n'est pas dans le réseau de ce territoire."),
        },
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["acteur"])
        field.queryset = Actor.objects.filter(territory=territory).order_by("normalised_name", "pk")


def all_valid(forms_: Sequence[Any]) -> bool:
    """Validate every form (not stopping at the first), so that every error shows."""
    return all([form.is_valid() for form in forms_])  # noqa: C419 - evaluate each one
