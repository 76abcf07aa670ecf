"""Reading ODS files as LibreOffice writes them."""

from __future__ import annotations

import tracemalloc

import pytest

from elan.tabular import FileError, read_table
from tests.tabular.samples import (
    MANIFEST,
    TRAILING_CELLS,
    TRAILING_ROWS,
    content,
    date_cell,
    float_cell,
    ods,
    row,
    sheet,
    text_cell,
)

HEADER = row(text_cell("Foyer"), text_cell("Index"), TRAILING_CELLS)


def test_it_reads_the_first_sheet_with_its_line_numbers():
    data = ods(
        sheet(
            "Relevés",
            row(TRAILING_CELLS, repeated=2),  # two empty lines above the header
            HEADER,
            row(text_cell("Famille Martin"), float_cell("1000.5", "1000,5"), TRAILING_CELLS),
            row(TRAILING_CELLS),
            row(text_cell("Famille Durand"), float_cell("12"), TRAILING_CELLS),
            TRAILING_ROWS,
        )
    )
    table = read_table(data, "releves.ods")
    assert table.headers == ["Foyer", "Index"]
    assert table.columns == ["foyer", "index"]
    assert [(r.line, r.values) for r in table.rows] == [
        (4, ["Famille Martin", "1000.5"]),
        (6, ["Famille Durand", "12"]),
    ]
    assert table.sheet == "Relevés"
    assert table.warnings == []


def test_a_trailing_million_empty_rows_costs_nothing():
    data = ods(sheet("Feuille1", HEADER, row(text_cell("A"), float_cell("1")), TRAILING_ROWS))
    tracemalloc.start()
    table = read_table(data, "x.ods")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(table.rows) == 1
    assert peak < 5 * 1024 * 1024


def test_repeated_cells_and_rows_are_expanded_when_they_hold_values():
    data = ods(
        sheet(
            "Feuille1",
            row(text_cell("a"), text_cell("b"), text_cell("c")),
            row(text_cell("x", number_columns_repeated="2"), float_cell("3")),
            row(
                '<table:table-cell table:number-columns-repeated="2"/>',
                text_cell("y"),
                repeated=3,
            ),
        )
    )
    table = read_table(data, "x.ods")
    assert [(r.line, r.values) for r in table.rows] == [
        (2, ["x", "x", "3"]),
        (3, ["", "", "y"]),
        (4, ["", "", "y"]),
        (5, ["", "", "y"]),
    ]


def test_formulas_give_their_cached_value_never_evaluated():
    data = ods(
        sheet(
            "Feuille1",
            row(text_cell("somme"), text_cell("texte"), text_cell("erreur")),
            row(
                float_cell("3", formula="of:=[.A1]+[.A2]"),
                '<table:table-cell table:formula="of:=CONCATENATE(&quot;a&quot;;&quot;b&quot;)" '
                'office:value-type="string" office:string-value="ab"><text:p>ab</text:p>'
                "</table:table-cell>",
                '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
                'office:string-value=""><text:p>#DIV/0!</text:p></table:table-cell>',
            ),
        )
    )
    assert read_table(data, "x.ods").rows[0].values == ["3", "ab", ""]


def test_dates_percentages_times_and_integer_floats():
    data = ods(
        sheet(
            "Feuille1",
            row(*(text_cell(h) for h in ["date", "datetime", "pct", "n", "heure", "petit"])),
            row(
                date_cell("2026-01-15", "15/01/2026"),
                date_cell("2026-01-15T10:30:00", "15/01/2026 10:30"),
                '<table:table-cell office:value-type="percentage" office:value="0.25">'
                "<text:p>25 %</text:p></table:table-cell>",
                float_cell("1200.0", "1 200"),
                '<table:table-cell office:value-type="time" office:time-value="PT10H30M00S">'
                "<text:p>10:30</text:p></table:table-cell>",
                float_cell("1E-7", "0"),
            ),
        )
    )
    assert read_table(data, "x.ods").rows[0].values == [
        "2026-01-15",
        "2026-01-15 10:30",
        "0.25",
        "1200",
        "10:30:00",
        "0.0000001",
    ]


