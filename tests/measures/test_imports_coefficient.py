"""The readings import sets a gas meter's conversion coefficient (kWh/m³)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from challenges.models import Challenge, Theme
from measures.imports import ImportRejected, data_import, import_preview
from measures.models import Meter, Reading
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    RegistrationFactory,
)

D1 = timezone.localdate() - dt.timedelta(days=10)
DAY = D1.strftime("%d/%m/%Y")


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, themes=[Theme.ENERGY])


@pytest.fixture
def gas(challenge):
    household = HouseholdFactory(
        name="Famille Martin", commune=challenge.territory.communes.first()
    )
    RegistrationFactory(challenge=challenge, household=household)
    MeterFactory(household=household, label="Linky", carrier="electricite", unit="kWh")
    return MeterFactory(household=household, label="Compteur gaz")


def csv(header: str, *lines: str) -> bytes:
    return (header + "\n" + "\n".join(lines) + "\n").encode()


def errors(data: bytes, challenge: Challenge) -> list[str]:
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    return [" ".join(r.errors) for r in report.rows]


def test_the_bill_coefficient_is_set_on_the_meter_and_bumps_the_results(challenge, gas):
    version = challenge.data_version
    data = csv(
        "foyer;compteur;date;index;coefficient_kwh_m3",
        f"Famille Martin;Compteur gaz;{DAY};1000;11,02",
        f"Famille Martin;Linky;{DAY};500;",
    )
    report = data_import(
        challenge=challenge, kind="releves", data=data, filename="r.csv", user=None
    )
    assert report.created == 2
    assert report.coefficients == {gas.pk: Decimal("11.020")}
    gas.refresh_from_db()
    assert gas.gas_kwh_per_m3 == Decimal("11.020")
    assert Challenge.objects.get(pk=challenge.pk).data_version > version
    again = data_import(challenge=challenge, kind="releves", data=data, filename="r.csv", user=None)
    assert (again.created, again.coefficients) == (0, {})


@pytest.mark.parametrize("header", ["Coefficient", "coef conversion", "Coefficient de conversion"])
def test_the_column_has_synonyms(challenge, gas, header):
    data = csv(f"foyer;compteur;date;index;{header}", f"Famille Martin;Compteur gaz;{DAY};1;10,8")
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    assert report.ok
    assert report.coefficients == {gas.pk: Decimal("10.800")}


def test_a_coefficient_alone_updates_a_meter_whose_readings_are_saved(challenge, gas):
    Reading.objects.create(meter=gas, read_on=D1, value=1000)
    gas.gas_kwh_per_m3 = Decimal("11.2")
    gas.save(update_fields=["gas_kwh_per_m3"])
    version = Challenge.objects.get(pk=challenge.pk).data_version
    data = csv(
        "foyer;compteur;date;index;coefficient", f"Famille Martin;Compteur gaz;{DAY};1000;11"
    )
    report = data_import(
        challenge=challenge, kind="releves", data=data, filename="r.csv", user=None
    )
    assert (report.created, report.present_count) == (0, 1)
    assert Meter.objects.get(pk=gas.pk).gas_kwh_per_m3 == Decimal("11.000")
    assert Challenge.objects.get(pk=challenge.pk).data_version > version
    empty = csv("foyer;compteur;date;index;coefficient", f"Famille Martin;Compteur gaz;{DAY};1000;")
    data_import(challenge=challenge, kind="releves", data=empty, filename="r.csv", user=None)
    assert Meter.objects.get(pk=gas.pk).gas_kwh_per_m3 == Decimal("11.000")


def test_zero_negative_absurd_or_misplaced_coefficients_are_row_errors(challenge, gas):
    data = csv(
        "foyer;compteur;date;index;coefficient",
        f"Famille Martin;Compteur gaz;{DAY};1;0",
        f"Famille Martin;Compteur gaz;{DAY};1;-11",
        f"Famille Martin;Compteur gaz;{DAY};1;15",
        f"Famille Martin;Compteur gaz;{DAY};1;110",
        f"Famille Martin;Compteur gaz;{DAY};1;onze",
        f"Famille Martin;Linky;{DAY};1;11",
    )
    messages = errors(data, challenge)
    assert "doit être positif" in messages[0]
    assert "doit être positif" in messages[1]
    assert "15 kWh/m³ inhabituel (attendu entre 9 et 13)" in messages[2]
    assert "« oui » dans la colonne confirmer" in messages[2]
    assert "impossible" in messages[3]
    assert "n'est pas un nombre" in messages[4]
    assert "n'est pas un compteur de gaz en m³" in messages[5]
    with pytest.raises(ImportRejected):
        data_import(challenge=challenge, kind="releves", data=data, filename="r.csv", user=None)
    assert Meter.objects.get(pk=gas.pk).gas_kwh_per_m3 is None
    assert Reading.objects.count() == 0


def test_an_unusual_coefficient_passes_once_confirmed(challenge, gas):
    data = csv(
        "foyer;compteur;date;index;coefficient;confirmer",
        f"Famille Martin;Compteur gaz;{DAY};1;8,5;oui",
    )
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    assert report.ok
    assert report.rows[0].warnings == ["coefficient inhabituel 8,5 kWh/m³, confirmé"]
    assert report.coefficients == {gas.pk: Decimal("8.500")}
    data = data.replace(b";oui", b";peut-etre")
    assert "attendu oui ou non" in errors(data, challenge)[0]


def test_two_rows_cannot_give_one_meter_two_coefficients(challenge, gas):
    other_day = (D1 - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    data = csv(
        "foyer;compteur;date;index;coefficient",
        f"Famille Martin;Compteur gaz;{other_day};1;11",
        f"Famille Martin;Compteur gaz;{DAY};2;11,5",
    )
    assert (
        "la ligne 2 donne un autre coefficient pour ce compteur (11)" in errors(data, challenge)[1]
    )
