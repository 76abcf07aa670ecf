"""The back office of questionnaires: templates are editable there, answered
questions and answers are not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questionnaires.models import Questionnaire
from tests.questionnaires.factories import AnswerFactory, ResponseFactory, quiz_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client, admin_user):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", ["questionnaire", "question", "response", "answer", "tag"])
def test_the_admin_lists_open(as_admin, model: str) -> None:
    quiz = quiz_with_questions(1)
    AnswerFactory(question=quiz.questions.get(), response=ResponseFactory(questionnaire=quiz))
    assert as_admin.get(reverse(f"admin:questionnaires_{model}_changelist")).status_code == 200


def test_a_template_is_edited_in_the_admin(as_admin) -> None:
    template = Questionnaire.objects.templates().get(slug="grille-resilience")
    url = reverse("admin:questionnaires_questionnaire_change", args=[template.pk])
    html = as_admin.get(url).content.decode()
    assert 'name="_save"' in html
    assert "Autonomie intellectuelle et solidarité sociale" in html


def test_an_answered_question_is_read_only_in_the_admin(as_admin) -> None:
    quiz = quiz_with_questions(2)
    answered, free = quiz.questions.order_by("position")
    AnswerFactory(question=answered, response=ResponseFactory(questionnaire=quiz))
    answered_url = reverse("admin:questionnaires_question_change", args=[answered.pk])
    assert 'name="_save"' not in as_admin.get(answered_url).content.decode()
    response = as_admin.post(answered_url, {"text": "Modifiée en douce"})
    assert response.status_code == 403
    answered.refresh_from_db()
    assert answered.text != "Modifiée en douce"
    free_url = reverse("admin:questionnaires_question_change", args=[free.pk])
    assert 'name="_save"' in as_admin.get(free_url).content.decode()


def test_answers_cannot_be_changed_in_the_admin(as_admin) -> None:
    answer = AnswerFactory(text="Mes mots")
    url = reverse("admin:questionnaires_answer_change", args=[answer.pk])
    assert 'name="_save"' not in as_admin.get(url).content.decode()
    assert as_admin.post(url, {"text": "Autres mots"}).status_code == 403
