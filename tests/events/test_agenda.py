"""The agenda pages of a territory and of a challenge."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import EventKind, EventStatus, RegistrationStatus
from events.views.agenda import PER_PAGE
from territories.themes import Theme
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import ChallengeFactory, CommuneFactory

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def agenda_url(**params: str) -> str:
    url = reverse("events:agenda", args=[SLUG])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def soon(days: int, hour: int = 14, minute: int = 0) -> dt.datetime:
    return local(timezone.localdate() + dt.timedelta(days=days), hour, minute)


def event(territory, title, days=5, **kwargs):  # type: ignore[no-untyped-def]
    starts_at = kwargs.pop("starts_at", soon(days))
    return EventFactory(
        territory=territory,
        title=title,
        starts_at=starts_at,
        ends_at=kwargs.pop("ends_at", starts_at + dt.timedelta(hours=2)),
        **kwargs,
    )


def markers(response) -> list[dict]:  # type: ignore[no-untyped-def]
    found = re.search(
        r'<script id="agenda-marqueurs" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1)) if found else []


def test_it_lists_upcoming_events_by_month_with_dates_as_people_say_them(client, territory) -> None:
    day = dt.date(timezone.localdate().year + 1, 12, 12)
    event(territory, "Atelier compostage", starts_at=local(day, 14), ends_at=local(day, 17))
    event(territory, "Atelier d'hier", days=-1)
    page = text(client.get(agenda_url()))
    assert "Atelier compostage" in page
    assert "Atelier d'hier" not in page
    assert f"Décembre {day.year}" in page
    assert f"samedi 12 décembre {day.year}" in page or f"12 décembre {day.year}" in page
    assert "de 14 h à 17 h" in page
    assert "1 événement à venir" in page


def test_each_item_shows_kind_place_commune_and_places_left(client, territory) -> None:
    crest = territory.communes.get()
    workshop = event(
        territory,
        "Réparer son vélo",
        kind=EventKind.WORKSHOP,
        theme=Theme.MOBILITY,
        place_name="Médiathèque",
        commune=crest,
        capacity=10,
    )
    EventRegistrationFactory.create_batch(3, event=workshop)
    page = text(client.get(agenda_url()))
    assert "Atelier" in page
    assert "Mobilité" in page
    assert "Médiathèque, Crest" in page
    assert "7 places restantes" in page
    assert reverse("events:detail", args=[SLUG, workshop.pk]) in page


def test_states_are_written_in_words(client, territory) -> None:
    full = event(territory, "Atelier plein", capacity=1)
    EventRegistrationFactory(event=full)
    EventRegistrationFactory(event=full, status=RegistrationStatus.WAITING)
    event(territory, "Atelier annulé", status=EventStatus.CANCELLED, cancel_reason="Salle inondée.")
    page = text(client.get(agenda_url()))
    assert "Complet — liste d'attente" in page
    assert "Annulé" in page
    assert "Salle inondée." in page


def test_drafts_are_shown_to_organisers_marked_as_such(
    client, territory, organiser, member
) -> None:
    event(territory, "Visite en préparation", status=EventStatus.DRAFT)
    assert "Visite en préparation" not in text(client.get(agenda_url()))
    client.force_login(member)
    assert "Visite en préparation" not in text(client.get(agenda_url()))
    client.force_login(organiser)
    page = text(client.get(agenda_url()))
    assert "Visite en préparation" in page
    assert "Brouillon" in page


def test_the_past_toggle_shows_past_events_most_recent_first(client, territory) -> None:
    event(territory, "Il y a deux jours", days=-2)
    event(territory, "Hier", days=-1)
    event(territory, "Demain", days=1)
    page = text(client.get(agenda_url(past="1")))
    assert "Demain" not in page
    assert page.index("Hier") < page.index("Il y a deux jours")
    assert "Voir les événements à venir" in page
    assert "2 événements passés" in page


def test_filters_narrow_the_list_and_stay_in_the_address(client, territory) -> None:
    saillans = CommuneFactory(name="Saillans", insee_code="26289")
    event(territory, "Compost à Crest", theme=Theme.WASTE, commune=territory.communes.get())
    event(territory, "Énergie à Saillans", theme=Theme.ENERGY, commune=saillans)
    event(territory, "Déchets à Saillans", theme=Theme.WASTE, commune=saillans)
    response = client.get(agenda_url(theme="dechets", commune="26289"))
    page = text(response)
    assert response.status_code == 200
    assert "Déchets à Saillans" in page
    assert "Compost à Crest" not in page
    assert "Énergie à Saillans" not in page
    # The form shows the chosen filters again; the « past » link keeps them.
    assert '<option value="26289" selected>Saillans</option>' in page
    assert "theme=dechets" in page
    assert "past=1" in page


def test_only_communes_with_events_are_offered(client, territory) -> None:
    CommuneFactory(name="Commune sans rien")
    event(territory, "À Crest", commune=territory.communes.get())
    page = text(client.get(agenda_url()))
    assert '<option value="26108">Crest</option>' in page
    assert "Commune sans rien" not in page


def test_a_wrong_date_is_reported_next_to_its_field_and_kept(client, territory) -> None:
    event(territory, "Atelier énergie", theme=Theme.ENERGY)
    event(territory, "Atelier déchets", theme=Theme.WASTE)
    response = client.get(agenda_url(date_from="2026-13-45", theme="energie"))
    page = text(response)
    assert response.status_code == 400
    assert 'aria-describedby="id_date_from_error"' in page
    assert "Saisissez une date valide." in page
    assert 'value="2026-13-45"' in page
    # The valid filters still apply.
    assert "Atelier énergie" in page
    assert "Atelier déchets" not in page


def test_an_end_before_the_start_is_refused_in_french(client, territory) -> None:
    response = client.get(agenda_url(date_from="2026-12-10", date_to="2026-12-01"))
    assert response.status_code == 400
    assert "La date de fin doit être après la date de début." in text(response)


def test_an_unknown_kind_is_refused_not_a_500(client, territory) -> None:
    response = client.get(agenda_url(kind="<script>"))
    assert response.status_code == 400
    assert "&lt;script&gt;" in response.content.decode()


def test_the_list_is_paginated_and_pages_keep_the_filters(client, territory) -> None:
    for i in range(PER_PAGE + 2):
        event(territory, f"Atelier {i:02d}", days=2 + i, theme=Theme.WASTE)
    page = text(client.get(agenda_url(theme="dechets")))
    assert "Atelier 29" in page
    assert "Atelier 30" not in page
    assert "Page 1 sur 2" in page
    assert "?theme=dechets&page=2" in page
    second = text(client.get(agenda_url(theme="dechets", page="2")))
    assert "Atelier 30" in second
    assert "Atelier 31" in second


def test_the_map_data_comes_from_the_list(client, territory) -> None:
    crest = territory.communes.get()
    event(territory, "Au centre de Crest", commune=crest)
    event(
        territory,
        "Au jardin",
        commune=crest,
        latitude=Decimal("44.73000"),
        longitude=Decimal("5.03000"),
        place_name="Jardin partagé",
    )
    nowhere = CommuneFactory(name="Sans centre", latitude=None, longitude=None)
    event(territory, "Sans coordonnées", commune=nowhere)
    response = client.get(agenda_url())
    places = markers(response)
    by_position = {(p["lat"], p["lng"]): p for p in places}
    assert set(by_position) == {(44.728, 5.022), (44.73, 5.03)}
    centre = by_position[(44.728, 5.022)]
    assert centre["events"][0]["title"] == "Au centre de Crest"
    assert centre["events"][0]["url"].startswith(f"/t/{SLUG}/agenda/")
    page = text(response)
    assert 'aria-label="Carte des événements de la liste"' in page
    assert "leaflet/leaflet.js" in page
    assert 'href="#liste-evenements"' in page


def test_events_at_the_same_place_share_a_marker(client, territory) -> None:
    crest = territory.communes.get()
    event(territory, "Premier", commune=crest)
    event(territory, "Second", days=6, commune=crest)
    (place,) = markers(client.get(agenda_url()))
    assert [e["title"] for e in place["events"]] == ["Premier", "Second"]


def test_the_tile_url_comes_from_the_settings(client, territory, settings) -> None:
    event(territory, "À Crest", commune=territory.communes.get())
    settings.ELAN_TILE_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    assert 'data-tile-url="https://tuiles.example.org/{z}/{x}/{y}.png"' in text(
        client.get(agenda_url())
    )
    settings.ELAN_TILE_URL = ""
    assert 'data-tile-url=""' in text(client.get(agenda_url()))


def test_without_places_there_is_no_map(client, territory) -> None:
    event(territory, "En ligne", commune=None)
    page = text(client.get(agenda_url()))
    assert "agenda-carte" not in page
    assert "leaflet.js" not in page


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_query_count_does_not_grow_with_events(
    client, territory, organiser, django_assert_num_queries, logged_in
) -> None:
    if logged_in:
        client.force_login(organiser)
    crest = territory.communes.get()
    challenge = ChallengeFactory(territory=territory)

    def add(n: int, start: int) -> None:
        for i in range(n):
            workshop = event(
                territory,
                f"Atelier {start + i}",
                days=2 + start + i,
                commune=crest,
                capacity=5,
                challenge=challenge,
            )
            EventRegistrationFactory.create_batch(2, event=workshop)

    add(2, 0)
    client.get(agenda_url())  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(agenda_url(kind="atelier")).status_code == 200
    add(25, 10)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(agenda_url(kind="atelier"))
    assert len(markers(response)) == 1
    assert len(markers(response)[0]["events"]) == 27
    assert len(small.captured_queries) == (7 if logged_in else 4)


def test_the_challenge_agenda_lists_only_its_events(client, territory) -> None:
    challenge = ChallengeFactory(territory=territory, slug="hiver", title="Défi de l'hiver")
    event(territory, "Soirée de lancement", challenge=challenge, kind=EventKind.LAUNCH)
    event(territory, "Atelier sans défi")
    url = reverse("events:challenge_agenda", args=[SLUG, "hiver"])
    page = text(client.get(url))
    assert "Agenda du défi « Défi de l'hiver »" in page
    assert "Soirée de lancement" in page
    assert "Atelier sans défi" not in page
    assert reverse("events:ical_challenge", args=[SLUG, "hiver"]) in page


def test_the_challenge_page_loads_its_next_three_events(client, territory) -> None:
    challenge = ChallengeFactory(territory=territory, slug="hiver")
    for i in range(4):
        event(territory, f"Rendez-vous {i}", days=2 + i, challenge=challenge)
    event(territory, "Rendez-vous passé", days=-3, challenge=challenge)
    detail = text(client.get(reverse("challenges:detail", args=[SLUG, "hiver"])))
    upcoming_url = reverse("events:challenge_upcoming", args=[SLUG, "hiver"])
    assert f'hx-get="{upcoming_url}"' in detail
    part = text(client.get(upcoming_url))
    assert [f"Rendez-vous {i}" in part for i in range(4)] == [True, True, True, False]
    assert "Rendez-vous passé" not in part
    assert reverse("events:challenge_agenda", args=[SLUG, "hiver"]) in part


def test_the_territory_page_links_to_its_agenda(client, territory) -> None:
    page = text(client.get(reverse("territories:detail", args=[SLUG])))
    assert f'href="{agenda_url()}"' in page


def test_an_unknown_territory_or_challenge_is_not_found(client, territory) -> None:
    assert client.get(reverse("events:agenda", args=["nulle-part"])).status_code == 404
    missing = reverse("events:challenge_agenda", args=[SLUG, "inconnu"])
    assert client.get(missing).status_code == 404


def test_an_empty_agenda_says_why(client, territory) -> None:
    assert "Aucun événement annoncé pour le moment." in text(client.get(agenda_url()))
    assert "Aucun événement passé." in text(client.get(agenda_url(past="1")))
    narrowed = text(client.get(agenda_url(theme="eau", past="1")))
    assert "Aucun événement ne correspond à ces filtres." in narrowed


def test_the_last_day_of_the_calendar_as_end_is_no_500(client, territory) -> None:
    response = client.get(agenda_url(date_to="9999-12-31"))
    assert response.status_code == 200
