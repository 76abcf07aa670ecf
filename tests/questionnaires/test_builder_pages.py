"""The builder's list, templates, creation, settings, preview and publication pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questionnaires.models import Kind, Questionnaire, Status
from tests.factories import ChallengeFactory
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

SLUG = "val-de-drome"


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def _url(name: str, *args: object) -> str:
    return reverse(f"questionnaires:{name}", args=[SLUG, *args])


def _fill(territory, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        quiz = quiz_with_questions(
            2, territory=territory, challenge=ChallengeFactory(territory=territory)
        )
        for _ in range(i % 3):
            ResponseFactory(questionnaire=quiz)
        QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, status=Status.DRAFT)


# --- manage -------------------------------------------------------------------------


def test_the_list_groups_questionnaires_by_kind_with_state_and_counts(
    as_organiser, territory
) -> None:
    quiz = quiz_with_questions(3, territory=territory, title="Quiz de l'hiver")
    ResponseFactory.create_batch(2, questionnaire=quiz)
    QuestionnaireFactory(
        territory=territory, kind=Kind.GRID, title="Notre grille", status=Status.DRAFT
    )
    QuestionnaireFactory(title="Ailleurs")
    response = as_organiser.get(_url("manage"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quiz de l&#x27;hiver" in html
    assert "Notre grille" in html
    assert "Ailleurs" not in html
    assert "3 questions" in html
    assert "2 réponses" in html
    assert html.index("Quiz de l&#x27;hiver") < html.index("Grille d&#x27;autodiagnostic")
    assert "Partir d'un modèle" in html
    assert "Créer un questionnaire vierge" in html


def test_the_list_costs_the_same_queries_with_more_questionnaires(
    as_organiser, territory, django_assert_num_queries
) -> None:
    _fill(territory, 2)
    with django_assert_num_queries(5) as few:
        as_organiser.get(_url("manage"))
    _fill(territory, 8)
    with django_assert_num_queries(len(few.captured_queries)):
        as_organiser.get(_url("manage"))


# --- templates and copies -------------------------------------------------------------


def test_the_templates_page_lists_platform_templates_and_own_questionnaires(
    as_organiser, territory
) -> None:
    quiz_with_questions(2, territory=territory, title="Notre quiz maison")
    html = as_organiser.get(_url("templates")).content.decode()
    for title in (
        "Quiz énergie et eau",
        "Quiz zéro déchet",
        "Autodiagnostic de résilience du territoire",
        "Enquête de voisinage",
        "Notre quiz maison",
    ):
        assert title in html
    assert "16 questions" in html  # the energy and water quiz
    assert _url("template_preview", "quiz-energie-eau") in html


def test_the_templates_page_costs_the_same_queries_with_more_questionnaires(
    as_organiser, territory, django_assert_num_queries
) -> None:
    _fill(territory, 1)
    with django_assert_num_queries(6) as few:
        as_organiser.get(_url("templates"))
    _fill(territory, 6)
    with django_assert_num_queries(len(few.captured_queries)):
        as_organiser.get(_url("templates"))


def test_copying_a_template_for_a_challenge_opens_the_draft(as_organiser, territory) -> None:
    template = Questionnaire.objects.templates().get(slug="quiz-energie-eau")
    challenge = ChallengeFactory(territory=territory)
    prefix = f"copie-{template.pk}"
    response = as_organiser.post(
        _url("templates"),
        {"source": template.pk, f"{prefix}-title": "", f"{prefix}-challenge": challenge.pk},
    )
    copy = territory.questionnaires.get()
    assert response.status_code == 302
    assert response["Location"] == _url("edit", copy.slug)
    assert (copy.title, copy.challenge, copy.source, copy.status) == (
        "Quiz énergie et eau",
        challenge,
        template,
        Status.DRAFT,
    )
    assert copy.questions.count() == template.questions.count()


def test_copying_with_a_foreign_challenge_is_refused_and_keeps_the_title(
    as_organiser, territory, other_territory
) -> None:
    template = Questionnaire.objects.templates().get(slug="quiz-zero-dechet")
    prefix = f"copie-{template.pk}"
    response = as_organiser.post(
        _url("templates"),
        {
            "source": template.pk,
            f"{prefix}-title": "Mon quiz déchets",
            f"{prefix}-challenge": ChallengeFactory(territory=other_territory).pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in html
    assert 'value="Mon quiz déchets"' in html
    assert not territory.questionnaires.exists()


def test_copying_an_unknown_source_is_a_bad_request(as_organiser, other_territory) -> None:
    foreign = quiz_with_questions(1, territory=other_territory)
    response = as_organiser.post(_url("templates"), {"source": foreign.pk})
    assert response.status_code == 400
    assert "Modèle inconnu" in response.content.decode()


def test_the_template_preview_shows_questions_and_right_answers(as_organiser) -> None:
    html = as_organiser.get(_url("template_preview", "quiz-energie-eau")).content.decode()
    assert "Quelle température est recommandée dans les pièces à vivre en hiver ?" in html
    assert "✓ bonne réponse" in html
    assert "Explication :" in html


def test_the_grid_preview_shows_axes_and_levels(as_organiser) -> None:
    html = as_organiser.get(_url("template_preview", "grille-resilience")).content.decode()
    assert "Autonomie intellectuelle et solidarité sociale" in html
    assert "0 — Rien n&#x27;existe" in html


def test_an_unknown_template_is_a_404(as_organiser) -> None:
    assert as_organiser.get(_url("template_preview", "inconnu")).status_code == 404


# --- create ------------------------------------------------------------------------


def test_it_creates_a_blank_questionnaire(as_organiser, territory, organiser) -> None:
    response = as_organiser.post(
        _url("create"), {"kind": Kind.GRID, "title": "Notre diagnostic", "intro": "Bonjour"}
    )
    created = territory.questionnaires.get()
    assert response.status_code == 302
    assert response["Location"] == _url("edit", created.slug)
    assert (created.kind, created.title, created.intro, created.created_by) == (
        Kind.GRID,
        "Notre diagnostic",
        "Bonjour",
        organiser,
    )


def test_creating_without_a_title_says_so_and_keeps_the_rest(as_organiser, territory) -> None:
    response = as_organiser.post(
        _url("create"),
        {
            "kind": Kind.GRID,
            "title": "",
            "intro": "Mon introduction",
            "challenge": ChallengeFactory(territory=territory).pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in html
    assert "Seul un quiz peut être lié à un défi." in html
    assert "Mon introduction" in html
    assert 'aria-describedby="id_title_error"' in html
    assert not territory.questionnaires.exists()


# --- edit (settings and question list) ---------------------------------------------


def test_the_edit_page_lists_current_questions_and_locks_answered_ones(
    as_organiser, territory
) -> None:
    quiz = quiz_with_questions(3, territory=territory, slug="quiz")
    answered = quiz.questions.order_by("position")[1]
    AnswerFactory(question=answered, response=ResponseFactory(questionnaire=quiz))
    html = as_organiser.get(_url("edit", "quiz")).content.decode()
    assert "3 questions" in html
    assert html.count("Verrouillée : modifier crée une nouvelle version.") == 1
    assert "1 réponse" in html
    assert _url("question_edit", "quiz", answered.pk) in html


def test_the_edit_page_costs_the_same_queries_with_more_questions(
    as_organiser, territory, django_assert_num_queries
) -> None:
    grid = QuestionnaireFactory(territory=territory, kind=Kind.GRID, slug="grille")
    axis = AxisFactory(questionnaire=grid)
    for _ in range(2):
        QuestionFactory(questionnaire=grid, axis=axis, kind="note")
    with django_assert_num_queries(7) as few:
        as_organiser.get(_url("edit", "grille"))
    for _ in range(10):
        question = QuestionFactory(
            questionnaire=grid, axis=AxisFactory(questionnaire=grid), kind="note"
        )
        AnswerFactory(question=question, response=ResponseFactory(questionnaire=grid))
    with django_assert_num_queries(len(few.captured_queries)):
        as_organiser.get(_url("edit", "grille"))


def test_it_saves_the_settings(as_organiser, territory) -> None:
    quiz = quiz_with_questions(1, territory=territory, slug="quiz")
    challenge = ChallengeFactory(territory=territory)
    response = as_organiser.post(
        _url("edit", "quiz"),
        {"title": "Quiz renommé", "intro": "", "results_public": "on", "challenge": challenge.pk},
    )
    quiz.refresh_from_db()
    assert response.status_code == 302
    assert (quiz.title, quiz.results_public, quiz.challenge, quiz.slug) == (
        "Quiz renommé",
        True,
        challenge,
        "quiz",
    )


def test_settings_without_a_title_are_refused(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz", title="Avant")
    response = as_organiser.post(_url("edit", "quiz"), {"title": "", "intro": "Gardée"})
    assert response.status_code == 400
    assert "Gardée" in response.content.decode()
    assert territory.questionnaires.get().title == "Avant"


# --- preview -----------------------------------------------------------------------


def test_the_preview_shows_a_draft_disabled_with_right_answers_marked(
    as_organiser, territory
) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz", status=Status.DRAFT)
    quiz.questions.update(explanation="Parce que.")
    html = as_organiser.get(_url("preview", "quiz")).content.decode()
    assert html.count('<fieldset class="qb-preview-question" disabled') == 2
    assert html.count("✓ bonne réponse") == 2
    assert "Parce que." in html


def test_the_survey_preview_shows_scales_and_free_text(as_organiser, territory) -> None:
    survey = QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    QuestionFactory(
        questionnaire=survey,
        kind="echelle",
        scale_min=1,
        scale_max=4,
        scale_min_label="Pas du tout",
        text="Entraide ?",
    )
    QuestionFactory(questionnaire=survey, kind="texte", text="Une idée ?")
    html = as_organiser.get(_url("preview", "enquete")).content.decode()
    assert html.count('type="radio"') == 4
    assert "1 = Pas du tout" in html
    assert "<textarea" in html
    assert "✓ bonne réponse" not in html


def test_the_preview_costs_the_same_queries_with_more_questions(
    as_organiser, territory, django_assert_num_queries
) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz")
    with django_assert_num_queries(6) as few:
        as_organiser.get(_url("preview", "quiz"))
    for _ in range(10):
        question = QuestionFactory(questionnaire=quiz)
        ChoiceFactory.create_batch(3, question=question)
    with django_assert_num_queries(len(few.captured_queries)):
        as_organiser.get(_url("preview", "quiz"))


# --- publish, close, reopen -------------------------------------------------------------


def test_the_publish_page_lists_what_is_missing(as_organiser, territory) -> None:
    quiz = QuestionnaireFactory(territory=territory, slug="quiz", status=Status.DRAFT)
    question = QuestionFactory(questionnaire=quiz, text="Sans bonne réponse ?")
    ChoiceFactory.create_batch(2, question=question)
    html = as_organiser.get(_url("publish", "quiz")).content.decode()
    assert "Question 1 « Sans bonne réponse ? » : indiquez au moins une bonne réponse." in html
    assert 'type="submit"' not in html.split("</nav>", 2)[-1].split("<footer")[0]


def test_publishing_an_incomplete_questionnaire_is_refused_with_a_message(
    as_organiser, territory
) -> None:
    QuestionnaireFactory(territory=territory, slug="quiz", status=Status.DRAFT)
    response = as_organiser.post(_url("publish", "quiz"), follow=True)
    assert "Le questionnaire n&#x27;a encore aucune question." in response.content.decode()
    assert territory.questionnaires.get().status == Status.DRAFT


def test_it_publishes_closes_and_reopens(as_organiser, territory) -> None:
    quiz = quiz_with_questions(2, territory=territory, slug="quiz", status=Status.DRAFT)
    assert as_organiser.get(_url("publish", "quiz")).status_code == 200
    response = as_organiser.post(_url("publish", "quiz"), follow=True)
    assert "Le questionnaire est publié." in response.content.decode()
    as_organiser.post(_url("close", "quiz"))
    quiz.refresh_from_db()
    assert quiz.status == Status.CLOSED
    as_organiser.post(_url("reopen", "quiz"))
    quiz.refresh_from_db()
    assert quiz.status == Status.PUBLISHED
    assert quiz.closed_at is None


def test_an_action_that_does_not_apply_is_explained(as_organiser, territory) -> None:
    quiz_with_questions(1, territory=territory, slug="quiz")  # published
    html = as_organiser.get(_url("reopen", "quiz")).content.decode()
    assert "cette action ne s'applique pas" in html
    response = as_organiser.post(_url("reopen", "quiz"), follow=True)
    assert "Seul un questionnaire clos peut être rouvert." in response.content.decode()
