"""A household selected in a challenge takes the quiz linked to it in a real
browser: a forgotten question comes back with its message and nothing lost,
then the score with each right answer and its explanation; the challenge page
then shows the start score. Every page is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from questionnaires.models import Response
from questionnaires.services import questionnaire_copy, questionnaire_publish
from tests.browser.helpers import assert_accessible, follow, log_in, submit, visit
from tests.factories import ChallengeFactory, RegistrationFactory
from tests.questionnaires.factories import shipped_template

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
RIGHT = 10  # questions answered right; the others wrong


@pytest.fixture
def quiz(territory, organiser, member):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, slug="hiver", title="Défi Hiver sobre")
    RegistrationFactory(challenge=challenge, household=member.household)
    copy = questionnaire_copy(
        template=shipped_template("quiz-energie-eau"),
        territory=territory,
        user=organiser,
        challenge=challenge,
    )
    return questionnaire_publish(questionnaire=copy, user=organiser)


def choose(page, quiz, *, skip_last: bool = False) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Tick the right answers of the first questions and a wrong one after."""
    questions = list(quiz.questions.order_by("position").prefetch_related("choices"))
    if skip_last:
        questions = questions[:-1]
    for index, question in enumerate(questions):
        choices = list(question.choices.all())
        picked = [c for c in choices if c.is_correct]
        if index >= RIGHT:
            picked = [next(c for c in choices if not c.is_correct)]
        for choice in picked:
            page.locator(f"input[name='q_{question.pk}'][value='{choice.pk}']").check()
    return min(RIGHT, len(questions)), quiz.questions.count()


def percent(part: int, whole: int) -> str:
    """Rounded half up, as the pages show it."""
    return str(Decimal(100 * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def wait_for_quiz_block(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#quiz-du-defi")).to_be_visible()
    assert_accessible(page)


def test_a_household_takes_the_challenge_quiz_and_sees_its_score(page, quiz, member):
    log_in(page, member)
    visit(page, f"/t/{SLUG}/defis/hiver/")
    wait_for_quiz_block(page)
    expect(page.locator("#quiz-du-defi")).to_contain_text("Aucun foyer n'a encore répondu")
    follow(page, page.locator("#quiz-du-defi").get_by_role("link", name="Répondre"))
    follow(page, page.get_by_role("link", name="Répondre au quiz"))
    expect(page.get_by_text("Vous répondez pour votre foyer, au début du défi.")).to_be_visible()

    # The last question forgotten: the page comes back with the message, ticks kept.
    choose(page, quiz, skip_last=True)
    submit(page, page.locator("form.respond-form"), status=400)
    last = quiz.questions.order_by("position").last()
    expect(page.locator(f"#id_q_{last.pk}_error")).to_contain_text("Répondez à cette question.")
    first = quiz.questions.order_by("position").first()
    right = first.choices.get(is_correct=True)
    expect(page.locator(f"input[name='q_{first.pk}'][value='{right.pk}']")).to_be_checked()
    assert not Response.objects.exists()

    correct, total = choose(page, quiz)
    submit(page, page.locator("form.respond-form"))
    expect(page.get_by_text(f"Votre score : {correct} bonnes réponses sur {total}")).to_be_visible()
    expect(page.locator(".review-right").first).to_contain_text("Bonne réponse")
    expect(page.locator(".review-wrong").first).to_contain_text("Réponse inexacte")
    expect(page.locator(".review-explanation").first).to_contain_text("Pourquoi ?")
    assert Response.objects.get().moment == "debut"

    follow(page, page.get_by_role("link", name="Retour à la page du défi"))
    wait_for_quiz_block(page)
    block = page.locator("#quiz-du-defi")
    expect(block).to_contain_text("foyer a répondu au début")
    expect(block).to_contain_text(f"{percent(correct, total)} % score moyen au début")
    expect(block).to_contain_text(f"Votre foyer (début du défi) : {correct} bonnes réponses")
