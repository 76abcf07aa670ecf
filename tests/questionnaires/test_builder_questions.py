"""The question form (with its choices formset), moving and deleting
questions, axes and interviewers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from questionnaires.models import Kind, QuestionKind
from tests.factories import UserFactory
from tests.questionnaires.factories import (
    AnswerFactory,
    AxisFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def _url(name: str, *args: object) -> str:
    return reverse(f"questionnaires:{name}", args=[SLUG, *args])


def _post_data(
    fields: dict[str, Any], choices: list[dict[str, Any]], *, initial: int = 0
) -> dict[str, Any]:
    """The question form as a browser sends it: fields, then the formset."""
    data: dict[str, Any] = {
        "choix-TOTAL_FORMS": len(choices),
        "choix-INITIAL_FORMS": initial,
        "choix-MIN_NUM_FORMS": 0,
        "choix-MAX_NUM_FORMS": 15,
        "required": "on",
        **fields,
    }
    for i, choice in enumerate(choices):
        for key, value in choice.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"choix-{i}-{key}"] = value
    return data


RIGHT_AND_WRONG = [
    {"text": "19 °C", "is_correct": True},
    {"text": "23 °C"},
    {"text": ""},
    {"text": ""},
]


def test_the_form_offers_the_question_kinds_of_the_questionnaire(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    html = as_organiser.get(_url("question_add", "quiz")).content.decode()
    assert 'value="unique"' in html
    assert 'value="multiple"' in html
    assert 'value="texte"' not in html
    assert "scale_min" not in html
    assert html.count('name="choix-') >= 4 * 2  # text and right answer on four rows


def test_it_adds_a_quiz_question_at_the_end(as_organiser, territory) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz")
    response = as_organiser.post(
        _url("question_add", "quiz"),
        _post_data(
            {
                "kind": "unique",
                "text": "Quelle température ?",
                "explanation": "Le code de l'énergie.",
            },
            RIGHT_AND_WRONG,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == _url("edit", "quiz")
    question = quiz.questions.order_by("position").last()
    assert (question.text, question.explanation, question.position) == (
        "Quelle température ?",
        "Le code de l'énergie.",
        2,
    )
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("19 °C", True),
        ("23 °C", False),
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([{"text": "19 °C"}, {"text": "23 °C"}], "Cochez la bonne réponse (au moins une)."),
        ([{"text": "19 °C", "is_correct": True}, {"text": ""}], "Proposez au moins deux réponses."),
        (
            [{"text": "19 °C", "is_correct": True}, {"text": "20 °C", "is_correct": True}],
            "Une question à choix unique n&#x27;a qu&#x27;une seule bonne réponse",
        ),
    ],
)
def test_bad_choices_are_refused_next_to_the_choices_and_nothing_is_lost(
    as_organiser, territory, choices, message
) -> None:  # type: ignore[no-untyped-def]
    quiz = quiz_with_questions(1, territory=territory, slug="quiz")
    response = as_organiser.post(
        _url("question_add", "quiz"),
        _post_data({"kind": "unique", "text": "Ma question tapée ?"}, choices),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'aria-describedby="choix-erreurs"' in html
    assert 'id="choix-erreurs"' in html
    assert "Ma question tapée ?" in html
    assert 'value="19 °C"' in html
    assert quiz.questions.count() == 1


def test_a_question_without_text_is_refused_next_to_the_field(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    response = as_organiser.post(
        _url("question_add", "quiz"),
        _post_data({"kind": "unique", "text": "", "help_text": "Mon aide"}, RIGHT_AND_WRONG),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_text_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Mon aide"' in html


def test_a_kind_that_does_not_fit_is_refused(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    response = as_organiser.post(
        _url("question_add", "quiz"), _post_data({"kind": "texte", "text": "Libre ?"}, [])
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_broken_formset_is_a_bad_request_not_a_crash(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    response = as_organiser.post(
        _url("question_add", "quiz"), {"kind": "unique", "text": "Sans formulaire de réponses"}
    )
    assert response.status_code == 400
    assert "Sans formulaire de réponses" in response.content.decode()


def test_editing_an_unanswered_question_changes_it_in_place(as_organiser, territory) -> None:
    quiz = quiz_with_questions(1, territory=territory, slug="quiz")
    question = quiz.questions.get()
    page = as_organiser.get(_url("question_edit", "quiz", question.pk)).content.decode()
    assert 'value="Juste"' in page
    assert "verrouillée" not in page
    response = as_organiser.post(
        _url("question_edit", "quiz", question.pk),
        _post_data(
            {"kind": "multiple", "text": "Corrigée ?"},
            [{"text": "Juste", "is_correct": True}, {"text": "Aussi juste", "is_correct": True}],
            initial=2,
        ),
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.kind, question.version) == ("Corrigée ?", "multiple", 1)
    assert question.choices.filter(is_correct=True).count() == 2


def test_editing_an_answered_question_creates_a_new_version(as_organiser, territory) -> None:
    quiz = quiz_with_questions(1, territory=territory, slug="quiz")
    old = quiz.questions.get()
    AnswerFactory(question=old, response=ResponseFactory(questionnaire=quiz))
    page = as_organiser.get(_url("question_edit", "quiz", old.pk)).content.decode()
    assert "elle est verrouillée" in page
    response = as_organiser.post(
        _url("question_edit", "quiz", old.pk),
        _post_data(
            {"kind": "unique", "text": "Reformulée ?"},
            [{"text": "Juste", "is_correct": True}, {"text": "Faux, mais mieux dit"}],
            initial=2,
        ),
        follow=True,
    )
    assert "remplacée par sa version 2" in response.content.decode()
    new = quiz.questions.current().get()
    old.refresh_from_db()
    assert (new.text, new.version, new.previous, old.retired_at is not None) == (
        "Reformulée ?",
        2,
        old,
        True,
    )
    # The retired version can no longer be opened for editing.
    assert as_organiser.get(_url("question_edit", "quiz", old.pk)).status_code == 404


def test_a_grid_question_needs_an_axis_and_distinct_levels(as_organiser, territory) -> None:
    grid = QuestionnaireFactory(territory=territory, kind=Kind.GRID, slug="grille")
    axis = AxisFactory(questionnaire=grid, title="Énergie")
    page = as_organiser.get(_url("question_add", "grille")).content.decode()
    assert page.count('name="choix-') == 5 * 2 + 4
    assert "Niveau 4" in page
    assert "Niveau 5" not in page
    levels = [{"text": f"Niveau {v}", "value": v} for v in range(5)]
    bad = _post_data(
        {"kind": "note", "text": "Plan climat ?"}, [*levels[:4], {"text": "x", "value": 3}]
    )
    response = as_organiser.post(_url("question_add", "grille"), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choisissez l&#x27;axe de la question." in html
    assert "Deux niveaux ne peuvent pas avoir la même valeur." in html
    good = _post_data({"kind": "note", "text": "Plan climat ?", "axis": axis.pk}, levels)
    assert as_organiser.post(_url("question_add", "grille"), good).status_code == 302
    question = grid.questions.get()
    assert (question.axis, [c.value for c in question.choices.all()]) == (axis, [0, 1, 2, 3, 4])


def test_a_level_described_without_a_value_is_refused(as_organiser, territory) -> None:
    grid = QuestionnaireFactory(territory=territory, kind=Kind.GRID, slug="grille")
    axis = AxisFactory(questionnaire=grid)
    response = as_organiser.post(
        _url("question_add", "grille"),
        _post_data({"kind": "note", "text": "?", "axis": axis.pk}, [{"text": "Rien", "value": ""}]),
    )
    assert response.status_code == 400
    assert "Indiquez le niveau (de 0 à 4)." in response.content.decode()


def test_a_survey_scale_question_checks_its_bounds(as_organiser, territory) -> None:
    survey = QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    fields = {"kind": "echelle", "text": "Entraide ?", "scale_min_label": "Pas du tout"}
    response = as_organiser.post(
        _url("question_add", "enquete"),
        _post_data({**fields, "scale_min": 5, "scale_max": 1}, []),
    )
    assert response.status_code == 400
    assert (
        "Le maximum de l&#x27;échelle doit être supérieur au minimum." in response.content.decode()
    )
    assert 'value="Pas du tout"' in response.content.decode()
    response = as_organiser.post(
        _url("question_add", "enquete"), _post_data({**fields, "scale_min": 1, "scale_max": 5}, [])
    )
    assert response.status_code == 302
    assert survey.questions.get().kind == QuestionKind.SCALE


def test_a_survey_free_text_question_ignores_scale_fields(as_organiser, territory) -> None:
    survey = QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    response = as_organiser.post(
        _url("question_add", "enquete"),
        _post_data({"kind": "texte", "text": "Une idée ?", "scale_min": "", "scale_max": ""}, []),
    )
    assert response.status_code == 302
    assert survey.questions.get().scale_max == 5


def test_it_moves_questions(as_organiser, territory) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz")
    first, second = quiz.questions.order_by("position")
    response = as_organiser.post(_url("question_move", "quiz", second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert list(quiz.questions.current().order_by("position")) == [second, first]
    bad = as_organiser.post(_url("question_move", "quiz", second.pk), {"direction": "sideways"})
    assert bad.status_code == 400


def test_it_deletes_or_retires_questions(as_organiser, territory) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz")
    first, second = quiz.questions.order_by("position")
    AnswerFactory(question=second, response=ResponseFactory(questionnaire=quiz))
    response = as_organiser.post(_url("question_delete", "quiz", first.pk), follow=True)
    assert "Question supprimée." in response.content.decode()
    response = as_organiser.post(_url("question_delete", "quiz", second.pk), follow=True)
    assert "Question retirée" in response.content.decode()
    assert quiz.questions.count() == 1
    assert not quiz.questions.current().exists()


def test_a_question_of_another_questionnaire_is_a_404(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    foreign = QuestionFactory()
    assert as_organiser.get(_url("question_edit", "quiz", foreign.pk)).status_code == 404


# --- axes ------------------------------------------------------------------------------


def test_it_adds_edits_and_deletes_an_axis(as_organiser, territory) -> None:
    grid = QuestionnaireFactory(territory=territory, kind=Kind.GRID, slug="grille")
    assert as_organiser.post(_url("axis_add", "grille"), {"title": "Santé"}).status_code == 302
    axis = grid.axes.get()
    response = as_organiser.post(_url("axis_edit", "grille", axis.pk), {"title": ""})
    assert response.status_code == 400
    as_organiser.post(_url("axis_edit", "grille", axis.pk), {"title": "Santé et soins"})
    axis.refresh_from_db()
    assert axis.title == "Santé et soins"
    QuestionFactory(questionnaire=grid, axis=axis, kind="note")
    response = as_organiser.post(_url("axis_delete", "grille", axis.pk), follow=True)
    assert "Cet axe contient des questions" in response.content.decode()
    grid.questions.all().delete()
    as_organiser.post(_url("axis_delete", "grille", axis.pk))
    assert not grid.axes.exists()


def test_quizzes_have_no_axis_pages(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    assert as_organiser.get(_url("axis_add", "quiz")).status_code == 404


# --- interviewers -------------------------------------------------------------------------


def test_it_adds_and_removes_an_interviewer(as_organiser, territory) -> None:
    survey = QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    volunteer = UserFactory(email="benevole@example.org")
    response = as_organiser.post(
        _url("interviewers", "enquete"), {"email": "Benevole@example.org"}, follow=True
    )
    assert "benevole@example.org peut saisir des entretiens." in response.content.decode()
    assert list(survey.interviewers.all()) == [volunteer]
    as_organiser.post(_url("interviewer_remove", "enquete", volunteer.pk))
    assert not survey.interviewers.exists()


def test_an_unknown_address_is_refused_next_to_the_field(as_organiser, territory) -> None:
    QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    response = as_organiser.post(_url("interviewers", "enquete"), {"email": "personne@example.org"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Aucun compte n&#x27;utilise cette adresse" in html
    assert 'id="id_email_error"' in html
    assert 'value="personne@example.org"' in html


def test_only_surveys_have_interviewers(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")
    assert as_organiser.get(_url("interviewers", "quiz")).status_code == 404


def test_the_interviewer_list_costs_the_same_queries_with_more_people(
    as_organiser, territory, django_assert_num_queries
) -> None:
    survey = QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    survey.interviewers.add(UserFactory())
    with django_assert_num_queries(5) as few:
        as_organiser.get(_url("interviewers", "enquete"))
    for user in UserFactory.create_batch(5):
        survey.interviewers.add(user)
        ResponseFactory(questionnaire=survey, interviewer=user)
    with django_assert_num_queries(len(few.captured_queries)):
        as_organiser.get(_url("interviewers", "enquete"))
