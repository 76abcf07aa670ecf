"""A volunteer records survey interviews on a 360×740 phone: without the
respondent's consent the form comes back with its message and nothing lost;
then an interview, a fresh form, a second one. The organiser sees the results
update live and tags a free-text answer. Every page is checked by axe."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from questionnaires.models import Answer, QuestionKind, Response
from questionnaires.responses import response_submit
from questionnaires.services import questionnaire_copy, questionnaire_publish
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    submit,
    visit,
    visit_all,
)
from tests.factories import ChallengeFactory, RegistrationFactory
from tests.questionnaires.factories import shipped_template

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def survey(territory, organiser, member):  # type: ignore[no-untyped-def]
    copy = questionnaire_copy(
        template=shipped_template("enquete-voisinage"), territory=territory, user=organiser
    )
    copy.interviewers.add(member)
    return questionnaire_publish(questionnaire=copy, user=organiser)


def questions(survey):  # type: ignore[no-untyped-def]
    return list(survey.questions.order_by("position").prefetch_related("choices"))


def fill(page, survey, text: str) -> None:  # type: ignore[no-untyped-def]
    for question in questions(survey):
        choices = list(question.choices.all())
        name = f"q_{question.pk}"
        if question.kind == QuestionKind.SINGLE:
            page.locator(f"input[name='{name}'][value='{choices[0].pk}']").check()
        elif question.kind == QuestionKind.MULTIPLE:
            for choice in choices[:2]:
                page.locator(f"input[name='{name}'][value='{choice.pk}']").check()
        elif question.kind == QuestionKind.SCALE:
            page.locator(f"input[name='{name}'][value='{question.scale_max}']").check()
        else:
            page.locator(f"textarea[name='{name}']").fill(text)


def test_a_volunteer_records_two_interviews_on_a_phone(
    phone_page, page, survey, member, organiser, monkeypatch
):
    phone = phone_page
    log_in(phone, member)
    visit(phone, f"/t/{SLUG}/questionnaires/{survey.slug}/entretien/")
    assert_no_horizontal_scroll(phone)

    fill(phone, survey, "Un composteur de quartier")
    submit(phone, phone.locator("form.respond-form"), status=400)
    expect(phone.locator("#id_consent_error")).to_contain_text("Cochez cette case")
    expect(phone.locator("textarea").first).to_have_value("Un composteur de quartier")
    assert_no_horizontal_scroll(phone)
    assert not Response.objects.exists()

    phone.get_by_label(
        "La personne interrogée accepte que ses réponses anonymes soient enregistrées"
    ).check()
    submit(phone, phone.locator("form.respond-form"))
    expect(phone.get_by_text("Entretien enregistré : merci ! Au suivant.")).to_be_visible()
    expect(phone.locator(".interview-count")).to_have_text("1 entretien saisi par vous")
    expect(phone.locator("textarea").first).to_have_value("")
    assert_no_horizontal_scroll(phone)

    fill(phone, survey, "Des ateliers de réparation")
    phone.get_by_label(
        "La personne interrogée accepte que ses réponses anonymes soient enregistrées"
    ).check()
    submit(phone, phone.locator("form.respond-form"))
    expect(phone.locator(".interview-count")).to_have_text("2 entretiens saisis par vous")
    assert Response.objects.filter(interviewer=member, respondent=None).count() == 2

    # The organiser follows the results live (polled every second for the test).
    monkeypatch.setattr("questionnaires.views.results.LIVE_SECONDS", 1)
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/questionnaires/{survey.slug}/resultats/")
    expect(page.locator("#compteurs")).to_have_text("2 réponses enregistrées")
    answers = {}
    for question in questions(survey):
        choices = [c.pk for c in question.choices.all()]
        if question.kind == QuestionKind.SCALE:
            answers[question.pk] = question.scale_min
        elif choices:
            answers[question.pk] = choices[-1:]
    response_submit(
        questionnaire=survey,
        answers=answers,
        user=organiser,
        interviewer=organiser,
        consent=True,
        client_key=uuid.uuid4(),
    )
    expect(page.locator("#compteurs")).to_have_text("3 réponses enregistrées", timeout=10_000)
    assert_accessible(page)

    row = page.locator(".text-answer", has_text="Des ateliers de réparation").first
    row.get_by_label("Ajouter une étiquette à cette réponse").fill("Réparation")
    row.get_by_role("button", name="Ajouter").click()
    row = page.locator(".text-answer", has_text="Des ateliers de réparation").first
    expect(row.locator(".tag")).to_have_text("Réparation")
    assert_accessible(page)
    tagged = Answer.objects.filter(tags__label="Réparation")
    assert list(tagged.values_list("text", flat=True)) == ["Des ateliers de réparation"]


def test_every_questionnaire_page_fits_a_phone(phone_page, territory, survey, member, organiser):
    """Quiz, grid and survey pages, results with their charts and tables, the
    challenge's quiz block: no axe violation, nothing that scrolls sideways."""
    challenge = ChallengeFactory(territory=territory, slug="hiver")
    RegistrationFactory(challenge=challenge, household=member.household)
    quiz = questionnaire_publish(
        questionnaire=questionnaire_copy(
            template=shipped_template("quiz-energie-eau"),
            territory=territory,
            user=organiser,
            challenge=challenge,
        ),
        user=organiser,
    )
    grid = questionnaire_publish(
        questionnaire=questionnaire_copy(
            template=shipped_template("grille-resilience"), territory=territory, user=organiser
        ),
        user=organiser,
    )
    quiz_answers = {
        q.pk: [c.pk for c in q.choices.all() if c.is_correct][:1]
        if i % 2
        else [q.choices.first().pk]
        for i, q in enumerate(quiz.questions.prefetch_related("choices"))
    }
    mine, _ = response_submit(
        questionnaire=quiz,
        answers=quiz_answers,
        user=member,
        household=member.household,
        client_key=uuid.uuid4(),
    )
    for level in (1, 3):
        response_submit(
            questionnaire=grid,
            answers={
                q.pk: next(c.pk for c in q.choices.all() if c.value == level)
                for q in grid.questions.prefetch_related("choices")
            },
            user=organiser,
            client_key=uuid.uuid4(),
            label=f"Diagnostic de niveau {level}",
        )
    base = f"/t/{SLUG}/questionnaires"
    log_in(phone_page, member)
    visit_all(
        phone_page,
        [
            f"{base}/",
            f"{base}/{quiz.slug}/",
            f"{base}/{quiz.slug}/reponses/{mine.pk}/",
            f"/t/{SLUG}/defis/hiver/quiz/",
            f"{base}/{survey.slug}/entretien/",
        ],
        then=assert_no_horizontal_scroll,
    )
    log_in(phone_page, organiser)
    visit_all(
        phone_page,
        [
            f"{base}/{grid.slug}/repondre/",
            f"{base}/{grid.slug}/resultats/",
            f"{base}/{quiz.slug}/resultats/",
            f"{base}/{survey.slug}/resultats/",
        ],
        then=assert_no_horizontal_scroll,
    )
