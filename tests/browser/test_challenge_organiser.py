"""An organiser creates a challenge in a real browser, publishes it, and the
public page opens registrations. Every page on the way, the form with its
errors included, is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from challenges.models import Challenge, Phase, SelectionRule, Theme
from tests.browser.helpers import follow, log_in, submit, visit

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
TITLE = "Familles à énergie positive 2027"


def _main_form(page, field: str):
    """The form in <main> that holds `field` (the header has forms too)."""
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def _field_errors(page, name: str) -> str:
    """The text of the error list tied to the field `name` (aria-describedby),
    once checked that the field says it is invalid."""
    field = page.locator(f"main [name={name}]").first
    assert field.get_attribute("aria-invalid") == "true", f"{name} n'est pas marqué invalide"
    ids = (field.get_attribute("aria-describedby") or "").split()
    texts = [
        page.locator(f"[id='{i}']").inner_text()
        for i in ids
        if page.locator(f"[id='{i}'].errorlist").count()
    ]
    assert texts, f"{name} : aucune liste d'erreurs reliée par aria-describedby ({ids})"
    return " ".join(texts)


def _current_step(page) -> str:
    steps = page.get_by_role("list", name="Étapes du défi")
    return steps.locator("[aria-current=step] strong").inner_text()


def _fill_challenge_form(page, form, *, today: dt.date) -> None:
    starts = today + dt.timedelta(days=30)
    form.get_by_label("Titre").fill(TITLE)
    form.get_by_label("Résumé").fill("Un hiver pour baisser nos factures d'énergie et d'eau.")
    form.get_by_role("checkbox", name="Énergie").check()
    form.get_by_role("checkbox", name="Eau").check()
    form.get_by_label("Ouverture des inscriptions").fill(str(today - dt.timedelta(days=1)))
    form.get_by_label("Clôture des inscriptions").fill(str(today + dt.timedelta(days=20)))
    form.get_by_label("Premier jour du défi").fill(str(starts))
    form.get_by_label("Dernier jour du défi").fill(str(starts + dt.timedelta(days=150)))
    form.get_by_label("Objectif énergie").fill("8")
    form.get_by_label("Objectif eau").fill("10")
    form.get_by_label("Nombre maximal de foyers").fill("40")
    form.get_by_role("radio", name=re.compile("^Premiers inscrits d'abord")).check()


def test_organiser_creates_publishes_and_opens_registrations(page, territory, organiser):
    today = timezone.localdate()
    log_in(page, organiser)

    visit(page, f"/t/{SLUG}/defis/nouveau/")
    assert "Nouveau défi" in page.get_by_role("heading", level=1).inner_text()
    form = _main_form(page, "title")
    _fill_challenge_form(page, form, today=today)

    # First, the registrations close before they open: refused, in French, next to the field.
    form.get_by_label("Clôture des inscriptions").fill(str(today - dt.timedelta(days=5)))
    submit(page, form, status=400)  # axe runs on the form with its errors
    assert page.get_by_role("alert").first.is_visible()
    assert "La clôture des inscriptions doit suivre leur ouverture." in _field_errors(
        page, "registration_closes_on"
    )
    assert not Challenge.objects.exists(), "rien n'est créé avec des dates contradictoires"
    # Nothing typed is lost.
    form = _main_form(page, "title")
    assert form.get_by_label("Titre").input_value() == TITLE
    assert form.get_by_role("checkbox", name="Eau").is_checked()

    form.get_by_label("Clôture des inscriptions").fill(str(today + dt.timedelta(days=20)))
    submit(page, form)

    challenge = Challenge.objects.get()
    assert challenge.slug == "familles-a-energie-positive-2027"
    assert challenge.themes == [Theme.ENERGY, Theme.WATER]
    assert (challenge.max_households, challenge.selection_rule) == (40, SelectionRule.FIRST_COME)
    assert challenge.starts_on == today + dt.timedelta(days=30)
    assert challenge.published_at is None
    assert page.url.endswith(f"/t/{SLUG}/defis/{challenge.slug}/animation/")
    main = page.locator("main")
    assert "créé en brouillon" in main.inner_text()
    assert "Phase actuelle : Brouillon." in main.inner_text()

    # The draft, as the organiser sees it before publishing.
    follow(page, main.get_by_role("link", name="Page publique"))
    assert "Brouillon" in main.locator(".message").first.inner_text()
    assert _current_step(page) == Phase.DRAFT.label
    assert not main.get_by_text("Inscriptions ouvertes jusqu'au").count()

    follow(page, main.get_by_role("link", name="Animer ce défi"))
    follow(page, main.get_by_role("link", name="Publier le défi…"))
    assert main.get_by_role("heading", name="Publier le défi ?").is_visible()
    follow(page, main.get_by_role("button", name="Confirmer la publication"))
    assert "Le défi est publié" in main.inner_text()
    challenge.refresh_from_db()
    assert challenge.published_at is not None
    assert challenge.phase() == Phase.REGISTRATION

    follow(page, main.get_by_role("link", name="Page publique"))
    assert _current_step(page) == "Inscriptions ouvertes"
    assert not main.locator(".message-error").count(), "plus de bandeau « Brouillon »"
    participate = main.get_by_role("region", name="Participer")
    assert "Inscriptions ouvertes jusqu'au" in participate.inner_text()
    assert "il reste 40 places" in participate.inner_text()
    assert participate.get_by_role("link", name="Inscrire mon foyer").is_visible()
