"""« Mes compteurs »: a household declares, edits and removes its meters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import Meter
from tests.factories import HouseholdFactory, MeterFactory, ReadingFactory, UserFactory

LIST = "/compte/foyer/compteurs/"


@pytest.fixture
def member_client(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def edit_url(meter) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:meter_edit", args=[meter.pk])


def delete_url(meter) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:meter_delete", args=[meter.pk])


def test_the_url_is_under_my_household():
    assert reverse("measures:meters") == LIST


def test_without_a_household_one_is_asked_to_create_it(client, outsider):
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == "/compte/foyer/?next=%2Fcompte%2Ffoyer%2Fcompteurs%2F"


def test_the_list_shows_the_household_meters_only(member_client, member):
    MeterFactory(
        household=member.household, label="Compteur Linky", carrier="electricite", unit="kWh"
    )
    MeterFactory(label="Chez les voisins")
    page = member_client.get(LIST).content.decode()
    assert "Compteur Linky" in page
    assert "Chez les voisins" not in page
    assert "sert à chauffer le logement" in page  # the heating share, explained


def test_a_gas_meter_gets_the_usual_unit_and_heating_share(member_client, member):
    response = member_client.post(LIST, {"carrier": "gaz", "label": "Compteur gaz"})
    assert response.status_code == 302
    meter = Meter.objects.get(household=member.household)
    assert (meter.unit, meter.heating_share, meter.is_active) == ("m3", Decimal("1"), True)


def test_electricity_defaults_to_no_heating_and_accepts_a_french_decimal(member_client, member):
    member_client.post(LIST, {"carrier": "electricite", "label": "Linky", "has_offpeak": "on"})
    member_client.post(
        LIST, {"carrier": "electricite", "label": "Radiateurs", "heating_share": "0,6"}
    )
    meters = {m.label: m for m in Meter.objects.filter(household=member.household)}
    assert meters["Linky"].heating_share == Decimal("0")
    assert meters["Linky"].has_offpeak
    assert meters["Radiateurs"].heating_share == Decimal("0.6")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"carrier": "fioul", "label": "Cuve", "unit": "kWh"}, "compte en litres"),
        ({"carrier": "gaz", "label": "Gaz", "heating_share": "1,5"}, "inférieure ou égale à 1"),
        ({"carrier": "eau", "label": "Eau", "heating_share": "0,5"}, "pas de part de chauffage"),
        ({"carrier": "gaz", "label": "Gaz", "has_offpeak": "on"}, "ne concernent que l"),
        ({"carrier": "charbon", "label": "Poêle"}, "Sélectionnez un choix valide"),
        ({"carrier": "gaz", "label": ""}, "Ce champ est obligatoire"),
    ],
)
def test_bad_meters_are_refused_with_a_french_message(member_client, data, message):
    response = member_client.post(LIST, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meter.objects.exists()


def test_a_duplicate_meter_is_refused(member_client, member):
    MeterFactory(household=member.household, carrier="gaz", label="Compteur gaz")
    response = member_client.post(LIST, {"carrier": "gaz", "label": "Compteur gaz"})
    assert response.status_code == 400
    assert "Votre foyer a déjà un compteur « Compteur gaz » pour cette énergie" in (
        response.content.decode()
    )
    assert Meter.objects.count() == 1


def test_the_same_label_is_fine_for_another_household_or_carrier(member_client, member):
    MeterFactory(carrier="gaz", label="Compteur")
    MeterFactory(household=member.household, carrier="eau", unit="m3", label="Compteur")
    assert member_client.post(LIST, {"carrier": "gaz", "label": "Compteur"}).status_code == 302


def test_adding_a_meter_goes_back_to_the_registration(member_client):
    back = "/t/val-de-drome/defis/hiver/inscription/"
    response = member_client.post(f"{LIST}?next={back}", {"carrier": "gaz", "label": "Gaz"})
    assert response["Location"] == back
    evil = member_client.post(f"{LIST}?next=https://evil.example", {"carrier": "eau", "label": "E"})
    assert evil["Location"] == LIST


def test_a_meter_is_edited(member_client, member):
    meter = MeterFactory(household=member.household, carrier="gaz", label="Gaz")
    response = member_client.post(
        edit_url(meter),
        {
            "carrier": "gaz",
            "unit": "kWh",
            "label": "Gaz (kWh)",
            "heating_share": "0,8",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    meter.refresh_from_db()
    assert (meter.label, meter.unit, meter.heating_share) == ("Gaz (kWh)", "kWh", Decimal("0.8"))


def test_editing_into_a_duplicate_is_refused(member_client, member):
    MeterFactory(household=member.household, carrier="gaz", label="Maison")
    meter = MeterFactory(household=member.household, carrier="gaz", label="Garage")
    response = member_client.post(
        edit_url(meter), {"carrier": "gaz", "label": "Maison", "is_active": "on"}
    )
    assert response.status_code == 400
    meter.refresh_from_db()
    assert meter.label == "Garage"


def test_carrier_and_unit_are_frozen_once_there_are_readings(member_client, member):
    meter = MeterFactory(household=member.household, carrier="gaz", unit="m3", label="Gaz")
    ReadingFactory(meter=meter)
    member_client.post(
        edit_url(meter), {"carrier": "fioul", "unit": "L", "label": "Cuve", "is_active": "on"}
    )
    meter.refresh_from_db()
    assert (meter.carrier, meter.unit, meter.label) == ("gaz", "m3", "Cuve")


def test_a_meter_without_readings_is_deleted(member_client, member):
    meter = MeterFactory(household=member.household)
    assert member_client.post(delete_url(meter)).status_code == 302
    assert not Meter.objects.exists()


def test_a_meter_with_readings_is_not_deleted_but_put_out_of_service(member_client, member):
    meter = MeterFactory(household=member.household)
    ReadingFactory(meter=meter)
    response = member_client.post(delete_url(meter), follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    meter.refresh_from_db()
    assert not meter.is_active
    assert meter.readings.count() == 1


def test_delete_is_post_only(member_client, member):
    meter = MeterFactory(household=member.household)
    assert member_client.get(delete_url(meter)).status_code == 405


def test_housemates_share_the_meters(client, member):
    meter = MeterFactory(household=member.household)
    client.force_login(UserFactory(household=member.household))
    assert client.get(edit_url(meter)).status_code == 200


@pytest.mark.parametrize("who", ["other_household", "no_household", "admin"])
def test_other_people_do_not_find_the_meter(client, member, admin_user, who):
    meter = MeterFactory(household=member.household)
    user = {
        "other_household": UserFactory(household=HouseholdFactory()),
        "no_household": UserFactory(),
        "admin": admin_user,
    }[who]
    client.force_login(user)
    assert client.get(edit_url(meter)).status_code == 404
    assert client.post(delete_url(meter)).status_code == 404
    assert Meter.objects.filter(pk=meter.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_the_list_query_count_does_not_grow(member_client, member, django_assert_max_num_queries):
    for i in range(15):
        meter = MeterFactory(household=member.household, label=f"Compteur {i}")
        ReadingFactory(meter=meter)
    with django_assert_max_num_queries(6):
        assert member_client.get(LIST).status_code == 200
