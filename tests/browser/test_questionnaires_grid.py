"""An organiser fills the territory's resilience grid in a real browser and
sees the per-axis scores and the radar; an emptied label comes back with its
message and the levels kept; a second filling shows the evolution. Every
page is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from questionnaires.models import Response
from questionnaires.services import questionnaire_copy, questionnaire_publish
from tests.browser.helpers import follow, log_in, submit, visit
from tests.questionnaires.factories import shipped_template

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def grid(territory, organiser):  # type: ignore[no-untyped-def]
    copy = questionnaire_copy(
        template=shipped_template("grille-resilience"), territory=territory, user=organiser
    )
    return questionnaire_publish(questionnaire=copy, user=organiser)


def choose_levels(page, grid, level: int) -> None:  # type: ignore[no-untyped-def]
    for question in grid.questions.prefetch_related("choices"):
        choice = next(c for c in question.choices.all() if c.value == level)
        page.locator(f"input[name='q_{question.pk}'][value='{choice.pk}']").check()


def test_an_organiser_fills_the_grid_twice_and_sees_radar_and_evolution(page, grid, organiser):
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/questionnaires/{grid.slug}/")
    follow(page, page.get_by_role("link", name="Remplir le diagnostic"))
    expect(page.get_by_role("heading", name="Alimentation")).to_be_visible()
    # « Diagnostic de <mois année> » by default.
    assert page.get_by_label("Intitulé de ce diagnostic").input_value().startswith("Diagnostic de ")

    choose_levels(page, grid, 1)
    page.get_by_label("Intitulé de ce diagnostic").fill("")
    submit(page, page.locator("form.respond-form"), status=400)
    expect(page.locator("#id_label_error")).to_contain_text("Donnez un intitulé à ce diagnostic.")
    first = grid.questions.order_by("axis__position", "position").first()
    level1 = first.choices.get(value=1)
    expect(page.locator(f"input[name='q_{first.pk}'][value='{level1.pk}']")).to_be_checked()
    assert not Response.objects.exists()

    page.get_by_label("Intitulé de ce diagnostic").fill("Diagnostic de départ")
    submit(page, page.locator("form.respond-form"))
    expect(page.get_by_text("« Diagnostic de départ » est enregistré.")).to_be_visible()
    scores = page.locator("table", has=page.locator("#legende-axes"))
    expect(scores.get_by_role("row", name="Alimentation")).to_contain_text("1,0")
    expect(scores.get_by_role("row", name="Alimentation")).to_contain_text("25 %")
    radar = page.locator("svg[aria-labelledby='radar-axes-titre radar-axes-desc']")
    expect(radar).to_be_visible()
    expect(radar.locator("g.series")).to_have_count(1)

    follow(page, page.get_by_role("link", name="Remplir de nouveau le diagnostic"))
    choose_levels(page, grid, 3)
    page.get_by_label("Intitulé de ce diagnostic").fill("Diagnostic de suivi")
    submit(page, page.locator("form.respond-form"))
    expect(radar.locator("g.series")).to_have_count(2)
    expect(radar.locator("g.legend-item")).to_have_count(2)
    evolution = page.locator("table", has=page.locator("#legende-evolution"))
    expect(evolution.get_by_role("columnheader", name="Diagnostic de départ")).to_be_visible()
    expect(evolution.get_by_role("columnheader", name="Diagnostic de suivi")).to_be_visible()
    expect(evolution.get_by_role("row", name="Santé")).to_contain_text("+2,0")
    expect(evolution.get_by_role("row", name="Ensemble des axes")).to_contain_text("3,0")
