"""Reading questionnaire results: every figure is aggregated in SQL, so the
number of queries does not grow with the number of responses.

Questions are followed by `lineage`: every version of a question counts
together, choices of different versions are matched by their text, and the
result notes when versions differ. Quiz scores follow METHODOLOGY §7 (correct
answers / scored questions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from challenges.models import Challenge
from questionnaires.models import (
    CHOICE_KINDS,
    GRID_MAX_SCORE,
    Answer,
    Axis,
    Kind,
    Moment,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Status,
    Tag,
)

SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else 100 * part / whole


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- per question ----------------------------------------------------------------


@dataclass
class ChoiceCount:
    label: str
    count: int
    pct: float | None
    is_correct: bool = False
    value: int | None = None


@dataclass
class TextAnswer:
    pk: int
    text: str
    submitted_at: dt.datetime
    tags: list[Tag]


@dataclass
class QuestionResult:
    question: Question  # the current version (else the latest)
    versions: int = 1
    versions_differ: bool = False
    answered: int = 0
    choices: list[ChoiceCount] = field(default_factory=list)
    mean: float | None = None
    correct: int = 0
    tag_counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def success_rate(self) -> float | None:
        return _pct(self.correct, self.answered)

    @property
    def is_scored(self) -> bool:
        return self.question.questionnaire.kind == Kind.QUIZ and self.kind in CHOICE_KINDS


@dataclass
class QuizScores:
    count: int
    mean: float | None  # in %
    bands: list[ChoiceCount]


@dataclass
class Results:
    questionnaire: Questionnaire
    response_count: int
    questions: list[QuestionResult]
    quiz: QuizScores | None = None
    grid: GridResults | None = None

    @property
    def text_questions(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.kind == QuestionKind.TEXT]


def questionnaire_results(questionnaire: Questionnaire, *, with_texts: bool = False) -> Results:
    """Everything the results page shows, in a fixed number of queries whatever
    the number of responses (7; up to 2 more for the free texts, 1 for a quiz, 3
    for a grid); free-text answers only `with_texts` (they are a person's words:
    organisers only)."""
    lineages = _lineages(questionnaire)
    by_question = {q.pk: result for result, versions in lineages for q in versions}
    unique = [result for result, _versions in lineages]
    _count_answers(questionnaire, by_question, unique)
    _count_choices(questionnaire, lineages)
    _count_scale(questionnaire, by_question, unique)
    _count_tags(questionnaire, by_question, unique)
    if with_texts:
        _texts(questionnaire, by_question)
    results = Results(
        questionnaire=questionnaire,
        response_count=Response.objects.filter(questionnaire=questionnaire).count(),
        questions=sorted(unique, key=lambda r: _order(r.question)),
    )
    if questionnaire.kind == Kind.QUIZ:
        results.quiz = quiz_scores(questionnaire)
    if questionnaire.kind == Kind.GRID:
        results.grid = grid_results(questionnaire)
    return results


def _order(question: Question) -> tuple[int, int, int]:
    axis_position = question.axis.position if question.axis else 0
    return axis_position, question.position, question.pk


Lineage = tuple[QuestionResult, list[Question]]


def _lineages(questionnaire: Questionnaire) -> list[Lineage]:
    """Each question's versions, oldest first, with the result of the current one."""
    questions = (
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("axis", "questionnaire")
        .prefetch_related("choices")
        .order_by("lineage", "version")
    )
    grouped: dict[Any, list[Question]] = defaultdict(list)
    for question in questions:
        grouped[question.lineage].append(question)
    lineages = []
    for versions in grouped.values():
        current = next((q for q in versions if q.retired_at is None), versions[-1])
        shapes = {
            (_key(q.text), q.kind, tuple(_key(c.text) for c in q.choices.all())) for q in versions
        }
        result = QuestionResult(
            question=current, versions=len(versions), versions_differ=len(shapes) > 1
        )
        lineages.append((result, versions))
    return lineages


def _answers(questionnaire: Questionnaire) -> QuerySet[Answer]:
    return Answer.objects.filter(question__questionnaire=questionnaire)


def _count_answers(
    questionnaire: Questionnaire,
    by_question: dict[int, QuestionResult],
    results: list[QuestionResult],
) -> None:
    rows = (
        _answers(questionnaire)
        .values("question_id")
        .order_by()
        .annotate(
            n=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            total=Sum("number"),
            numbered=Count("number"),
        )
    )
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        result = by_question[row["question_id"]]
        result.answered += row["n"]
        result.correct += row["correct"]
        sums[result.question.pk][0] += row["total"] or 0
        sums[result.question.pk][1] += row["numbered"]
    for result in results:
        total, numbered = sums.get(result.question.pk, (0, 0))
        if numbered and result.kind in (QuestionKind.SCALE, QuestionKind.SCORE):
            result.mean = total / numbered


