"""The questionnaires' personal data: exported to their person, erased with
the account while the anonymous aggregates stay."""

from __future__ import annotations

import uuid

import pytest

from accounts.rgpd import export_data
from accounts.services import account_erase
from questionnaires.models import Response
from questionnaires.responses import response_submit
from questionnaires.results import quiz_summaries
from tests.factories import ChallengeFactory, RegistrationFactory, UserFactory
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db


def answer_all(questionnaire, user, **kwargs):  # type: ignore[no-untyped-def]
    answers = {}
    for question in questionnaire.questions.order_by("position"):
        if question.kind == "texte":
            answers[question.pk] = "Ma voisine Jeanne Martin, au 3 rue des Lilas"
        elif question.kind in ("echelle", "note"):
            answers[question.pk] = 3
        else:
            choice = question.choices.filter(is_correct=True).first() or question.choices.first()
            answers[question.pk] = [choice.pk]
    response, _ = response_submit(
        questionnaire=questionnaire, answers=answers, user=user, client_key=uuid.uuid4(), **kwargs
    )
    return response


def test_my_quiz_answers_and_my_interview_count_are_exported(territory, member):
    quiz = quiz_with_questions(2, territory=territory, title="Quiz de l'eau")
    survey = survey_with_questions(territory=territory)
    answer_all(quiz, member)
    answer_all(survey, member, interviewer=member, consent=True)
    data = export_data(member)
    (row,) = data["questionnaires"]
    assert row["questionnaire"] == "Quiz de l'eau"
    assert row["bonnes_reponses"] == 2
    assert "Juste" in row["reponses"]
    assert data["entretiens"][0]["entretiens_saisis"] == 1
    assert "Jeanne" not in str(data)
    assert export_data(UserFactory())["questionnaires"] == []


def test_erasing_an_account_keeps_the_challenge_figures(territory, member):
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = quiz_with_questions(2, territory=territory, challenge=challenge)
    survey = survey_with_questions(territory=territory)
    answer_all(quiz, member, household=member.household)
    interview = answer_all(survey, member, interviewer=member, consent=True)
    before = quiz_summaries([quiz])[0]
    account_erase(user=member)
    response = Response.objects.get(questionnaire=quiz)
    assert response.respondent is None
    assert response.correct_count == 2
    interview.refresh_from_db()
    assert interview.interviewer is None
    # The interviewed person's words are not the volunteer's data: they stay.
    assert interview.answers.filter(text__startswith="Ma voisine").exists()
    after = quiz_summaries([quiz])[0]
    assert (after.before_count, after.before_mean) == (before.before_count, before.before_mean)


def test_free_texts_a_person_typed_for_themselves_are_emptied(territory, organiser):
    grid = QuestionnaireFactory(territory=territory, kind="grille")
    QuestionFactory(questionnaire=grid, position=0, kind="note", text="Niveau atteint ?")
    QuestionFactory(questionnaire=grid, position=1, kind="texte", text="Vos remarques ?")
    response = answer_all(grid, organiser)
    account_erase(user=organiser)
    assert not response.answers.exclude(text="").exists()
    assert response.answers.filter(number=3).exists()


def test_an_erased_volunteer_is_no_longer_an_interviewer(territory, member):
    survey = survey_with_questions(territory=territory)
    survey.interviewers.add(member)
    account_erase(user=member)
    assert not survey.interviewers.exists()
