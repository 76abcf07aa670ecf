"""The readings import takes the ODS files LibreOffice writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from challenges.models import Theme
from elan.tabular import ods_file
from measures.imports import data_import, import_preview
from measures.models import Reading
from tests.factories import ChallengeFactory, HouseholdFactory, MeterFactory, RegistrationFactory
from tests.tabular.samples import (
    TRAILING_CELLS,
    TRAILING_ROWS,
    date_cell,
    float_cell,
    ods,
    row,
    sheet,
    text_cell,
)

D1 = timezone.localdate() - dt.timedelta(days=20)
D2 = timezone.localdate() - dt.timedelta(days=5)


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, themes=[Theme.ENERGY])


@pytest.fixture
def martin(challenge):
    household = HouseholdFactory(
        name="Famille Martin", commune=challenge.territory.communes.first()
    )
    RegistrationFactory(challenge=challenge, household=household)
    return MeterFactory(household=household, label="Compteur gaz")


def hand_built() -> bytes:
    """Two sheets; the index of the second reading is a formula; the « type »
    cell is merged over both readings (the second reads empty: a reading)."""
    header = row(
        *(text_cell(h) for h in ["Foyer", "Compteur", "Date", "Index", "Type"]), TRAILING_CELLS
    )
    first = row(
        text_cell("Famille Martin"),
        text_cell("Compteur gaz"),
        date_cell(D1.isoformat(), D1.strftime("%d/%m/%Y")),
        float_cell("1000.5", "1 000,5"),
        text_cell("releve", number_rows_spanned="2"),
        TRAILING_CELLS,
    )
    second = row(
        text_cell("Famille Martin"),
        text_cell("Compteur gaz"),
        date_cell(D2.isoformat(), D2.strftime("%d/%m/%Y")),
        float_cell("1010", "1 010", formula="of:=[.D2]+9.5"),
        "<table:covered-table-cell/>",
        TRAILING_CELLS,
    )
    notes = sheet("Notes", row(text_cell("Relevés de janvier, saisis par la mairie")))
    return ods(sheet("Relevés", header, first, second, TRAILING_ROWS), notes)


def test_an_ods_written_by_the_kit_is_imported(challenge, martin):
    data = ods_file(
        ["foyer", "compteur", "date", "index"],
        [
            ["Famille Martin", "Compteur gaz", D1, Decimal("1000.5")],
            ["Famille Martin", "Compteur gaz", D2, 1010],
        ],
        sheet="Relevés",
    )
    report = data_import(
        challenge=challenge, kind="releves", data=data, filename="r.ods", user=None
    )
    assert report.created == 2
    assert sorted(Reading.objects.values_list("read_on", "value")) == [
        (D1, Decimal("1000.5")),
        (D2, Decimal("1010")),
    ]


def test_a_libreoffice_file_with_formulas_a_merged_cell_and_two_sheets(challenge, martin):
    report = import_preview(
        challenge=challenge, kind="releves", data=hand_built(), filename="releves.ods"
    )
    assert report.ok, report.error_rows
    assert report.sheet == "Relevés"
    assert report.warnings == [
        "Le classeur a 2 feuilles : seule « Relevés » a été lue (autres : « Notes »).",
        "Une cellule fusionnée (ligne 2) : seule sa première case porte la valeur, les cases "
        "qu'elle recouvre sont lues vides.",
    ]
    assert [r.values for r in report.rows] == [
        ["Famille Martin", "Compteur gaz", D1.isoformat(), "1000.5", "releve"],
        ["Famille Martin", "Compteur gaz", D2.isoformat(), "1010", ""],
    ]
    report = data_import(
        challenge=challenge, kind="releves", data=hand_built(), filename="releves.ods", user=None
    )
    assert report.created == 2
    assert Reading.objects.get(read_on=D2).value == Decimal("1010")


def test_the_organiser_imports_an_ods_through_the_page(
    client, organiser, challenge, martin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    url = reverse("measures:import", args=[challenge.territory.slug, challenge.slug])
    page = client.get(url).content.decode()
    assert 'accept=".csv,.xlsx,.ods,' in page
    assert "LibreOffice" in page
    upload = SimpleUploadedFile(
        "releves.ods", hand_built(), content_type="application/vnd.oasis.opendocument.spreadsheet"
    )
    response = client.post(url, {"kind": "releves", "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "seule « Relevés » a été lue" in html
    assert "cellule fusionnée" in html
    response = client.post(url, {"token": response.context["token"]}, follow=True)
    assert "2 lignes importées" in response.content.decode()
    assert Reading.objects.count() == 2
