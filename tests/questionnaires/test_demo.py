"""The questionnaires' demo: a quiz answered before/after, a survey with
interviews and tags, a grid filled twice; a second run creates nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from challenges.models import Challenge
from questionnaires.models import Answer, Kind, Moment, Questionnaire, Response, Status, Tag
from questionnaires.results import challenge_quizzes, grid_results, quiz_summaries

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Questionnaire.objects.filter(is_template=False).count(),
        Response.objects.count(),
        Answer.objects.count(),
        Tag.objects.count(),
        Answer.tags.through.objects.count(),
    )


def test_the_demo_answers_quiz_survey_and_grid_once():
    call_command("seed_demo", verbosity=0)
    first = counts()
    challenge = Challenge.objects.get(slug="familles-energie-positive")
    (summary,) = quiz_summaries(list(challenge_quizzes(challenge)))
    assert summary.questionnaire.status == Status.PUBLISHED
    assert 20 <= summary.before_count <= 25
    assert 12 <= summary.after_count <= 15
    assert summary.after_mean > summary.before_mean
    assert summary.improved_share > 50
    survey = Questionnaire.objects.get(territory__slug="val-de-drome", kind=Kind.SURVEY)
    assert survey.interviewers.count() == 2
    assert survey.responses.count() == 30
    assert not survey.responses.filter(respondent__isnull=False).exists()
    assert Answer.objects.filter(response__questionnaire=survey).exclude(tags=None).exists()
    grid = Questionnaire.objects.get(territory__slug="val-de-drome", kind=Kind.GRID)
    fillings = grid_results(grid).fillings
    assert len(fillings) == 2
    assert fillings[0].response.submitted_at < fillings[1].response.submitted_at
    assert fillings[1].overall > fillings[0].overall
    assert Response.objects.filter(moment=Moment.AFTER).exists()

    call_command("seed_demo", verbosity=0)
    assert counts() == first
