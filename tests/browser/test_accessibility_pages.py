"""Every page of Élan, for each kind of visitor: no WCAG 2.1 A/AA violation (axe),
forms that stay accessible when they report errors, a skip link that works from
the keyboard, and error pages that speak French."""

from __future__ import annotations

import pytest

from tests.browser.helpers import log_in, submit, visit, visit_all
from tests.factories import ConsentTextFactory, PartnerFactory, TerritoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def territory(territory):
    """The suite's territory (Val de Drôme, with Crest), plus a partner; and the
    terms of use, so that the signup form asks to accept them."""
    PartnerFactory(territory=territory, name="Biovallée")
    ConsentTextFactory()
    return territory


PUBLIC_PAGES = [
    "/",
    "/territoires/",
    "/territoires/?q=Crest",
    f"/t/{SLUG}/",
    "/compte/login/",
    "/compte/signup/",
    "/compte/password/reset/",
    "/compte/donnees/",
]

ORGANISER_PAGES = [
    f"/t/{SLUG}/",
    f"/t/{SLUG}/animation/",
    f"/t/{SLUG}/modifier/",
    f"/t/{SLUG}/roles/",
    f"/t/{SLUG}/partenaires/",
    f"/t/{SLUG}/partenaires/{{partner}}/",
    "/compte/",
    "/compte/foyer/",
    "/compte/donnees/",
    "/api-jetons/",
]

MEMBER_PAGES = [
    "/compte/",
    "/compte/profil/",
    "/compte/foyer/",
    "/compte/foyer/inviter/",
    "/compte/foyer/quitter/",
    "/compte/email/",
    "/compte/password/change/",
    "/compte/donnees/",
    "/compte/donnees/supprimer/",
]


def test_public_pages_are_accessible(page, territory):
    visit_all(page, PUBLIC_PAGES)


def test_organiser_pages_are_accessible(page, territory, organiser):
    log_in(page, organiser)
    partner = territory.partners.get()
    visit_all(page, [url.format(partner=partner.pk) for url in ORGANISER_PAGES])


def test_household_member_pages_are_accessible(page, member):
    log_in(page, member)
    visit_all(page, MEMBER_PAGES)


def test_invitation_to_a_household_is_accessible(page, member, outsider):
    log_in(page, outsider)
    visit(page, f"/compte/foyer/rejoindre/{member.household.invite_token}/")


def test_region_page_is_accessible_to_its_coordinator(page, territory, coordinator):
    log_in(page, coordinator)
    visit(page, f"/regions/{territory.region.code}/")


# Forms must stay accessible once they show errors: every error reaches
# assistive technologies and no field loses its label.


def _main_form(page, field: str):
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def _assert_errors_tied_to_fields(page) -> None:
    """Each invalid field says so and points (aria-describedby) at its error list,
    so that a screen reader reads the error with the field (WCAG 3.3.1)."""
    fields = page.evaluate(
        """() => [...document.querySelectorAll('main [aria-invalid=true]')].map((field) => [
            field.name,
            (field.getAttribute('aria-describedby') || '').split(/\\s+/)
                .map((id) => document.getElementById(id))
                .some((el) => el && (el.closest('.errorlist') || el.querySelector('.errorlist'))),
        ])"""
    )
    assert fields, "aucun champ marqué aria-invalid"
    unlinked = [name for name, linked in fields if not linked]
    assert not unlinked, f"champs invalides non reliés à leur message d'erreur : {unlinked}"


def test_signup_errors_are_accessible(page, territory):
    visit(page, "/compte/signup/")
    form = _main_form(page, "password1")
    form.locator("[name=email]").fill("pas-une-adresse@")
    form.locator("[name=password1]").fill("court")
    form.locator("[name=password2]").fill("autre")
    # The browser's own validation would stop the submission before the server.
    form.evaluate("(f) => f.setAttribute('novalidate', '')")
    submit(page, form, status=400)

    _assert_errors_tied_to_fields(page)


def test_login_error_is_accessible(page, member):
    visit(page, "/compte/login/")
    form = _main_form(page, "password")
    form.locator("[name=login]").fill(member.email)
    form.locator("[name=password]").fill("pas-le-bon-mot-de-passe")
    submit(page, form, status=400)

    assert "/compte/login/" in page.url


def test_household_form_errors_are_accessible(page, territory, outsider):
    log_in(page, outsider)
    visit(page, "/compte/foyer/")
    form = _main_form(page, "commune")
    form.locator("[name=name]").fill("Les Rivière")
    form.locator("[name=commune]").fill("Commune imaginaire")
    form.evaluate("(f) => f.setAttribute('novalidate', '')")
    submit(page, form, status=400)

    _assert_errors_tied_to_fields(page)


def test_partner_form_errors_are_accessible(page, territory, organiser):
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/partenaires/")
    form = _main_form(page, "name")
    form.locator("[name=url]").fill("pas une adresse")
    form.evaluate("(f) => f.setAttribute('novalidate', '')")
    submit(page, form, status=400)

    _assert_errors_tied_to_fields(page)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, territory):
    # Élan's own pages and allauth's, which have their own layout.
    for url in ["/", f"/t/{SLUG}/", "/compte/login/"]:
        visit(page, url)

        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.text]"
        )
        assert focused[0] == "A", url
        assert focused[1].strip() == "Aller au contenu", url
        box = page.locator(".skip-link").bounding_box()
        assert box is not None, url
        assert box["x"] >= 0, f"{url} : le lien d'évitement reste hors de l'écran avec le focus"
        assert box["y"] >= 0, f"{url} : le lien d'évitement reste hors de l'écran avec le focus"

        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "contenu", url
        assert page.evaluate("() => document.activeElement.tagName") == "MAIN", url


def test_unknown_page_says_so_in_french(page):
    visit(page, "/cette-page-n-existe-pas/", status=404)

    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Page introuvable" in page.get_by_role("heading", level=1).inner_text()


def test_refusal_is_a_french_403(page, territory, outsider):
    log_in(page, outsider)
    visit(page, f"/t/{SLUG}/animation/", status=403)

    assert "Accès refusé" in page.get_by_role("heading", level=1).inner_text()


def test_unpublished_territory_is_a_french_404(page):
    TerritoryFactory(slug="brouillon", is_published=False)
    visit(page, "/t/brouillon/", status=404)

    assert "Page introuvable" in page.get_by_role("heading", level=1).inner_text()
