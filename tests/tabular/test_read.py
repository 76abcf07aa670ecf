"""Reading CSV and XLSX, finding the format, and refusing what cannot be read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from elan import tabular
from elan.tabular import FileError, read_table
from elan.tabular import read as read_module
from tests.tabular.samples import float_cell, ods, row, sheet, text_cell


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A naive datetime, as a workbook holds it."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time(hour, minute))


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title)
        for values in rows:
            worksheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Foyer;Index\nMartin;1 000,5\n", "utf-8"),
        ('\ufeffFoyer,Index\nMartin,"1 000,5"\n', "utf-8"),
        ("Foyer\tIndex\r\nMartin\t1 000,5\r\n", "cp1252"),
    ],
)
def test_csv_with_any_separator_and_encoding(text, encoding):
    table = read_table(text.encode(encoding), "f.csv")
    assert table.columns == ["foyer", "index"]
    assert [(r.line, r.get("foyer"), r.get("index")) for r in table.rows] == [
        (2, "Martin", "1 000,5")
    ]
    assert table.sheet == ""
    assert table.warnings == []


def test_csv_line_numbers_count_the_empty_lines():
    table = read_table(b"\n\nfoyer;index\n;\nMartin;3\n", "f.csv")
    assert table.header_line == 3
    assert [r.line for r in table.rows] == [5]


def test_xlsx_dates_numbers_and_several_sheets():
    data = xlsx(
        (
            "Relevés",
            [
                ["Foyer", "Date", "Index", "Heure"],
                ["Martin", at(2026, 1, 15), 1000.0, at(2026, 1, 15, 10, 30)],
                [None, None, None, None],
                ["Durand", dt.date(2026, 2, 1), 12.25, None],
            ],
        ),
        ("Notes", [["rien"]]),
    )
    table = read_table(data, "r.xlsx")
    assert [(r.line, r.values) for r in table.rows] == [
        (2, ["Martin", "2026-01-15", "1000", "2026-01-15 10:30"]),
        (4, ["Durand", "2026-02-01", "12.25", ""]),
    ]
    assert table.sheets == ["Relevés", "Notes"]
    assert "seule « Relevés » a été lue (autres : « Notes »)" in table.warnings[0]
    assert read_table(data, "r.xlsx", sheet="Notes").headers == ["rien"]
    with pytest.raises(FileError, match="pas de feuille « 3 »"):
        read_table(data, "r.xlsx", sheet=3)


def test_the_content_decides_the_format_not_the_extension():
    workbook = xlsx(("F", [["foyer"], ["Martin"]]))
    spreadsheet = ods(sheet("F", row(text_cell("foyer")), row(text_cell("Martin"))))
    for data in (workbook, spreadsheet):
        for name in ("export.csv", "export.ods", "export.xlsx", "sans-extension"):
            assert read_table(data, name).rows[0].get("foyer") == "Martin"


def test_values_under_no_header_are_reported():
    table = read_table(b"foyer;;\nMartin;x;y\n", "f.csv")
    assert table.rows[0].cells == {"foyer": "Martin"}
    assert table.warnings == [
        "Les colonnes B, C n'ont pas de nom dans la première ligne : leurs valeurs sont ignorées."
    ]


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "f.csv", "Le fichier est vide"),
        (b" \r\n\t", "f.ods", "Le fichier est vide"),
        (b";;;\n;;\n", "f.csv", "Le fichier est vide"),
        (b"PK\x03\x04garbage", "f.csv", "pas un classeur XLSX ou ODS lisible"),
        (b"foyer;index\n", "f.xlsx", "« f.xlsx » n'est pas un classeur XLSX ou ODS lisible"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "f.xlsx", "protégé par un mot de passe"),
        (
            zipped(mimetype=b"application/vnd.oasis.opendocument.text"),
            "f.ods",
            "n'est pas un classeur",
        ),
        (zipped(readme=b"hello"), "f.zip", "ni un classeur XLSX ni un classeur ODS"),
        (zipped(**{"[Content_Types].xml": b"<x/>", "xl__workbook.xml": b"<"}), "f.xlsx", "XLSX"),
        (b"\x81\x8d\x8f\x90\x9d", "f.csv", "encodage inconnu"),
        (b'a;b\n"' + b"x" * 200_000 + b'";1\n', "f.csv", "CSV est mal formé"),
    ],
)
def test_unreadable_files_are_file_errors_in_french(data, name, message):
    with pytest.raises(FileError, match=message):
        read_table(data, name)


def test_a_file_over_10_mb_is_refused():
    with pytest.raises(FileError, match="dépasse 10 Mo"):
        read_table(b"a;b\n" + b"1;2\n" * (3 * 1024 * 1024), "f.csv")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_UNPACKED", 1024 * 1024)
    bomb = ods(sheet("F", row(text_cell("a" * 2 * 1024 * 1024))))
    assert len(bomb) < 50_000
    with pytest.raises(FileError, match="décompressé dépasse 1 Mo"):
        read_table(bomb, "bomb.ods")


def test_an_encrypted_zip_member_is_refused():
    data = bytearray(ods(sheet("F", row(text_cell("a")), row(float_cell("1")))))
    # Set the "encrypted" flag of every member, as a password-protected zip does.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + offset] |= 0x1
            start += 4
    with pytest.raises(FileError, match="protégé par un mot de passe"):
        read_table(bytes(data), "f.ods")


def test_more_than_50_000_rows_are_refused():
    data = b"foyer\n" + b"x\n" * (tabular.MAX_ROWS + 1)
    with pytest.raises(FileError, match="plus de"):
        read_table(data, "f.csv")
