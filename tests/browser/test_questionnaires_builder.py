"""An organiser builds a quiz from the « Quiz énergie et eau » template in a
real browser: copy for the running challenge, edit a question and a choice,
add a question, preview, publish. Every page, forms with their errors
included, is checked by axe (WCAG 2.1 A/AA); the builder fits a 360 px phone."""

from __future__ import annotations

import pytest

from questionnaires.models import Kind, Questionnaire, Status
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    follow,
    log_in,
    submit,
    visit,
    visit_all,
)
from tests.factories import ChallengeFactory
from tests.questionnaires.factories import AxisFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


def _main_form(page, field: str):  # type: ignore[no-untyped-def]
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def test_organiser_builds_a_quiz_from_the_template(page, territory, organiser):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, slug="hiver", title="Défi Hiver sobre")
    log_in(page, organiser)

    visit(page, f"/t/{SLUG}/questionnaires/gerer/")
    follow(page, page.get_by_role("link", name="Partir d'un modèle"))
    card = page.locator("li.card").filter(
        has=page.get_by_role("heading", name="Quiz énergie et eau", exact=True)
    )
    card.get_by_label("Défi").select_option(label="Défi Hiver sobre")
    submit(page, card.locator("form"))
    copy = Questionnaire.objects.get(territory=territory)
    assert (copy.challenge, copy.status) == (challenge, Status.DRAFT)
    assert "est copié en brouillon" in page.get_by_role("status").inner_text()

    # Edit the first question's text and one of its choices; a mistake first.
    follow(page, page.get_by_role("link", name="Modifier la question 1", exact=True))
    form = _main_form(page, "text")
    form.locator("[name=text]").fill("Quelle part de l'énergie d'un logement va au chauffage ?")
    form.locator("[name='choix-0-text']").fill("Un dixième environ")
    form.locator("[name='choix-2-is_correct']").uncheck()
    submit(page, form, status=400)
    assert "Cochez la bonne réponse" in page.locator("#choix-erreurs").inner_text()
    assert form.locator("[name='choix-0-text']").input_value() == "Un dixième environ"
    form.locator("[name='choix-2-is_correct']").check()
    submit(page, form)
    first = copy.questions.current().order_by("position").first()
    assert first.text == "Quelle part de l'énergie d'un logement va au chauffage ?"
    assert first.choices.first().text == "Un dixième environ"

    # Add a question at the end.
    follow(page, page.get_by_role("link", name="Ajouter une question"))
    form = _main_form(page, "text")
    form.get_by_label("Type de question").select_option("unique")
    form.locator("[name=text]").fill(
        "Un lave-vaisselle plein consomme-t-il moins d'eau qu'une vaisselle à la main sous le robinet ?"
    )
    form.get_by_label("Explication").fill(
        "Un appareil récent utilise une dizaine de litres par cycle."
    )
    form.locator("[name='choix-0-text']").fill("Oui, en général")
    form.locator("[name='choix-0-is_correct']").check()
    form.locator("[name='choix-1-text']").fill("Non, jamais")
    submit(page, form)
    assert "Question ajoutée." in page.get_by_role("status").inner_text()
    assert copy.questions.current().count() == 17

    follow(page, page.get_by_role("link", name="Aperçu"))
    added = page.locator("fieldset").filter(has_text="Un lave-vaisselle plein")
    assert added.locator(".qb-correct").inner_text().startswith("Oui, en général")

    follow(page, page.get_by_role("link", name="Publier"))
    submit(page, _main_form(page, "csrfmiddlewaretoken").last)
    assert "Le questionnaire est publié." in page.get_by_role("status").inner_text()
    copy.refresh_from_db()
    assert copy.status == Status.PUBLISHED


def test_the_builder_fits_a_phone(phone_page, territory, organiser):  # type: ignore[no-untyped-def]
    quiz = QuestionnaireFactory(territory=territory, slug="quiz", status=Status.DRAFT)
    grid = QuestionnaireFactory(territory=territory, kind=Kind.GRID, slug="grille")
    AxisFactory(questionnaire=grid, title="Autonomie intellectuelle et solidarité sociale")
    QuestionnaireFactory(territory=territory, kind=Kind.SURVEY, slug="enquete")
    log_in(phone_page, organiser)
    base = f"/t/{SLUG}/questionnaires/"
    visit_all(
        phone_page,
        [
            f"{base}gerer/",
            f"{base}modeles/",
            f"{base}modeles/grille-resilience/",
            f"{base}nouveau/",
            f"{base}{quiz.slug}/modifier/",
            f"{base}{quiz.slug}/questions/ajouter/",
            f"{base}grille/questions/ajouter/",
            f"{base}enquete/questions/ajouter/",
            f"{base}enquete/enqueteurs/",
            f"{base}{quiz.slug}/publier/",
        ],
        then=assert_no_horizontal_scroll,
    )
    # The survey form shows the scale only for scale questions (JavaScript), and
    # a form sent back with its errors still fits.
    visit(phone_page, f"{base}enquete/questions/ajouter/")
    form = _main_form(phone_page, "text")
    assert not form.locator("fieldset.qb-scale").is_visible()
    form.get_by_label("Type de question").select_option("echelle")
    assert form.locator("fieldset.qb-scale").is_visible()
    submit(phone_page, form, status=400)
    assert_no_horizontal_scroll(phone_page)
