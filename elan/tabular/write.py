"""The one writer of every CSV, XLSX and ODS file Élan produces.

A text cell starting with « = », « + », « - », « @ », a tab or a carriage
return is prefixed with « ' » (`neutralise`), so that no spreadsheet runs a
formula put in a household name or an open answer; the kit's import removes
the prefix again (`unneutralise`). Numbers given as numbers (int, float,
Decimal) stay numbers, dates stay dates.

CSV is what a French Excel opens with a double click: UTF-8 with a byte order
mark, « ; » between cells, CRLF, decimal comma, dates JJ/MM/AAAA.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from elan.tabular.cells import neutralise
from elan.tabular.ods import ods_bytes

Format = Literal["csv", "xlsx", "ods"]
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
BOM = "\ufeff"
# XML 1.0 cannot hold these (XLSX and ODS are XML): they are dropped there.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def _plain(value: Any) -> Any:
    """A cell as the three formats write it: None, bool, int, a finite float
    or Decimal, date, naive local datetime, or neutralised text."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | dt.date):
        return value
    if isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        return value if finite else str(value)
    return neutralise(str(value))


# --- CSV ------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        return format(number, "f").replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Echo:
    """A file whose write returns the line: csv.writer then yields text."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV, line by line (the first one starting with the byte order mark):
    for a StreamingHttpResponse, or joined into one text."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    return "".join(csv_lines(header, rows))


def data_csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV for programs, not for a spreadsheet (open data, with a Table
    Schema): comma-separated, UTF-8 without byte order mark, numbers with a
    point, ISO 8601 dates, true/false, empty for none; the text as it is."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float | Decimal):
            number = Decimal(repr(value)) if isinstance(value, float) else value
            return format(number, "f") if number.is_finite() else ""
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return str(value)

    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def streaming_csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download written as `rows` is consumed (a queryset iterator)."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type=CONTENT_TYPES["csv"],
    )
    response["Content-Disposition"] = content_disposition_header(True, _named(filename, "csv"))
    return response


# --- XLSX and ODS -----------------------------------------------------------------


def _xml_value(value: Any) -> Any:
    value = _plain(value)
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def sheet_title(name: str) -> str:
    """A sheet name both Excel and LibreOffice accept (31 characters, no []:*?/\\')."""
    return _SHEET_FORBIDDEN.sub(" ", _NOT_XML.sub("", name)).strip()[:31] or _("Données")


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet: str = "") -> bytes:
    from openpyxl import Workbook  # imported here: only XLSX exports need it
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_title(sheet))

    def cells(values: Sequence[Any]) -> list[Any]:
        out = []
        for value in map(_xml_value, values):
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            out.append(cell)
        return out

    worksheet.append(cells(header))
    for row in rows:
        worksheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet: str = "") -> bytes:
    table = [[_xml_value(v) for v in header], *([_xml_value(v) for v in row] for row in rows)]
    width = max(len(row) for row in table)
    return ods_bytes(table, sheet=sheet_title(sheet), width=width)


# --- Downloads ------------------------------------------------------------------


def _named(filename: str, fmt: str) -> str:
    return filename if filename.lower().endswith(f".{fmt}") else f"{filename}.{fmt}"


def table_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: Format = "csv", *, sheet: str = ""
) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, sheet=sheet)
    if fmt == "ods":
        return ods_file(header, rows, sheet=sheet)
    if fmt == "csv":
        return csv_text(header, rows).encode("utf-8")
    raise ValueError(f"unknown table format {fmt!r}")


def table_response(
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    fmt: Format = "csv",
    *,
    sheet: str = "",
) -> HttpResponse:
    """A download of the table as CSV, XLSX or ODS, named `filename` (the
    extension is added when missing)."""
    response = HttpResponse(
        table_bytes(header, rows, fmt, sheet=sheet), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(True, _named(filename, fmt))
    return response
