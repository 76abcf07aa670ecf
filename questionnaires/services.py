"""Writes of the questionnaire builder: copy a template, create, publish and
close a questionnaire, save questions (with versions once answered), axes and
the volunteers who conduct a survey.

Every function is keyword-only and atomic. Refusals are ValidationErrors
with a French message, which views show next to the form or as a message.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from challenges.models import Challenge
from questionnaires.models import (
    CHOICE_KINDS,
    GRID_MAX_SCORE,
    GRID_MIN_SCORE,
    Axis,
    Choice,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Status,
)
from territories.models import Territory

SLUG_MAX = 80
# Addresses of the builder's pages, next to /t/<territory>/questionnaires/<slug>/.
RESERVED_SLUGS = frozenset({"gerer", "modeles", "nouveau"})
# The fields of a question that the builder sets (choices apart).
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "explanation",
    "required",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
    "axis",
)


# --- Questionnaires -----------------------------------------------------------


def unique_slug(*, territory: Territory | None, title: str, exclude_pk: int | None = None) -> str:
    """`title` slugified, suffixed -2, -3… until no questionnaire of the
    territory (or no template, for `territory=None`) uses it; one query."""
    base = slugify(title)[: SLUG_MAX - 4].strip("-") or "questionnaire"
    taken_qs = Questionnaire.objects.filter(territory=territory, slug__startswith=base)
    if exclude_pk is not None:
        taken_qs = taken_qs.exclude(pk=exclude_pk)
    taken = set(taken_qs.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_challenge(*, kind: str, territory: Territory, challenge: Challenge | None) -> None:
    if challenge is None:
        return
    if challenge.territory_id != territory.pk:
        raise ValidationError({"challenge": _("Ce défi n'appartient pas à ce territoire.")})
    if kind != Kind.QUIZ:
        raise ValidationError({"challenge": _("Seul un quiz peut être lié à un défi.")})


@transaction.atomic
def questionnaire_create(
    *,
    territory: Territory,
    kind: str,
    title: str,
    user: User | None,
    challenge: Challenge | None = None,
    intro: str = "",
) -> Questionnaire:
    """An empty draft; nobody but the organisers sees it until published."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Type de questionnaire inconnu.")})
    _check_challenge(kind=kind, territory=territory, challenge=challenge)
    return Questionnaire.objects.create(
        territory=territory,
        kind=kind,
        title=title.strip(),
        slug=unique_slug(territory=territory, title=title),
        intro=intro.strip(),
        challenge=challenge,
        created_by=user,
        status=Status.DRAFT,
    )


@transaction.atomic
def questionnaire_update(
    *,
    questionnaire: Questionnaire,
    title: str,
    intro: str,
    challenge: Challenge | None,
    results_public: bool,
) -> Questionnaire:
    """The settings of a questionnaire. Its slug (its address) does not change."""
    assert questionnaire.territory is not None, "templates are edited in the admin"
    _check_challenge(
        kind=questionnaire.kind, territory=questionnaire.territory, challenge=challenge
    )
    questionnaire.title = title.strip()
    questionnaire.intro = intro.strip()
    questionnaire.challenge = challenge
    questionnaire.results_public = results_public
    questionnaire.save(
        update_fields=["title", "intro", "challenge", "results_public", "updated_at"]
    )
    return questionnaire


