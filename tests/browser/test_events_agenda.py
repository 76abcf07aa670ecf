"""A visitor reads a territory's agenda in a real browser: filters by theme
and commune (the list narrows, the address can be shared), sees the markers
of the map, opens an event; then the same on a 360 px phone. axe checks
every page (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from events.models import EventKind
from territories.themes import Theme
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    submit,
    visit,
)
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import ChallengeFactory, CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def agenda(territory, settings):
    settings.ELAN_TILE_URL = ""  # no network: the map draws markers only
    crest = territory.communes.get()
    saillans = CommuneFactory(
        insee_code="26289",
        name="Saillans",
        latitude=Decimal("44.69611"),
        longitude=Decimal("5.19500"),
    )
    territory.communes.add(saillans)
    plans = [
        ("Atelier compostage : les bases", Theme.WASTE, saillans, "Salle polyvalente", 3),
        ("Repair café de la vallée", Theme.WASTE, crest, "Médiathèque de Crest", 5),
        ("Balade thermique dans le vieux Crest", Theme.HOUSING, crest, "Tour de Crest", 8),
        ("Économiser l'eau au quotidien", Theme.WATER, saillans, "Médiathèque", 12),
    ]
    events = {}
    for title, theme, commune, place, days in plans:
        events[title] = EventFactory(
            territory=territory,
            title=title,
            kind=EventKind.WORKSHOP,
            theme=theme,
            commune=commune,
            place_name=place,
            starts_at=_at(days, 14),
            ends_at=_at(days, 17),
            capacity=12,
            access_note="Salle de plain-pied.",
        )
    full = events["Repair café de la vallée"]
    full.capacity = 1
    full.save(update_fields=["capacity"])
    EventRegistrationFactory(event=full)
    return events


def _filter(page, *, theme: str, commune: str) -> None:
    form = page.locator("main form.agenda-filters")
    form.get_by_label("Thème").select_option(label=theme)
    form.get_by_label("Commune").select_option(label=commune)
    submit(page, form, status=200)


def test_a_visitor_filters_the_agenda_and_opens_an_event(page, agenda) -> None:
    visit(page, f"/t/{SLUG}/agenda/")
    items = page.locator(".agenda-item")
    assert items.count() == 4
    assert page.locator(".leaflet-marker-icon").count() == 2  # Crest and Saillans
    assert page.get_by_text("Complet — liste d'attente").is_visible()

    _filter(page, theme="Déchets", commune="Saillans")
    assert items.count() == 1
    assert items.first.get_by_role("heading").inner_text() == "Atelier compostage : les bases"
    query = parse_qs(urlparse(page.url).query)
    assert query["theme"] == ["dechets"]
    assert query["commune"] == ["26289"]

    # The address is shareable: opened afresh, it shows the same list.
    shared = page.url
    visit(page, shared.replace(page.elan_base_url, ""))
    assert items.count() == 1
    marker = page.locator(".leaflet-marker-icon")
    assert marker.count() == 1
    assert marker.get_attribute("alt") == "Atelier compostage : les bases"
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Atelier compostage : les bases" in popup.inner_text()

    follow(page, items.first.get_by_role("link", name="Atelier compostage : les bases"))
    assert page.locator("h1").inner_text() == "Atelier compostage : les bases"


def test_the_agenda_fits_a_phone(phone_page, agenda) -> None:
    visit(phone_page, f"/t/{SLUG}/agenda/")
    assert_no_horizontal_scroll(phone_page)
    assert phone_page.locator(".leaflet-marker-icon").count() == 2
    _filter(phone_page, theme="Déchets", commune="Crest")
    assert_no_horizontal_scroll(phone_page)
    assert phone_page.locator(".agenda-item").count() == 1
    follow(phone_page, phone_page.locator(".agenda-item").first.get_by_role("link"))
    assert_no_horizontal_scroll(phone_page)


def test_the_challenge_page_shows_its_next_events(page, agenda, territory) -> None:
    challenge = ChallengeFactory(territory=territory, slug="hiver", title="Défi de l'hiver")
    for event in list(agenda.values())[:2]:
        event.challenge = challenge
        event.save(update_fields=["challenge"])
    visit(page, f"/t/{SLUG}/defis/hiver/")
    upcoming = page.locator("#defi-prochains-evenements")
    upcoming.wait_for()
    assert upcoming.locator(".agenda-item").count() == 2
    assert_accessible(page)  # once the HTMX part is in
    follow(page, upcoming.get_by_role("link", name="Tout l'agenda du défi"))
    assert page.locator(".agenda-item").count() == 2
    assert page.locator(".leaflet-marker-icon").count() == 2
