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
