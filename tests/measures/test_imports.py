"""Import (dry run, then all or nothing) and export of readings and weighings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from challenges.models import Challenge, Theme
from measures.imports import ImportRejected, data_export, data_import, import_preview
from measures.models import Reading, Weighing
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    UserFactory,
    WeighingFactory,
)


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


D1 = today() - dt.timedelta(days=20)
D2 = today() - dt.timedelta(days=5)


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, themes=[Theme.ENERGY, Theme.WATER, Theme.WASTE])


@pytest.fixture
def martin(challenge):
    household = HouseholdFactory(
        name="Famille Martin", commune=challenge.territory.communes.first()
    )
    UserFactory(email="martin@example.org", household=household)
    registration = RegistrationFactory(challenge=challenge, household=household)
    MeterFactory(household=household, label="Compteur gaz")
    return registration


def readings_csv(*lines: str) -> bytes:
    return ("foyer;compteur;date;index;type\n" + "\n".join(lines) + "\n").encode()


def test_it_lists_every_row_error_and_writes_nothing(challenge, martin):
    ReadingFactory(meter=martin.household.meters.get(), read_on=D1, value=1000)
    data = readings_csv(
        "Famille Martin;Compteur gaz;31/02/2026;1010;",  # no 31 February
        f"Famille Inconnue;Compteur gaz;{fr(D2)};1010;",
        f"Famille Martin;Compteur eau;{fr(D2)};1010;",
        f"Famille Martin;Compteur gaz;{fr(D2)};990;",  # lower than 1000 on D1
        f"Famille Martin;Compteur gaz;{fr(D2)};mille;",
        ";;;;",  # an empty line is skipped
        ";Compteur gaz;;;",
    )
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    errors = {row.line: " ".join(row.errors) for row in report.rows}
    assert "n'existe pas" in errors[2]
    assert "inconnu dans ce défi" in errors[3]
    assert "pas de compteur « Compteur eau »" in errors[4]
    assert "inférieur au relevé du" in errors[5]
    assert "n'est pas un nombre" in errors[6]
    assert 7 not in errors
    assert "foyer manquant" in errors[8]
    assert "date manquante" in errors[8]
    assert "index manquant" in errors[8]
    assert report.error_count == 6
    assert not report.ok
    assert Reading.objects.count() == 1
    with pytest.raises(ImportRejected):
        data_import(challenge=challenge, kind="releves", data=data, filename="r.csv", user=None)
    assert Reading.objects.count() == 1


def test_a_decreasing_index_is_accepted_as_a_replacement_or_rollover(challenge, martin):
    ReadingFactory(meter=martin.household.meters.get(), read_on=D1, value=1000)
    data = readings_csv(f"Famille Martin;Compteur gaz;{fr(D2)};12;remplacement")
    report = data_import(
        challenge=challenge, kind="releves", data=data, filename="r.csv", user=None
    )
    assert report.created == 1
    assert Reading.objects.get(read_on=D2).kind == "remplacement"


def test_a_row_higher_than_the_next_saved_reading_is_refused(challenge, martin):
    ReadingFactory(meter=martin.household.meters.get(), read_on=D2, value=1000)
    data = readings_csv(f"Famille Martin;Compteur gaz;{fr(D1)};1200;")
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    assert "supérieur au relevé suivant" in report.rows[0].errors[0]


def test_it_imports_the_corrected_file_then_a_reimport_changes_nothing(challenge, martin):
    version = Challenge.objects.get(pk=challenge.pk).data_version
    bad = readings_csv(f"Famille Martin;Compteur gaz;{fr(D1)};1000,5;", "Martin;x;;;")
    assert not import_preview(challenge=challenge, kind="releves", data=bad, filename="r.csv").ok
    good = readings_csv(
        f"Famille Martin;Compteur gaz;{fr(D1)};1 000,5;",
        f"martin@example.org;Compteur gaz;{D2.isoformat()};1010;releve",
    ).replace(b"foyer;", b"foyer;email;".replace(b";email", b""))
    good = (
        "foyer;email;compteur;date;index\n"
        f"Famille Martin;;Compteur gaz;{fr(D1)};1 000,5\n"
        f";martin@example.org;Compteur gaz;{D2.isoformat()};1010\n"
    ).encode()
    user = UserFactory()
    report = data_import(
        challenge=challenge, kind="releves", data=good, filename="r.csv", user=user
    )
    assert report.created == 2
    assert sorted(Reading.objects.values_list("value", flat=True)) == [
        Decimal("1000.5"),
        Decimal("1010"),
    ]
    assert Reading.objects.filter(entered_by=user, client_key__startswith="imp-").count() == 2
    assert Challenge.objects.get(pk=challenge.pk).data_version > version
    again = data_import(challenge=challenge, kind="releves", data=good, filename="r.csv", user=user)
    assert again.created == 0
    assert again.present_count == 2
    assert Reading.objects.count() == 2


def test_an_export_reimported_changes_nothing(challenge, martin):
    meter = martin.household.meters.get()
    ReadingFactory(meter=meter, read_on=D1, value=Decimal("1000.250"))
    ReadingFactory(meter=meter, read_on=D2, value=Decimal("1100"))
    twin = HouseholdFactory(name="Famille Martin", commune=martin.household.commune)
    RegistrationFactory(challenge=challenge, household=twin)
    ReadingFactory(meter=MeterFactory(household=twin, label="Compteur gaz"), read_on=D1, value=5)
    WeighingFactory(registration=martin, weighed_on=D1, flow="omr", kg=Decimal("3.5"))
    WeighingFactory(registration=martin, weighed_on=D1, flow="omr", kg=Decimal("3.5"))
    readings = data_export(challenge=challenge, kind="releves")
    assert readings.splitlines()[0] == "\ufefffoyer;compteur;registre;date;index;type"
    # Two households share the name: both are named by their number.
    assert f"{martin.household_id};Compteur gaz;base;{fr(D1)};1000,25;releve" in readings
    assert f"{twin.pk};Compteur gaz;base;{fr(D1)};5;releve" in readings
    weighings = data_export(challenge=challenge, kind="pesees")
    assert weighings.count(f"{martin.household_id};{fr(D1)};omr;3,5") == 2
    for kind, text in (("releves", readings), ("pesees", weighings)):
        report = data_import(
            challenge=challenge, kind=kind, data=text.encode(), filename="e.csv", user=None
        )
        assert report.created == 0, kind
    assert Reading.objects.count() == 3
    assert Weighing.objects.count() == 2


def test_a_third_identical_weighing_is_new(challenge, martin):
    WeighingFactory(registration=martin, weighed_on=D1, flow="omr", kg=3)
    data = (
        "foyer;date;flux;kg\n"
        f"Famille Martin;{fr(D1)};omr;3\n"
        f"Famille Martin;{fr(D1)};Ordures ménagères résiduelles;3,00\n"
    ).encode()
    report = data_import(challenge=challenge, kind="pesees", data=data, filename="p.csv", user=None)
    assert (report.present_count, report.created) == (1, 1)
    assert Weighing.objects.count() == 2
    again = data_import(challenge=challenge, kind="pesees", data=data, filename="p.csv", user=None)
    assert again.created == 0


def test_weighing_errors(challenge, martin):
    data = (
        "foyer;date;flux;kg\n"
        f"Famille Martin;{fr(challenge.starts_on - dt.timedelta(days=1))};omr;3\n"
        f"Famille Martin;{fr(D1)};plastique;3\n"
        f"Famille Martin;{fr(D1)};verre;-2\n"
        f"Famille Martin;{fr(D1)};verre;501\n"
        f"Famille Martin;{fr(today() + dt.timedelta(days=2))};verre;1\n"
    ).encode()
    report = import_preview(challenge=challenge, kind="pesees", data=data, filename="p.csv")
    messages = [" ".join(r.errors) for r in report.rows]
    assert "avant le début du défi" in messages[0]
    assert "flux « plastique » inconnu" in messages[1]
    assert "négatif" in messages[2]
    assert "au plus 500 kg" in messages[3]
    assert "dans le futur" in messages[4]


def test_it_reads_an_xlsx_workbook(challenge, martin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Foyer", "Compteur", "Date", "Index"])
    sheet.append(["Famille Martin", "Compteur gaz", dt.datetime.combine(D1, dt.time()), 1000.5])
    sheet.append(["Famille Martin", "Compteur gaz", fr(D2), "1010,25"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = data_import(
        challenge=challenge, kind="releves", data=buffer.getvalue(), filename="r.xlsx", user=None
    )
    assert report.created == 2
    assert sorted(Reading.objects.values_list("read_on", "value")) == [
        (D1, Decimal("1000.5")),
        (D2, Decimal("1010.25")),
    ]


def test_file_level_errors(db):
    challenge = ChallengeFactory(themes=[Theme.ENERGY])
    for data, message in [
        (b"", "vide"),
        (b"foyer;date\nA;01/01/2026\n", "Colonnes manquantes"),
        (b"PK\x03\x04garbage", "XLSX"),
    ]:
        report = import_preview(challenge=challenge, kind="releves", data=data, filename="f.csv")
        assert message in report.file_errors[0]
    report = import_preview(
        challenge=challenge, kind="pesees", data=b"foyer;date;flux;kg\n", filename="p.csv"
    )
    assert "pas de pesées" in report.file_errors[0]


def test_offpeak_meters_need_a_register(challenge, martin):
    MeterFactory(
        household=martin.household,
        label="Linky",
        carrier="electricite",
        unit="kWh",
        has_offpeak=True,
    )
    data = (
        "foyer;compteur;registre;date;index\n"
        f"Famille Martin;Linky;;{fr(D1)};100\n"
        f"Famille Martin;Linky;hc;{fr(D1)};50\n"
        f"Famille Martin;Compteur gaz;hp;{fr(D1)};50\n"
    ).encode()
    report = import_preview(challenge=challenge, kind="releves", data=data, filename="r.csv")
    assert [bool(r.errors) for r in report.rows] == [True, False, True]


# --- The view ----------------------------------------------------------------


def url(challenge, name="measures:import"):
    return reverse(name, args=[challenge.territory.slug, challenge.slug])


def upload(content: bytes, name: str = "releves.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_organiser_checks_then_imports_without_sending_the_file_again(
    client, organiser, challenge, martin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    bad = readings_csv(f"Famille Martin;Compteur gaz;{fr(D1)};beaucoup;")
    response = client.post(url(challenge), {"kind": "releves", "file": upload(bad)})
    assert response.status_code == 400
    assert "n&#x27;est pas un nombre" in response.content.decode()
    assert "Importer</button>" not in response.content.decode()
    good = readings_csv(f"Famille Martin;Compteur gaz;{fr(D1)};1000;")
    response = client.post(url(challenge), {"kind": "releves", "file": upload(good)})
    assert response.status_code == 200
    assert Reading.objects.count() == 0
    token = response.context["token"]
    assert (tmp_path / "imports" / f"{token}.upload").exists()
    response = client.post(url(challenge), {"token": token}, follow=True)
    assert "1 ligne importée" in response.content.decode()
    assert Reading.objects.count() == 1
    assert not (tmp_path / "imports" / f"{token}.upload").exists()
    # The same confirmation again: the file is gone, nothing more is written.
    response = client.post(url(challenge), {"token": token})
    assert response.status_code == 400
    assert Reading.objects.count() == 1


def test_the_upload_form_refuses_other_files(client, organiser, challenge):
    client.force_login(organiser)
    response = client.post(
        url(challenge), {"kind": "releves", "file": upload(b"x", name="photo.png")}
    )
    assert response.status_code == 400
    assert "fichier .csv ou .xlsx" in response.content.decode()


def test_the_export_is_a_csv_download(client, organiser, challenge, martin):
    ReadingFactory(meter=martin.household.meters.get(), read_on=D1, value=7)
    client.force_login(organiser)
    response = client.get(url(challenge, "measures:export") + "?type=releves")
    assert response["Content-Type"].startswith("text/csv")
    assert f"Famille Martin;Compteur gaz;base;{fr(D1)};7;releve" in response.content.decode()
    response = client.get(url(challenge, "measures:export") + "?type=pesees")
    assert response.content.decode().startswith("\ufefffoyer;date;flux;kg")


@pytest.mark.parametrize("households", [2, 30])
def test_the_dry_run_query_count_does_not_grow_with_rows(
    client, organiser, challenge, households, django_assert_max_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lines = []
    for n in range(households):
        household = HouseholdFactory(
            name=f"Foyer {n}", commune=challenge.territory.communes.first()
        )
        RegistrationFactory(challenge=challenge, household=household)
        meter = MeterFactory(household=household, label="Compteur gaz")
        ReadingFactory(meter=meter, read_on=D1 - dt.timedelta(days=10), value=10)
        lines.append(f"Foyer {n};Compteur gaz;{fr(D1)};20;")
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        response = client.post(
            url(challenge), {"kind": "releves", "file": upload(readings_csv(*lines))}
        )
    assert response.context["report"].new_count == households


# --- Random bad rows -----------------------------------------------------------

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "Famille Martin",
            "Compteur gaz",
            "",
            "31/02/2026",
            fr(D1),
            "-1",
            "1e9999",
            "NaN",
            "1,2,3",
            "=1+1",
        ]
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=6), min_size=1, max_size=6))
def test_random_bad_rows_never_raise_nor_write_a_partial_import(
    client, organiser, challenge, martin, rows, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    text = "foyer;compteur;date;index;type\n" + "\n".join(
        ";".join(c.replace(";", "").replace("\n", "").replace("\r", "").replace('"', "") for c in r)
        for r in rows
    )
    before = Reading.objects.count()
    client.force_login(organiser)
    response = client.post(url(challenge), {"kind": "releves", "file": upload(text.encode())})
    assert response.status_code in (200, 400)
    report = response.context["report"]
    if response.status_code == 200:
        response = client.post(url(challenge), {"token": response.context["token"]})
        assert response.status_code in (302, 400)
        assert Reading.objects.count() - before in (0, report.new_count)
    else:
        assert Reading.objects.count() == before
