"""The builder's services: copy, create, publish, questions and their versions,
axes and interviewers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from questionnaires import services
from questionnaires.models import Kind, Question, QuestionKind, Questionnaire, Status
from tests.factories import ChallengeFactory, UserFactory
from tests.questionnaires.factories import (
    AnswerFactory,
    AxisFactory,
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db


def _answer(question: Question) -> None:
    AnswerFactory(question=question, response=ResponseFactory(questionnaire=question.questionnaire))


def _single(text: str = "Quelle température ?", **extra: object) -> dict[str, object]:
    return {"kind": QuestionKind.SINGLE, "text": text, **extra}


CHOICES = [{"text": "19 °C", "is_correct": True}, {"text": "23 °C", "is_correct": False}]


# --- create and copy -----------------------------------------------------------


def test_it_creates_a_draft_with_a_slug_from_its_title(territory, organiser) -> None:
    q = services.questionnaire_create(
        territory=territory, kind=Kind.SURVEY, title=" Enquête d'été ", user=organiser
    )
    assert (q.slug, q.title, q.status, q.created_by) == (
        "enquete-dete",
        "Enquête d'été",
        Status.DRAFT,
        organiser,
    )


def test_it_suffixes_slugs_already_used_in_the_territory(territory, other_territory) -> None:
    QuestionnaireFactory(territory=territory, slug="quiz")
    QuestionnaireFactory(territory=territory, slug="quiz-2")
    QuestionnaireFactory(territory=other_territory, slug="quiz-3")
    q = services.questionnaire_create(territory=territory, kind=Kind.QUIZ, title="Quiz", user=None)
    assert q.slug == "quiz-3"


def test_it_never_uses_the_address_of_a_builder_page(territory) -> None:
    q = services.questionnaire_create(territory=territory, kind=Kind.QUIZ, title="Gérer", user=None)
    assert q.slug == "gerer-2"


def test_it_refuses_a_challenge_of_another_territory(territory, other_territory) -> None:
    with pytest.raises(ValidationError) as error:
        services.questionnaire_create(
            territory=territory,
            kind=Kind.QUIZ,
            title="Quiz",
            user=None,
            challenge=ChallengeFactory(territory=other_territory),
        )
    assert "n'appartient pas à ce territoire" in str(error.value)


def test_it_links_only_quizzes_to_a_challenge(territory) -> None:
    with pytest.raises(ValidationError, match="Seul un quiz"):
        services.questionnaire_create(
            territory=territory,
            kind=Kind.GRID,
            title="Grille",
            user=None,
            challenge=ChallengeFactory(territory=territory),
        )


def _grid_template() -> Questionnaire:
    template = QuestionnaireFactory(
        territory=None, is_template=True, kind=Kind.GRID, status=Status.DRAFT, slug="grille"
    )
    food, energy = AxisFactory(questionnaire=template), AxisFactory(questionnaire=template)
    for axis in (food, energy):
        question = QuestionFactory(questionnaire=template, axis=axis, kind=QuestionKind.SCORE)
        for value in range(5):
            ChoiceFactory(question=question, text=f"Niveau {value}", value=value)
    return template


def test_a_copy_is_a_deep_draft_of_the_territory(territory, organiser) -> None:
    template = _grid_template()
    copy = services.questionnaire_copy(template=template, territory=territory, user=organiser)
    assert (copy.territory, copy.source, copy.status, copy.is_template) == (
        territory,
        template,
        Status.DRAFT,
        False,
    )
    assert (copy.title, copy.slug, copy.kind, copy.created_by) == (
        template.title,
        "quiz-energie-n-" + template.title.rsplit(" ", 1)[-1],
        Kind.GRID,
        organiser,
    )
    assert [a.title for a in copy.axes.all()] == [a.title for a in template.axes.all()]
    for old, new in zip(template.questions.all(), copy.questions.all(), strict=True):
        assert new.pk != old.pk
        assert new.lineage != old.lineage
        assert new.version == 1
        assert new.axis.questionnaire == copy
        assert new.axis.title == old.axis.title
        assert [(c.text, c.value) for c in new.choices.all()] == [
            (c.text, c.value) for c in old.choices.all()
        ]
    assert template.questions.count() == 2  # the template is untouched


def test_a_copy_takes_current_questions_only_and_an_optional_title(territory) -> None:
    quiz = quiz_with_questions(3, territory=None, is_template=True, status=Status.DRAFT)
    retired = quiz.questions.first()
    Question.objects.filter(pk=retired.pk).update(retired_at="2026-01-01T00:00:00Z")
    challenge = ChallengeFactory(territory=territory)
    copy = services.questionnaire_copy(
        template=quiz, territory=territory, user=None, challenge=challenge, title="Quiz du défi"
    )
    assert (copy.title, copy.slug, copy.challenge) == ("Quiz du défi", "quiz-du-defi", challenge)
    assert copy.questions.count() == 2
    assert all(q.choices.filter(is_correct=True).count() == 1 for q in copy.questions.all())


def test_it_duplicates_a_questionnaire_of_the_territory(territory) -> None:
    own = quiz_with_questions(2, territory=territory, title="Quiz", slug="quiz")
    first = services.questionnaire_copy(template=own, territory=territory, user=None)
    second = services.questionnaire_copy(template=own, territory=territory, user=None)
    assert (first.title, first.slug, first.status) == ("Quiz (copie)", "quiz-copie", Status.DRAFT)
    assert second.slug == "quiz-copie-2"
    assert first.questions.count() == 2


def test_it_refuses_to_copy_another_territorys_questionnaire(territory, other_territory) -> None:
    foreign = quiz_with_questions(1, territory=other_territory)
    with pytest.raises(ValidationError):
        services.questionnaire_copy(template=foreign, territory=territory, user=None)


def test_copying_costs_the_same_queries_whatever_the_size(
    territory, django_assert_num_queries
) -> None:
    small = quiz_with_questions(2, territory=None, is_template=True, slug="petit")
    large = quiz_with_questions(20, territory=None, is_template=True, slug="grand")
    with django_assert_num_queries(9) as small_run:
        services.questionnaire_copy(template=small, territory=territory, user=None)
    with django_assert_num_queries(len(small_run.captured_queries)):
        services.questionnaire_copy(template=large, territory=territory, user=None)


# --- publish, close, reopen -------------------------------------------------------


def test_it_publishes_a_complete_questionnaire(organiser) -> None:
    quiz = quiz_with_questions(2, status=Status.DRAFT)
    services.questionnaire_publish(questionnaire=quiz, user=organiser)
    quiz.refresh_from_db()
    assert quiz.status == Status.PUBLISHED
    assert quiz.published_at is not None


def test_it_refuses_to_publish_an_empty_questionnaire() -> None:
    quiz = QuestionnaireFactory(status=Status.DRAFT)
    with pytest.raises(ValidationError, match="aucune question"):
        services.questionnaire_publish(questionnaire=quiz, user=None)
    quiz.refresh_from_db()
    assert quiz.status == Status.DRAFT
    assert quiz.published_at is None


def test_it_lists_every_incomplete_question_when_refusing() -> None:
    quiz = QuestionnaireFactory(status=Status.DRAFT)
    no_right = QuestionFactory(questionnaire=quiz, text="Sans bonne réponse ?")
    ChoiceFactory(question=no_right)
    ChoiceFactory(question=no_right)
    alone = QuestionFactory(questionnaire=quiz, text="Une seule réponse ?")
    ChoiceFactory(question=alone, is_correct=True)
    with pytest.raises(ValidationError) as error:
        services.questionnaire_publish(questionnaire=quiz, user=None)
    assert error.value.messages == [
        "Question 1 « Sans bonne réponse ? » : indiquez au moins une bonne réponse.",
        "Question 2 « Une seule réponse ? » : il faut au moins deux réponses proposées.",
    ]


def test_it_refuses_to_publish_a_grid_question_without_axis() -> None:
    grid = QuestionnaireFactory(kind=Kind.GRID, status=Status.DRAFT)
    QuestionFactory(questionnaire=grid, kind=QuestionKind.SCORE, text="Foncier ?")
    with pytest.raises(ValidationError, match="choisissez son axe"):
        services.questionnaire_publish(questionnaire=grid, user=None)


def test_a_survey_needs_no_right_answer() -> None:
    survey = QuestionnaireFactory(kind=Kind.SURVEY, status=Status.DRAFT)
    QuestionFactory(questionnaire=survey, kind=QuestionKind.TEXT)
    assert services.publication_problems(survey) == []


def test_it_refuses_to_publish_twice_or_to_publish_a_template() -> None:
    quiz = quiz_with_questions(1)
    with pytest.raises(ValidationError, match="déjà publié"):
        services.questionnaire_publish(questionnaire=quiz, user=None)
    template = quiz_with_questions(1, territory=None, is_template=True, status=Status.DRAFT)
    with pytest.raises(ValidationError, match="modèle"):
        services.questionnaire_publish(questionnaire=template, user=None)


def test_it_closes_and_reopens() -> None:
    quiz = quiz_with_questions(1)
    services.questionnaire_close(questionnaire=quiz, user=None)
    quiz.refresh_from_db()
    assert quiz.status == Status.CLOSED
    assert quiz.closed_at is not None
    with pytest.raises(ValidationError, match="Seul un questionnaire publié"):
        services.questionnaire_close(questionnaire=quiz, user=None)
    services.questionnaire_reopen(questionnaire=quiz, user=None)
    quiz.refresh_from_db()
    assert quiz.status == Status.PUBLISHED
    assert quiz.closed_at is None
    with pytest.raises(ValidationError, match="Seul un questionnaire clos"):
        services.questionnaire_reopen(questionnaire=quiz, user=None)


def test_it_updates_the_settings_but_keeps_the_address(territory) -> None:
    quiz = quiz_with_questions(1, territory=territory, slug="quiz")
    challenge = ChallengeFactory(territory=territory)
    services.questionnaire_update(
        questionnaire=quiz,
        title="Nouveau",
        intro=" Bonjour ",
        challenge=challenge,
        results_public=True,
    )
    quiz.refresh_from_db()
    assert (quiz.title, quiz.intro, quiz.challenge, quiz.results_public, quiz.slug) == (
        "Nouveau",
        "Bonjour",
        challenge,
        True,
        "quiz",
    )


# --- questions and versions ----------------------------------------------------------


def test_a_new_question_goes_last_with_its_choices() -> None:
    quiz = quiz_with_questions(2)
    question = services.question_save(
        questionnaire=quiz, question=None, data=_single(), choices=CHOICES, user=None
    )
    assert question.position == 2
    assert question.version == 1
    assert [(c.text, c.is_correct, c.position) for c in question.choices.all()] == [
        ("19 °C", True, 0),
        ("23 °C", False, 1),
    ]


def test_it_edits_an_unanswered_question_in_place() -> None:
    quiz = quiz_with_questions(1)
    question = quiz.questions.get()
    saved = services.question_save(
        questionnaire=quiz,
        question=question,
        data=_single("Nouveau texte ?"),
        choices=[*CHOICES, {"text": "  "}],
        user=None,
    )
    assert saved.pk == question.pk
    assert saved.version == 1
    saved.refresh_from_db()
    assert saved.text == "Nouveau texte ?"
    assert [c.text for c in saved.choices.all()] == ["19 °C", "23 °C"]


def test_editing_an_answered_question_creates_its_next_version() -> None:
    quiz = quiz_with_questions(2)
    old = quiz.questions.order_by("position").last()
    _answer(old)
    new = services.question_save(
        questionnaire=quiz, question=old, data=_single("Reformulée ?"), choices=CHOICES, user=None
    )
    old.refresh_from_db()
    assert new.pk != old.pk
    assert old.retired_at is not None
    assert old.text != "Reformulée ?"
    assert [c.text for c in old.choices.all()] == ["Juste", "Faux"]
    assert (new.lineage, new.version, new.previous, new.position) == (
        old.lineage,
        2,
        old,
        old.position,
    )
    assert [c.text for c in new.choices.all()] == ["19 °C", "23 °C"]
    assert list(quiz.questions.current()) == [quiz.questions.first(), new]


def test_a_choice_edit_on_an_answered_question_is_versioned_too() -> None:
    quiz = quiz_with_questions(1)
    old = quiz.questions.get()
    _answer(old)
    data = {"kind": old.kind, "text": old.text}
    new = services.question_save(
        questionnaire=quiz,
        question=old,
        data=data,
        choices=[{"text": "Juste", "is_correct": True}, {"text": "Faux, corrigé"}],
        user=None,
    )
    assert new.version == 2
    assert new.previous == old


def test_saving_an_answered_question_unchanged_keeps_it() -> None:
    quiz = quiz_with_questions(1)
    old = quiz.questions.get()
    _answer(old)
    same = services.question_save(
        questionnaire=quiz,
        question=old,
        data={"kind": old.kind, "text": old.text},
        choices=[{"text": "Juste", "is_correct": True}, {"text": "Faux", "is_correct": False}],
        user=None,
    )
    assert same.pk == old.pk
    assert quiz.questions.count() == 1


def test_it_refuses_to_edit_a_retired_version() -> None:
    quiz = quiz_with_questions(1)
    old = quiz.questions.get()
    _answer(old)
    services.question_save(
        questionnaire=quiz, question=old, data=_single("v2"), choices=CHOICES, user=None
    )
    with pytest.raises(ValidationError, match="retirée"):
        services.question_save(
            questionnaire=quiz, question=old, data=_single("v3"), choices=CHOICES, user=None
        )


@pytest.mark.parametrize(
    ("kind", "data", "choices", "message"),
    [
        (Kind.QUIZ, {"kind": QuestionKind.TEXT}, [], "ne convient pas"),
        (Kind.GRID, {"kind": QuestionKind.SINGLE}, [], "ne convient pas"),
        (
            Kind.QUIZ,
            {"kind": QuestionKind.SINGLE},
            [{"text": "a", "is_correct": True}, {"text": "b", "is_correct": True}],
            "une seule bonne réponse",
        ),
        (Kind.SURVEY, {"kind": QuestionKind.SCALE, "scale_min": 5, "scale_max": 5}, [], "maximum"),
        (
            Kind.GRID,
            {"kind": QuestionKind.SCORE},
            [{"text": "a", "value": 1}, {"text": "b", "value": 1}],
            "même valeur",
        ),
        (Kind.GRID, {"kind": QuestionKind.SCORE}, [{"text": "a", "value": 7}], "de 0 à 4"),
    ],
)
def test_it_refuses_questions_that_do_not_fit(kind, data, choices, message) -> None:  # type: ignore[no-untyped-def]
    questionnaire = QuestionnaireFactory(kind=kind)
    with pytest.raises(ValidationError, match=message):
        services.question_save(
            questionnaire=questionnaire,
            question=None,
            data={"text": "Question ?", **data},
            choices=choices,
            user=None,
        )
    assert not questionnaire.questions.exists()


def test_it_refuses_an_axis_of_another_questionnaire() -> None:
    grid = QuestionnaireFactory(kind=Kind.GRID)
    with pytest.raises(ValidationError, match="axe"):
        services.question_save(
            questionnaire=grid,
            question=None,
            data={"kind": QuestionKind.SCORE, "text": "?", "axis": AxisFactory()},
            choices=[],
            user=None,
        )


def test_survey_text_and_scale_questions_keep_no_choices() -> None:
    survey = QuestionnaireFactory(kind=Kind.SURVEY)
    question = services.question_save(
        questionnaire=survey,
        question=None,
        data={"kind": QuestionKind.TEXT, "text": "Une idée ?"},
        choices=[{"text": "ignorée"}],
        user=None,
    )
    assert not question.choices.exists()


def test_it_deletes_an_unanswered_question_and_retires_an_answered_one() -> None:
    quiz = quiz_with_questions(2)
    unanswered, answered = quiz.questions.order_by("position")
    _answer(answered)
    assert services.question_delete(question=unanswered) is True
    assert services.question_delete(question=answered) is False
    answered.refresh_from_db()
    assert answered.retired_at is not None
    assert not quiz.questions.current().exists()
    assert quiz.questions.count() == 1


def test_it_moves_questions_and_renumbers_ties() -> None:
    quiz = QuestionnaireFactory()
    a, _b, c = (QuestionFactory(questionnaire=quiz, position=0, text=t) for t in "abc")
    services.question_move(question=c, direction="up")
    assert list(quiz.questions.current().values_list("text", flat=True)) == ["a", "c", "b"]
    services.question_move(question=a, direction="up")  # already first: nothing moves
    services.question_move(question=a, direction="down")
    assert list(quiz.questions.current().values_list("text", flat=True)) == ["c", "a", "b"]
    assert list(quiz.questions.current().values_list("position", flat=True)) == [0, 1, 2]


def test_moving_skips_retired_versions() -> None:
    quiz = QuestionnaireFactory()
    first = QuestionFactory(questionnaire=quiz, position=0, text="premier")
    QuestionFactory(questionnaire=quiz, position=1, text="retiré", retired_at="2026-01-01T00:00Z")
    last = QuestionFactory(questionnaire=quiz, position=2, text="dernier")
    services.question_move(question=last, direction="up")
    assert list(quiz.questions.current().values_list("pk", flat=True)) == [last.pk, first.pk]


# --- axes -----------------------------------------------------------------------------


def test_it_adds_renames_and_deletes_axes() -> None:
    grid = QuestionnaireFactory(kind=Kind.GRID)
    first = services.axis_save(questionnaire=grid, axis=None, title=" Santé ")
    second = services.axis_save(questionnaire=grid, axis=None, title="Économie", description="x")
    assert (first.title, first.position, second.position) == ("Santé", 0, 1)
    services.axis_save(questionnaire=grid, axis=first, title="Santé et soins")
    first.refresh_from_db()
    assert first.title == "Santé et soins"
    services.axis_delete(axis=second)
    assert list(grid.axes.all()) == [first]


def test_quizzes_have_no_axes() -> None:
    with pytest.raises(ValidationError):
        services.axis_save(questionnaire=QuestionnaireFactory(), axis=None, title="Axe")


def test_it_keeps_an_axis_that_questions_use() -> None:
    axis = AxisFactory()
    question = QuestionFactory(questionnaire=axis.questionnaire, axis=axis, kind=QuestionKind.SCORE)
    with pytest.raises(ValidationError, match="contient des questions"):
        services.axis_delete(axis=axis)
    _answer(question)
    services.question_delete(question=question)
    with pytest.raises(ValidationError, match="conservé pour les résultats"):
        services.axis_delete(axis=axis)


# --- interviewers ---------------------------------------------------------------------


def test_it_names_an_existing_account_interviewer_once() -> None:
    survey = QuestionnaireFactory(kind=Kind.SURVEY)
    volunteer = UserFactory(email="benevole@example.org")
    assert (
        services.interviewer_add(questionnaire=survey, email=" Benevole@Example.org ") == volunteer
    )
    services.interviewer_add(questionnaire=survey, email="benevole@example.org")
    assert list(survey.interviewers.all()) == [volunteer]
    services.interviewer_remove(questionnaire=survey, user=volunteer)
    assert not survey.interviewers.exists()


@pytest.mark.parametrize("active", [True, False])
def test_it_refuses_an_unknown_or_inactive_address(active: bool) -> None:
    survey = QuestionnaireFactory(kind=Kind.SURVEY)
    UserFactory(email="inactif@example.org", is_active=False)
    email = "inconnu@example.org" if active else "inactif@example.org"
    with pytest.raises(ValidationError) as error:
        services.interviewer_add(questionnaire=survey, email=email)
    assert "Aucun compte n'utilise cette adresse" in str(error.value)
    assert not survey.interviewers.exists()


def test_only_surveys_have_interviewers() -> None:
    UserFactory(email="benevole@example.org")
    with pytest.raises(ValidationError, match="enquête collective"):
        services.interviewer_add(questionnaire=QuestionnaireFactory(), email="benevole@example.org")
