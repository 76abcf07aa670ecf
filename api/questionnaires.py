"""Questionnaires: a territory's published quizzes, surveys and grids, one of
them with its questions (never the right answers before answering), answering
it (the same rules as the pages: idempotent with a client key, 201 then 200),
and its aggregated results (organisers, or everyone when published)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from api.auth import TokenAuth, token_or_session
from api.schemas import ErrorOut
from questionnaires import responses
from questionnaires import results as aggregates
from questionnaires.models import Kind, Question, Questionnaire
from questionnaires.models import Status as QStatus
from questionnaires.views import questionnaire_from_url
from territories.models import Territory
from territories.permissions import check

router = Router(tags=["Questionnaires"])

VIEW = "questionnaires.view_questionnaire"


def _anyone(request: HttpRequest) -> bool:
    """Readers without credentials: the permission of the endpoint decides."""
    return True


# A token when one is sent (organisers' scripts), else the session, else nobody.
token_if_any = [TokenAuth(), django_auth, _anyone]


class QuestionnaireOut(Schema):
    slug: str
    title: str
    kind: str
    kind_label: str
    status: str
    intro: str
    challenge: str | None
    results_public: bool
    url: str

    @staticmethod
    def resolve_kind_label(obj: Questionnaire) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_challenge(obj: Questionnaire) -> str | None:
        return obj.challenge.slug if obj.challenge else None

    @staticmethod
    def resolve_url(obj: Questionnaire) -> str:
        territory = obj.territory
        return reverse(
            "questionnaires:detail", args=[territory.slug if territory else "", obj.slug]
        )


class AxisOut(Schema):
    id: int
    title: str
    description: str


class ChoiceOut(Schema):
    id: int
    text: str
    value: int | None = Field(None, description="Niveau de 0 à 4 (grilles).")


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    help_text: str
    required: bool
    axis_id: int | None
    scale_min: int
    scale_max: int
    scale_min_label: str
    scale_max_label: str
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_choices(obj: Question) -> list[Any]:
        return list(obj.choices.all())


class QuestionnaireDetailOut(QuestionnaireOut):
    axes: list[AxisOut]
    questions: list[QuestionOut]

    @staticmethod
    def resolve_axes(obj: Questionnaire) -> list[Any]:
        return list(obj.axes.all())

    @staticmethod
    def resolve_questions(obj: Questionnaire) -> list[Any]:
        return list(
            Question.objects.current()
            .filter(questionnaire=obj)
            .prefetch_related("choices")
            .in_order()
        )


class AnswerIn(Schema):
    question: int = Field(..., description="Identifiant de la question.")
    choices: list[int] = Field(
        default_factory=list,
        description="Choix unique ou multiple, niveau d'une grille : identifiants des réponses proposées.",
    )
    text: str = Field("", max_length=responses.TEXT_MAX, description="Réponse libre.")
    number: int | None = Field(None, description="Échelle ; niveau 0–4 d'une grille sans libellés.")


class ResponseIn(Schema):
    client_key: uuid.UUID = Field(
        ..., description="Clé choisie par le client : la renvoyer ne double rien."
    )
    answers: list[AnswerIn]
    consent: bool = Field(False, description="Enquête : accord de la personne interrogée.")
    label: str = Field(
        "", max_length=responses.LABEL_MAX, description="Grille : intitulé du diagnostic."
    )
    moment: Literal["", "debut", "fin"] = Field(
        "", description="Quiz d'un défi ; vide = automatique."
    )


class AnswerResultOut(Schema):
    question: int
    choices: list[int]
    text: str
    number: int | None
    is_correct: bool | None
    right_choices: list[int]
    explanation: str


class ResponseOut(Schema):
    id: int
    client_key: uuid.UUID | None
    submitted_at: dt.datetime
    moment: str
    label: str
    correct_count: int | None
    question_count: int | None
    score_pct: float | None
    answers: list[AnswerResultOut]


class FieldError(Schema):
    champ: str
    message: str


class RefusalOut(Schema):
    message: str
    erreurs: list[FieldError]


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _questionnaire(request: HttpRequest, territory: str, slug: str) -> Questionnaire:
    questionnaire = questionnaire_from_url(territory, slug)
    check(request, VIEW, questionnaire, visible=VIEW)
    return questionnaire


@router.get(
    "/questionnaires/{territory}",
    response={200: list[QuestionnaireOut], 404: ErrorOut},
    summary="Les questionnaires publiés d'un territoire",
)
def questionnaire_list(request: HttpRequest, territory: str):  # type: ignore[no-untyped-def]
    """Quiz, enquêtes et grilles ouverts aux réponses."""
    found = _territory(territory)
    check(request, "territories.view_territory", found, visible="territories.view_territory")
    return list(
        Questionnaire.objects.published()
        .filter(territory=found, is_template=False)
        .select_related("territory", "challenge")
        .order_by("title", "pk")
    )


@router.get(
    "/questionnaires/{territory}/{slug}",
    response={200: QuestionnaireDetailOut, 404: ErrorOut},
    summary="Un questionnaire, ses axes et ses questions",
)
def questionnaire_detail(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    """Les questions en cours et leurs réponses proposées ; jamais les bonnes
    réponses ni les explications, données après avoir répondu."""
    return _questionnaire(request, territory, slug)


def _refusal(error: ValidationError) -> dict[str, Any]:
    items: list[dict[str, str]] = []
    pairs = (
        error.error_dict.items()
        if hasattr(error, "error_dict")
        else [(NON_FIELD_ERRORS, error.error_list)]
    )
    for key, errors in pairs:
        if key == NON_FIELD_ERRORS:
            champ = "answers"
        elif key.isdigit():
            champ = f"answers.{key}"
        else:
            champ = key
        items += [{"champ": champ, "message": m} for e in errors for m in e.messages]
    return {
        "message": gettext("Réponse refusée : %(detail)s")
        % {"detail": " ".join(i["message"] for i in items)},
        "erreurs": items,
    }


def _answers(payload: ResponseIn) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for item in payload.answers:
        if item.choices:
            answers[item.question] = item.choices
        elif item.number is not None:
            answers[item.question] = item.number
        else:
            answers[item.question] = item.text
    return answers


@router.post(
    "/questionnaires/{territory}/{slug}/responses",
    response={
        200: ResponseOut,
        201: ResponseOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: RefusalOut,
    },
    auth=token_or_session,
    summary="Répondre à un questionnaire (quiz, grille) ou saisir un entretien (enquête)",
)
def questionnaire_response_create(
    request: HttpRequest, territory: str, slug: str, payload: ResponseIn
):  # type: ignore[no-untyped-def]
    """La même `client_key` renvoie la réponse déjà enregistrée (200) sans rien
    doubler. Refusé (422) : questionnaire clos, question obligatoire sans
    réponse, réponse qui n'appartient pas à la question, valeur hors de
    l'échelle, entretien sans accord, foyer qui a déjà répondu au début et à
    la fin d'un défi. Après l'envoi d'un quiz : les bonnes réponses et les
    explications."""
    questionnaire = _questionnaire(request, territory, slug)
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    survey = questionnaire.kind == Kind.SURVEY
    if questionnaire.status != QStatus.CLOSED:
        perm = "questionnaires.conduct_interview" if survey else "questionnaires.take_questionnaire"
        check(request, perm, questionnaire)
    try:
        response, created = responses.response_submit(
            questionnaire=questionnaire,
            answers=_answers(payload),
            user=user,
            household=user.household if responses.is_challenge_quiz(questionnaire) else None,
            interviewer=user if survey else None,
            consent=payload.consent,
            client_key=payload.client_key,
            label=payload.label,
            moment=payload.moment,
        )
    except ValidationError as error:
        return Status(422, _refusal(error))
    return Status(201 if created else 200, _response_body(response))


def _response_body(response: Any) -> dict[str, Any]:
    answers = response.answers.select_related("question").prefetch_related(
        "choices", "question__choices"
    )
    is_quiz = response.questionnaire.kind == Kind.QUIZ
    return {
        "id": response.pk,
        "client_key": response.client_key,
        "submitted_at": response.submitted_at,
        "moment": response.moment,
        "label": response.label,
        "correct_count": response.correct_count,
        "question_count": response.question_count,
        "score_pct": None if response.score is None else round(100 * response.score, 1),
        "answers": [
            {
                "question": a.question_id,
                "choices": [c.pk for c in a.choices.all()],
                "text": a.text,
                "number": a.number,
                "is_correct": a.is_correct,
                "right_choices": [c.pk for c in a.question.choices.all() if c.is_correct]
                if is_quiz
                else [],
                "explanation": a.question.explanation if is_quiz else "",
            }
            for a in answers
        ],
    }


@router.get(
    "/questionnaires/{territory}/{slug}/results",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_if_any,
    summary="Les résultats agrégés d'un questionnaire",
)
def questionnaire_results(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    """Pour les animateur·rices du territoire (jeton ou session), ou pour tous
    quand les résultats sont publics. Jamais une réponse individuelle ni un
    texte libre : des comptes, des parts, des moyennes."""
    questionnaire = _questionnaire(request, territory, slug)
    check(request, "questionnaires.view_results", questionnaire)
    return results_payload(questionnaire)


def results_payload(questionnaire: Questionnaire) -> dict[str, Any]:
    data = aggregates.questionnaire_results(questionnaire)
    body: dict[str, Any] = {
        "questionnaire": questionnaire.slug,
        "kind": questionnaire.kind,
        "response_count": data.response_count,
        "questions": [
            {
                "id": r.question.pk,
                "lineage": str(r.question.lineage),
                "text": r.question.text,
                "kind": r.kind,
                "axis": r.question.axis.title if r.question.axis else None,
                "versions": r.versions,
                "versions_differ": r.versions_differ,
                "answered": r.answered,
                "choices": [
                    {"text": c.label, "count": c.count, "pct": _round(c.pct), "value": c.value}
                    for c in r.choices
                ],
                "mean": _round(r.mean, 2),
                "success_rate_pct": _round(r.success_rate) if r.is_scored else None,
                "tags": [{"label": label, "count": n} for label, n in r.tag_counts],
            }
            for r in data.questions
        ],
    }
    if data.quiz is not None:
        body["quiz"] = {
            "count": data.quiz.count,
            "mean_score_pct": _round(data.quiz.mean),
            "bands": [{"label": b.label, "count": b.count} for b in data.quiz.bands],
        }
    if data.grid is not None:
        body["grid"] = {
            "axes": [{"id": a.pk, "title": a.title} for a in data.grid.axes],
            "fillings": [
                {
                    "label": f.label,
                    "submitted_at": f.response.submitted_at,
                    "scores": {str(k): _round(v, 2) for k, v in f.scores.items()},
                    "scores_pct": {
                        str(k): _round(aggregates.as_pct(v)) for k, v in f.scores.items()
                    },
                }
                for f in data.grid.fillings
            ],
        }
    return body


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
