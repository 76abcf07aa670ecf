"""Results pages: aggregates with charts, live partial, CSV, tags, challenge block."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Status, Tag
from questionnaires.responses import answer_tag, response_submit
from tests.factories import ChallengeFactory, HouseholdFactory, RegistrationFactory, UserFactory
from tests.questionnaires.factories import (
    ChoiceFactory,
    QuestionFactory,
    grid_with_axes,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db
SLUG = "val-de-drome"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, questionnaire, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"questionnaires:{name}", args=[SLUG, questionnaire.slug, *args])


def questions(questionnaire):  # type: ignore[no-untyped-def]
    return list(questionnaire.questions.order_by("position"))


def body(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def interview(survey, user, *, single=0, text="Un composteur de quartier"):  # type: ignore[no-untyped-def]
    q_single, q_multiple, q_scale, q_text = questions(survey)
    response, _ = response_submit(
        questionnaire=survey,
        answers={
            q_single.pk: list(q_single.choices.order_by("position"))[single].pk,
            q_multiple.pk: list(q_multiple.choices.values_list("pk", flat=True)),
            q_scale.pk: 4,
            q_text.pk: text,
        },
        user=user,
        interviewer=user,
        consent=True,
        client_key=uuid.uuid4(),
    )
    return response


@pytest.fixture
def survey(territory, organiser):  # type: ignore[no-untyped-def]
    survey = survey_with_questions(territory=territory)
    interview(survey, organiser, single=0, text="Un composteur de quartier")
    interview(survey, organiser, single=1, text="Des ateliers de réparation")
    return survey


def test_survey_results_show_counts_percentages_charts_and_tables(client, survey, organiser):
    client.force_login(organiser)
    page = body(client.get(url("results", survey)))
    assert "2 réponses enregistrées" in page
    assert 'role="img"' in page
    assert "1 (50 %)" in page
    assert "Moyenne : 4,0" in page
    assert '<table class="chart-table">' in page
    assert "Un composteur de quartier" in page
    assert 'hx-trigger="every 15s"' in page
    assert 'aria-live="polite"' in page
    assert page.count("aria-live") == 1
    assert "Exporter les réponses (CSV)" in page


def test_public_results_never_show_free_texts(client, survey):
    survey.results_public = True
    survey.save(update_fields=["results_public"])
    page = body(client.get(url("results", survey)))
    assert "2 réponses enregistrées" in page
    assert "Un composteur de quartier" not in page
    assert "Exporter les réponses" not in page


def test_private_results_send_visitors_to_log_in_and_hide_from_households(client, survey, member):
    assert "/compte/login/" in client.get(url("results", survey))["Location"]
    client.force_login(member)
    assert client.get(url("results", survey)).status_code == 403


def test_the_live_partial_refreshes_questions_and_the_counter(client, survey, organiser):
    client.force_login(organiser)
    partial = body(client.get(url("results", survey) + "?partiel=1", **HTMX))
    assert "<html" not in partial
    assert 'id="compteurs" hx-swap-oob="innerHTML"' in partial
    assert "2 réponses enregistrées" in partial
    assert "Avez-vous un jardin ?" in partial


def test_a_closed_survey_is_not_polled(client, survey, organiser):
    survey.status = Status.CLOSED
    survey.save(update_fields=["status"])
    client.force_login(organiser)
    assert "hx-trigger" not in body(client.get(url("results", survey)))


def test_results_pages_cost_the_same_queries_whatever_the_responses(client, territory, organiser):
    small = survey_with_questions(territory=territory, slug="petite")
    large = survey_with_questions(territory=territory, slug="grande")
    interview(small, organiser)
    for i in range(12):
        response = interview(large, organiser, single=i % 2, text=f"Idée n° {i}")
        answer_tag(answer=response.answers.get(question__kind="texte"), label=f"Thème {i % 3}")
    client.force_login(organiser)
    counts = []
    for survey in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("results", survey)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_quiz_results_show_scores_and_success_per_question(client, territory, organiser):
    quiz = quiz_with_questions(2, territory=territory)
    for right in (True, False):
        answers = {q.pk: q.choices.get(is_correct=right).pk for q in questions(quiz)}
        response_submit(
            questionnaire=quiz, answers=answers, user=organiser, client_key=uuid.uuid4()
        )
    client.force_login(organiser)
    page = body(client.get(url("results", quiz)))
    assert "Score moyen : 50 % de bonnes réponses" in page
    assert "Répartition des scores" in page
    assert "Bonnes réponses : 50 %" in page
    assert "Juste (bonne réponse)" in page


def test_versions_are_noted_on_the_results(client, territory, organiser):
    quiz = quiz_with_questions(1, territory=territory)
    (old,) = questions(quiz)
    response_submit(
        questionnaire=quiz,
        answers={old.pk: old.choices.first().pk},
        user=organiser,
        client_key=uuid.uuid4(),
    )
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    new = QuestionFactory(questionnaire=quiz, lineage=old.lineage, version=2, previous=old)
    ChoiceFactory(question=new, text="Juste", is_correct=True)
    client.force_login(organiser)
    assert "Cette question a changé en cours de route" in body(client.get(url("results", quiz)))


def test_grid_results_show_axes_radar_and_evolution(client, territory, organiser):
    grid = grid_with_axes(axes=5, per_axis=1, territory=territory)
    client.force_login(organiser)
    for label, level in (("Diagnostic de printemps", 1), ("Diagnostic d'automne", 3)):
        data = {f"q_{q.pk}": str(q.choices.get(value=level).pk) for q in questions(grid)}
        client.post(url("take", grid), {**data, "label": label})
    page = body(client.get(url("results", grid)))
    assert "Scores par axe" in page
    assert 'id="radar-axes-titre"' in page
    assert page.count('class="series"') == 2
    assert "Diagnostic de printemps" in page
    assert "+2,0" in page
    assert "75 %" in page


def test_the_csv_has_one_row_per_response_and_french_conventions(client, survey, organiser):
    client.force_login(organiser)
    answer = client.get(url("results_csv", survey))
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:2] == ["Réponse n°", "Date"]
    assert "Avez-vous un jardin ?" in rows[0]
    assert len(rows) == 3
    multiple = rows[0].index("Que faites-vous déjà ?")
    assert rows[1][multiple] == "Composter ; Acheter en vrac ; Réparer"
    assert rows[2][rows[0].index("Qu'est-ce qui vous aiderait ?")] == "Des ateliers de réparation"


def test_the_csv_is_for_organisers(client, survey, coordinator):
    client.force_login(coordinator)
    assert client.get(url("results_csv", survey)).status_code == 403


# --- tags ----------------------------------------------------------------------------


def text_answer(survey):  # type: ignore[no-untyped-def]
    return survey.responses.order_by("pk").first().answers.get(question__kind="texte")


def test_an_organiser_tags_an_answer_with_htmx(client, survey, organiser):
    client.force_login(organiser)
    answer = text_answer(survey)
    row = client.post(url("tag_answer", survey, answer.pk), {"label": "Compost"}, **HTMX)
    assert row.status_code == 200
    html = body(row)
    assert html.lstrip().startswith(f'<li id="reponse-{answer.pk}"')
    assert '<span class="tag">Compost</span>' in html
    tag = Tag.objects.get()
    removed = client.post(url("tag_answer", survey, answer.pk), {"remove": tag.pk}, **HTMX)
    assert '<span class="tag">' not in body(removed)
    assert not answer.tags.exists()


def test_tagging_works_without_javascript(client, survey, organiser):
    client.force_login(organiser)
    answer = text_answer(survey)
    sent = client.post(url("tag_answer", survey, answer.pk), {"label": "Réparation"})
    assert sent.status_code == 302
    assert sent["Location"].endswith(f"#reponse-{answer.pk}")
    page = body(client.get(url("results", survey)))
    assert "Étiquette « Réparation » ajoutée." in page
    assert "Réparation : 1 réponse" in page


def test_an_empty_tag_is_refused_next_to_its_field(client, survey, organiser):
    client.force_login(organiser)
    answer = text_answer(survey)
    for extra in ({}, HTMX):
        sent = client.post(url("tag_answer", survey, answer.pk), {"label": "  "}, **extra)
        assert sent.status_code == 400
        html = body(sent)
        assert "Écrivez une étiquette." in html
        assert f'aria-describedby="etiquette-{answer.pk}-erreur"' in html
    assert not Tag.objects.exists()


def test_only_organisers_tag_and_only_free_texts(client, survey, organiser, member):
    answer = text_answer(survey)
    client.force_login(member)
    assert client.post(url("tag_answer", survey, answer.pk), {"label": "X"}).status_code == 403
    client.force_login(organiser)
    choice_answer = answer.response.answers.exclude(pk=answer.pk).first()
    missing = client.post(url("tag_answer", survey, choice_answer.pk), {"label": "X"})
    assert missing.status_code == 404


# --- the quiz block of a challenge page ----------------------------------------------


def summary_url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("questionnaires:challenge_quiz_summary", args=[SLUG, challenge.slug])


def test_the_challenge_block_shows_before_after_and_progress(client, territory, member):
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = quiz_with_questions(2, territory=territory, challenge=challenge, title="Quiz énergie")
    q1, q2 = questions(quiz)
    right = {q.pk: q.choices.get(is_correct=True).pk for q in (q1, q2)}
    half = {q1.pk: q1.choices.get(is_correct=True).pk, q2.pk: q2.choices.get(is_correct=False).pk}
    for answers, today in ((half, None), (right, challenge.ends_on)):
        response_submit(
            questionnaire=quiz,
            answers=answers,
            user=member,
            household=member.household,
            client_key=uuid.uuid4(),
            today=today,
        )
    client.force_login(member)
    block = body(client.get(summary_url(challenge), **HTMX))
    assert "<html" not in block
    assert "Quiz énergie" in block
    assert "50 %</strong> score moyen au début" in block
    assert "100 %</strong> score moyen à la fin" in block
    assert "100 %</strong> des foyers ayant répondu deux fois ont progressé" in block
    assert "Votre foyer (début du défi) : 1 bonnes réponses sur 2." in block
    assert 'id="quiz-avant-apres-titre"' in block
    page = body(client.get(summary_url(challenge)))
    assert "<html" in page
    assert "Quiz énergie" in page


def test_the_challenge_block_says_when_nobody_answered(client, territory, member):
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz_with_questions(1, territory=territory, challenge=challenge)
    client.force_login(member)
    block = body(client.get(summary_url(challenge), **HTMX))
    assert "Aucun foyer n'a encore répondu : pas encore de chiffres." in block
    assert "Répondre" in block
    assert 'role="img"' not in block


def test_a_challenge_without_quiz_adds_nothing_to_its_page(client, territory):
    challenge = ChallengeFactory(territory=territory)
    quiz_with_questions(1, territory=territory, challenge=challenge, status=Status.DRAFT)
    assert body(client.get(summary_url(challenge), **HTMX)).strip() == ""
    assert "Ce défi n'a pas de quiz pour le moment." in body(client.get(summary_url(challenge)))


def test_the_challenge_page_loads_the_quiz_block(client, territory):
    challenge = ChallengeFactory(territory=territory)
    page = body(client.get(reverse("challenges:detail", args=[SLUG, challenge.slug])))
    assert f'hx-get="{summary_url(challenge)}"' in page


def test_the_challenge_block_costs_the_same_queries_whatever_the_households(
    client, territory, django_assert_num_queries
):
    challenge = ChallengeFactory(territory=territory)
    quiz = quiz_with_questions(1, territory=territory, challenge=challenge)

    def answer(count: int) -> None:
        for _ in range(count):
            user = UserFactory(household=HouseholdFactory())
            (question,) = questions(quiz)
            response_submit(
                questionnaire=quiz,
                answers={question.pk: question.choices.first().pk},
                user=user,
                household=user.household,
                client_key=uuid.uuid4(),
            )

    answer(1)
    with CaptureQueriesContext(connection) as one:
        client.get(summary_url(challenge), **HTMX)
    answer(10)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(summary_url(challenge), **HTMX)
