from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventPhoto
from reports.models import ReportSelection, Testimony
from territories.themes import Theme


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


class ComparisonFilterForm(forms.Form):
    """The comparison's filters, in a plain GET form (a filtered comparison has
    a shareable address). A wrong value is reported next to its field and
    ignored; the other filters apply."""

    theme = forms.ChoiceField(label=_("Thème"), required=False)
    annee = forms.TypedChoiceField(label=_("Année de début"), required=False, coerce=int)
    region = forms.ChoiceField(label=_("Région"), required=False)
    tri = forms.ChoiceField(label=_("Trier par"), required=False)

    def __init__(self, *args: Any, years: list[int], regions: list[Any], **kwargs: Any) -> None:
        from reports.comparison import SORTS, THEMES

        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ChoiceField, fields["theme"]).choices = [
            (theme, Theme(theme).label) for theme in THEMES
        ]
        cast(forms.ChoiceField, fields["annee"]).choices = [
            ("", _("Toutes les années")),
            *((year, str(year)) for year in years),
        ]
        cast(forms.ChoiceField, fields["region"]).choices = [
            ("", _("Toutes les régions")),
            *((region.code, region.name) for region in regions),
        ]
        cast(forms.ChoiceField, fields["tri"]).choices = list(SORTS.items())
        invalid = _("Choisissez une valeur de la liste.")
        for field in fields.values():
            field.error_messages["invalid_choice"] = invalid

    def filters(self) -> Any:
        from reports.comparison import Filters

        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return Filters(
            theme=data.get("theme") or Filters.theme,
            year=data.get("annee") or None,
            region=data.get("region") or "",
            sort=data.get("tri") or Filters.sort,
        )
