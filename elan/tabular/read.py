"""Reading CSV and XLSX files into rows of text, and parsing French-style
cells (dates JJ/MM/AAAA or AAAA-MM-JJ, numbers with a decimal comma).

Shared by the imports of readings, weighings and degree days. Every parser
raises CellError with a French message; callers collect them per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person importing."""


class FileError(ValueError):
    """A file that cannot be read at all (format, encoding, columns)."""


@dataclass
class Row:
    line: int  # as the spreadsheet numbers it: the header is line 1
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def column_key(name: str) -> str:
    """« Compteur », « COMPTEUR » and « compteur  » are the same column;
    accents are ignored too (« Relevé » = « releve »)."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("Le fichier n'est pas un texte lisible (encodage inconnu)."))


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    # The header line has no decimal commas: its most frequent separator wins.
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise FileError(_("Le fichier CSV est mal formé : %(error)s") % {"error": error}) from error


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported here: only XLSX imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileError(_("Le fichier n'est pas un classeur XLSX lisible.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[Row]]:
    """The normalised column names and the non-empty rows of a CSV or XLSX file."""
    if len(data) > MAX_BYTES:
        raise FileError(_("Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers."))
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    raw = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    header_index = next((i for i, r in enumerate(raw) if any(c.strip() for c in r)), None)
    if header_index is None:
        raise FileError(_("Le fichier est vide."))
    columns = [column_key(c) for c in raw[header_index]]
    rows = []
    for offset, values in enumerate(raw[header_index + 1 :], start=header_index + 2):
        if not any(v.strip() for v in values):
            continue
        cells = {
            column: values[i] if i < len(values) else ""
            for i, column in enumerate(columns)
            if column
        }
        rows.append(Row(line=offset, cells=cells))
    if len(rows) > MAX_ROWS:
        raise FileError(
            _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS}
        )
    return columns, rows


def require_columns(columns: Iterable[str], *groups: tuple[str, ...]) -> None:
    """Each group lists accepted names of one required column."""
    present = set(columns)
    missing = [" ou ".join(group) for group in groups if not present.intersection(group)]
    if missing:
        raise FileError(
            _("Colonnes manquantes : %(columns)s. Consultez le modèle de fichier.")
            % {"columns": ", ".join(missing)}
        )


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_FRENCH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    if not text:
        raise CellError(_("date manquante"))
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _FRENCH.match(text)
        if not match:
            raise CellError(
                _("date « %(value)s » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")
                % {"value": text[:40]}
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise CellError(_("la date « %(value)s » n'existe pas") % {"value": text[:40]}) from error


_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")
_MONTH_FRENCH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


def parse_month(text: str) -> dt.date:
    """A month written MM/AAAA or AAAA-MM (or its first day); returns that first day."""
    text = text.strip()
    if not text:
        raise CellError(_("mois manquant"))
    match = _MONTH_ISO.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _MONTH_FRENCH.match(text) or re.match(r"^01/(\d{1,2})/(\d{4})$", text)
        if not match:
            raise CellError(
                _("mois « %(value)s » illisible (attendu MM/AAAA ou AAAA-MM)")
                % {"value": text[:40]}
            )
        month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise CellError(_("le mois « %(value)s » n'existe pas") % {"value": text[:40]})
    return dt.date(year, month, 1)


def parse_decimal(text: str, *, label: str) -> Decimal:
    """A number, with a decimal comma or point, spaces as thousands separators."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text.strip())
    if not cleaned:
        raise CellError(_("%(label)s manquant") % {"label": label})
    if "," in cleaned and "." in cleaned:
        cleaned = (
            cleaned.replace(".", "").replace(",", ".")
            if cleaned.rfind(",") > cleaned.rfind(".")
            else cleaned.replace(",", "")
        )
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise CellError(
            _("%(label)s « %(value)s » n'est pas un nombre") % {"label": label, "value": text[:40]}
        ) from error
    if not value.is_finite():
        raise CellError(
            _("%(label)s « %(value)s » n'est pas un nombre") % {"label": label, "value": text[:40]}
        )
    return value
