"""POST /api/v1/readings and /api/v1/weighings: idempotent entry of data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from measures.models import Reading, Weighing
from tests.factories import (
    ChallengeFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    WeighingFactory,
)


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


@pytest.fixture
def meter(member):  # type: ignore[no-untyped-def]
    return MeterFactory(household=member.household, carrier="gaz", unit="m3")


@pytest.fixture
def api(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def post(api, path: str, body: dict):  # type: ignore[no-untyped-def]
    return api.post(f"/api/v1/{path}", body, content_type="application/json")


def reading(meter, **values) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "meter_id": meter.pk,
        "read_on": today().isoformat(),
        "value": "1042",
        "client_key": "appli-7f3a9c",
    }
    return {**body, **values}


def test_a_reading_is_created_then_the_same_key_returns_it(api, meter):
    ReadingFactory(meter=meter, read_on=today() - dt.timedelta(days=7), value=1000)
    first = post(api, "readings", reading(meter))
    assert first.status_code == 201
    assert first.json()["register"] == "base"
    assert Decimal(first.json()["consumption"]) == 42
    again = post(api, "readings", reading(meter, value="2000"))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Reading.objects.filter(client_key="appli-7f3a9c").count() == 1
    assert Reading.objects.count() == 2


def test_the_client_key_is_required(api, meter):
    body = reading(meter)
    del body["client_key"]
    response = post(api, "readings", body)
    assert response.status_code == 422
    assert response.json()["message"].startswith("Requête invalide")


def test_another_household_meter_is_not_found(api):
    response = post(api, "readings", reading(MeterFactory()))
    assert response.status_code == 404
    assert not Reading.objects.exists()


def test_a_decreasing_index_is_refused_in_french_unless_marked(api, meter):
    ReadingFactory(meter=meter, read_on=today() - dt.timedelta(days=7), value=5000)
    refused = post(api, "readings", reading(meter))
    assert refused.status_code == 400
    assert "Un index ne diminue pas" in refused.json()["message"]
    accepted = post(api, "readings", reading(meter, kind="remplacement", client_key="autre-cle-1"))
    assert accepted.status_code == 201


def test_an_unusual_value_needs_confirm_unusual(api, meter):
    ReadingFactory(meter=meter, read_on=today() - dt.timedelta(days=20), value=1000)
    ReadingFactory(meter=meter, read_on=today() - dt.timedelta(days=10), value=1010)
    asked = post(api, "readings", reading(meter, value="1500"))
    assert asked.status_code == 400
    assert "Je confirme cette valeur" in asked.json()["message"]
    confirmed = post(api, "readings", reading(meter, value="1500", confirm_unusual=True))
    assert confirmed.status_code == 201
    assert confirmed.json()["confirmed_unusual"] is True


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"read_on": (today() + dt.timedelta(days=2)).isoformat()}, 400),
        ({"register": "hp"}, 400),
        ({"register": "nuit"}, 422),
        ({"kind": "magie"}, 422),
        ({"value": "-4"}, 422),
        ({"value": "beaucoup"}, 422),
        ({"client_key": "x"}, 422),
    ],
)
def test_bad_readings_are_refused(api, meter, values, status):
    response = post(api, "readings", reading(meter, **values))
    assert response.status_code == status
    assert response.json()["message"]
    assert not Reading.objects.exists()


def test_anonymous_callers_are_refused(client, meter):
    assert post(client, "readings", reading(meter)).status_code == 401


@pytest.fixture
def registration(member, territory):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, themes=["dechets"])
    return RegistrationFactory(challenge=challenge, household=member.household)


def weighing(registration, **values) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "registration_id": registration.pk,
        "weighed_on": today().isoformat(),
        "flow": "omr",
        "kg": "3.5",
        "client_key": "balance-0001",
    }
    return {**body, **values}


def test_a_weighing_is_created_once(api, registration):
    first = post(api, "weighings", weighing(registration))
    assert first.status_code == 201
    assert first.json()["kg"] == "3.5"
    again = post(api, "weighings", weighing(registration))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Weighing.objects.count() == 1


def test_zero_kg_is_a_weighing(api, registration):
    assert post(api, "weighings", weighing(registration, kg="0")).status_code == 201


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"kg": "-1"}, 422),
        ({"kg": "501"}, 422),
        ({"flow": "gravats"}, 422),
        ({"weighed_on": (today() + dt.timedelta(days=2)).isoformat()}, 400),
        ({"weighed_on": "2001-01-01"}, 400),
    ],
)
def test_bad_weighings_are_refused(api, registration, values, status):
    response = post(api, "weighings", weighing(registration, **values))
    assert response.status_code == status
    assert not Weighing.objects.exists()


def test_another_household_registration_is_not_found(api, registration):
    other = RegistrationFactory(challenge=registration.challenge)
    assert post(api, "weighings", weighing(other)).status_code == 404


def test_a_key_used_by_another_household_is_refused(api, registration):
    WeighingFactory(client_key="balance-0001")
    response = post(api, "weighings", weighing(registration))
    assert response.status_code == 400
    assert not Weighing.objects.filter(registration=registration).exists()


def test_a_challenge_without_waste_takes_no_weighing(api, member, territory):
    energy = RegistrationFactory(
        challenge=ChallengeFactory(territory=territory), household=member.household
    )
    response = post(api, "weighings", weighing(energy))
    assert response.status_code == 400
    assert "ne comporte pas de pesées" in response.json()["message"]


def test_a_household_not_selected_is_refused(api, registration):
    registration.status = "attente"
    registration.save()
    assert post(api, "weighings", weighing(registration)).status_code == 403
