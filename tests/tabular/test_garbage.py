"""Whatever bytes arrive, reading raises FileError or returns a table."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from elan.tabular import FileError, Table, read_table, table_bytes
from tests.tabular.samples import MIMETYPE, float_cell, ods, row, sheet, text_cell

NAMES = st.sampled_from(["f.csv", "f.xlsx", "f.ods", "f.txt", "f", "F.ODS"])
VALID = [
    ods(sheet("F", row(text_cell("foyer"), text_cell("n")), row(text_cell("a"), float_cell("1")))),
    table_bytes(["foyer", "n"], [["=a", 1]], "xlsx"),
    table_bytes(["foyer", "n"], [["=a", 1]], "ods"),
]


def read(data: bytes, name: str) -> None:
    message = "a table"
    try:
        assert isinstance(read_table(data, name), Table)
    except FileError as error:
        message = str(error)
    assert message.strip()


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000), name=NAMES)
def test_garbage_bytes(data, name):
    read(data, name)


@settings(max_examples=100, deadline=None)
@given(
    valid=st.sampled_from(VALID),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8)), max_size=4),
    name=NAMES,
)
def test_damaged_workbooks(valid, cuts, name):
    data = bytearray(valid)
    for offset, chunk in cuts:
        position = offset % len(data)
        data[position : position + len(chunk)] = chunk
    read(bytes(data), name)


@settings(max_examples=100, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=500),
        st.text(max_size=500).map(str.encode),
        st.builds(
            lambda cells: (
                "<office:document-content"
                ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
                ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                "<office:body><office:spreadsheet><table:table><table:table-row>"
                f"{cells}</table:table-row></table:table></office:spreadsheet></office:body>"
                "</office:document-content>"
            ).encode(),
            st.lists(
                st.sampled_from(
                    [
                        '<table:table-cell table:number-columns-repeated="abc"/>',
                        '<table:table-cell table:number-columns-repeated="-3"/>',
                        '<table:table-cell table:number-columns-repeated="99999999999999"'
                        ' office:value-type="float" office:value="1"/>',
                        '<table:table-cell office:value-type="float" office:value="x"/>',
                        '<table:table-cell office:value-type="float" office:value="1e999999"/>',
                        '<table:table-cell office:value-type="date" office:date-value="hier"/>',
                        '<table:table-cell office:value-type="time" office:time-value="PT"/>',
                        "<table:table-cell><text:p>a<text:s text:c='x'/></text:p></table:table-cell>",
                        "<table:covered-table-cell/>",
                        "<text:p>hors cellule</text:p>",
                    ]
                ),
                max_size=6,
            ).map("".join),
        ),
    ),
    mimetype=st.sampled_from([MIMETYPE, "application/x-unknown", ""]),
)
def test_zips_with_strange_members(content, mimetype):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
    read(buffer.getvalue(), "f.ods")
