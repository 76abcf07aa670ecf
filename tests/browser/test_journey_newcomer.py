"""A newcomer, from the home page to a household in Crest, in a real browser.

Every page on the way is checked by axe (WCAG 2.1 A/AA); then the key pages
again on a 360 px phone, where nothing may scroll sideways.
"""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    log_in,
    submit,
    visit,
    visit_all,
)
from tests.factories import (
    CommuneFactory,
    ConsentTextFactory,
    HouseholdFactory,
    PartnerFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "nouvelle@example.org"
PASSWORD = "Des-rivieres-et-des-velos-26"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(?P<path>/compte/confirm-email/[^\s]+/)")


@pytest.fixture
def crest():
    return CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400")


@pytest.fixture
def territory(crest):
    territory = TerritoryFactory(name="Val de Drôme", slug="val-de-drome")
    territory.communes.add(crest)
    PartnerFactory(territory=territory, name="Biovallée")
    return territory


def _main_form(page, field: str):
    """The form in <main> that holds `field` (the header has forms too)."""
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def _menu(page, name: str):
    """A link of the main navigation."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    return nav.get_by_role("link", name=name, exact=True)


def _sign_up(page, mailoutbox) -> None:
    follow(page, page.get_by_role("link", name="Créer un compte").first)
    assert page.url.endswith("/compte/signup/")

    form = _main_form(page, "password1")
    form.locator("[name=email]").fill(EMAIL)
    form.locator("[name=display_name]").fill("Nina")
    form.locator("[name=password1]").fill(PASSWORD)
    form.locator("[name=password2]").fill(PASSWORD)
    form.get_by_label("J'accepte les conditions d'utilisation").check()
    submit(page, form)

    assert len(mailoutbox) == 1, "un seul e-mail, celui de confirmation"
    assert mailoutbox[0].to == [EMAIL]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link, f"pas de lien de confirmation dans : {mailoutbox[0].body}"

    visit(page, link["path"])
    submit(page, page.locator("main form").first)  # allauth confirms on POST


def _create_household(page) -> None:
    follow(page, page.get_by_role("link", name="Créer mon foyer"))
    assert page.url.endswith("/compte/foyer/")
    form = _main_form(page, "commune")
    form.locator("[name=name]").fill("Les Rivière")
    form.locator("[name=adults]").fill("2")
    form.locator("[name=children]").fill("1")
    form.locator("[name=housing_type]").select_option("appartement")
    form.locator("[name=surface_m2]").fill("68")
    form.locator("[name=main_heating]").select_option("bois_buches")

    commune = form.locator("[name=commune]")
    commune.press_sequentially("Crest", delay=30)
    suggestions = page.locator(f"datalist#{commune.get_attribute('list')} option")
    suggestions.first.wait_for(state="attached")
    assert suggestions.first.get_attribute("value") == "Crest (26400)"
    assert_accessible(page)  # the page with its suggestions filled in
    commune.fill("Crest (26400)")
    submit(page, form)


def test_newcomer_signs_up_creates_a_household_and_finds_a_territory(page, mailoutbox, territory):
    ConsentTextFactory()  # the terms exist, so signing up asks to accept them

    visit(page, "/")
    _sign_up(page, mailoutbox)

    user = User.objects.get(email=EMAIL)
    assert user.emailaddress_set.get().verified
    assert user.display_name == "Nina"
    assert user.consents.filter(text__key="cgu", withdrawn_at=None).exists(), "CGU acceptées"
    assert page.get_by_role("button", name="Se déconnecter").is_visible(), (
        "connectée après confirmation"
    )

    follow(page, _menu(page, "Mon espace"))
    assert page.url.endswith("/compte/")

    _create_household(page)
    user.refresh_from_db()
    assert user.household is not None, "le foyer est créé"
    household = user.household
    assert (household.name, household.adults, household.children) == ("Les Rivière", 2, 1)
    assert (household.housing_type, household.surface_m2) == ("appartement", 68)
    assert (household.main_heating, household.commune_id) == ("bois_buches", "26108")
    follow(page, _menu(page, "Mon espace"))
    assert "Crest (26400)" in page.locator("main").inner_text()

    visit(page, f"/t/{territory.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Val de Drôme"
    assert page.locator("main").get_by_text("Biovallée").is_visible()

    follow(page, page.get_by_role("button", name="Se déconnecter"))
    assert _menu(page, "Se connecter").is_visible()

    follow(page, _menu(page, "Se connecter"))
    form = _main_form(page, "password")
    form.locator("[name=login]").fill(EMAIL)
    form.locator("[name=password]").fill(PASSWORD)
    submit(page, form)
    assert page.get_by_role("button", name="Se déconnecter").is_visible(), "reconnectée"
    assert "Les Rivière" in page.locator("main").inner_text()


@pytest.fixture
def newcomer(crest):
    return UserFactory(email=EMAIL, household=HouseholdFactory(name="Les Rivière", commune=crest))


PHONE_PAGES_ANONYMOUS = [
    "/",
    "/compte/signup/",
    "/compte/login/",
    "/territoires/",
    "/t/val-de-drome/",
]
PHONE_PAGES_LOGGED_IN = [
    "/compte/",
    "/compte/foyer/",
    "/compte/foyer/inviter/",
    "/t/val-de-drome/",
]


def test_journey_pages_fit_a_phone(phone_page, territory, newcomer):
    visit_all(phone_page, PHONE_PAGES_ANONYMOUS, then=assert_no_horizontal_scroll)
    log_in(phone_page, newcomer)
    visit_all(phone_page, PHONE_PAGES_LOGGED_IN, then=assert_no_horizontal_scroll)
