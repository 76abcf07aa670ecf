"""GET/POST /api/v1/meters and PATCH /api/v1/meters/{id}: my household's
meters, with the gas coefficient validated as on the meter form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from measures.models import Meter
from tests.factories import MeterFactory, ReadingFactory, UserFactory


@pytest.fixture
def api(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def post(api, body: dict):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/meters", body, content_type="application/json")


def patch(api, meter, body: dict):  # type: ignore[no-untyped-def]
    return api.patch(f"/api/v1/meters/{meter.pk}", body, content_type="application/json")


def test_my_meters_are_listed_with_their_coefficient(api, member):
    MeterFactory(household=member.household, label="Gaz", gas_kwh_per_m3=Decimal("11.05"))
    MeterFactory(label="Chez les voisins")
    (meter,) = api.get("/api/v1/meters").json()
    assert meter["label"] == "Gaz"
    assert Decimal(meter["gas_kwh_per_m3"]) == Decimal("11.05")


def test_a_gas_meter_is_created_with_its_coefficient(api, member):
    response = post(api, {"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": 11.0})
    assert response.status_code == 201
    assert response.json()["unit"] == "m3"
    meter = Meter.objects.get(household=member.household)
    assert meter.gas_kwh_per_m3 == Decimal("11")


def test_a_french_decimal_is_read_too(api, member):
    assert (
        post(api, {"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": "10,95"}).status_code == 201
    )
    assert Meter.objects.get().gas_kwh_per_m3 == Decimal("10.95")


@pytest.mark.parametrize("value", [0, -3, "0"])
def test_a_zero_or_negative_coefficient_is_refused_in_french(api, value):
    response = post(api, {"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": value})
    assert response.status_code == 400
    body = response.json()
    assert "doit être supérieur à 0" in body["message"]
    assert body["erreurs"][0]["champ"] == "gas_kwh_per_m3"
    assert not Meter.objects.exists()


def test_an_unusual_coefficient_needs_the_confirmation(api):
    body = {"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": 14}
    refused = post(api, body)
    assert refused.status_code == 400
    assert "14 kWh/m³ est inhabituel" in refused.json()["message"]
    assert "confirm_unusual_coefficient" in refused.json()["message"]
    confirmed = post(api, {**body, "confirm_unusual_coefficient": True})
    assert confirmed.status_code == 201
    assert Decimal(confirmed.json()["gas_kwh_per_m3"]) == 14


def test_other_bad_meters_are_refused_in_french_not_with_a_500(api):
    cases = [
        ({"carrier": "charbon", "label": "Poêle"}, "Sélectionnez un choix valide"),
        ({"carrier": "fioul", "label": "Cuve", "gas_kwh_per_m3": 11}, "compteur de gaz"),
        ({"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": "onze"}, "nombre"),
        ({"carrier": "gaz", "label": "Gaz", "gas_kwh_per_m3": 123456}, "chiffres"),
    ]
    for body, message in cases:
        response = post(api, body)
        assert response.status_code == 400, body
        assert message in response.json()["message"], response.json()


def test_only_the_fields_sent_change(api, member):
    meter = MeterFactory(household=member.household, label="Gaz", heating_share=Decimal("0.8"))
    ReadingFactory(meter=meter)
    response = patch(api, meter, {"gas_kwh_per_m3": "11,2"})
    assert response.status_code == 200
    meter.refresh_from_db()
    assert (meter.label, meter.heating_share, meter.gas_kwh_per_m3) == (
        "Gaz",
        Decimal("0.8"),
        Decimal("11.2"),
    )
    assert patch(api, meter, {"gas_kwh_per_m3": None}).status_code == 200
    meter.refresh_from_db()
    assert meter.gas_kwh_per_m3 is None


def test_a_patch_is_validated_like_a_creation(api, member):
    meter = MeterFactory(household=member.household, label="Gaz")
    response = patch(api, meter, {"gas_kwh_per_m3": -1})
    assert response.status_code == 400
    assert "supérieur à 0" in response.json()["message"]
    meter.refresh_from_db()
    assert meter.gas_kwh_per_m3 is None


def test_another_household_meter_is_not_found(api):
    other = MeterFactory()
    assert patch(api, other, {"gas_kwh_per_m3": 11}).status_code == 404
    other.refresh_from_db()
    assert other.gas_kwh_per_m3 is None


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/meters").status_code == 401
    response = client.post(
        "/api/v1/meters", {"carrier": "gaz", "label": "Gaz"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_without_a_household_one_must_be_described_first(client, db):
    client.force_login(UserFactory())
    assert client.get("/api/v1/meters").json() == []
    response = post(client, {"carrier": "gaz", "label": "Gaz"})
    assert response.status_code == 400
    assert "Décrivez d'abord votre foyer" in response.json()["message"]
