"""iCal feeds (RFC 5545), parsed back with icalendar, and the personal feed page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.ical import calendar_feed_regenerate
from events.models import CalendarFeed, EventStatus, RegistrationStatus
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import ChallengeFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


def parse(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {str(c["SUMMARY"]): c for c in parse(response).walk("VEVENT")}


def at(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def event(territory, title, days=5, **kwargs):  # type: ignore[no-untyped-def]
    return EventFactory(
        territory=territory,
        title=title,
        starts_at=at(days),
        ends_at=at(days, 17),
        **kwargs,
    )


def test_an_event_has_every_property_a_calendar_needs(client, territory, settings) -> None:
    settings.PUBLIC_URL = "https://elan.example.org"
    workshop = event(
        territory,
        "Atelier compostage",
        description="Les bases du compost.\nApportez un seau.",
        place_name="Salle des fêtes",
        address="Place de la Mairie",
        commune=territory.communes.get(),
        access_note="Accessible en fauteuil.",
        latitude=Decimal("44.72900"),
        longitude=Decimal("5.02300"),
    )
    workshop.sequence = 3
    workshop.save(update_fields=["sequence"])
    cal = parse(client.get(reverse("events:ical_event", args=[SLUG, workshop.pk])))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Atelier compostage"
    (item,) = cal.walk("VEVENT")
    assert str(item["UID"]) == f"{workshop.uid}@elan"
    assert item["DTSTART"].dt == workshop.starts_at
    assert item["DTSTART"].dt.utcoffset() == dt.timedelta(0)
    assert item["DTEND"].dt == workshop.ends_at
    assert item["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)
    assert str(item["LOCATION"]) == "Salle des fêtes, Place de la Mairie, Crest"
    assert "Les bases du compost." in str(item["DESCRIPTION"])
    assert "Accessible en fauteuil." in str(item["DESCRIPTION"])
    assert "<" not in str(item["DESCRIPTION"])
    assert str(item["URL"]) == f"https://elan.example.org/t/{SLUG}/agenda/{workshop.pk}/"
    assert int(item["SEQUENCE"]) == 3
    assert str(item["STATUS"]) == "CONFIRMED"
    assert item["GEO"].latitude == pytest.approx(44.729)


def test_the_event_file_is_an_attachment(client, territory) -> None:
    workshop = event(territory, "Atelier")
    response = client.get(reverse("events:ical_event", args=[SLUG, workshop.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="evenement-{workshop.pk}.ics"'


def test_a_cancelled_event_says_so_with_its_reason(client, territory) -> None:
    event(territory, "Atelier annulé", status=EventStatus.CANCELLED, cancel_reason="Salle inondée.")
    item = vevents(client.get(reverse("events:ical_territory", args=[SLUG])))["Atelier annulé"]
    assert str(item["STATUS"]) == "CANCELLED"
    assert "Salle inondée." in str(item["DESCRIPTION"])


def test_the_territory_feed_has_its_announced_events_of_the_last_90_days_and_after(
    client, territory, organiser
) -> None:
    event(territory, "Il y a un mois", days=-30)
    event(territory, "Il y a quatre mois", days=-120)
    event(territory, "Dans un mois", days=30)
    event(territory, "En préparation", status=EventStatus.DRAFT)
    event(TerritoryFactory(), "Ailleurs")
    client.force_login(organiser)  # even organisers: a feed is shared, drafts are not
    response = client.get(reverse("events:ical_territory", args=[SLUG]))
    cal = parse(response)
    assert str(cal["X-WR-CALNAME"]) == "Agenda — Val de Drôme"
    assert set(vevents(response)) == {"Il y a un mois", "Dans un mois"}


def test_the_challenge_feed_has_only_its_events(client, territory) -> None:
    challenge = ChallengeFactory(territory=territory, slug="hiver", title="Défi de l'hiver")
    event(territory, "Soirée de lancement", challenge=challenge)
    event(territory, "Atelier hors défi")
    response = client.get(reverse("events:ical_challenge", args=[SLUG, "hiver"]))
    assert str(parse(response)["X-WR-CALNAME"]) == "Agenda — Défi de l'hiver"
    assert set(vevents(response)) == {"Soirée de lancement"}


def test_a_draft_event_file_is_for_organisers_only(client, territory, organiser) -> None:
    draft = event(territory, "Brouillon", status=EventStatus.DRAFT)
    url = reverse("events:ical_event", args=[SLUG, draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    (item,) = parse(client.get(url)).walk("VEVENT")
    assert str(item["STATUS"]) == "TENTATIVE"


def test_the_personal_feed_lists_my_active_registrations(client, territory, member) -> None:
    mine = event(territory, "Inscrit")
    waiting = event(territory, "En attente", days=6)
    cancelled = event(territory, "Annulé par moi", days=7)
    event(territory, "Pas inscrit", days=8)
    EventRegistrationFactory(event=mine, user=member)
    EventRegistrationFactory(event=waiting, user=member, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=cancelled, user=member, status=RegistrationStatus.CANCELLED)
    EventRegistrationFactory(event=mine)  # someone else
    feed = calendar_feed_regenerate(user=member)
    response = client.get(reverse("events:ical_personal", args=[feed.token]))
    items = vevents(response)
    assert set(items) == {"Inscrit", "En attente"}
    assert "liste d'attente" in str(items["En attente"]["DESCRIPTION"])
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_or_replaced_token_is_not_found(client, member) -> None:
    assert client.get(reverse("events:ical_personal", args=["inconnu"])).status_code == 404
    old = calendar_feed_regenerate(user=member).token
    new = calendar_feed_regenerate(user=member).token
    assert old != new
    assert client.get(reverse("events:ical_personal", args=[old])).status_code == 404
    assert client.get(reverse("events:ical_personal", args=[new])).status_code == 200


def test_an_inactive_account_feed_is_not_found(client, member) -> None:
    feed = calendar_feed_regenerate(user=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(reverse("events:ical_personal", args=[feed.token])).status_code == 404


def test_the_feed_page_asks_to_log_in(client) -> None:
    response = client.get(reverse("events:calendar_feed"))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_the_feed_page_creates_then_shows_the_address_with_instructions(
    client, member, settings
) -> None:
    settings.PUBLIC_URL = "https://elan.example.org"
    client.force_login(member)
    url = reverse("events:calendar_feed")
    page = client.get(url).content.decode()
    assert "Créer l'adresse de mon agenda" in page
    assert not CalendarFeed.objects.exists()  # a GET writes nothing
    response = client.post(url)
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=member)
    page = client.get(url).content.decode()
    address = f"https://elan.example.org/agenda/{feed.token}.ics"
    assert f'value="{address}"' in page
    assert f'href="webcal://elan.example.org/agenda/{feed.token}.ics"' in page
    for app in ("Google Agenda", "Outlook", "iPhone"):
        assert app in page


def test_regenerating_the_address_revokes_the_old_one(client, member) -> None:
    client.force_login(member)
    url = reverse("events:calendar_feed")
    client.post(url)
    old = CalendarFeed.objects.get(user=member).token
    response = client.post(url, follow=True)
    assert "l'ancienne ne fonctionne plus" in response.content.decode().replace("&#x27;", "'")
    assert CalendarFeed.objects.get(user=member).token != old
    assert CalendarFeed.objects.count() == 1
