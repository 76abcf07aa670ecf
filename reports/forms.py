from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventPhoto
from reports.models import ReportSelection, Testimony


class PhotoChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.event.title} — {obj.caption or obj.alt_text}"


class TestimonyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = obj.text if len(obj.text) <= 160 else obj.text[:160] + "…"
        return f"« {text} » — {obj.signature}"


class SelectionForm(forms.ModelForm):
    photos = PhotoChoices(
        label=_("Photos des ateliers et événements à montrer"),
        queryset=EventPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    testimonies = TestimonyChoices(
        label=_("Témoignages à publier"),
        queryset=Testimony.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Seuls les témoignages donnés avec l'accord de leur auteur·rice sont proposés."
        ),
    )

    class Meta:
        model = ReportSelection
        fields = ["introduction", "photos"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        challenge = self.instance.challenge
        photos = cast(PhotoChoices, self.fields["photos"])
        photos.queryset = (
            EventPhoto.objects.filter(event__challenge=challenge)
            .select_related("event")
            .order_by("event__starts_at", "pk")
        )
        testimonies = cast(TestimonyChoices, self.fields["testimonies"])
        testimonies.queryset = Testimony.objects.filter(challenge=challenge)
        self.initial.setdefault(
            "testimonies", list(Testimony.objects.filter(challenge=challenge, selected=True))
        )


class TestimonyForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "J'accepte que ce témoignage et sa signature soient publiés dans le bilan du défi, "
            "sur le site et dans le PDF. Je peux le retirer à tout moment."
        ),
        required=True,
        error_messages={
            "required": _(
                "Cochez cette case pour accepter la publication : sans votre accord, "
                "le témoignage ne peut pas être publié."
            )
        },
    )

    class Meta:
        model = Testimony
        fields = ["text", "signature"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": 1500})}
