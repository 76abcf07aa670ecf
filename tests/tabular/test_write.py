"""The one writer: formulas neutralised in CSV, XLSX and ODS, numbers kept numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from elan import tabular
from elan.tabular import neutralise, read_table, table_bytes, table_response, unneutralise

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1:A2)", "\tx", "\rx"]
HEADER = ["texte", "entier", "décimal", "réel", "date", "vide"]
NUMBERS = [3, Decimal("1000.25"), -2.5, dt.date(2026, 1, 15), None]
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def rows() -> list[list[object]]:
    return [[payload, *NUMBERS] for payload in PAYLOADS]


def test_neutralise_prefixes_formula_starts_and_unneutralise_reverts_it():
    for payload in PAYLOADS:
        assert neutralise(payload) == "'" + payload
        assert unneutralise(neutralise(payload)) == payload
    for harmless in ["Famille Martin", "", "'déjà cité", "1 000,5", "a=b"]:
        assert neutralise(harmless) == harmless
        assert unneutralise(harmless) == harmless


def test_csv_neutralises_text_and_writes_french_numbers():
    text = table_bytes(HEADER, rows(), "csv").decode("utf-8")
    assert text.startswith("\ufefftexte;entier;")
    assert "\r\n" in text
    parsed = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [r[0] for r in parsed[1:]] == ["'" + p for p in PAYLOADS]
    assert parsed[1][1:] == ["3", "1000,25", "-2,5", "15/01/2026", ""]


def test_xlsx_neutralises_text_and_keeps_numbers_and_dates():
    workbook = load_workbook(io.BytesIO(table_bytes(HEADER, rows(), "xlsx")))
    sheet = workbook.active
    texts = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(PAYLOADS))]
    assert all(cell.data_type == "s" for cell in texts)
    assert [c.value for c in texts][:5] == ["'" + p for p in PAYLOADS[:5]]
    assert texts[5].value.startswith("'")  # XML reads « \r » back as « \n »
    numbers = [sheet.cell(row=2, column=c) for c in range(2, 5)]
    assert [c.data_type for c in numbers] == ["n", "n", "n"]
    assert [c.value for c in numbers] == [3, 1000.25, -2.5]
    day = sheet.cell(row=2, column=5)
    assert day.is_date
    assert day.value == dt.datetime.combine(dt.date(2026, 1, 15), dt.time())
    assert day.number_format == "DD/MM/YYYY"


def test_ods_neutralises_text_and_keeps_numbers_and_dates():
    data = table_bytes(HEADER, rows(), "ods", sheet="Résultats")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert "META-INF/manifest.xml" in archive.namelist()
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 (our own file)
    table = root.find(f".//{TABLE}table")
    assert table.get(f"{TABLE}name") == "Résultats"
    first_row = table.findall(f"{TABLE}table-row")[1]
    cells = first_row.findall(f"{TABLE}table-cell")
    assert [c.get(f"{OFFICE}value-type") for c in cells] == [
        "string",
        "float",
        "float",
        "float",
        "date",
        None,
    ]
    assert [c.get(f"{OFFICE}value") for c in cells[1:4]] == ["3", "1000.25", "-2.5"]
    assert cells[4].get(f"{OFFICE}date-value") == "2026-01-15"
    read_back = read_table(data, "x.ods")
    assert [r.values[0] for r in read_back.rows][:5] == ["'" + p for p in PAYLOADS[:5]]
    assert read_back.rows[5].values[0] == "'\nx"  # ODF has no carriage return: a new line
    assert read_back.rows[0].values[1:] == ["3", "1000.25", "-2.5", "2026-01-15", ""]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_what_is_written_reads_back(fmt):
    written = [["Famille  Martin", 12], ["Ligne 1\nLigne 2", 0.5], ["=1+1", None]]
    table = read_table(table_bytes(["foyer", "kg"], written, fmt), f"x.{fmt}")
    values = [[unneutralise(r.get("foyer")), r.get("kg")] for r in table.rows]
    assert values == [
        ["Famille  Martin", "12"],
        ["Ligne 1\nLigne 2", "0,5" if fmt == "csv" else "0.5"],
        ["=1+1", ""],
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_characters_xml_cannot_hold_are_dropped_not_a_500(fmt):
    data = table_bytes(["nom\x01"], [["a\x00b\x1fc"]], fmt)
    assert read_table(data, f"x.{fmt}").rows[0].values == ["abc"]


def test_aware_datetimes_are_written_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    when = dt.datetime(2026, 1, 15, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert tabular.csv_cell(when) == "15/01/2026 10:30"
    sheet = load_workbook(io.BytesIO(table_bytes(["quand"], [[when]], "xlsx"))).active
    assert sheet.cell(row=2, column=1).value == dt.datetime.combine(when.date(), dt.time(10, 30))
    ods_values = read_table(table_bytes(["quand"], [[when]], "ods"), "x.ods").rows[0].values
    assert ods_values == ["2026-01-15 10:30"]


def test_odd_numbers_do_not_break_a_workbook():
    odd = [[float("nan"), Decimal("NaN"), float("inf"), Decimal("1E+40"), True, False, 10**20]]
    for fmt in ("csv", "xlsx", "ods"):
        table = read_table(table_bytes(list("abcdefg"), odd, fmt), f"x.{fmt}")
        assert len(table.rows) == 1


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_table_response_is_a_named_download(fmt, content_type):
    response = table_response("résultats-hiver", ["a"], [["=1"]], fmt)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''r%C3%A9sultats-hiver.{fmt}"
    )
    assert read_table(response.content, f"x.{fmt}").rows[0].values == ["'=1"]
    plain = table_response(f"export.{fmt}", ["a"], [], fmt)
    assert plain["Content-Disposition"] == f'attachment; filename="export.{fmt}"'


def test_the_streaming_csv_is_written_as_it_is_read():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [f"@{n}", n]

    response = tabular.streaming_csv_response("flux.csv", ["nom", "n"], rows())
    assert consumed == []
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeffnom;n\r\n'@0;0\r\n'@1;1\r\n'@2;2\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
