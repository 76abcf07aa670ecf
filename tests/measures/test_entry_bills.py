"""Reference consumption from bills, instead of readings (METHODOLOGY §2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from challenges.models import Challenge
from measures.models import Bill
from tests.factories import ChallengeFactory, MeterFactory, RegistrationFactory

# The challenge runs 1 Dec 2025 → 30 Apr 2026: its reference period is
# [1 Dec 2024, 1 May 2025).
START = dt.date(2025, 12, 1)


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory, slug="hiver", starts_on=START, ends_on=dt.date(2026, 4, 30)
    )


@pytest.fixture
def meter(member):  # type: ignore[no-untyped-def]
    return MeterFactory(household=member.household, carrier="gaz", unit="m3", label="Gaz")


@pytest.fixture
def member_client(client, member, challenge):  # type: ignore[no-untyped-def]
    RegistrationFactory(challenge=challenge, household=member.household)
    client.force_login(member)
    return client


def url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:bills", args=[challenge.territory.slug, challenge.slug])


def bill(meter, **values) -> dict:  # type: ignore[no-untyped-def]
    data = {"meter": meter.pk, "starts_on": "2024-11-15", "ends_on": "2025-05-14"}
    return {**data, **values}


def test_a_bill_in_quantity_is_saved(member_client, challenge, meter, member):
    response = member_client.post(url(challenge), bill(meter, quantity="812,5"), follow=True)
    assert "Facture enregistrée" in response.content.decode()
    saved = Bill.objects.get()
    assert (saved.quantity, saved.amount_eur, saved.entered_by) == (Decimal("812.5"), None, member)
    assert "812,5 m³" in response.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).data_version == challenge.data_version + 1


def test_a_bill_in_euros_is_saved(member_client, challenge, meter):
    assert member_client.post(url(challenge), bill(meter, amount_eur="640")).status_code == 302
    assert Bill.objects.get().amount_eur == Decimal("640")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Indiquez la quantité consommée ou le montant"),
        ({"quantity": "10", "ends_on": "2024-11-01"}, "Le dernier jour doit suivre le premier"),
        ({"quantity": "10", "ends_on": "2024-12-11"}, "au moins 28 jours"),
        (
            {"quantity": "10", "starts_on": "2023-01-01", "ends_on": "2023-12-31"},
            "une partie de la période de référence",
        ),
        (
            {"quantity": "10", "starts_on": "2025-05-01", "ends_on": "2025-08-31"},
            "une partie de la période de référence",
        ),
        ({"quantity": "-3"}, "supérieure ou égale à 0"),
        ({"amount_eur": "beaucoup"}, "Saisissez un nombre"),
        ({"quantity": "10", "starts_on": "pas une date"}, "Saisissez une date valide"),
    ],
)
def test_bad_bills_are_refused_with_a_french_message(
    member_client, challenge, meter, values, message
):
    response = member_client.post(url(challenge), bill(meter, **values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Bill.objects.exists()


def test_a_bill_ending_the_first_day_of_the_reference_overlaps_it(member_client, challenge, meter):
    data = bill(meter, quantity="50", starts_on="2024-11-01", ends_on="2024-12-01")
    assert member_client.post(url(challenge), data).status_code == 302


def test_another_household_meter_is_not_a_choice(member_client, challenge):
    other = MeterFactory()
    response = member_client.post(url(challenge), bill(other, quantity="10"))
    assert response.status_code == 400
    assert not Bill.objects.exists()


def test_a_waste_only_challenge_has_no_bills(member_client, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(themes=["dechets"])
    assert member_client.get(url(challenge)).status_code == 404
