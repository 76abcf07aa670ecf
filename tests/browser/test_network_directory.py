"""A visitor reads a territory's network in a real browser: the map places
the listed members at their commune, the table gives the same data; filters
by theme and commune narrow both (and the address can be shared); then the
same on a 360 px phone. axe checks every page (WCAG 2.1 A/AA)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from network.models import ActorKind
from tests.browser.helpers import assert_no_horizontal_scroll, submit, visit
from tests.factories import CommuneFactory
from tests.network.factories import ActorThemeFactory, member_actor

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"


@pytest.fixture
def network(territory, settings):  # type: ignore[no-untyped-def]
    settings.ELAN_TILE_URL = ""  # no network: the map draws markers only
    crest = territory.communes.get()
    saillans = CommuneFactory(
        insee_code="26289", name="Saillans", latitude="44.69611", longitude="5.19500"
    )
    territory.communes.add(saillans)
    plans = [
        ("Compost de quartier", ActorKind.ASSOCIATION, crest, "dechets"),
        ("Repair café", ActorKind.ASSOCIATION, saillans, "dechets"),
        ("La Cagette", ActorKind.COMPANY, saillans, "alimentation"),
        ("Vélo-école", ActorKind.ASSOCIATION, crest, "mobilite"),
    ]
    for name, kind, commune, theme in plans:
        actor = member_actor(territory, name=name, kind=kind, commune=commune, listed=True)
        ActorThemeFactory(actor=actor, theme=theme)
    member_actor(territory, name="Pas dans l'annuaire", commune=crest, listed=False)


def _filter(page, *, theme: str, commune: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("main form.network-filters")
    form.get_by_label("Thème").select_option(label=theme)
    form.get_by_label("Commune").select_option(label=commune)
    submit(page, form, status=200)


def test_a_visitor_filters_the_map_and_the_table(page, network) -> None:
    visit(page, f"/t/{SLUG}/reseau/")
    rows = page.locator("#liste-acteurs tbody tr")
    assert rows.count() == 4
    assert page.get_by_text("Pas dans l'annuaire").count() == 0
    assert page.locator(".leaflet-marker-icon").count() == 2  # Crest and Saillans

    _filter(page, theme="Déchets", commune="Saillans")
    assert rows.count() == 1
    assert rows.first.get_by_role("rowheader").inner_text().startswith("Repair café")
    query = parse_qs(urlparse(page.url).query)
    assert (query["theme"], query["commune"]) == (["dechets"], ["26289"])

    visit(page, page.url.replace(page.elan_base_url, ""))  # a shared address
    assert rows.count() == 1
    marker = page.locator(".leaflet-marker-icon")
    assert marker.count() == 1
    assert marker.get_attribute("alt") == "Repair café"
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Repair café — Association" in popup.inner_text()


def test_the_directory_fits_a_phone(phone_page, network) -> None:
    visit(phone_page, f"/t/{SLUG}/reseau/")
    assert_no_horizontal_scroll(phone_page)
    _filter(phone_page, theme="Mobilité", commune="Crest")
    assert_no_horizontal_scroll(phone_page)
    assert phone_page.locator("#liste-acteurs tbody tr").count() == 1