def _count_choices(questionnaire: Questionnaire, lineages: list[Lineage]) -> None:
    counts = {
        row["choice_id"]: row["n"]
        for row in Answer.choices.through.objects.filter(
            answer__question__questionnaire=questionnaire
        )
        .values("choice_id")
        .order_by()
        .annotate(n=Count("pk"))
    }
    for result, versions in lineages:
        if result.kind not in (*CHOICE_KINDS, QuestionKind.SCORE):
            continue
        # The current version's choices first, in their order; older ones after,
        # matched by their text.
        rows: dict[str, ChoiceCount] = {}
        seen: set[int] = set()
        for question in [result.question, *reversed(versions)]:
            for choice in question.choices.all():
                if choice.pk in seen:
                    continue
                seen.add(choice.pk)
                row = rows.setdefault(
                    _key(choice.text),
                    ChoiceCount(choice.text, 0, None, choice.is_correct, choice.value),
                )
                row.count += counts.get(choice.pk, 0)
        for row in rows.values():
            row.pct = _pct(row.count, result.answered)
        result.choices = list(rows.values())


def _count_scale(
    questionnaire: Questionnaire,
    by_question: dict[int, QuestionResult],
    results: list[QuestionResult],
) -> None:
    rows = (
        _answers(questionnaire)
        .filter(question__kind=QuestionKind.SCALE, number__isnull=False)
        .values("question_id", "number")
        .order_by()
        .annotate(n=Count("pk"))
    )
    found: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        found[by_question[row["question_id"]].question.pk][int(row["number"] or 0)] += row["n"]
    for result in results:
        if result.kind != QuestionKind.SCALE:
            continue
        question = result.question
        numbers = found.get(question.pk, {})
        low = min([question.scale_min, *numbers])
        high = max([question.scale_max, *numbers])
        result.choices = [
            ChoiceCount(
                _scale_label(question, n),
                numbers.get(n, 0),
                _pct(numbers.get(n, 0), result.answered),
                value=n,
            )
            for n in range(low, high + 1)
        ]


def _scale_label(question: Question, number: int) -> str:
    if number == question.scale_min and question.scale_min_label:
        return f"{number} ({question.scale_min_label})"
    if number == question.scale_max and question.scale_max_label:
        return f"{number} ({question.scale_max_label})"
    return str(number)