@transaction.atomic
def questionnaire_copy(
    *,
    template: Questionnaire,
    territory: Territory,
    user: User | None,
    challenge: Challenge | None = None,
    title: str | None = None,
) -> Questionnaire:
    """A draft of `territory` with the axes, current questions and choices of
    `template` (a platform template, or a questionnaire of the territory to
    duplicate). Costs a fixed number of queries whatever its size."""
    if not template.is_template and template.territory_id != territory.pk:
        raise ValidationError(_("On ne copie que les modèles ou les questionnaires du territoire."))
    _check_challenge(kind=template.kind, territory=territory, challenge=challenge)
    if not title or not title.strip():
        title = (
            template.title
            if template.is_template
            else _("%(title)s (copie)") % {"title": template.title}
        )
    title = title.strip()[:150]
    copy = Questionnaire.objects.create(
        territory=territory,
        challenge=challenge,
        kind=template.kind,
        title=title,
        slug=unique_slug(territory=territory, title=title),
        intro=template.intro,
        source=template,
        status=Status.DRAFT,
        created_by=user,
    )
    axes = list(template.axes.all())
    new_axes = Axis.objects.bulk_create(
        Axis(questionnaire=copy, position=a.position, title=a.title, description=a.description)
        for a in axes
    )
    axis_map = {old.pk: new for old, new in zip(axes, new_axes, strict=True)}
    questions = list(template.questions.current().prefetch_related("choices"))
    new_questions = Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            axis=axis_map.get(q.axis_id) if q.axis_id else None,
            lineage=uuid.uuid4(),
            **{f: getattr(q, f) for f in QUESTION_FIELDS if f != "axis"},
            position=q.position,
        )
        for q in questions
    )
    Choice.objects.bulk_create(
        Choice(
            question=new,
            position=c.position,
            text=c.text,
            is_correct=c.is_correct,
            value=c.value,
        )
        for old, new in zip(questions, new_questions, strict=True)
        for c in old.choices.all()
    )
    return copy


def publication_problems(questionnaire: Questionnaire) -> list[str]:
    """Why `questionnaire` cannot be published yet (empty when it can)."""
    questions = list(questionnaire.questions.current().prefetch_related("choices"))
    if not questions:
        return [_("Le questionnaire n'a encore aucune question.")]
    problems = []
    for number, question in enumerate(questions, start=1):
        choices = list(question.choices.all())
        named = {"n": number, "text": question.text}
        if question.kind in CHOICE_KINDS and len(choices) < 2:
            problems.append(
                _("Question %(n)s « %(text)s » : il faut au moins deux réponses proposées.") % named
            )
        if (
            questionnaire.kind == Kind.QUIZ
            and question.kind in CHOICE_KINDS
            and not any(c.is_correct for c in choices)
        ):
            problems.append(
                _("Question %(n)s « %(text)s » : indiquez au moins une bonne réponse.") % named
            )
        if questionnaire.kind == Kind.GRID and question.axis_id is None:
            problems.append(_("Question %(n)s « %(text)s » : choisissez son axe.") % named)
    return problems


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, user: User | None) -> Questionnaire:
    """Open a draft to its respondents, once it is complete."""
    if questionnaire.is_template:
        raise ValidationError(_("Un modèle ne se publie pas : copiez-le dans un territoire."))
    if questionnaire.status != Status.DRAFT:
        raise ValidationError(_("Ce questionnaire est déjà publié."))
    problems = publication_problems(questionnaire)
    if problems:
        raise ValidationError(problems)
    questionnaire.status = Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.closed_at = None
    questionnaire.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    return questionnaire


@transaction.atomic
def questionnaire_close(*, questionnaire: Questionnaire, user: User | None) -> Questionnaire:
    """No more answers; the page and the results stay."""
    if questionnaire.status != Status.PUBLISHED:
        raise ValidationError(_("Seul un questionnaire publié peut être clos."))
    questionnaire.status = Status.CLOSED
    questionnaire.closed_at = timezone.now()
    questionnaire.save(update_fields=["status", "closed_at", "updated_at"])
    return questionnaire


@transaction.atomic
def questionnaire_reopen(*, questionnaire: Questionnaire, user: User | None) -> Questionnaire:
    """A closed questionnaire takes answers again."""
    if questionnaire.status != Status.CLOSED:
        raise ValidationError(_("Seul un questionnaire clos peut être rouvert."))
    questionnaire.status = Status.PUBLISHED
    questionnaire.closed_at = None
    questionnaire.save(update_fields=["status", "closed_at", "updated_at"])
    return questionnaire


