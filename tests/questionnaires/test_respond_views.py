"""Answering pages: list, detail, taking a quiz or a grid, my answers, interviews."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Moment, Response, Status
from tests.factories import ChallengeFactory, RegistrationFactory, UserFactory
from tests.questionnaires.factories import (
    QuestionnaireFactory,
    grid_with_axes,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db
SLUG = "val-de-drome"


def url(name: str, questionnaire=None, *args) -> str:  # type: ignore[no-untyped-def]
    if questionnaire is None:
        return reverse(f"questionnaires:{name}", args=[SLUG, *args])
    return reverse(f"questionnaires:{name}", args=[SLUG, questionnaire.slug, *args])


def questions(questionnaire):  # type: ignore[no-untyped-def]
    return list(questionnaire.questions.order_by("position"))


def right_answers(quiz) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"q_{q.pk}": str(q.choices.get(is_correct=True).pk) for q in questions(quiz)}


def body(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- list and detail -----------------------------------------------------------------


def test_the_list_shows_open_quizzes_and_published_results_only(client, territory):
    quiz_with_questions(1, territory=territory, title="Quiz de l'eau")
    quiz_with_questions(1, territory=territory, title="Quiz en chantier", status=Status.DRAFT)
    survey_with_questions(territory=territory, results_public=True, status=Status.CLOSED)
    survey_with_questions(territory=territory, slug="secrete", title="Enquête interne")
    page = body(client.get(url("list")))
    assert "Quiz de l&#x27;eau" in page
    assert "Se connecter pour répondre" in page
    assert "Quiz en chantier" not in page
    assert "Enquête de voisinage" in page
    assert "Enquête interne" not in page


def test_the_detail_of_a_challenge_quiz_invites_its_households(client, territory, member):
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre")
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = quiz_with_questions(2, territory=territory, challenge=challenge)
    client.force_login(member)
    page = body(client.get(url("detail", quiz)))
    assert "Répondre au quiz" in page
    assert "Défi Hiver sobre" in page
    client.force_login(UserFactory())
    page = body(client.get(url("detail", quiz)))
    assert "Répondre au quiz" not in page
    assert "réservé aux foyers retenus" in page


def test_a_draft_is_hidden_from_households(client, territory, member):
    quiz = quiz_with_questions(1, territory=territory, status=Status.DRAFT)
    client.force_login(member)
    assert client.get(url("detail", quiz)).status_code == 404
    assert client.get(url("take", quiz)).status_code == 404


# --- taking a quiz -------------------------------------------------------------------


def test_a_quiz_taken_shows_the_score_the_right_answers_and_why(client, territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    first, second = questions(quiz)
    first.explanation = "Chaque degré de moins économise environ 7 % de chauffage."
    first.save(update_fields=["explanation"])
    client.force_login(member)
    form = client.get(url("take", quiz))
    assert form.status_code == 200
    key = form.context["form"]["client_key"].value()
    answers = right_answers(quiz)
    answers[f"q_{second.pk}"] = str(second.choices.get(is_correct=False).pk)
    sent = client.post(url("take", quiz), {**answers, "client_key": key}, follow=True)
    response = Response.objects.get()
    assert sent.redirect_chain[-1][0] == url("response", quiz, response.pk)
    page = body(sent)
    assert "Votre score : 1 bonnes réponses sur 2 (50 %)" in page
    assert "Bonne réponse" in page
    assert "Réponse inexacte" in page
    assert "Chaque degré de moins économise environ 7 % de chauffage." in page
    assert "La bonne réponse :" in page


def test_a_quiz_with_a_missing_answer_comes_back_with_the_message_and_the_answers(
    client, territory, member
):
    quiz = quiz_with_questions(2, territory=territory)
    first, second = questions(quiz)
    chosen = first.choices.get(is_correct=False).pk
    client.force_login(member)
    sent = client.post(url("take", quiz), {f"q_{first.pk}": str(chosen)})
    assert sent.status_code == 400
    page = body(sent)
    assert "Répondez à cette question." in page
    assert f'id="id_q_{second.pk}_error"' in page
    assert f'value="{chosen}" required id="id_q_{first.pk}_1" checked' in page
    assert not Response.objects.exists()


def test_a_closed_quiz_says_so_and_keeps_what_was_sent(client, territory, member):
    quiz = quiz_with_questions(1, territory=territory, status=Status.CLOSED)
    client.force_login(member)
    page = body(client.get(url("take", quiz)))
    assert "Ce questionnaire est clos : les réponses ne sont plus acceptées." in page
    assert '<form method="post" class="respond-form"' not in page
    answers = right_answers(quiz)
    sent = client.post(url("take", quiz), answers)
    assert sent.status_code == 400
    assert "Ce questionnaire est clos" in body(sent)
    assert f'value="{next(iter(answers.values()))}"' in body(sent)
    assert not Response.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, territory):
    quiz = quiz_with_questions(1, territory=territory)
    answer = client.get(url("take", quiz))
    assert answer.status_code == 302
    assert "/compte/login/" in answer["Location"]


def test_sending_the_same_form_twice_records_one_response(client, territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    client.force_login(member)
    data = {**right_answers(quiz), "client_key": str(uuid.uuid4())}
    client.post(url("take", quiz), data)
    again = client.post(url("take", quiz), data, follow=True)
    assert Response.objects.count() == 1
    assert "Ces réponses étaient déjà enregistrées." in body(again)


@pytest.fixture
def challenge_quiz(territory, member):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    return quiz_with_questions(2, territory=territory, challenge=challenge)


def test_a_household_answers_at_the_start_then_waits_for_the_end(client, challenge_quiz, member):
    client.force_login(member)
    page = body(client.get(url("take", challenge_quiz)))
    assert "Vous répondez pour votre foyer, au début du défi." in page
    client.post(url("take", challenge_quiz), right_answers(challenge_quiz))
    response = Response.objects.get()
    assert (response.moment, response.household) == (Moment.BEFORE, member.household)
    page = body(client.get(url("take", challenge_quiz)))
    assert "Vous pourrez répondre de nouveau, pour mesurer vos progrès, à partir du" in page
    assert 'class="respond-form"' not in page
    again = client.post(url("take", challenge_quiz), right_answers(challenge_quiz))
    assert again.status_code == 400
    assert Response.objects.count() == 1


def test_the_end_quiz_opens_thirty_days_before_the_end(client, territory, member):
    challenge = ChallengeFactory(
        territory=territory, starts_on=timezone.localdate() - dt.timedelta(days=150)
    )
    challenge.ends_on = timezone.localdate() + dt.timedelta(days=20)
    challenge.save(update_fields=["ends_on"])
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = quiz_with_questions(1, territory=territory, challenge=challenge)
    client.force_login(member)
    client.post(url("take", quiz), right_answers(quiz))
    assert "à la fin du défi" in body(client.get(url("take", quiz)))
    client.post(url("take", quiz), right_answers(quiz))
    assert sorted(Response.objects.values_list("moment", flat=True)) == ["debut", "fin"]
    third = body(client.get(url("take", quiz)))
    assert "Votre foyer a déjà répondu au début et à la fin du défi." in third


def test_a_household_not_in_the_challenge_may_not_take_its_quiz(client, challenge_quiz):
    client.force_login(UserFactory())
    assert client.get(url("take", challenge_quiz)).status_code == 403


def test_my_answers_are_mine_and_my_households_only(client, challenge_quiz, member, organiser):
    client.force_login(member)
    client.post(url("take", challenge_quiz), right_answers(challenge_quiz))
    page = url("response", challenge_quiz, Response.objects.get().pk)
    client.force_login(UserFactory(household=member.household))
    assert client.get(page).status_code == 200
    client.force_login(organiser)
    assert client.get(page).status_code == 200
    client.force_login(UserFactory())
    assert client.get(page).status_code == 404


# --- grids ---------------------------------------------------------------------------


def test_an_organiser_fills_the_grid_and_lands_on_its_results(client, territory, organiser):
    grid = grid_with_axes(axes=2, per_axis=1, territory=territory)
    client.force_login(organiser)
    page = body(client.get(url("take", grid)))
    assert "Intitulé de ce diagnostic" in page
    assert "Diagnostic de " in page
    data = {f"q_{q.pk}": str(q.choices.get(value=3).pk) for q in questions(grid)}
    sent = client.post(url("take", grid), {**data, "label": "Diagnostic d'automne"}, follow=True)
    assert sent.redirect_chain[-1][0] == url("results", grid)
    assert "« Diagnostic d&#x27;automne » est enregistré." in body(sent)


def test_households_do_not_fill_the_territory_grid(client, territory, member):
    grid = grid_with_axes(axes=1, per_axis=1, territory=territory)
    client.force_login(member)
    assert client.get(url("take", grid)).status_code == 403


# --- interviews ----------------------------------------------------------------------


@pytest.fixture
def survey(territory, member):  # type: ignore[no-untyped-def]
    survey = survey_with_questions(territory=territory)
    survey.interviewers.add(member)
    return survey


def interview_data(survey) -> dict[str, object]:  # type: ignore[no-untyped-def]
    single, multiple, scale, text = questions(survey)
    return {
        f"q_{single.pk}": str(single.choices.first().pk),
        f"q_{multiple.pk}": [str(c.pk) for c in multiple.choices.all()[:2]],
        f"q_{scale.pk}": "4",
        f"q_{text.pk}": "Des ateliers de réparation.",
        "consent": "on",
        "client_key": str(uuid.uuid4()),
    }


def test_a_volunteer_records_an_interview_then_gets_a_fresh_form(client, survey, member):
    client.force_login(member)
    first = client.get(url("interview", survey))
    page = body(first)
    assert "La personne interrogée accepte que ses réponses anonymes soient enregistrées" in page
    assert 'type="hidden" name="client_key"' in page
    assert "0 entretien saisi par vous" in page  # none yet: singular in French (n > 1)
    sent = client.post(url("interview", survey), interview_data(survey), follow=True)
    assert sent.redirect_chain[-1][0] == url("interview", survey)
    page = body(sent)
    assert "Entretien enregistré : merci ! Au suivant." in page
    assert "1 entretien saisi par vous" in page
    assert "Des ateliers de réparation." not in page
    assert sent.context["form"]["client_key"].value() != first.context["form"]["client_key"].value()
    response = Response.objects.get()
    assert response.respondent is None
    assert response.interviewer == member


def test_a_double_tap_records_the_interview_once(client, survey, member):
    client.force_login(member)
    data = interview_data(survey)
    client.post(url("interview", survey), data)
    again = client.post(url("interview", survey), data, follow=True)
    assert Response.objects.count() == 1
    assert "Cet entretien était déjà enregistré." in body(again)


def test_an_interview_without_consent_is_refused_and_nothing_is_lost(client, survey, member):
    client.force_login(member)
    data = interview_data(survey)
    del data["consent"]
    sent = client.post(url("interview", survey), data)
    assert sent.status_code == 400
    page = body(sent)
    assert "Cochez cette case une fois l&#x27;accord de la personne obtenu" in page
    assert "Des ateliers de réparation." in page
    assert 'aria-invalid="true"' in page
    assert not Response.objects.exists()


def test_only_named_volunteers_and_organisers_enter_interviews(client, survey, organiser):
    client.force_login(UserFactory())
    assert client.get(url("interview", survey)).status_code == 403
    client.force_login(organiser)
    assert client.get(url("interview", survey)).status_code == 200


def test_a_quiz_has_no_interview_page_and_a_survey_sends_take_to_it(client, survey, member):
    quiz = quiz_with_questions(1, territory=survey.territory)
    client.force_login(member)
    assert client.get(url("interview", quiz)).status_code == 404
    assert client.get(url("take", survey))["Location"] == url("interview", survey)


def test_a_closed_survey_takes_no_more_interviews(client, territory, member):
    survey = survey_with_questions(territory=territory, status=Status.CLOSED)
    survey.interviewers.add(member)
    client.force_login(member)
    assert "Ce questionnaire est clos" in body(client.get(url("interview", survey)))
    sent = client.post(url("interview", survey), interview_data(survey))
    assert sent.status_code == 400
    assert not Response.objects.exists()


def test_an_unknown_questionnaire_is_a_404(client, territory, member):
    client.force_login(member)
    QuestionnaireFactory(territory=territory, slug="existe")
    assert client.get(reverse("questionnaires:take", args=[SLUG, "nexiste-pas"])).status_code == 404


def test_the_list_shows_my_surveys_to_conduct_in_constant_queries(
    client, territory, member, django_assert_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            survey = survey_with_questions(
                territory=territory, slug=f"enquete-{n}-{i}", results_public=True
            )
            survey.interviewers.add(member)
            quiz_with_questions(1, territory=territory, slug=f"quiz-{n}-{i}")

    add(1)
    client.force_login(member)
    with CaptureQueriesContext(connection) as one:
        page = body(client.get(url("list")))
    assert "Saisir un entretien : Enquête de voisinage" in page
    add(5)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url("list"))


def test_a_tampered_key_does_not_block_the_answer(client, territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    client.force_login(member)
    sent = client.post(url("take", quiz), {**right_answers(quiz), "client_key": "pas-une-clé"})
    assert sent.status_code == 302
    assert Response.objects.count() == 1