def test_text_keeps_its_spaces_tabs_and_lines_but_not_comments():
    cell = (
        '<table:table-cell office:value-type="string">'
        "<office:annotation><dc:creator>Moi</dc:creator><text:p>un commentaire</text:p>"
        "</office:annotation>"
        '<text:p>Rue  <text:span>des</text:span><text:s text:c="2"/>Lilas</text:p>'
        "<text:p>bis<text:tab/>A<text:line-break/>fin</text:p></table:table-cell>"
    )
    data = ods(sheet("Feuille1", row(text_cell("adresse")), row(cell)))
    assert read_table(data, "x.ods").rows[0].values == ["Rue des  Lilas\nbis\tA\nfin"]


def test_a_merged_cell_has_its_value_in_the_first_cell_and_says_so():
    data = ods(
        sheet(
            "Feuille1",
            row(
                text_cell("Foyer", number_columns_spanned="2"),
                "<table:covered-table-cell/>",
                text_cell("Index"),
            ),
            row(
                text_cell("Martin", number_rows_spanned="2"),
                text_cell("gaz"),
                float_cell("10"),
            ),
            row(
                "<table:covered-table-cell><text:p>caché</text:p></table:covered-table-cell>",
                text_cell("eau"),
                float_cell("20"),
            ),
        )
    )
    table = read_table(data, "x.ods")
    assert table.headers == ["Foyer", "", "Index"]
    assert [r.values for r in table.rows] == [["Martin", "gaz", "10"], ["", "eau", "20"]]
    assert "L'en-tête « Foyer » est une cellule fusionnée sur 2 colonnes" in table.warnings[0]
    assert "Une cellule fusionnée (ligne 2)" in table.warnings[1]
    assert "La colonne B n'a pas de nom" in table.warnings[2]


def test_several_sheets_the_first_is_read_and_the_others_named():
    data = ods(
        sheet("Notice", row(text_cell("Lisez-moi"))),
        sheet("Relevés", HEADER, row(text_cell("Martin"), float_cell("1"))),
    )
    table = read_table(data, "x.ods")
    assert table.sheet == "Notice"
    assert table.sheets == ["Notice", "Relevés"]
    assert table.warnings == [
        "Le classeur a 2 feuilles : seule « Notice » a été lue (autres : « Relevés »)."
    ]
    chosen = read_table(data, "x.ods", sheet="Relevés")
    assert chosen.sheet == "Relevés"
    assert [r.values for r in chosen.rows] == [["Martin", "1"]]
    assert read_table(data, "x.ods", sheet=1).sheet == "Relevés"
    with pytest.raises(
        FileError, match="pas de feuille « Pesées » \\(feuilles : Notice, Relevés\\)"
    ):
        read_table(data, "x.ods", sheet="Pesées")


def test_an_empty_first_sheet_names_the_others():
    data = ods(sheet("Vide", TRAILING_ROWS), sheet("Relevés", HEADER))
    with pytest.raises(FileError, match="La feuille « Vide » est vide"):
        read_table(data, "x.ods")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ods(sheet("Feuille1")), "Le fichier est vide"),
        (ods(), "aucune feuille"),
        (ods(content_xml=b"<office:document-content"), "endommagé"),
        (ods(content_xml=b"\x00\x01binaire"), "endommagé"),
        (
            ods(
                sheet("F", HEADER),
                manifest=MANIFEST.replace(
                    "</manifest:manifest>",
                    "<manifest:file-entry manifest:full-path='content.xml'>"
                    "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
                ),
            ),
            "protégé par un mot de passe",
        ),
    ],
)
def test_broken_files_are_file_errors(data, message):
    with pytest.raises(FileError, match=message):
        read_table(data, "x.ods")


def test_a_doctype_is_refused_so_no_entity_is_expanded():
    laughs = (
        '<!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    data = ods(content_xml=content(sheet("F", row(text_cell("&c;"))), prolog=laughs))
    with pytest.raises(FileError, match="endommagé"):
        read_table(data, "x.ods")


def test_values_far_to_the_right_or_too_many_rows_are_refused():
    wide = ods(sheet("F", row(text_cell("a"), TRAILING_CELLS, text_cell("loin"))))
    with pytest.raises(FileError, match="au-delà de la colonne 1000"):
        read_table(wide, "x.ods")
    tall = ods(sheet("F", HEADER, row(text_cell("x"), float_cell("1"), repeated=60_000)))
    with pytest.raises(FileError, match="plus de 50000 lignes"):
        read_table(tall, "x.ods")
