"""Forms of the commons: they validate, commons.services writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commons.files import check_attachment, check_image
from commons.licences import Licence
from commons.models import (
    EXPERIENCE_FIELDS,
    Action,
    Axis,
    Feedback,
    Kind,
    Resource,
    Stage,
    TerritoryType,
)
from commons.search import MAX_QUERY_LENGTH
from questionnaires.models import Questionnaire
from territories.themes import Theme

MARKDOWN_HELP = gettext_lazy(
    "Markdown : **gras**, *italique*, ## intertitre, - liste, [lien](https://…). "
    "Le HTML n'est pas interprété."
)
SECTION_NAMES = [f.name for f in EXPERIENCE_FIELDS]


class ResourceForm(forms.ModelForm):
    territory_types = forms.MultipleChoiceField(
        label=gettext_lazy("Types de territoire"),
        choices=TerritoryType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=gettext_lazy("Mots-clés"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Séparés par des virgules."),
    )
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("Résumé de votre modification"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Une phrase pour l'historique, par exemple « chiffres 2025 ajoutés »."
        ),
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "summary",
            "body",
            *SECTION_NAMES,
            "keywords",
            "content_updated_on",
            "author_name",
            "organisation",
            "contact",
            "source",
            "source_url",
            "external_url",
            "questionnaire",
            "licence",
            "attribution",
            "axis",
            "action",
            "theme",
            "stage",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "content_updated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in SECTION_NAMES},
        }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields = self.fields
        fields["body"].help_text = MARKDOWN_HELP
        for name in SECTION_NAMES:
            fields[name].help_text = MARKDOWN_HELP
        questionnaire = cast(forms.ModelChoiceField, fields["questionnaire"])
        questionnaire.queryset = Questionnaire.objects.filter(is_template=True).order_by("title")
        action = cast(forms.ModelChoiceField, fields["action"])
        action.queryset = Action.objects.select_related("objective__orientation__axis").order_by(
            "objective__orientation__axis__position", "objective__orientation__position", "position"
        )
        action.label_from_instance = lambda obj: f"{obj.objective.orientation.axis} › {obj.title}"  # type: ignore[method-assign,assignment]
        cast(forms.ModelChoiceField, fields["axis"]).queryset = Axis.objects.all()
        if kind != Kind.EXPERIENCE:
            for name in SECTION_NAMES:
                del fields[name]
        if kind != Kind.QUESTIONNAIRE:
            del fields["questionnaire"]
        if kind not in (Kind.MEDIA, Kind.EXHIBITION):
            del fields["external_url"]
        if kind != Kind.ACTION_SHEET:
            del fields["action"]
        if self.instance.pk:
            self.initial.setdefault("territory_types", self.instance.territory_types)
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
            self.initial.setdefault("base_revision", self.instance.current_revision_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.kind == Kind.MEDIA
            and not data.get("external_url")
            and "external_url" in self.fields
        ):
            self.add_error("external_url", _("Donnez le lien du podcast ou de la vidéo."))
        if self.kind == Kind.QUESTIONNAIRE and not data.get("questionnaire"):
            self.add_error(
                "questionnaire", _("Choisissez le questionnaire auquel la ressource renvoie.")
            )
        return data

    def snapshot_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("base_revision", "comment")}
        data["kind"] = self.kind
        return data

    def _post_clean(self) -> None:
        # The services fill the instance; the form only validates field values.
        pass


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Rechercher dans le commun"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("compostage, énergie citoyenne…")}
        ),
    )
    type = forms.ChoiceField(required=False, choices=[("", "—"), *Kind.choices])
    axe = forms.CharField(required=False, max_length=40)
    theme = forms.ChoiceField(required=False, choices=[("", "—"), *Theme.choices])
    territoire = forms.ChoiceField(required=False, choices=[("", "—"), *TerritoryType.choices])
    niveau = forms.ChoiceField(required=False, choices=[("", "—"), *Stage.choices])
    licence = forms.ChoiceField(required=False, choices=[("", "—"), *Licence.choices])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Longer queries reach clean() and get the search's own message.
        q = cast(forms.CharField, self.fields["q"])
        q.max_length = None
        q.validators = []
        q.widget.attrs["maxlength"] = str(MAX_QUERY_LENGTH)


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["territory", "context", "adapted", "worked", "did_not_work", "usefulness"]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 3}),
            "adapted": forms.Textarea(attrs={"rows": 3}),
            "worked": forms.Textarea(attrs={"rows": 3}),
            "did_not_work": forms.Textarea(attrs={"rows": 3}),
            "usefulness": forms.RadioSelect(choices=[(i, str(i)) for i in range(1, 6)]),
        }
        help_texts = {
            "context": gettext_lazy("Où, quand, avec qui avez-vous utilisé la ressource ?"),
            "usefulness": gettext_lazy("1 : pas utile, 5 : très utile."),
        }

    def __init__(self, *args: Any, territories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = cast(forms.ModelChoiceField, self.fields["territory"])
        territory.queryset = territories
        territory.label = _("Au nom du territoire")
        territory.empty_label = None


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Votre commentaire"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motif"), max_length=300, required=False)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du masquage"),
        max_length=300,
        help_text=gettext_lazy("Il est affiché à la place du commentaire."),
    )


class AdaptForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre de votre adaptation"), max_length=200)
    licence = forms.ChoiceField(label=gettext_lazy("Licence"), choices=Licence.choices)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        licence = cast(forms.ChoiceField, self.fields["licence"])
        licence.choices = [(code, label) for code, label in Licence.choices if code in allowed]


class AttachmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre du fichier"), max_length=200)
    file = forms.FileField(label=gettext_lazy("Fichier"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_attachment(upload)
        return upload


class ImageForm(forms.Form):
    alt_text = forms.CharField(
        label=gettext_lazy("Texte alternatif"),
        max_length=250,
        help_text=gettext_lazy("Décrivez ce que montre l'image, pour qui ne la voit pas."),
    )
    caption = forms.CharField(label=gettext_lazy("Légende"), max_length=250, required=False)
    file = forms.ImageField(label=gettext_lazy("Image (PNG ou JPEG)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_image(upload)
        return upload


class PathForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    resources = forms.CharField(
        label=gettext_lazy("Étapes"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "L'adresse courte d'une ressource par ligne, dans l'ordre du parcours "
            "(par exemple mettre-en-place-le-compostage-partage)."
        ),
    )
    is_published = forms.BooleanField(label=gettext_lazy("Publié"), required=False, initial=True)

    def clean_resources(self) -> list[Resource]:
        slugs = [
            s.strip().strip("/").split("/")[-1] for s in self.cleaned_data["resources"].splitlines()
        ]
        slugs = [s for s in slugs if s]
        found = {r.slug: r for r in Resource.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise ValidationError(
                _("Ressources introuvables : %(slugs)s.") % {"slugs": ", ".join(missing)}
            )
        if len(set(slugs)) != len(slugs):
            raise ValidationError(_("Une ressource figure deux fois dans le parcours."))
        if not slugs:
            raise ValidationError(_("Un parcours a au moins une étape."))
        return [found[s] for s in slugs]


class TaxonomyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
