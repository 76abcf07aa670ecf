"""Forms of answering: one field per current question (radio buttons and
check boxes in a fieldset, so that each group has its legend), the hidden key
that makes a double submission harmless, the volunteer's consent checkbox and
the grid's label. They validate; `questionnaires.responses` records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from questionnaires.models import GRID_MAX_SCORE, GRID_MIN_SCORE, Question, QuestionKind
from questionnaires.responses import LABEL_MAX, TEXT_MAX

REQUIRED = {"required": _("Répondez à cette question.")}
PREFIX = "q_"


def field_name(question: Question) -> str:
    return f"{PREFIX}{question.pk}"


def _scale_choices(question: Question) -> list[tuple[int, str]]:
    labels = {
        question.scale_min: question.scale_min_label,
        question.scale_max: question.scale_max_label,
    }
    return [
        (n, f"{n} — {labels[n]}" if labels.get(n) else str(n))
        for n in range(question.scale_min, question.scale_max + 1)
    ]


def _score_choices(question: Question) -> list[tuple[int, str]]:
    levels = list(question.choices.all())
    if not levels:
        return [(n, str(n)) for n in range(GRID_MIN_SCORE, GRID_MAX_SCORE + 1)]
    return [(c.pk, f"{c.value} — {c.text}" if c.value is not None else c.text) for c in levels]


def question_field(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.text,
        "help_text": question.help_text,
        "required": question.required,
        "error_messages": REQUIRED,
    }
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX, **common
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=[(c.pk, c.text) for c in question.choices.all()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == QuestionKind.SCALE:
        choices = _scale_choices(question)
    elif question.kind == QuestionKind.SCORE:
        choices = _score_choices(question)
    else:
        choices = [(c.pk, c.text) for c in question.choices.all()]
    return forms.TypedChoiceField(
        choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
    )


class ResponseForm(forms.Form):
    """The questions of a questionnaire; `answers()` is what `response_submit` takes."""

    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_key", uuid.uuid4())
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question)] = question_field(question)

    def clean_client_key(self) -> uuid.UUID:
        # Without a valid key (an old page, a tampered form) the answer is
        # simply not idempotent: no error the person could not see nor fix.
        try:
            return uuid.UUID(self.cleaned_data.get("client_key") or "")
        except ValueError:
            return uuid.uuid4()

    def question_fields(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[field_name(q)]) for q in self.questions]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Questions grouped by axis (grids), in order; (None, fields) without axes."""
        groups: list[tuple[Any, list[forms.BoundField]]] = []
        for question, bound in self.question_fields():
            if not groups or groups[-1][0] != question.axis:
                groups.append((question.axis, []))
            groups[-1][1].append(bound)
        return groups

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def add_service_error(self, error: ValidationError) -> None:
        """Put each message of `response_submit` next to its question."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = f"{PREFIX}{key}" if key.isdigit() else key
            self.add_error(name if name in self.fields else None, errors)


class InterviewForm(ResponseForm):
    consent = forms.BooleanField(
        label=_("La personne interrogée accepte que ses réponses anonymes soient enregistrées"),
        error_messages={
            "required": _(
                "Cochez cette case une fois l'accord de la personne obtenu : sans lui, "
                "l'entretien ne peut pas être enregistré."
            )
        },
    )


class GridForm(ResponseForm):
    label = forms.CharField(
        label=_("Intitulé de ce diagnostic"),
        max_length=LABEL_MAX,
        help_text=_(
            "Il distingue ce diagnostic des suivants, par exemple « Diagnostic de mars 2026 »."
        ),
        error_messages={"required": _("Donnez un intitulé à ce diagnostic.")},
    )


class TagForm(forms.Form):
    """Add a tag (by its label, new or not) to a free-text answer, or remove one."""

    label = forms.CharField(label=_("Nouvelle étiquette"), max_length=60, required=False)
    remove = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove") is None and not " ".join((data.get("label") or "").split()):
            self.add_error("label", _("Écrivez une étiquette."))
        return data