def _count_tags(
    questionnaire: Questionnaire,
    by_question: dict[int, QuestionResult],
    results: list[QuestionResult],
) -> None:
    rows = (
        Answer.tags.through.objects.filter(answer__question__questionnaire=questionnaire)
        .values("answer__question_id", "tag__label")
        .order_by()
        .annotate(n=Count("pk"))
    )
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        found[by_question[row["answer__question_id"]].question.pk][row["tag__label"]] += row["n"]
    for result in results:
        counts = found.get(result.question.pk, {})
        result.tag_counts = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def _texts(questionnaire: Questionnaire, by_question: dict[int, QuestionResult]) -> None:
    answers = (
        _answers(questionnaire)
        .filter(question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .select_related("response")
        .prefetch_related("tags")
        .order_by("-response__submitted_at", "-pk")
    )
    for answer in answers:
        by_question[answer.question_id].texts.append(text_answer(answer))


def text_answer(answer: Answer) -> TextAnswer:
    return TextAnswer(answer.pk, answer.text, answer.response.submitted_at, list(answer.tags.all()))


# --- quiz scores -----------------------------------------------------------------


def _score_expression() -> Any:
    return Cast("correct_count", FloatField()) * 100.0 / Cast("question_count", FloatField())


def quiz_scores(questionnaire: Questionnaire) -> QuizScores:
    scored = Response.objects.filter(questionnaire=questionnaire, question_count__gt=0)
    aggregates: dict[str, Any] = {"count": Count("pk"), "mean": Avg(_score_expression())}
    for i, (low, high) in enumerate(SCORE_BANDS):
        aggregates[f"band{i}"] = Count("pk", filter=Q(pct_score__gte=low, pct_score__lt=high))
    row = scored.annotate(pct_score=_score_expression()).aggregate(**aggregates)
    bands = [
        ChoiceCount(
            _("de %(low)d à %(high)d %%") % {"low": low, "high": min(high, 100)},
            row[f"band{i}"],
            _pct(row[f"band{i}"], row["count"]),
        )
        for i, (low, high) in enumerate(SCORE_BANDS)
    ]
    return QuizScores(count=row["count"], mean=row["mean"], bands=bands)


@dataclass
class QuizSummary:
    """METHODOLOGY §7 for one quiz of a challenge (scores in %)."""

    questionnaire: Questionnaire
    before_count: int = 0
    after_count: int = 0
    before_mean: float | None = None
    after_mean: float | None = None
    both_count: int = 0
    improved_count: int = 0

    @property
    def improved_share(self) -> float | None:
        return _pct(self.improved_count, self.both_count)

    @property
    def has_answers(self) -> bool:
        return bool(self.before_count or self.after_count)


def challenge_quizzes(challenge: Challenge) -> QuerySet[Questionnaire]:
    """The challenge's quizzes people can see: published or closed."""
    return (
        Questionnaire.objects.filter(challenge=challenge, kind=Kind.QUIZ, is_template=False)
        .exclude(status=Status.DRAFT)
        .select_related("territory", "challenge")
        .order_by("created_at", "pk")
    )


def quiz_summaries(quizzes: Sequence[Questionnaire]) -> list[QuizSummary]:
    """Households who answered at the start and at the end, the mean scores,
    and the share of households (with both) whose score went up: 2 queries."""
    summaries = {q.pk: QuizSummary(q) for q in quizzes}
    if not summaries:
        return []
    answered = Response.objects.filter(
        questionnaire_id__in=summaries, household__isnull=False, question_count__gt=0
    )
    for row in (
        answered.values("questionnaire_id", "moment")
        .order_by()
        .annotate(n=Count("pk"), mean=Avg(_score_expression()))
    ):
        summary = summaries[row["questionnaire_id"]]
        if row["moment"] == Moment.BEFORE:
            summary.before_count, summary.before_mean = row["n"], row["mean"]
        elif row["moment"] == Moment.AFTER:
            summary.after_count, summary.after_mean = row["n"], row["mean"]
    before = answered.filter(
        questionnaire=OuterRef("questionnaire"),
        household=OuterRef("household"),
        moment=Moment.BEFORE,
    ).annotate(pct_score=_score_expression())
    pairs = (
        answered.filter(moment=Moment.AFTER)
        .annotate(
            before=Subquery(before.values("pct_score")[:1], output_field=FloatField()),
            after=_score_expression(),
        )
        .values("questionnaire_id")
        .order_by()
        .annotate(
            both=Count("pk", filter=Q(before__isnull=False)),
            up=Count("pk", filter=Q(before__isnull=False, after__gt=F("before"))),
        )
    )
    for pair in pairs:
        summary = summaries[pair["questionnaire_id"]]
        summary.both_count, summary.improved_count = pair["both"], pair["up"]
    return list(summaries.values())


# --- grids -----------------------------------------------------------------------


@dataclass
class Filling:
    response: Response
    # Axis pk → mean score 0–4 (None: no answer on that axis).
    scores: dict[int, float | None]

    @property
    def label(self) -> str:
        return self.response.label or str(self.response)

    @property
    def overall(self) -> float | None:
        known = [s for s in self.scores.values() if s is not None]
        return sum(known) / len(known) if known else None


@dataclass
class GridResults:
    axes: list[Axis]
    fillings: list[Filling]  # oldest first

    def evolution(self) -> list[dict[str, Any]]:
        """One row per axis: its score at each filling, and the change since the previous."""
        rows = []
        for axis in self.axes:
            scores = [f.scores.get(axis.pk) for f in self.fillings]
            rows.append({"axis": axis, "scores": scores, "change": _change(scores)})
        overall = [f.overall for f in self.fillings]
        rows.append({"axis": None, "scores": overall, "change": _change(overall)})
        return rows


def _change(scores: list[float | None]) -> float | None:
    if len(scores) < 2 or scores[-1] is None or scores[-2] is None:
        return None
    return scores[-1] - scores[-2]


def as_pct(score: float | None) -> float | None:
    return None if score is None else 100 * score / GRID_MAX_SCORE


def grid_results(questionnaire: Questionnaire) -> GridResults:
    """Per filling and axis: the mean of the answered questions (0–4); 3 queries."""
    axes = list(Axis.objects.filter(questionnaire=questionnaire).order_by("position", "pk"))
    responses = list(
        Response.objects.filter(questionnaire=questionnaire).order_by("submitted_at", "pk")
    )
    means: dict[tuple[int, int], float] = {
        (row["response_id"], row["question__axis_id"]): row["mean"]
        for row in _answers(questionnaire)
        .filter(number__isnull=False, question__axis__isnull=False)
        .values("response_id", "question__axis_id")
        .order_by()
        .annotate(mean=Avg("number"))
    }
    fillings = [
        Filling(r, {axis.pk: means.get((r.pk, axis.pk)) for axis in axes}) for r in responses
    ]
    return GridResults(axes=axes, fillings=fillings)


# --- one response (the respondent's own page) ------------------------------------


@dataclass
class AnswerReview:
    question: Question
    given: list[str]
    right: list[str]
    text: str
    number: int | None
    is_correct: bool | None


def response_review(response: Response) -> list[AnswerReview]:
    """Each answered question of the filling with what was answered and, for
    quizzes, the right answers: 3 queries."""
    answers = (
        Answer.objects.filter(response=response)
        .select_related("question__axis")
        .prefetch_related("choices", "question__choices")
    )
    return [
        AnswerReview(
            question=answer.question,
            given=[c.text for c in answer.choices.all()],
            right=[c.text for c in answer.question.choices.all() if c.is_correct],
            text=answer.text,
            number=answer.number,
            is_correct=answer.is_correct,
        )
        for answer in sorted(answers, key=lambda a: _order(a.question))
    ]
