"""Forms of the network's meetings and trainings: the meeting itself (an
event of the events engine, the fields a council needs) and the answer of
an invited contact. They validate; network.meetings does the writing. The
segment of an invitation is network.forms.SegmentForm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import CommuneField
from events.forms import DATETIME_FORMATS, DATETIME_WIDGET
from events.models import Event, EventKind
from network.meetings import MEETING_FIELDS, NETWORK_KINDS
from network.models import InvitationAnswer


class MeetingForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("Tapez le nom ou le code postal, puis choisissez dans la liste."),
    )

    class Meta:
        model = Event
        fields = [name for name in MEETING_FIELDS if name not in ("latitude", "longitude")]
        labels = {"theme": _("Thème (le module, pour une formation)")}
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EventKind.choices)
        kind = self.fields["kind"]
        kind.choices = [(k, labels[k]) for k in NETWORK_KINDS]  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]
        self.fields["capacity"].error_messages["min_value"] = _(
            "Indiquez au moins une place, ou laissez vide pour ne pas limiter."
        )

    def clean_starts_at(self) -> dt.datetime:
        starts_at: dt.datetime = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise ValidationError(_("Cette date est passée : choisissez une date à venir."))
        return starts_at

    def clean(self) -> dict[str, Any]:
        # The end-after-start rule is the model's (Event.clean, on ends_at).
        data = super().clean() or {}
        if data.get("kind") == EventKind.RELAY_TRAINING and not data.get("theme"):
            self.add_error("theme", _("Choisissez le module (thème) de cette formation."))
        commune = data.get("commune")
        if commune is not None:
            data["latitude"], data["longitude"] = commune.latitude, commune.longitude
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            (InvitationAnswer.COMING, _("Je viens")),
            (InvitationAnswer.NOT_COMING, _("Je ne viens pas")),
            (InvitationAnswer.EXCUSED, _("Je suis excusé·e")),
        ],
        error_messages={
            "required": _("Choisissez « je viens », « je ne viens pas » ou « je suis excusé·e »."),
            "invalid_choice": _(
                "Choisissez « je viens », « je ne viens pas » ou « je suis excusé·e »."
            ),
        },
    )


class FingerprintForm(forms.Form):
    """The preview's fingerprint, sent back with the segment."""

    empreinte = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
