"""POST /api/v1/readings/batch: a household's readings sent together, each
accepted or refused on its own by the rules of POST /readings, in a number
of queries that does not grow with the batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from measures import services
from measures.models import Reading
from tests.factories import MeterFactory, ReadingFactory


def day(offset: int = 0) -> str:
    return (timezone.localdate() - dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def meters(member):  # type: ignore[no-untyped-def]
    gas = MeterFactory(household=member.household, carrier="gaz", unit="m3", label="Gaz")
    power = MeterFactory(
        household=member.household, carrier="electricite", has_offpeak=True, label="Linky"
    )
    return gas, power


@pytest.fixture
def api(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def send(api, readings: list[dict]):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/readings/batch", {"readings": readings}, content_type="application/json"
    )


def item(meter, key: str, value: str, offset: int = 0, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "meter_id": meter.pk,
        "read_on": day(offset),
        "value": value,
        "client_key": key,
        **extra,
    }


def test_a_batch_saves_every_reading_and_reports_each(api, meters):
    gas, power = meters
    ReadingFactory(meter=gas, read_on=timezone.localdate() - dt.timedelta(days=10), value=1000)
    response = send(
        api,
        [
            item(gas, "lot-gaz-0003", "1010", offset=3),
            item(gas, "lot-gaz-0000", "1013"),
            item(power, "lot-hp-00000", "5000", register="hp"),
            item(power, "lot-hc-00000", "3000", register="hc"),
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["already"], body["refused"]) == (4, 0, 0), body
    assert [r["status"] for r in body["results"]] == [201, 201, 201, 201]
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    # Each reading is checked against the one before it, in the batch included.
    assert Decimal(body["results"][0]["reading"]["consumption"]) == 10
    assert Decimal(body["results"][1]["reading"]["consumption"]) == 3
    assert body["results"][2]["reading"]["register"] == "hp"
    assert Reading.objects.filter(client_key__startswith="lot-").count() == 4
    saved = Reading.objects.get(client_key="lot-gaz-0000")
    assert body["results"][1]["reading"]["id"] == saved.pk
    assert saved.entered_by is not None


def test_a_refused_reading_costs_none_of_the_others(api, meters, member):
    gas, _power = meters
    ReadingFactory(meter=gas, read_on=timezone.localdate() - dt.timedelta(days=10), value=1000)
    stranger = MeterFactory()
    response = send(
        api,
        [
            item(gas, "lot-bon-00001", "1010", offset=5),
            item(gas, "lot-baisse-001", "900", offset=2),  # lower than the one just before
            item(stranger, "lot-autre-001", "10"),
            item(gas, "lot-futur-001", "1100", offset=-3),
            item(gas, "lot-bon-00002", "1020"),
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == [201, 400, 404, 400, 201]
    assert (body["created"], body["refused"]) == (2, 3)
    assert "Un index ne diminue pas" in body["results"][1]["message"]
    assert body["results"][1]["reading"] is None
    assert "n'existe pas dans votre foyer" in body["results"][2]["message"]
    assert "futur" in body["results"][3]["message"]
    assert set(Reading.objects.filter(client_key__startswith="lot-").values_list(
        "client_key", flat=True
    )) == {"lot-bon-00001", "lot-bon-00002"}  # fmt: skip
    assert not Reading.objects.filter(meter=stranger).exists()


def test_the_same_batch_again_creates_nothing(api, meters):
    gas, _power = meters
    readings = [item(gas, "lot-rejeu-001", "10", offset=1), item(gas, "lot-rejeu-002", "12")]
    first = send(api, readings).json()
    again = send(api, readings).json()
    assert (first["created"], again["created"], again["already"]) == (2, 0, 2)
    assert [r["reading"]["id"] for r in again["results"]] == [
        r["reading"]["id"] for r in first["results"]
    ]
    assert Reading.objects.count() == 2


def test_a_key_repeated_in_the_batch_is_saved_once(api, meters):
    gas, power = meters
    response = send(
        api,
        [
            item(gas, "lot-double-01", "10"),
            item(gas, "lot-double-01", "10"),
            item(power, "lot-double-01", "10", register="hp"),  # another meter: refused
        ],
    ).json()
    assert [r["status"] for r in response["results"]] == [201, 200, 400]
    assert "autre compteur" in response["results"][2]["message"]
    assert Reading.objects.count() == 1


def test_a_reading_of_the_same_day_replaces_the_earlier_one(api, meters):
    gas, _power = meters
    earlier = ReadingFactory(meter=gas, read_on=timezone.localdate(), value=100)
    body = send(api, [item(gas, "lot-jour-0001", "105"), item(gas, "lot-jour-0002", "106")]).json()
    assert body["created"] == 2
    earlier.refresh_from_db()
    first = Reading.objects.get(client_key="lot-jour-0001")
    second = Reading.objects.get(client_key="lot-jour-0002")
    assert earlier.superseded_by == first
    assert first.superseded_by == second
    assert second.superseded_by is None
    assert list(Reading.objects.filter(superseded_by__isnull=True)) == [second]


def test_unusual_values_need_their_own_confirmation(api, meters):
    gas, _power = meters
    ReadingFactory(meter=gas, read_on=timezone.localdate() - dt.timedelta(days=20), value=1000)
    ReadingFactory(meter=gas, read_on=timezone.localdate() - dt.timedelta(days=10), value=1010)
    body = send(
        api,
        [
            item(gas, "lot-bizarre-1", "1500", offset=1),
            item(gas, "lot-bizarre-2", "1500", offset=1, confirm_unusual=True),
        ],
    ).json()
    assert [r["status"] for r in body["results"]] == [400, 201]
    assert "Je confirme cette valeur" in body["results"][0]["message"]
    assert body["results"][1]["reading"]["confirmed_unusual"] is True


def test_queries_do_not_grow_with_the_batch(api, meters):
    gas, power = meters

    def batch(size: int, start: int, days_ago: int) -> list[dict]:
        return [
            item(gas if i % 2 else power, f"lot-{start + i:08d}", str(start + i),
                 offset=days_ago - i, confirm_unusual=True,
                 **({} if i % 2 else {"register": "hp"}))
            for i in range(size)
        ]  # fmt: skip

    send(api, batch(2, 0, 300))  # the session warmed up
    with CaptureQueriesContext(connection) as small:
        assert send(api, batch(3, 100, 200)).json()["created"] == 3
    with CaptureQueriesContext(connection) as large:
        assert send(api, batch(60, 1000, 100)).json()["created"] == 60
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 14


@pytest.mark.parametrize(
    "body",
    [
        {"readings": []},
        {"readings": "tout"},
        {},
        {"readings": [{"meter_id": 1}]},
    ],
)
def test_bad_batches_are_refused_in_french(api, meters, body):
    response = api.post("/api/v1/readings/batch", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"].startswith("Requête invalide")
    assert not Reading.objects.exists()


def test_a_batch_too_large_is_refused(api, meters):
    gas, _power = meters
    readings = [
        item(gas, f"lot-trop-{i:05d}", str(i)) for i in range(services.READINGS_BATCH_MAX + 1)
    ]
    assert send(api, readings).status_code == 422
    assert not Reading.objects.exists()


def test_anonymous_callers_are_refused(client, meters):
    gas, _power = meters
    assert send(client, [item(gas, "lot-anonyme-1", "10")]).status_code == 401
    assert not Reading.objects.exists()


def test_a_key_racing_another_request_falls_back_to_one_by_one(member, meters, monkeypatch):
    """The batch's single insert fails on a key taken meanwhile: the readings
    are saved one by one, the taken key answered as already saved."""
    gas, _power = meters
    taken = ReadingFactory(
        meter=gas, read_on=timezone.localdate(), value=50, client_key="lot-pris-001"
    )
    real_filter = Reading.objects.filter
    calls = {"n": 0}

    def keys_not_seen(*args, **kwargs):  # type: ignore[no-untyped-def]
        if "client_key__in" in kwargs and calls["n"] == 0:
            calls["n"] += 1
            return Reading.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Reading.objects, "filter", keys_not_seen)
    items = [
        services.NewReading(gas.pk, "base", timezone.localdate() - dt.timedelta(days=2), Decimal(10), "normal", "lot-nouveau-1"),
        services.NewReading(gas.pk, "base", timezone.localdate(), Decimal(50), "normal", "lot-pris-001"),
    ]  # fmt: skip
    outcomes = services.readings_add_batch(
        household_id=member.household_id, items=items, user=member
    )
    assert [o.status for o in outcomes] == [201, 200]
    assert outcomes[1].added.reading.pk == taken.pk
    assert Reading.objects.count() == 2
