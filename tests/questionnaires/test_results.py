"""questionnaires.results: aggregates in SQL, followed across question versions."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questionnaires.models import Moment, Response
from questionnaires.responses import answer_tag, response_submit
from questionnaires.results import (
    challenge_quizzes,
    grid_results,
    questionnaire_results,
    quiz_summaries,
)
from tests.factories import ChallengeFactory, HouseholdFactory, UserFactory
from tests.questionnaires.factories import (
    ChoiceFactory,
    QuestionFactory,
    grid_with_axes,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db


def questions(questionnaire):  # type: ignore[no-untyped-def]
    return list(questionnaire.questions.order_by("position"))


def interview(survey, user, *, single=0, multiple=(0,), scale=3, text=""):  # type: ignore[no-untyped-def]
    q_single, q_multiple, q_scale, q_text = questions(survey)
    answers = {
        q_single.pk: list(q_single.choices.order_by("position"))[single].pk,
        q_multiple.pk: [list(q_multiple.choices.order_by("position"))[i].pk for i in multiple],
        q_scale.pk: scale,
        q_text.pk: text,
    }
    response, _ = response_submit(
        questionnaire=survey,
        answers=answers,
        user=user,
        interviewer=user,
        consent=True,
        client_key=uuid.uuid4(),
    )
    return response


def by_text(results):  # type: ignore[no-untyped-def]
    return {r.question.text: r for r in results.questions}


def test_survey_results_count_choices_scale_and_tags(territory, member):
    survey = survey_with_questions(territory=territory)
    interview(survey, member, single=0, multiple=(0, 1), scale=5, text="Un composteur")
    interview(survey, member, single=0, multiple=(0,), scale=4, text="Du temps")
    third = interview(survey, member, single=1, multiple=(2,), scale=3)
    text_answer = Response.objects.exclude(pk=third.pk).first().answers.get(question__kind="texte")
    answer_tag(answer=text_answer, label="Compost")
    results = by_text(questionnaire_results(survey, with_texts=True))
    garden = results["Avez-vous un jardin ?"]
    assert garden.answered == 3
    assert [(c.label, c.count) for c in garden.choices] == [("Oui", 2), ("Non", 1)]
    assert garden.choices[0].pct == pytest.approx(200 / 3)
    habits = results["Que faites-vous déjà ?"]
    assert [c.count for c in habits.choices] == [2, 1, 1]
    scale = results["Êtes-vous prêt·e à changer vos habitudes ?"]
    assert scale.mean == pytest.approx(4)
    assert [(c.label, c.count) for c in scale.choices] == [
        ("1 (pas du tout)", 0),
        ("2", 0),
        ("3", 1),
        ("4", 1),
        ("5 (tout à fait)", 1),
    ]
    free = results["Qu'est-ce qui vous aiderait ?"]
    assert free.answered == 2
    assert sorted(t.text for t in free.texts) == ["Du temps", "Un composteur"]
    assert free.tag_counts == [("Compost", 1)]


def test_free_texts_are_read_only_when_asked(territory, member):
    survey = survey_with_questions(territory=territory)
    interview(survey, member, text="Mon voisin Jean pourrait aider")
    free = by_text(questionnaire_results(survey))["Qu'est-ce qui vous aiderait ?"]
    assert free.answered == 1
    assert free.texts == []


def test_versions_of_a_question_count_together_and_are_noted(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    (old,) = questions(quiz)
    respond_quiz(quiz, member, right=True)
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    new = QuestionFactory(
        questionnaire=quiz,
        lineage=old.lineage,
        version=2,
        previous=old,
        text="Question reformulée ?",
    )
    ChoiceFactory(question=new, position=0, text="Juste", is_correct=True)
    ChoiceFactory(question=new, position=1, text="Autre chose", is_correct=False)
    respond_quiz(quiz, member, right=False)
    (result,) = questionnaire_results(quiz).questions
    assert result.question == new
    assert (result.versions, result.versions_differ, result.answered) == (2, True, 2)
    assert [(c.label, c.count) for c in result.choices] == [
        ("Juste", 1),
        ("Autre chose", 1),
        ("Faux", 0),
    ]
    assert result.success_rate == 50


def respond_quiz(quiz, user, *, right: bool, household=None, moment="", today=None):  # type: ignore[no-untyped-def]
    answers = {
        q.pk: q.choices.filter(is_correct=right).first().pk
        for q in quiz.questions.filter(retired_at__isnull=True)
    }
    response, _ = response_submit(
        questionnaire=quiz,
        answers=answers,
        user=user,
        household=household,
        client_key=uuid.uuid4(),
        moment=moment,
        today=today,
    )
    return response


def test_quiz_scores_have_a_mean_and_bands(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    q1, q2 = questions(quiz)
    for answers in (
        {q1.pk: q1.choices.get(is_correct=True).pk, q2.pk: q2.choices.get(is_correct=True).pk},
        {q1.pk: q1.choices.get(is_correct=True).pk, q2.pk: q2.choices.get(is_correct=False).pk},
        {q1.pk: q1.choices.get(is_correct=False).pk, q2.pk: q2.choices.get(is_correct=False).pk},
    ):
        response_submit(questionnaire=quiz, answers=answers, user=member, client_key=uuid.uuid4())
    scores = questionnaire_results(quiz).quiz
    assert scores.count == 3
    assert scores.mean == pytest.approx(50)
    assert [b.count for b in scores.bands] == [1, 0, 1, 0, 1]
    assert scores.bands[-1].label == "de 80 à 100 %"


def test_the_challenge_summary_follows_methodology_7(territory):
    challenge = ChallengeFactory(territory=territory)
    quiz = quiz_with_questions(2, territory=territory, challenge=challenge)
    end = challenge.ends_on
    households = [HouseholdFactory() for _ in range(4)]
    users = [UserFactory(household=h) for h in households]
    # Start: 0 %, 50 %, 100 %, 50 %.  End (three of them): 100 %, 50 %, 100 %.
    starts = [(0, 0), (1, 0), (1, 1), (0, 1)]
    for user, (a, b) in zip(users, starts, strict=True):
        answer_quiz(quiz, user, (a, b))
    for user, pair in zip(users[:3], [(1, 1), (1, 0), (1, 1)], strict=True):
        answer_quiz(quiz, user, pair, today=end)
    (summary,) = quiz_summaries(list(challenge_quizzes(challenge)))
    assert (summary.before_count, summary.after_count) == (4, 3)
    assert summary.before_mean == pytest.approx(50)
    assert summary.after_mean == pytest.approx(250 / 3)
    assert (summary.both_count, summary.improved_count) == (3, 1)
    assert summary.improved_share == pytest.approx(100 / 3)
    assert Response.objects.filter(moment=Moment.AFTER).count() == 3


def answer_quiz(quiz, user, pair, today=None):  # type: ignore[no-untyped-def]
    answers = {
        q.pk: q.choices.get(is_correct=bool(right)).pk
        for q, right in zip(questions(quiz), pair, strict=True)
    }
    response_submit(
        questionnaire=quiz,
        answers=answers,
        user=user,
        household=user.household,
        client_key=uuid.uuid4(),
        today=today,
    )


def test_a_quiz_nobody_answered_has_no_figure(territory):
    challenge = ChallengeFactory(territory=territory)
    quiz_with_questions(1, territory=territory, challenge=challenge)
    (summary,) = quiz_summaries(list(challenge_quizzes(challenge)))
    assert not summary.has_answers
    assert summary.before_mean is None
    assert summary.improved_share is None


def test_grid_results_give_each_filling_a_score_per_axis(territory, organiser):
    grid = grid_with_axes(axes=2, per_axis=2, territory=territory)
    qs = questions(grid)
    fill = [(4, 2, 1, None), (4, 4, 2, 2)]
    for label, levels in zip(["Premier", "Second"], fill, strict=True):
        answers = {
            q.pk: q.choices.get(value=level).pk
            for q, level in zip(qs, levels, strict=True)
            if level is not None
        }
        qs[3].required = False
        qs[3].save(update_fields=["required"])
        response_submit(
            questionnaire=grid,
            answers=answers,
            user=organiser,
            client_key=uuid.uuid4(),
            label=label,
        )
    results = grid_results(grid)
    first, second = results.fillings
    axis1, axis2 = results.axes
    assert first.label == "Premier"
    assert first.scores == {axis1.pk: 3, axis2.pk: 1}
    assert second.scores == {axis1.pk: 4, axis2.pk: 2}
    rows = results.evolution()
    assert [row["change"] for row in rows] == [1, 1, 1]
    assert rows[-1]["scores"] == [2, 3]


def test_an_axis_without_answers_has_no_score(territory, organiser):
    grid = grid_with_axes(axes=2, per_axis=1, territory=territory)
    q1, q2 = questions(grid)
    q2.required = False
    q2.save(update_fields=["required"])
    response_submit(
        questionnaire=grid,
        answers={q1.pk: q1.choices.get(value=1).pk},
        user=organiser,
        client_key=uuid.uuid4(),
    )
    (filling,) = grid_results(grid).fillings
    assert list(filling.scores.values()) == [1, None]
    assert filling.overall == 1


@pytest.mark.parametrize("kind", ["survey", "quiz", "grid"])
def test_the_query_count_does_not_grow_with_responses(
    territory, organiser, django_assert_num_queries, kind
):
    def build(count: int):  # type: ignore[no-untyped-def]
        if kind == "survey":
            survey = survey_with_questions(territory=territory, slug=f"s{count}")
            for i in range(count):
                response = interview(survey, organiser, scale=1 + i % 5, text=f"Idée {i}")
                answer_tag(answer=response.answers.get(question__kind="texte"), label=f"T{i % 3}")
            return survey
        if kind == "quiz":
            quiz = quiz_with_questions(3, territory=territory, slug=f"q{count}")
            for i in range(count):
                respond_quiz(quiz, organiser, right=bool(i % 2))
            return quiz
        grid = grid_with_axes(axes=2, per_axis=2, territory=territory, slug=f"g{count}")
        for i in range(count):
            answers = {q.pk: q.choices.get(value=i % 5).pk for q in questions(grid)}
            response_submit(
                questionnaire=grid, answers=answers, user=organiser, client_key=uuid.uuid4()
            )
        return grid

    small, large = build(1), build(8)
    with CaptureQueriesContext(connection) as captured:
        questionnaire_results(small, with_texts=True)
    with django_assert_num_queries(len(captured.captured_queries)):
        questionnaire_results(large, with_texts=True)


def test_quiz_summaries_take_two_queries_whatever_the_households(
    territory, django_assert_num_queries
):
    challenge = ChallengeFactory(territory=territory)
    quiz = quiz_with_questions(1, territory=territory, challenge=challenge)
    for _ in range(6):
        answer_quiz(quiz, UserFactory(household=HouseholdFactory()), (1,))
    quizzes = list(challenge_quizzes(challenge))
    with django_assert_num_queries(2):
        quiz_summaries(quizzes)
