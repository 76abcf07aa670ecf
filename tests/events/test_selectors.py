"""The agenda's queryset: who sees what, the filters, the seat counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from events.models import Event, EventKind, EventStatus, RegistrationStatus
from events.selectors import (
    AgendaFilters,
    agenda_communes,
    agenda_events,
    announced_events,
    event_state,
    feed_events,
    visible_events,
    with_seats,
)
from territories.themes import Theme
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import CommuneFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=PARIS)


def titles(events) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.title for e in events]


def event(territory, title, days=3, **kwargs):  # type: ignore[no-untyped-def]
    starts_at = NOW + dt.timedelta(days=days)
    return EventFactory(
        territory=territory,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **kwargs,
    )


@pytest.fixture
def draft(territory):  # type: ignore[no-untyped-def]
    return event(territory, "Brouillon", status=EventStatus.DRAFT)


@pytest.fixture
def published(territory):  # type: ignore[no-untyped-def]
    return event(territory, "Publié")


def test_visitors_see_announced_events_only(territory, draft, published) -> None:
    cancelled = event(territory, "Annulé", status=EventStatus.CANCELLED)
    assert set(visible_events(AnonymousUser())) == {published, cancelled}
    assert set(announced_events()) == {published, cancelled}


def test_members_and_other_organisers_do_not_see_drafts(
    territory, draft, published, member, other_organiser
) -> None:
    assert set(visible_events(member)) == {published}
    assert set(visible_events(other_organiser)) == {published}


def test_organisers_coordinators_and_admins_see_the_drafts(
    territory, draft, published, organiser, coordinator, admin_user
) -> None:
    for user in (organiser, coordinator, admin_user):
        assert set(visible_events(user)) == {published, draft}, user


def test_events_of_an_unpublished_territory_are_hidden_from_visitors(member) -> None:
    hidden = TerritoryFactory(is_published=False)
    event(hidden, "Caché")
    assert list(visible_events(member)) == []
    assert list(visible_events(AnonymousUser())) == []


def test_the_agenda_shows_what_has_not_ended_soonest_first(territory) -> None:
    event(territory, "Dans une semaine", days=7)
    event(territory, "Demain", days=1)
    event(territory, "Hier", days=-1)
    running = EventFactory(
        territory=territory,
        title="En cours",
        starts_at=NOW - dt.timedelta(hours=1),
        ends_at=NOW + dt.timedelta(hours=1),
    )
    upcoming = agenda_events(AnonymousUser(), AgendaFilters(), territory=territory, now=NOW)
    assert titles(upcoming) == [running.title, "Demain", "Dans une semaine"]
    past = agenda_events(AnonymousUser(), AgendaFilters(past=True), territory=territory, now=NOW)
    assert titles(past) == ["Hier"]


def test_it_filters_by_kind_theme_and_commune(territory) -> None:
    crest = territory.communes.get()
    saillans = CommuneFactory(name="Saillans")
    event(territory, "Compost à Crest", kind=EventKind.WORKSHOP, theme=Theme.WASTE, commune=crest)
    event(
        territory,
        "Visite à Saillans",
        kind=EventKind.VISIT,
        theme=Theme.ENERGY,
        commune=saillans,
    )
    event(
        territory,
        "Atelier énergie à Saillans",
        kind=EventKind.WORKSHOP,
        theme=Theme.ENERGY,
        commune=saillans,
    )

    def found(**filters):  # type: ignore[no-untyped-def]
        return titles(
            agenda_events(AnonymousUser(), AgendaFilters(**filters), territory=territory, now=NOW)
        )

    assert found(kind=EventKind.VISIT) == ["Visite à Saillans"]
    assert found(theme=Theme.ENERGY) == ["Visite à Saillans", "Atelier énergie à Saillans"]
    assert found(commune=saillans.insee_code, kind=EventKind.WORKSHOP) == [
        "Atelier énergie à Saillans"
    ]
    assert found(commune=crest.insee_code) == ["Compost à Crest"]


def test_the_date_range_takes_whole_local_days(territory) -> None:
    event(territory, "Le 23", days=3)
    event(territory, "Le 25", days=5)
    late = dt.datetime(2026, 11, 25, 23, 30, tzinfo=PARIS)
    EventFactory(
        territory=territory,
        title="Le 25 au soir",
        starts_at=late,
        ends_at=late + dt.timedelta(minutes=20),
    )

    def found(start, end):  # type: ignore[no-untyped-def]
        filters = AgendaFilters(date_from=start, date_to=end)
        return titles(agenda_events(AnonymousUser(), filters, territory=territory, now=NOW))

    assert found(dt.date(2026, 11, 25), dt.date(2026, 11, 25)) == ["Le 25", "Le 25 au soir"]
    assert found(None, dt.date(2026, 11, 24)) == ["Le 23"]
    assert found(dt.date(2026, 11, 24), None) == ["Le 25", "Le 25 au soir"]


def test_available_keeps_events_where_a_seat_can_be_taken(territory) -> None:
    full = event(territory, "Complet", capacity=1)
    EventRegistrationFactory(event=full)
    one_left = event(territory, "Une place", capacity=2)
    EventRegistrationFactory(event=one_left)
    EventRegistrationFactory(event=one_left, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=one_left, status=RegistrationStatus.CANCELLED)
    event(territory, "Sans limite")
    event(territory, "Fermé", registration_open=False)
    event(territory, "Annulé", status=EventStatus.CANCELLED)
    filters = AgendaFilters(available=True)
    found = agenda_events(AnonymousUser(), filters, territory=territory, now=NOW)
    assert sorted(titles(found)) == ["Sans limite", "Une place"]


def test_seats_are_counted_in_sql(territory) -> None:
    workshop = event(territory, "Atelier", capacity=5)
    EventRegistrationFactory.create_batch(3, event=workshop)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.PENDING)
    annotated = with_seats(Event.objects.filter(pk=workshop.pk)).get()
    assert (annotated.taken_seats, annotated.waiting_count, annotated.free_seats) == (3, 1, 2)
    assert annotated.seats_left() == 2


def test_the_state_says_full_waiting_list_cancelled_or_draft(territory) -> None:
    full = event(territory, "Complet", capacity=1)
    EventRegistrationFactory(event=full)
    closed_full = event(territory, "Complet et fermé", capacity=1, registration_open=False)
    EventRegistrationFactory(event=closed_full)
    event(territory, "Ouvert", capacity=3)
    event(territory, "Annulé", status=EventStatus.CANCELLED)
    event(territory, "Brouillon", status=EventStatus.DRAFT)
    event(territory, "Passé", days=-2)
    states = {
        e.title: event_state(e, now=NOW)
        for e in with_seats(Event.objects.filter(territory=territory))
    }
    assert states == {
        "Complet": "attente",
        "Complet et fermé": "complet",
        "Ouvert": "ouvert",
        "Annulé": "annule",
        "Brouillon": "brouillon",
        "Passé": "termine",
    }


def test_only_communes_with_visible_events_are_offered(territory) -> None:
    crest = territory.communes.get()
    saillans = CommuneFactory(name="Saillans")
    CommuneFactory(name="Sans événement")
    event(territory, "À Crest", commune=crest)
    event(territory, "Brouillon à Saillans", commune=saillans, status=EventStatus.DRAFT)
    assert list(agenda_communes(AnonymousUser(), territory=territory)) == [crest]


def test_feeds_carry_the_last_90_days_and_the_future(territory) -> None:
    event(territory, "Il y a 100 jours", days=-100)
    event(territory, "Il y a 80 jours", days=-80)
    event(territory, "Dans un an", days=365)
    assert titles(feed_events(announced_events(), now=NOW)) == ["Il y a 80 jours", "Dans un an"]
