"""Degree days: the three file formats, validation, idempotent upsert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from challenges.models import Challenge
from measures.degree_days import (
    degree_days_import,
    dju_from_temperatures,
    parse_degree_days,
    spread_month,
    zone_for_department,
)
from measures.models import DegreeDay, WeatherZone
from tests.factories import ChallengeFactory, HouseholdFactory, RegistrationFactory


def test_dju_from_temperatures_by_hand():
    # 18 − (2 + 8) / 2 = 13
    assert dju_from_temperatures(Decimal(2), Decimal(8)) == Decimal("13.000")
    # 18 − (15 + 25) / 2 = −2 → 0
    assert dju_from_temperatures(Decimal(15), Decimal(25)) == 0
    # 18 − (−3.5 + 4.1) / 2 = 17.7
    assert dju_from_temperatures(Decimal("-3.5"), Decimal("4.1")) == Decimal("17.700")


def test_a_month_is_spread_over_its_days():
    # 310 DJU in January (31 days) → 10 per day
    spread = spread_month(dt.date(2024, 1, 1), Decimal(310))
    assert len(spread) == 31
    assert set(spread.values()) == {Decimal("10.000")}
    # 100 DJU in February 2024 (29 days): 3.448 a day, the last day takes the rest
    spread = spread_month(dt.date(2024, 2, 1), Decimal(100))
    assert len(spread) == 29
    assert spread[dt.date(2024, 2, 1)] == Decimal("3.448")
    assert spread[dt.date(2024, 2, 29)] == Decimal("100.000") - 28 * Decimal("3.448")
    assert sum(spread.values()) == 100


def test_the_three_formats_parse():
    values, errors = parse_degree_days(
        b"Date;DJU\n01/01/2024;12,5\n2024-01-02;0\n", "d.csv", "daily"
    )
    assert errors == []
    assert values == {dt.date(2024, 1, 1): Decimal("12.5"), dt.date(2024, 1, 2): 0}
    values, errors = parse_degree_days(b"mois,dju\n2024-01,310\n02/2024,0\n", "m.csv", "monthly")
    assert errors == []
    assert len(values) == 31 + 29
    assert values[dt.date(2024, 1, 15)] == 10
    values, errors = parse_degree_days(
        b"date;tmin;tmax\n01/01/2024;2;8\n02/01/2024;-1,5;3,5\n", "t.csv", "temperatures"
    )
    assert errors == []
    # 18 − (2 + 8)/2 = 13 ; 18 − (−1.5 + 3.5)/2 = 17
    assert values == {dt.date(2024, 1, 1): 13, dt.date(2024, 1, 2): 17}


def test_every_bad_row_is_reported_in_french():
    data = (
        b"date;tmin;tmax\n"
        b"01/01/2024;2;8\n"
        b"32/01/2024;2;8\n"
        b"02/01/2024;9;3\n"
        b"03/01/2024;froid;\n"
        b"01/01/2024;1;2\n"
    )
    values, errors = parse_degree_days(data, "t.csv", "temperatures")
    assert values == {}
    assert errors == [
        "Ligne 3 : la date « 32/01/2024 » n'existe pas.",
        "Ligne 4 : Tmin est supérieure à Tmax.",
        "Ligne 5 : Tmin « froid » n'est pas un nombre.",
        "Ligne 5 : Tmax manquant.",
        "Ligne 6 : le 01/01/2024 figure déjà ligne 2.",
    ]
    _values, errors = parse_degree_days(b"date;dju\n01/01/2024;-1\n", "d.csv", "daily")
    assert "négatif" in errors[0]
    _values, errors = parse_degree_days(b"date;valeur\n", "d.csv", "daily")
    assert "Colonnes manquantes" in errors[0]


def test_import_writes_nothing_on_error_then_upserts_idempotently(db, territory):
    department = territory.communes.first().department
    bad = b"date;dju\n01/01/2024;10\n02/01/2024;x\n"
    report = degree_days_import(data=bad, filename="d.csv", fmt="daily", zone_code="26")
    assert not report.ok
    assert not WeatherZone.objects.exists()
    assert not DegreeDay.objects.exists()
    good = b"date;dju\n01/01/2024;10\n02/01/2024;11\n"
    report = degree_days_import(
        data=good,
        filename="d.csv",
        fmt="daily",
        zone_code="26",
        zone_name="Drôme",
        departments=[department.code],
        source="Météo-France",
    )
    assert (report.created, report.updated) == (2, 0)
    assert zone_for_department(department.code).code == "26"
    again = degree_days_import(
        data=good, filename="d.csv", fmt="daily", zone_code="26", source="Météo-France"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = b"date;dju\n02/01/2024;12\n"
    report = degree_days_import(
        data=changed, filename="d.csv", fmt="daily", zone_code="26", source="Météo-France"
    )
    assert (report.created, report.updated) == (0, 1)
    assert DegreeDay.objects.get(day=dt.date(2024, 1, 2)).value == 12


def test_new_degree_days_invalidate_results_of_the_zone(db, territory):
    commune = territory.communes.first()
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=HouseholdFactory(commune=commune))
    degree_days_import(
        data=b"date;dju\n01/01/2024;10\n",
        filename="d.csv",
        fmt="daily",
        zone_code="Z",
        departments=[commune.department_id],
    )
    assert Challenge.objects.get(pk=challenge.pk).data_version == 1


def test_unknown_departments_are_refused(db):
    report = degree_days_import(
        data=b"date;dju\n01/01/2024;10\n",
        filename="d.csv",
        fmt="daily",
        zone_code="Z",
        departments=["999"],
    )
    assert "Départements inconnus : 999." in report.errors


def test_the_command(db, tmp_path, capsys):
    path = tmp_path / "dju.csv"
    path.write_text("mois;dju\n01/2024;310\n", encoding="utf-8")
    call_command(
        "import_degree_days",
        str(path),
        "--zone",
        "26",
        "--format",
        "monthly",
        "--zone-name",
        "Drôme (26)",
        "--source",
        "Test",
    )
    assert "31 jour(s) créé(s)" in capsys.readouterr().out
    assert WeatherZone.objects.get(code="26").name == "Drôme (26)"
    path.write_text("mois;dju\n13/2024;310\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_degree_days", str(path), "--zone", "26", "--format", "monthly")
