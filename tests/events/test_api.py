"""The events API: the public agenda, registering and cancelling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.events import router
from api.services import token_create
from challenges.models import RegistrationStatus as ChallengeStatus
from events.models import Audience, EventKind, EventRegistration, EventStatus
from events.models import RegistrationStatus as Status
from territories.themes import Theme
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import ChallengeFactory, CommuneFactory, RegistrationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def at(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def event(territory, title, days=5, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("starts_at", at(days))
    kwargs.setdefault("ends_at", at(days, 17))
    return EventFactory(territory=territory, title=title, **kwargs)


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_the_list_is_public_and_shows_upcoming_visible_events(client, territory) -> None:
    event(territory, "Atelier compostage", days=3)
    event(territory, "Soirée de lancement", days=1)
    event(territory, "Hier", days=-1)
    event(territory, "Brouillon", status=EventStatus.DRAFT)
    event(TerritoryFactory(is_published=False), "Territoire caché")
    response = client.get(f"{API}/events")
    assert titles(response) == ["Soirée de lancement", "Atelier compostage"]
    assert response.json()["count"] == 2
    assert titles(client.get(f"{API}/events?past=true")) == ["Hier"]


def test_organisers_see_their_drafts_through_the_api(client, territory, organiser) -> None:
    event(territory, "Brouillon", status=EventStatus.DRAFT)
    client.force_login(organiser)
    assert titles(client.get(f"{API}/events")) == ["Brouillon"]


def test_the_list_filters_like_the_agenda(client, territory) -> None:
    saillans = CommuneFactory(insee_code="26289", name="Saillans")
    challenge = ChallengeFactory(territory=territory, slug="hiver")
    other = TerritoryFactory(slug="ailleurs")
    event(territory, "Compost", theme=Theme.WASTE, commune=territory.communes.get())
    event(
        territory,
        "Visite",
        kind=EventKind.VISIT,
        theme=Theme.ENERGY,
        commune=saillans,
        challenge=challenge,
        days=8,
    )
    full = event(territory, "Complet", capacity=1, days=9, theme=Theme.FOOD)
    EventRegistrationFactory(event=full)
    event(other, "Ailleurs", days=2, theme=Theme.FOOD)

    def found(query: str) -> list[str]:
        return titles(client.get(f"{API}/events?{query}"))

    assert found("territory=val-de-drome") == ["Compost", "Visite", "Complet"]
    assert found("territory=ailleurs") == ["Ailleurs"]
    assert found("challenge=hiver") == ["Visite"]
    assert found("kind=visite") == ["Visite"]
    assert found("theme=dechets") == ["Compost"]
    assert found("commune=26289") == ["Visite"]
    assert found("available=true&territory=val-de-drome") == ["Compost", "Visite"]
    day = (timezone.localdate() + dt.timedelta(days=8)).isoformat()
    assert found(f"date_from={day}&date_to={day}") == ["Visite"]


def test_bad_filters_get_a_french_422(client) -> None:
    response = client.get(f"{API}/events?kind=pique-nique")
    assert response.status_code == 422
    assert response.json()["message"].startswith("Requête invalide")
    response = client.get(f"{API}/events?date_from=2026-12-10&date_to=2026-12-01")
    assert response.status_code == 422
    assert "date_to doit être postérieure" in str(response.json()["erreurs"])


def test_the_list_is_paginated_with_a_constant_query_count(client, territory) -> None:
    def add(n: int, start: int) -> None:
        for i in range(n):
            workshop = event(
                territory,
                f"Atelier {start + i:03d}",
                days=2 + start + i,
                commune=territory.communes.get(),
                capacity=4,
            )
            EventRegistrationFactory.create_batch(2, event=workshop)

    add(3, 0)
    with CaptureQueriesContext(connection) as small:
        client.get(f"{API}/events")
    add(55, 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"{API}/events")
    assert len(large.captured_queries) == len(small.captured_queries) == 2
    body = response.json()
    assert body["count"] == 58
    assert len(body["items"]) == 50
    assert body["items"][0]["seats_left"] == 2
    assert len(client.get(f"{API}/events?page=2").json()["items"]) == 8


def test_the_detail_gives_place_and_seats_left(client, territory) -> None:
    crest = territory.communes.get()
    workshop = event(
        territory,
        "Atelier compostage",
        capacity=10,
        commune=crest,
        place_name="Jardin partagé",
        access_note="Chemin en terre.",
        latitude=Decimal("44.73"),
        longitude=Decimal("5.03"),
    )
    EventRegistrationFactory.create_batch(3, event=workshop)
    EventRegistrationFactory(event=workshop, status=Status.WAITING)
    body = client.get(f"{API}/events/{workshop.pk}").json()
    assert body["title"] == "Atelier compostage"
    assert body["seats_left"] == 7
    assert body["waiting_count"] == 1
    assert body["commune"] == "26108"
    assert body["commune_name"] == "Crest"
    assert body["access_note"] == "Chemin en terre."
    assert Decimal(str(body["latitude"])) == Decimal("44.73")
    assert body["state"] == "ouvert"
    assert body["url"] == f"/t/val-de-drome/agenda/{workshop.pk}/"
    assert body["ical_url"] == f"/t/val-de-drome/agenda/{workshop.pk}.ics"


def test_without_coordinates_the_commune_centre_is_given(client, territory) -> None:
    workshop = event(territory, "Au centre", commune=territory.communes.get())
    body = client.get(f"{API}/events/{workshop.pk}").json()
    assert (Decimal(str(body["latitude"])), Decimal(str(body["longitude"]))) == (
        Decimal("44.728"),
        Decimal("5.022"),
    )


def test_a_draft_or_unknown_event_is_not_found(client, territory, member) -> None:
    draft = event(territory, "Brouillon", status=EventStatus.DRAFT)
    assert client.get(f"{API}/events/{draft.pk}").status_code == 404
    client.force_login(member)
    response = client.get(f"{API}/events/{draft.pk}")
    assert response.status_code == 404
    assert response.json() == {"message": "Ressource introuvable."}
    assert client.get(f"{API}/events/999999").status_code == 404


def test_registering_needs_an_account(client, territory) -> None:
    workshop = event(territory, "Atelier")
    response = client.post(f"{API}/events/{workshop.pk}/registrations")
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["message"]


def test_a_member_registers_then_a_second_time_gets_409(client, territory, member) -> None:
    workshop = event(territory, "Atelier", capacity=3)
    client.force_login(member)
    response = client.post(f"{API}/events/{workshop.pk}/registrations")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "inscrit"
    assert body["status_label"] == "Inscrit"
    assert body["waiting_rank"] is None
    again = client.post(f"{API}/events/{workshop.pk}/registrations")
    assert again.status_code == 409
    assert again.json() == {"message": "Vous êtes déjà inscrit·e à cet événement."}
    assert EventRegistration.objects.filter(event=workshop, user=member).count() == 1


def test_a_full_event_puts_the_member_on_the_waiting_list(client, territory, member) -> None:
    workshop = event(territory, "Atelier", capacity=1)
    EventRegistrationFactory(event=workshop)
    EventRegistrationFactory(event=workshop, status=Status.WAITING)
    client.force_login(member)
    body = client.post(f"{API}/events/{workshop.pk}/registrations").json()
    assert (body["status"], body["waiting_rank"]) == ("attente", 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "Cet événement est annulé"),
        ({"registration_open": False}, "Les inscriptions à cet événement sont closes."),
        ({"starts_at": at(-1), "ends_at": at(1)}, "Cet événement a déjà commencé"),
    ],
)
def test_closed_events_are_refused_with_422(client, territory, member, changes, message) -> None:
    workshop = event(territory, "Atelier", **changes)
    client.force_login(member)
    response = client.post(f"{API}/events/{workshop.pk}/registrations")
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert not EventRegistration.objects.filter(event=workshop).exists()


def test_an_event_for_challenge_households_refuses_others_with_403(
    client, territory, member, outsider
) -> None:
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(
        challenge=challenge, household=member.household, status=ChallengeStatus.SELECTED
    )
    training = event(territory, "Formation", audience=Audience.CHALLENGE, challenge=challenge)
    client.force_login(outsider)
    response = client.post(f"{API}/events/{training.pk}/registrations")
    assert response.status_code == 403
    assert "réservé à son public" in response.json()["message"]
    client.force_login(member)
    assert client.post(f"{API}/events/{training.pk}/registrations").status_code == 201


def test_an_organiser_token_registers_its_owner(client, territory, organiser) -> None:
    workshop = event(territory, "Atelier")
    _token, raw = token_create(user=organiser, name="Agenda")
    response = client.post(
        f"{API}/events/{workshop.pk}/registrations", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 201
    assert EventRegistration.objects.get(event=workshop).user == organiser


def test_cancelling_frees_the_seat_for_the_waiting_list(client, territory, member) -> None:
    workshop = event(territory, "Atelier", capacity=1)
    EventRegistrationFactory(event=workshop, user=member)
    waiting = EventRegistrationFactory(event=workshop, status=Status.WAITING)
    client.force_login(member)
    response = client.delete(f"{API}/events/{workshop.pk}/registrations/me")
    assert response.status_code == 204
    assert response.content == b""
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    again = client.delete(f"{API}/events/{workshop.pk}/registrations/me")
    assert again.status_code == 404
    assert again.json() == {"message": "Vous n'êtes pas inscrit·e à cet événement."}


def test_cancelling_after_the_start_is_refused(client, territory, member) -> None:
    running = event(territory, "En cours", starts_at=at(-1), ends_at=at(1))
    EventRegistrationFactory(event=running, user=member)
    client.force_login(member)
    response = client.delete(f"{API}/events/{running.pk}/registrations/me")
    assert response.status_code == 422
    assert "déjà commencé" in response.json()["message"]


def test_cancelling_needs_an_account(client, territory) -> None:
    workshop = event(territory, "Atelier")
    assert client.delete(f"{API}/events/{workshop.pk}/registrations/me").status_code == 401


def test_every_events_endpoint_has_a_documented_schema() -> None:
    """Parameters and answers of each operation turn into JSON Schema (what
    /api/v1/openapi.json is made of), with a French summary."""
    methods = {}
    for path, view in router.path_operations.items():
        for operation in view.operations:
            methods[(path, *operation.methods)] = operation.summary
            for model in operation.models:
                assert model.model_json_schema()
            for schema in operation.response_models.values():
                if schema is not None:
                    assert schema.model_json_schema()
    assert set(methods) == {
        ("/events", "GET"),
        ("/events/{event_id}", "GET"),
        ("/events/{event_id}/registrations", "POST"),
        ("/events/{event_id}/registrations/me", "DELETE"),
    }
    assert methods[("/events/{event_id}/registrations/me", "DELETE")] == "Annuler mon inscription"
