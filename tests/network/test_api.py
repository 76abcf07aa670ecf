"""The network API: the public directory (listed members, no personal data),
and the organisers' actors, contacts and contact log with a token, scoped by
the territory of the path."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from api.services import token_create
from network.models import Actor, ContactLog
from tests.factories import CommuneFactory, TerritoryFactory
from tests.network.factories import (
    ActorFactory,
    ActorThemeFactory,
    ContactFactory,
    member_actor,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/network/val-de-drome"


@pytest.fixture
def bearer(organiser):  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=organiser, name="Tableur")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method: str, url: str, body: dict, **headers):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        url, json.dumps(body, default=str), content_type="application/json", **headers
    )


def test_the_public_directory_has_listed_members_and_no_personal_data(client, territory) -> None:
    listed = member_actor(
        territory, name="Compost Crest", listed=True, commune=territory.communes.get()
    )
    ActorThemeFactory(actor=listed, theme="dechets")
    ContactFactory(actor=listed, email="secret@compost.example.org")
    member_actor(territory, name="Pas listé", listed=False)
    response = client.get(f"{BASE}/directory")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["commune"], item["themes"]) == (
        "Compost Crest",
        "26108",
        ["dechets"],
    )
    assert item["latitude"] == "44.72800"
    assert "secret@" not in response.content.decode()
    assert "siret" not in item
    assert "contacts" not in item
    assert client.get(f"{BASE}/directory", {"theme": "eau"}).json()["count"] == 0
    assert client.get(f"{BASE}/directory", {"kind": "nimporte"}).status_code == 422


def test_organiser_endpoints_need_a_token_of_the_territory(
    client, territory, other_organiser
) -> None:
    actor = member_actor(territory)
    assert client.get(f"{BASE}/actors").status_code == 401
    _token, raw = token_create(user=other_organiser, name="Autre")
    other = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"{BASE}/actors", **other).status_code == 403
    assert client.get(f"{BASE}/actors/{actor.pk}/contacts", **other).status_code == 403


def test_an_organiser_lists_and_filters_the_actors(client, territory, bearer) -> None:
    late = member_actor(territory, name="Atelier vélo", days_since_contact=120)
    member_actor(territory, name="Repair café", days_since_contact=3)
    body = client.get(f"{BASE}/actors", **bearer).json()
    assert body["count"] == 2
    first = next(i for i in body["items"] if i["id"] == late.pk)
    assert first["membership_status"] == "membre"
    assert first["last_contact_on"] == (timezone.localdate() - dt.timedelta(days=120)).isoformat()
    overdue = client.get(f"{BASE}/actors", {"overdue": "true"}, **bearer).json()
    assert [i["name"] for i in overdue["items"]] == ["Atelier vélo"]
    assert client.get(f"{BASE}/overdue", **bearer).json()["count"] == 1
    assert client.get(f"{BASE}/overdue", {"days": 2}, **bearer).json()["count"] == 2
    assert client.get(f"{BASE}/overdue", {"days": 0}, **bearer).status_code == 422


def test_an_organiser_creates_an_actor_with_checked_identifiers(client, territory, bearer) -> None:
    CommuneFactory(insee_code="69123", name="Lyon")
    body = {
        "name": "La Cagette",
        "kind": "entreprise",
        "siret": "73282932000075",
        "commune": "69383",
    }
    refused = send(client, "post", f"{BASE}/actors", body, **bearer)
    assert refused.status_code == 422
    assert refused.json()["erreurs"][0]["champ"] == "siret"
    assert "clé de contrôle" in refused.json()["message"]
    body.update(siret="73282932000074", themes=["alimentation"], tags=["Vrac"])
    created = send(client, "post", f"{BASE}/actors", body, **bearer)
    assert created.status_code == 201
    data = created.json()
    assert (data["commune"], data["themes"], data["tags"]) == ("69123", ["alimentation"], ["vrac"])
    twin = send(client, "post", f"{BASE}/actors", {**body, "name": "Autre"}, **bearer)
    assert twin.status_code == 422
    unknown = send(client, "post", f"{BASE}/actors", {**body, "commune": "99999"}, **bearer)
    assert unknown.json()["erreurs"][0]["champ"] == "commune"


def test_an_organiser_patches_only_what_is_sent(client, territory, bearer) -> None:
    actor = member_actor(territory, name="Repair café", website="https://repair.example.org")
    response = send(client, "patch", f"{BASE}/actors/{actor.pk}", {"listed": True}, **bearer)
    assert response.status_code == 200
    actor.refresh_from_db()
    assert actor.listed
    assert actor.website == "https://repair.example.org"


def test_an_actor_of_another_territory_is_a_404(client, territory, bearer) -> None:
    elsewhere = ActorFactory(territory=TerritoryFactory())
    for path in ("", "/contacts", "/contact-log"):
        assert client.get(f"{BASE}/actors/{elsewhere.pk}{path}", **bearer).status_code == 404


def test_contacts_and_the_contact_log(client, territory, bearer, organiser) -> None:
    actor = member_actor(territory)
    made = send(
        client,
        "post",
        f"{BASE}/actors/{actor.pk}/contacts",
        {"first_name": "Lou", "email": "lou@repair.example.org"},
        **bearer,
    )
    assert made.status_code == 201
    twin = send(
        client,
        "post",
        f"{BASE}/actors/{actor.pk}/contacts",
        {"first_name": "Lou", "email": "LOU@repair.example.org"},
        **bearer,
    )
    assert twin.status_code == 422
    assert [
        c["email"] for c in client.get(f"{BASE}/actors/{actor.pk}/contacts", **bearer).json()
    ] == ["lou@repair.example.org"]
    entry = {
        "happened_on": timezone.localdate().isoformat(),
        "channel": "telephone",
        "subject": "Appel",
        "contact_id": made.json()["id"],
    }
    first = send(client, "post", f"{BASE}/actors/{actor.pk}/contact-log", entry, **bearer)
    again = send(client, "post", f"{BASE}/actors/{actor.pk}/contact-log", entry, **bearer)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]  # a retried request counts once
    assert ContactLog.objects.get().logged_by == organiser
    log = client.get(f"{BASE}/actors/{actor.pk}/contact-log", **bearer).json()
    assert log["count"] == 1
    assert log["items"][0]["channel_label"] == "Téléphone"
    future = {**entry, "happened_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()}
    assert (
        send(client, "post", f"{BASE}/actors/{actor.pk}/contact-log", future, **bearer).status_code
        == 422
    )
    stranger = ContactFactory(actor=ActorFactory(territory=territory))
    wrong = {**entry, "subject": "Autre", "contact_id": stranger.pk}
    assert (
        send(client, "post", f"{BASE}/actors/{actor.pk}/contact-log", wrong, **bearer).status_code
        == 422
    )


def test_the_coordinator_reads_actors_not_people(client, territory, coordinator) -> None:
    actor = member_actor(territory)
    client.force_login(coordinator)
    assert client.get(f"{BASE}/actors").status_code == 200
    assert client.get(f"{BASE}/actors/{actor.pk}").status_code == 200
    assert client.get(f"{BASE}/actors/{actor.pk}/contacts").status_code == 403
    assert Actor.objects.count() == 1


def test_the_schema_lists_the_network_endpoints(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/network/{territory}/directory" in paths
    assert {"get", "post"} <= set(paths["/api/v1/network/{territory}/actors"])
    assert "patch" in paths["/api/v1/network/{territory}/actors/{actor_id}"]