# --- Questions ----------------------------------------------------------------


def _clean_choices(
    kind: str, questionnaire: Questionnaire, choices: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The choices kept for a question of `kind`, validated."""
    if kind in (QuestionKind.TEXT, QuestionKind.SCALE):
        return []
    rows: list[dict[str, Any]] = []
    for row in choices:
        text = (row.get("text") or "").strip()
        if not text:
            continue
        value = row.get("value")
        rows.append(
            {
                "text": text,
                "is_correct": bool(row.get("is_correct")) and questionnaire.kind == Kind.QUIZ,
                "value": value if kind == QuestionKind.SCORE else None,
            }
        )
    if kind == QuestionKind.SINGLE and sum(r["is_correct"] for r in rows) > 1:
        raise ValidationError(
            {"choices": _("Une question à choix unique n'a qu'une seule bonne réponse.")}
        )
    if kind == QuestionKind.SCORE:
        values = [r["value"] for r in rows]
        if any(v is None or not GRID_MIN_SCORE <= v <= GRID_MAX_SCORE for v in values):
            raise ValidationError({"choices": _("Chaque niveau a une valeur de 0 à 4.")})
        if len(set(values)) != len(values):
            raise ValidationError(
                {"choices": _("Deux niveaux ne peuvent pas avoir la même valeur.")}
            )
    return rows


def _check_question(questionnaire: Questionnaire, fields: Mapping[str, Any]) -> None:
    kind = fields["kind"]
    if kind not in questionnaire.question_kinds:
        raise ValidationError(
            {"kind": _("Ce type de question ne convient pas à ce questionnaire.")}
        )
    axis = fields.get("axis")
    if axis is not None and axis.questionnaire_id != questionnaire.pk:
        raise ValidationError({"axis": _("Cet axe n'appartient pas à ce questionnaire.")})
    # Checked for every kind: the database refuses the row otherwise.
    if fields["scale_min"] >= fields["scale_max"]:
        raise ValidationError(
            {"scale_max": _("Le maximum de l'échelle doit être supérieur au minimum.")}
        )


def _question_fields(data: Mapping[str, Any], question: Question | None) -> dict[str, Any]:
    """Every builder field of a question: from `data`, else as it was."""
    default = question if question is not None else Question()
    fields = {f: data.get(f, getattr(default, f)) for f in QUESTION_FIELDS}
    for name in ("text", "help_text", "explanation", "scale_min_label", "scale_max_label"):
        fields[name] = (fields[name] or "").strip()
    return fields


def _unchanged(question: Question, fields: Mapping[str, Any], rows: list[dict[str, Any]]) -> bool:
    if any(getattr(question, f) != v for f, v in fields.items()):
        return False
    current = [
        {"text": c.text, "is_correct": c.is_correct, "value": c.value}
        for c in question.choices.all()
    ]
    return current == rows


def _next_position(questionnaire: Questionnaire) -> int:
    last = questionnaire.questions.current().aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def question_save(
    *,
    questionnaire: Questionnaire,
    question: Question | None,
    data: Mapping[str, Any],
    choices: Sequence[Mapping[str, Any]],
    user: User | None,
) -> Question:
    """Create a question, or edit one. An answered question is never changed:
    it is retired and its next version (same lineage) takes its place, so
    that the answers keep the text they answered. `choices` are dicts with
    `text`, `is_correct` and `value`, in order; empty texts are dropped."""
    if question is not None and question.questionnaire_id != questionnaire.pk:
        raise ValidationError(_("Cette question n'appartient pas à ce questionnaire."))
    if question is not None and question.retired_at is not None:
        raise ValidationError(_("Cette version de la question est retirée : modifiez la dernière."))
    fields = _question_fields(data, question)
    _check_question(questionnaire, fields)
    rows = _clean_choices(fields["kind"], questionnaire, choices)
    if question is None:
        question = Question.objects.create(
            questionnaire=questionnaire, position=_next_position(questionnaire), **fields
        )
    elif _unchanged(question, fields, rows):
        return question
    elif question.answers.exists():
        question = _new_version(question, fields)
    else:
        for name, value in fields.items():
            setattr(question, name, value)
        question.full_clean(exclude=["questionnaire", "axis"])
        question.save(update_fields=list(QUESTION_FIELDS))
        question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(question=question, position=i, **row) for i, row in enumerate(rows)
    )
    return question


def _new_version(old: Question, fields: Mapping[str, Any]) -> Question:
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    return Question.objects.create(
        questionnaire_id=old.questionnaire_id,
        position=old.position,
        lineage=old.lineage,
        version=old.version + 1,
        previous=old,
        **fields,
    )


@transaction.atomic
def question_delete(*, question: Question) -> bool:
    """Remove a question. An answered one is retired instead, so that its
    answers still count in the results. Returns whether it was deleted."""
    if question.answers.exists():
        if question.retired_at is None:
            question.retired_at = timezone.now()
            question.save(update_fields=["retired_at"])
        return False
    question.delete()
    return True


@transaction.atomic
def question_move(*, question: Question, direction: Literal["up", "down"]) -> None:
    """Swap `question` with its neighbour among current questions; positions
    are renumbered 0, 1, 2… on the way, so ties from imports do not matter."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Direction inconnue."))
    questions = list(
        Question.objects.select_for_update()
        .filter(questionnaire_id=question.questionnaire_id, retired_at__isnull=True)
        .order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    changed = []
    for position, q in enumerate(questions):
        if q.position != position:
            q.position = position
            changed.append(q)
    Question.objects.bulk_update(changed, ["position"])


# --- Axes ---------------------------------------------------------------------


@transaction.atomic
def axis_save(
    *, questionnaire: Questionnaire, axis: Axis | None, title: str, description: str = ""
) -> Axis:
    """Create or rename an axis (a section of a grid or a survey)."""
    if questionnaire.kind == Kind.QUIZ:
        raise ValidationError(_("Un quiz n'a pas d'axes."))
    if axis is None:
        last = questionnaire.axes.aggregate(m=Max("position"))["m"]
        return Axis.objects.create(
            questionnaire=questionnaire,
            position=0 if last is None else last + 1,
            title=title.strip(),
            description=description.strip(),
        )
    if axis.questionnaire_id != questionnaire.pk:
        raise ValidationError(_("Cet axe n'appartient pas à ce questionnaire."))
    axis.title = title.strip()
    axis.description = description.strip()
    axis.save(update_fields=["title", "description"])
    return axis


@transaction.atomic
def axis_delete(*, axis: Axis) -> None:
    """Delete an axis that no question uses (answered, retired questions keep
    theirs for the results)."""
    if axis.questions.filter(retired_at__isnull=True).exists():
        raise ValidationError(
            _("Cet axe contient des questions : déplacez-les ou supprimez-les d'abord.")
        )
    if axis.questions.exists():
        raise ValidationError(
            _(
                "Des réponses déjà données se rapportent à cet axe : il est conservé pour les résultats."
            )
        )
    axis.delete()


# --- Interviewers -------------------------------------------------------------


@transaction.atomic
def interviewer_add(*, questionnaire: Questionnaire, email: str) -> User:
    """Name the volunteer with this e-mail an interviewer of the survey
    (idempotent). They must already have an active account."""
    if questionnaire.kind != Kind.SURVEY:
        raise ValidationError(_("Seule une enquête collective a des enquêteurs."))
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Aucun compte n'utilise cette adresse : la personne doit d'abord "
                    "créer son compte sur Élan."
                )
            }
        )
    questionnaire.interviewers.add(user)
    return user


@transaction.atomic
def interviewer_remove(*, questionnaire: Questionnaire, user: User) -> None:
    """The volunteer no longer enters interviews; those already entered stay."""
    questionnaire.interviewers.remove(user)
