"""The templates shipped with the platform (questionnaires/data, migration 0002)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db.models import Count, Q

from questionnaires.models import (
    Axis,
    Choice,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Status,
)

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("questionnaires.migrations.0002_shipped_templates")
GRID_AXES = [
    "Alimentation",
    "Énergie",
    "Autonomie intellectuelle et solidarité sociale",
    "Santé",
    "Économie",
]


def _template(slug: str) -> Questionnaire:
    return Questionnaire.objects.templates().get(slug=slug, territory=None)


def test_the_four_templates_are_shipped_as_platform_drafts() -> None:
    templates = Questionnaire.objects.templates()
    assert {(q.slug, q.kind) for q in templates} >= {
        ("quiz-energie-eau", Kind.QUIZ),
        ("quiz-zero-dechet", Kind.QUIZ),
        ("grille-resilience", Kind.GRID),
        ("enquete-voisinage", Kind.SURVEY),
    }
    assert all(q.territory_id is None and q.status == Status.DRAFT for q in templates)
    assert all(q.intro for q in templates)


@pytest.mark.parametrize("slug", ["quiz-energie-eau", "quiz-zero-dechet"])
def test_every_quiz_question_has_a_right_answer_and_says_why(slug: str) -> None:
    quiz = _template(slug)
    questions = quiz.questions.annotate(
        right=Count("choices", filter=Q(choices__is_correct=True)), total=Count("choices")
    )
    assert questions.count() >= 12
    for question in questions:
        assert question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE), question.text
        assert question.right >= 1, question.text
        assert question.total >= 2, question.text
        if question.kind == QuestionKind.SINGLE:
            assert question.right == 1, question.text
        assert len(question.explanation) > 40, question.text
    kinds = set(questions.values_list("kind", flat=True))
    assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


def test_the_resilience_grid_has_five_axes_of_at_least_five_scored_questions() -> None:
    grid = _template("grille-resilience")
    assert list(grid.axes.values_list("title", flat=True)) == GRID_AXES
    for axis in grid.axes.annotate(n=Count("questions")):
        assert axis.n >= 5, axis.title
    questions = grid.questions.all()
    assert questions.count() >= 25
    for question in questions.prefetch_related("choices"):
        assert question.kind == QuestionKind.SCORE
        assert [c.value for c in question.choices.all()] == [0, 1, 2, 3, 4], question.text
        assert all(c.text and not c.is_correct for c in question.choices.all())


def test_the_neighbourhood_survey_mixes_every_kind_of_question() -> None:
    survey = _template("enquete-voisinage")
    questions = list(survey.questions.prefetch_related("choices"))
    assert 8 <= len(questions) <= 12
    assert {q.kind for q in questions} == {
        QuestionKind.TEXT,
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.SCALE,
    }
    for question in questions:
        choices = list(question.choices.all())
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            assert len(choices) >= 2
            assert not any(c.is_correct for c in choices)
        elif question.kind == QuestionKind.SCALE:
            assert (question.scale_min, question.scale_max) == (1, 5)
            assert question.scale_min_label
            assert question.scale_max_label
        else:
            assert not choices


def test_questions_are_numbered_in_file_order_with_their_own_lineage() -> None:
    quiz = _template("quiz-energie-eau")
    positions = list(quiz.questions.values_list("position", flat=True))
    assert positions == list(range(len(positions)))
    assert len(set(quiz.questions.values_list("lineage", flat=True))) == len(positions)


def test_every_text_fits_its_column() -> None:
    """SQLite would not say so; PostgreSQL would refuse the migration."""
    checks = [
        (Questionnaire, Questionnaire.objects.templates(), ["title", "slug"]),
        (Question, Question.objects.filter(questionnaire__is_template=True), ["text", "help_text"]),
        (Choice, Choice.objects.filter(question__questionnaire__is_template=True), ["text"]),
        (Axis, Axis.objects.filter(questionnaire__is_template=True), ["title"]),
    ]
    for model, rows, names in checks:
        for name in names:
            limit = model._meta.get_field(name).max_length
            longest = max(len(value) for value in rows.values_list(name, flat=True))
            assert longest <= limit, f"{model.__name__}.{name}: {longest} > {limit}"


def test_loading_again_is_idempotent_and_the_reverse_removes_them() -> None:
    before = Question.objects.filter(questionnaire__is_template=True).count()
    MIGRATION.load_templates(apps, None)
    assert Questionnaire.objects.templates().count() == 4
    assert Question.objects.filter(questionnaire__is_template=True).count() == before
    MIGRATION.unload_templates(apps, None)
    assert not Questionnaire.objects.templates().exists()


def test_the_reverse_keeps_copies_made_by_territories(territory) -> None:  # type: ignore[no-untyped-def]
    from questionnaires import services

    copy = services.questionnaire_copy(
        template=_template("quiz-zero-dechet"), territory=territory, user=None
    )
    MIGRATION.unload_templates(apps, None)
    copy.refresh_from_db()
    assert copy.source is None
    assert copy.questions.count() >= 12
