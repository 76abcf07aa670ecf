"""Forms of the questionnaire builder. They validate; services write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from questionnaires.models import (
    CHOICE_KINDS,
    GRID_MAX_SCORE,
    GRID_MIN_SCORE,
    Axis,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
)
from questionnaires.services import QUESTION_FIELDS
from territories.models import Territory

MAX_CHOICES = 15


def _challenge_field(territory: Territory) -> forms.ModelChoiceField:
    queryset: QuerySet[Challenge] = Challenge.objects.filter(territory=territory).order_by(
        "-starts_on"
    )
    return forms.ModelChoiceField(
        label=_("Défi"),
        queryset=queryset,
        required=False,
        empty_label=_("— Aucun défi —"),
        help_text=_(
            "Quiz seulement : les foyers du défi le passent au début et à la fin du défi, "
            "pour mesurer ce qu'ils ont appris."
        ),
    )


class QuestionnaireCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de questionnaire"), choices=Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Titre"), max_length=150)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quelques lignes lues avant la première question."),
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenge"] = _challenge_field(territory)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("challenge") and data.get("kind") not in (None, Kind.QUIZ):
            self.add_error("challenge", _("Seul un quiz peut être lié à un défi."))
        return data


class QuestionnaireSettingsForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    results_public = forms.BooleanField(
        label=_("Résultats publics"),
        label_suffix="",
        required=False,
        help_text=_(
            "Les résultats agrégés sont visibles de tous, jamais les réponses d'une personne."
        ),
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": questionnaire.title,
                "intro": questionnaire.intro,
                "results_public": questionnaire.results_public,
                "challenge": questionnaire.challenge_id,
            },
        )
        super().__init__(*args, **kwargs)
        if questionnaire.kind == Kind.QUIZ and questionnaire.territory is not None:
            self.fields["challenge"] = _challenge_field(questionnaire.territory)


class CopyForm(forms.Form):
    """Copy a template (or duplicate a questionnaire) into the territory."""

    title = forms.CharField(
        label=_("Titre de la copie"),
        max_length=150,
        required=False,
        help_text=_("Facultatif : sinon, le titre du modèle."),
    )

    def __init__(
        self, *args: Any, source: Questionnaire, challenges: list[Challenge], **kwargs: Any
    ) -> None:
        """`challenges`: the territory's, read once for all the forms of the page."""
        kwargs.setdefault("prefix", f"copie-{source.pk}")
        super().__init__(*args, **kwargs)
        self.source = source
        self.challenges = {str(c.pk): c for c in challenges}
        if source.kind == Kind.QUIZ:
            self.fields["challenge"] = forms.ChoiceField(
                label=_("Défi"),
                choices=[("", _("— Aucun défi —")), *((c.pk, c.title) for c in challenges)],
                required=False,
                help_text=_("Facultatif : les foyers de ce défi passeront le quiz."),
            )

    def clean_challenge(self) -> Challenge | None:
        return self.challenges.get(self.cleaned_data.get("challenge") or "")


class AxisForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'axe"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterviewerForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne bénévole"),
        help_text=_("Elle doit déjà avoir un compte sur Élan."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de question"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    help_text = forms.CharField(
        label=_("Aide"),
        max_length=300,
        required=False,
        help_text=_("Une précision affichée sous la question (facultatif)."),
    )
    explanation = forms.CharField(
        label=_("Explication"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Montrée après la réponse : dites pourquoi la bonne réponse est la bonne."),
    )
    required = forms.BooleanField(
        label=_("Réponse obligatoire"), label_suffix="", required=False, initial=True
    )
    scale_min = forms.IntegerField(label=_("Minimum de l'échelle"), initial=1, min_value=-10)
    scale_max = forms.IntegerField(label=_("Maximum de l'échelle"), initial=5, max_value=10)
    scale_min_label = forms.CharField(
        label=_("Libellé du minimum"),
        max_length=60,
        required=False,
        help_text=_("Par exemple « Pas du tout »."),
    )
    scale_max_label = forms.CharField(
        label=_("Libellé du maximum"),
        max_length=60,
        required=False,
        help_text=_("Par exemple « Tout à fait »."),
    )
    axis = forms.ModelChoiceField(
        label=_("Axe"), queryset=Axis.objects.none(), required=False, empty_label=_("— Aucun —")
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        kinds = questionnaire.question_kinds
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, QuestionKind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        if questionnaire.kind != Kind.QUIZ:
            del self.fields["explanation"]
        if QuestionKind.SCALE not in kinds:
            for name in ("scale_min", "scale_max", "scale_min_label", "scale_max_label"):
                del self.fields[name]
        if questionnaire.kind == Kind.QUIZ:
            del self.fields["axis"]
        else:
            axis = self.fields["axis"]
            assert isinstance(axis, forms.ModelChoiceField)
            axis.queryset = questionnaire.axes.all()
            if questionnaire.kind == Kind.GRID:
                axis.required = True
                axis.empty_label = None
                axis.error_messages["required"] = _("Choisissez l'axe de la question.")

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        names = [n for n in QUESTION_FIELDS if n != "axis"]
        return {**{n: getattr(question, n) for n in names}, "axis": question.axis_id}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != QuestionKind.SCALE:
            # Keep the model's defaults: the fields are not shown for this kind.
            for name in ("scale_min", "scale_max"):
                self.errors.pop(name, None)
                data[name] = 1 if name == "scale_min" else 5
        elif (
            data.get("scale_min") is not None
            and data.get("scale_max") is not None
            and data["scale_min"] >= data["scale_max"]
        ):
            self.add_error(
                "scale_max", _("Le maximum de l'échelle doit être supérieur au minimum.")
            )
        return data


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("Réponse proposée"), max_length=200, required=False)
    is_correct = forms.BooleanField(label=_("Bonne réponse"), label_suffix="", required=False)
    value = forms.IntegerField(
        label=_("Niveau (0 à 4)"),
        required=False,
        min_value=GRID_MIN_SCORE,
        max_value=GRID_MAX_SCORE,
    )

    def __init__(self, *args: Any, questionnaire_kind: str = Kind.QUIZ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if questionnaire_kind != Kind.QUIZ:
            del self.fields["is_correct"]
        if questionnaire_kind != Kind.GRID:
            del self.fields["value"]
        else:
            self.fields["text"].label = _("Description du niveau")
            self.fields["text"].widget = forms.Textarea(attrs={"rows": 3, "maxlength": 200})


class BaseChoiceFormSet(forms.BaseFormSet):
    """The proposed answers; rows left empty are ignored."""

    question_kind: str | None = None

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        self.questionnaire = questionnaire
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "questionnaire_kind": self.questionnaire.kind}

    def rows(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and (form.cleaned_data.get("text") or "").strip()
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        kind = self.question_kind
        rows = self.rows()
        if kind in CHOICE_KINDS:
            self._clean_choices(kind, rows)
        elif kind == QuestionKind.SCORE:
            for form in self.forms:
                data = form.cleaned_data
                if (data.get("text") or "").strip() and data.get("value") is None:
                    form.add_error("value", _("Indiquez le niveau (de 0 à 4)."))
            values = [r["value"] for r in rows if r.get("value") is not None]
            if len(set(values)) != len(values):
                raise forms.ValidationError(_("Deux niveaux ne peuvent pas avoir la même valeur."))

    def _clean_choices(self, kind: str, rows: list[dict[str, Any]]) -> None:
        if len(rows) < 2:
            raise forms.ValidationError(_("Proposez au moins deux réponses."))
        if self.questionnaire.kind != Kind.QUIZ:
            return
        right = sum(bool(r.get("is_correct")) for r in rows)
        if right == 0:
            raise forms.ValidationError(_("Cochez la bonne réponse (au moins une)."))
        if kind == QuestionKind.SINGLE and right > 1:
            raise forms.ValidationError(
                _(
                    "Une question à choix unique n'a qu'une seule bonne réponse : "
                    "cochez-en une seule, ou choisissez « Choix multiple »."
                )
            )


def choice_formset(
    *,
    questionnaire: Questionnaire,
    question: Question | None,
    data: Any = None,
    question_kind: str | None = None,
) -> BaseChoiceFormSet:
    """The choices of `question` (or blank rows for a new one), plus empty rows
    to add more without JavaScript."""
    initial: list[dict[str, Any]] = []
    if question is not None:
        initial = [
            {"text": c.text, "is_correct": c.is_correct, "value": c.value}
            for c in question.choices.all()
        ]
    elif questionnaire.kind == Kind.GRID:
        initial = [{"value": v} for v in range(GRID_MIN_SCORE, GRID_MAX_SCORE + 1)]
    if questionnaire.kind == Kind.GRID:  # the five levels, 0 to 4
        extra = max(GRID_MAX_SCORE + 1 - len(initial), 0)
    else:
        extra = max(4 - len(initial), 2)
    formset_class = forms.formset_factory(
        ChoiceForm,
        formset=BaseChoiceFormSet,
        extra=extra,
        max_num=MAX_CHOICES,
        validate_max=True,
        absolute_max=MAX_CHOICES,
    )
    formset = cast(
        BaseChoiceFormSet,
        formset_class(data, initial=initial, prefix="choix", questionnaire=questionnaire),  # type: ignore[call-arg]
    )
    formset.question_kind = question_kind
    return formset
