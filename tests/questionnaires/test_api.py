"""The questionnaires API: list, detail without right answers, answering
(idempotent, 422 in French), aggregated results (organisers, or public)."""

from __future__ import annotations

import uuid

import pytest

from api.services import token_create
from questionnaires.models import Questionnaire, Response, Status
from tests.factories import ChallengeFactory, RegistrationFactory
from tests.questionnaires.factories import (
    grid_with_axes,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/questionnaires/val-de-drome"


def questions(questionnaire):  # type: ignore[no-untyped-def]
    return list(questionnaire.questions.order_by("position"))


def post(client, path: str, body: dict, **extra):  # type: ignore[no-untyped-def]
    return client.post(f"{BASE}/{path}", body, content_type="application/json", **extra)


def quiz_body(quiz, *, right: bool = True, key: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "client_key": key or str(uuid.uuid4()),
        "answers": [
            {"question": q.pk, "choices": [q.choices.get(is_correct=right).pk]}
            for q in questions(quiz)
        ],
    }


def test_the_list_has_the_published_questionnaires_only(client, territory):
    quiz_with_questions(1, territory=territory, title="Quiz de l'eau", slug="eau")
    quiz_with_questions(1, territory=territory, slug="brouillon", status=Status.DRAFT)
    survey_with_questions(territory=territory, slug="close", status=Status.CLOSED)
    answer = client.get(BASE)
    assert answer.status_code == 200
    assert [(q["slug"], q["kind"]) for q in answer.json()] == [("eau", "quiz")]
    assert answer.json()[0]["url"] == "/t/val-de-drome/questionnaires/eau/"


def test_the_detail_never_gives_the_right_answers(client, territory):
    quiz = quiz_with_questions(2, territory=territory, slug="eau")
    first = questions(quiz)[0]
    first.explanation = "Parce que."
    first.save(update_fields=["explanation"])
    answer = client.get(f"{BASE}/eau")
    assert answer.status_code == 200
    data = answer.json()
    assert [q["id"] for q in data["questions"]] == [q.pk for q in questions(quiz)]
    assert "is_correct" not in str(data)
    assert "Parce que." not in str(data)
    assert {c["text"] for c in data["questions"][0]["choices"]} == {"Juste", "Faux"}


def test_a_draft_is_not_found(client, territory):
    quiz_with_questions(1, territory=territory, slug="brouillon", status=Status.DRAFT)
    assert client.get(f"{BASE}/brouillon").status_code == 404


def test_a_quiz_is_answered_then_the_same_key_returns_it(client, territory, member):
    quiz = quiz_with_questions(2, territory=territory, slug="eau")
    quiz.questions.update(explanation="Voici pourquoi.")
    client.force_login(member)
    body = quiz_body(quiz)
    first = post(client, "eau/responses", body)
    assert first.status_code == 201
    data = first.json()
    assert (data["correct_count"], data["question_count"], data["score_pct"]) == (2, 2, 100.0)
    assert data["answers"][0]["right_choices"] == data["answers"][0]["choices"]
    assert data["answers"][0]["explanation"] == "Voici pourquoi."
    again = post(
        client, "eau/responses", {**quiz_body(quiz, right=False), "client_key": body["client_key"]}
    )
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert Response.objects.count() == 1


def test_refusals_are_422_in_french_with_the_question(client, territory, member):
    quiz = quiz_with_questions(2, territory=territory, slug="eau")
    _first, second = questions(quiz)
    client.force_login(member)
    body = quiz_body(quiz)
    body["answers"] = [body["answers"][0]]
    refused = post(client, "eau/responses", body)
    assert refused.status_code == 422
    assert refused.json()["erreurs"] == [
        {"champ": f"answers.{second.pk}", "message": "Répondez à cette question."}
    ]
    assert refused.json()["message"].startswith("Réponse refusée : ")
    body = quiz_body(quiz)
    body["answers"][0]["choices"] = [second.choices.first().pk]
    assert "ne fait pas partie" in post(client, "eau/responses", body).json()["message"]
    assert not Response.objects.exists()


def test_a_closed_quiz_is_refused_with_its_message(client, territory, member):
    quiz_with_questions(1, territory=territory, slug="eau", status=Status.CLOSED)
    client.force_login(member)
    quiz = Questionnaire.objects.get(slug="eau")
    refused = post(client, "eau/responses", quiz_body(quiz))
    assert refused.status_code == 422
    assert refused.json()["erreurs"][0]["message"] == (
        "Ce questionnaire est clos : les réponses ne sont plus acceptées."
    )


def test_a_challenge_quiz_is_for_its_households(client, territory, member, outsider):
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = quiz_with_questions(1, territory=territory, slug="defi", challenge=challenge)
    client.force_login(outsider)
    assert post(client, "defi/responses", quiz_body(quiz)).status_code == 403
    client.force_login(member)
    answer = post(client, "defi/responses", quiz_body(quiz))
    assert answer.status_code == 201
    assert answer.json()["moment"] == "debut"
    early = post(client, "defi/responses", {**quiz_body(quiz), "moment": "fin"})
    assert early.status_code == 422
    assert "s'ouvre le" in early.json()["message"]


def test_an_interview_needs_consent_and_a_named_volunteer(client, territory, member, outsider):
    survey = survey_with_questions(territory=territory, slug="voisins")
    survey.interviewers.add(member)
    single, multiple, scale, text = questions(survey)
    body = {
        "client_key": str(uuid.uuid4()),
        "answers": [
            {"question": single.pk, "choices": [single.choices.first().pk]},
            {"question": multiple.pk, "choices": [multiple.choices.first().pk]},
            {"question": scale.pk, "number": 5},
            {"question": text.pk, "text": "Plus de pistes cyclables"},
        ],
    }
    client.force_login(outsider)
    assert post(client, "voisins/responses", {**body, "consent": True}).status_code == 403
    client.force_login(member)
    refused = post(client, "voisins/responses", body)
    assert refused.status_code == 422
    assert refused.json()["erreurs"][0]["champ"] == "consent"
    created = post(client, "voisins/responses", {**body, "consent": True})
    assert created.status_code == 201
    response = Response.objects.get()
    assert response.interviewer == member
    assert response.respondent is None


def test_answering_needs_an_account(client, territory):
    quiz = quiz_with_questions(1, territory=territory, slug="eau")
    assert post(client, "eau/responses", quiz_body(quiz)).status_code == 401


def test_results_are_for_organisers_with_a_token(client, territory, organiser, member):
    survey_with_questions(territory=territory, slug="voisins")
    _token, raw = token_create(user=organiser, name="Tableur")
    assert client.get(f"{BASE}/voisins/results").status_code == 403
    client.force_login(member)
    assert client.get(f"{BASE}/voisins/results").status_code == 403
    client.logout()
    answer = client.get(f"{BASE}/voisins/results", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    data = answer.json()
    assert data["response_count"] == 0
    assert [q["kind"] for q in data["questions"]] == ["unique", "multiple", "echelle", "texte"]
    assert "texts" not in str(data)


def test_public_results_are_open_and_aggregated(client, territory, organiser):
    grid = grid_with_axes(
        axes=2, per_axis=1, territory=territory, slug="grille", results_public=True
    )
    client.force_login(organiser)
    data = {"client_key": str(uuid.uuid4()), "label": "Diagnostic d'essai", "answers": []}
    data["answers"] = [
        {"question": q.pk, "choices": [q.choices.get(value=2).pk]} for q in questions(grid)
    ]
    assert post(client, "grille/responses", data).status_code == 201
    client.logout()
    answer = client.get(f"{BASE}/grille/results")
    assert answer.status_code == 200
    (filling,) = answer.json()["grid"]["fillings"]
    assert filling["label"] == "Diagnostic d'essai"
    assert set(filling["scores"].values()) == {2.0}
    assert set(filling["scores_pct"].values()) == {50.0}
