"""A participating household picks its éco-gestes in a real browser: commits
to one, sets one aside with its reason, ticks the committed one for today;
its choices survive a reload, and the challenge's adoption page shows them.
Every page, and every card HTMX swaps in, is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.models import (
    EcoGesture,
    GestureChoice,
    GestureStatus,
    GestureTick,
    NotForMeReason,
    Theme,
)
from tests.browser.helpers import assert_accessible, follow, log_in, visit
from tests.factories import ChallengeFactory, EcoGestureFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
HEATING = "Baisser le chauffage à 19 °C"
SHOWER = "Prendre des douches de cinq minutes"
LIDS = "Cuire avec un couvercle"


@pytest.fixture
def gestures():
    # The catalogue of the data migration may still be there (the first
    # transactional test runs before any flush): start from these three only.
    EcoGesture.objects.all().delete()
    return {
        title: EcoGestureFactory(theme=theme, title=title, position=position)
        for position, (theme, title) in enumerate(
            [(Theme.ENERGY, HEATING), (Theme.ENERGY, LIDS), (Theme.WATER, SHOWER)]
        )
    }


@pytest.fixture
def registration(territory, member, gestures):
    """The member's household, selected in a running energy and water challenge."""
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre", slug="hiver")
    return RegistrationFactory(challenge=challenge, household=member.household)


def _card(page, gesture: EcoGesture):
    return page.locator(f"#geste-{gesture.pk}")


def _save_choice(page, gesture: EcoGesture, *, answer: str, reason: str = "") -> None:
    """Answer for one gesture and save: HTMX swaps the card in place."""
    card = _card(page, gesture)
    card.get_by_role("radio", name=answer).check()
    if reason:
        card.get_by_label("Pourquoi ce geste n'est pas pour vous ?").select_option(label=reason)
    card.get_by_role("button", name=f"Enregistrer — {gesture.title}").click()


def test_household_commits_sets_aside_and_ticks_gestures(page, registration, gestures, member):
    challenge = registration.challenge
    heating, shower = gestures[HEATING], gestures[SHOWER]
    log_in(page, member)

    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/")
    main = page.locator("main")
    follow(page, main.get_by_role("link", name="Mes éco-gestes"))
    assert page.url.endswith(f"/defis/{challenge.slug}/eco-gestes/")
    assert main.get_by_role("heading", level=2).all_inner_texts() == ["Énergie", "Eau"]

    _save_choice(page, heating, answer="Je m'engage")
    expect(_card(page, heating).get_by_role("status")).to_have_text(
        f"Choix enregistré pour « {HEATING} »."
    )
    assert_accessible(page)

    # « Pas pour moi » without a reason: refused in the card, nothing saved.
    _save_choice(page, shower, answer="Pas pour moi")
    reason = _card(page, shower).get_by_label("Pourquoi ce geste n'est pas pour vous ?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(_card(page, shower)).to_contain_text("Indiquez pourquoi ce geste n'est pas pour vous.")
    assert _card(page, shower).get_by_role("radio", name="Pas pour moi").is_checked()
    assert_accessible(page)
    assert not GestureChoice.objects.filter(gesture=shower).exists()

    _save_choice(page, shower, answer="Pas pour moi", reason="Pas le temps")
    expect(_card(page, shower).get_by_role("status")).to_have_text(
        f"Choix enregistré pour « {SHOWER} »."
    )
    assert_accessible(page)

    card = _card(page, heating)
    card.get_by_role("button", name=f"Je l'ai fait aujourd'hui — {HEATING}").click()
    expect(card.get_by_role("status")).to_have_text(
        re.compile(rf"^Bravo ! « {re.escape(HEATING)} » est noté pour le \S+ \d+ \S+\.$")
    )
    assert "Fait 1 jour." in card.inner_text()
    assert card.get_by_text("Fait aujourd'hui", exact=True).is_visible()
    assert_accessible(page)

    choices = {c.gesture_id: c for c in GestureChoice.objects.filter(registration=registration)}
    assert choices[heating.pk].status == GestureStatus.COMMITTED
    assert (choices[shower.pk].status, choices[shower.pk].reason) == (
        GestureStatus.NOT_FOR_ME,
        NotForMeReason.NO_TIME,
    )
    assert GestureTick.objects.filter(choice=choices[heating.pk]).count() == 1

    # A reload shows the choices kept.
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/eco-gestes/")
    stats = " ".join(main.locator(".stats").inner_text().split())
    assert "1 engagements" in stats
    assert "1 gestes écartés" in stats
    assert _card(page, heating).get_by_role("radio", name="Je m'engage").is_checked()
    assert _card(page, heating).get_by_text("Fait aujourd'hui", exact=True).is_visible()
    assert _card(page, shower).get_by_role("radio", name="Pas pour moi").is_checked()
    assert reason.input_value() == NotForMeReason.NO_TIME
    lids = _card(page, gestures[LIDS])
    assert not any(radio.is_checked() for radio in lids.get_by_role("radio").all())

    # The challenge's adoption figures.
    follow(page, main.get_by_role("link", name="Voir les gestes les plus adoptés du défi"))
    assert page.url.endswith(f"/defis/{challenge.slug}/eco-gestes/adoption/")
    top = main.get_by_role("list").filter(has_text=HEATING).first
    assert f"{HEATING} — 1 foyer (100 %)" in top.inner_text()
    chart = main.get_by_role("img", name="Adoption des éco-gestes semaine après semaine")
    assert chart.evaluate("(e) => e.tagName.toLowerCase()") == "svg"
    assert chart.is_visible()
    main.get_by_text("Voir les données du graphique sous forme de tableau").click()
    data = main.get_by_role("table", name="Adoption des éco-gestes semaine après semaine")
    assert data.is_visible()
    assert data.get_by_role("columnheader", name="Engagements").count() == 1
    assert_accessible(page)  # with the data table open

    energy = main.get_by_role("table", name="Adoption des éco-gestes « Énergie »")
    heating_row = energy.get_by_role("row").filter(has=page.get_by_role("rowheader", name=HEATING))
    assert heating_row.get_by_role("cell").all_inner_texts() == ["0", "1", "1", "100 %", "0"]
    reasons = main.get_by_role("table", name="Raisons données par les foyers")
    assert "Pas le temps" in reasons.inner_text()
