"""Factories of the questionnaires engine (shared by its tests)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from questionnaires.models import (
    Answer,
    Axis,
    Choice,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Status,
)
from tests.factories import TerritoryFactory


class QuestionnaireFactory(DjangoModelFactory):
    class Meta:
        model = Questionnaire

    territory = factory.SubFactory(TerritoryFactory)
    kind = Kind.QUIZ
    title = factory.Sequence(lambda n: f"Quiz énergie n° {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    status = Status.PUBLISHED


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    questionnaire = factory.SubFactory(QuestionnaireFactory, kind=Kind.GRID)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Axe {n}")


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(int)
    kind = QuestionKind.SINGLE
    text = factory.Sequence(lambda n: f"Question n° {n} ?")


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Réponse {n}")
    is_correct = False


def quiz_with_questions(count: int = 3, **kwargs: object) -> Questionnaire:
    """A published quiz of `count` single-choice questions, each with one right
    answer (position 0) and one wrong answer (position 1)."""
    quiz = QuestionnaireFactory(kind=Kind.QUIZ, **kwargs)
    for i in range(count):
        question = QuestionFactory(questionnaire=quiz, position=i)
        ChoiceFactory(question=question, position=0, text="Juste", is_correct=True)
        ChoiceFactory(question=question, position=1, text="Faux", is_correct=False)
    return quiz


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response

    questionnaire = factory.SubFactory(QuestionnaireFactory)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)


# --- answering (engineer Q2) ---------------------------------------------------------


def survey_with_questions(**kwargs: object) -> Questionnaire:
    """A published survey: a single choice (2 choices), a multiple choice
    (3 choices), a scale 1–5 and a free text, in this order."""
    kwargs.setdefault("title", "Enquête de voisinage")
    survey = QuestionnaireFactory(kind=Kind.SURVEY, **kwargs)
    single = QuestionFactory(questionnaire=survey, position=0, text="Avez-vous un jardin ?")
    ChoiceFactory(question=single, position=0, text="Oui")
    ChoiceFactory(question=single, position=1, text="Non")
    multiple = QuestionFactory(
        questionnaire=survey,
        position=1,
        kind=QuestionKind.MULTIPLE,
        text="Que faites-vous déjà ?",
    )
    for i, text in enumerate(["Composter", "Acheter en vrac", "Réparer"]):
        ChoiceFactory(question=multiple, position=i, text=text)
    QuestionFactory(
        questionnaire=survey,
        position=2,
        kind=QuestionKind.SCALE,
        text="Êtes-vous prêt·e à changer vos habitudes ?",
        scale_min=1,
        scale_max=5,
        scale_min_label="pas du tout",
        scale_max_label="tout à fait",
    )
    QuestionFactory(
        questionnaire=survey,
        position=3,
        kind=QuestionKind.TEXT,
        text="Qu'est-ce qui vous aiderait ?",
        required=False,
    )
    return survey


def grid_with_axes(axes: int = 5, per_axis: int = 2, **kwargs: object) -> Questionnaire:
    """A published grid: `axes` axes of `per_axis` SCORE questions, each with
    five levels (choices with value 0..4)."""
    kwargs.setdefault("title", "Autodiagnostic de résilience")
    grid = QuestionnaireFactory(kind=Kind.GRID, **kwargs)
    for a in range(axes):
        axis = AxisFactory(questionnaire=grid, position=a, title=f"Axe n° {a + 1}")
        for q in range(per_axis):
            question = QuestionFactory(
                questionnaire=grid,
                axis=axis,
                position=a * per_axis + q,
                kind=QuestionKind.SCORE,
                text=f"Question {q + 1} de l'axe {a + 1} ?",
            )
            for level in range(5):
                ChoiceFactory(
                    question=question, position=level, text=f"Niveau {level}", value=level
                )
    return grid


def shipped_template(slug: str) -> Questionnaire:
    """A template shipped by the data migration (tests/conftest.py puts them
    back after a transactional test flushed the tables)."""
    return Questionnaire.objects.templates().get(slug=slug)
