"""Reading a CSV, XLSX or ODS file into rows of text.

The format is found from the content (a zip holding an OpenDocument
`mimetype` is an ODS, one holding `xl/workbook.xml` an XLSX, anything else is
read as CSV text), the extension only telling a broken workbook from a text.
A file that cannot be read raises FileError with a French message, and
nothing else: not a broken zip, a zip bomb, a password-protected workbook
nor garbage bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elan.tabular.cells import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED,
    FileError,
    SheetData,
    column_key,
)
from elan.tabular.ods import MIMETYPES, number_text, read_ods

# Excel 97 workbooks and every password-protected XLSX are OLE2 files.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".ots", ".xls")


@dataclass
class Row:
    line: int  # as the spreadsheet numbers it: the header is line 1
    cells: dict[str, str]
    values: list[str] = field(default_factory=list)  # by position, one per header

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@dataclass
class Table:
    headers: list[str]  # as written in the file
    columns: list[str]  # the same, normalised by `column_key` ("" for a blank header)
    rows: list[Row]
    sheet: str = ""  # the sheet read, for a workbook
    sheets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header_line: int = 1


def read_table(data: bytes, filename: str, *, sheet: str | int | None = None) -> Table:
    """The header and non-empty rows of a CSV, XLSX or ODS file; of its first
    sheet unless `sheet` names one (or gives its index from 0)."""
    if len(data) > MAX_BYTES:
        raise FileError(_("Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers."))
    if not data.strip():
        raise FileError(_("Le fichier est vide."))
    if data.startswith(_ZIP):
        raw = _workbook(data, sheet)
    elif data.startswith(_OLE2):
        raise FileError(
            _(
                "Ce classeur est protégé par un mot de passe, ou au format .xls d'Excel 97 : enregistrez-le en .xlsx ou .ods, sans mot de passe."
            )
        )
    elif filename.lower().endswith(WORKBOOK_SUFFIXES):
        raise FileError(
            _("Le fichier « %(name)s » n'est pas un classeur XLSX ou ODS lisible.")
            % {"name": filename[-80:]}
        )
    else:
        raw = SheetData(rows=_csv_rows(data))
    return _table(raw)


def _table(raw: SheetData) -> Table:
    if not raw.rows:
        if len(raw.names) > 1:
            raise FileError(
                _("La feuille « %(sheet)s » est vide (feuilles du classeur : %(names)s).")
                % {"sheet": raw.name, "names": ", ".join(raw.names)}
            )
        raise FileError(_("Le fichier est vide."))
    header_line, headers = raw.rows[0]
    headers = [h.strip() for h in headers]
    columns = [column_key(h) for h in headers]
    rows = []
    unnamed: set[int] = set()
    for line, values in raw.rows[1:]:
        unnamed.update(
            i for i, v in enumerate(values) if v.strip() and (i >= len(columns) or not columns[i])
        )
        values = (values + [""] * len(columns))[: len(columns)]
        cells = {column: value for column, value in zip(columns, values, strict=True) if column}
        rows.append(Row(line=line, cells=cells, values=values))
    if len(rows) > MAX_ROWS:
        raise FileError(
            _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS}
        )
    table = Table(
        headers=headers,
        columns=columns,
        rows=rows,
        sheet=raw.name,
        sheets=raw.names,
        header_line=header_line,
    )
    table.warnings = _warnings(raw, table)
    if unnamed:
        letters = ", ".join(column_letter(i) for i in sorted(unnamed)[:10])
        table.warnings.append(
            ngettext(
                "La colonne %(columns)s n'a pas de nom dans la première ligne : ses valeurs sont ignorées.",
                "Les colonnes %(columns)s n'ont pas de nom dans la première ligne : leurs valeurs sont ignorées.",
                len(unnamed),
            )
            % {"columns": letters}
        )
    return table


def column_letter(index: int) -> str:
    """A, B, … Z, AA… as spreadsheets name the column at `index` (from 0)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _warnings(raw: SheetData, table: Table) -> list[str]:
    warnings = []
    if len(raw.names) > 1:
        others = ", ".join(f"« {name} »" for name in raw.names if name != raw.name)
        warnings.append(
            _(
                "Le classeur a %(count)s feuilles : seule « %(sheet)s » a été lue (autres : %(others)s)."
            )
            % {"count": len(raw.names), "sheet": raw.name, "others": others}
        )
    for line, column, width, _height in raw.merges:
        if line == table.header_line and width > 1:
            warnings.append(
                _(
                    "L'en-tête « %(header)s » est une cellule fusionnée sur %(count)s colonnes : seule la première porte ce nom, les autres sont lues sans nom. Défusionnez-la."
                )
                % {
                    "header": table.headers[column] if column < len(table.headers) else "",
                    "count": width,
                }
            )
    data_lines = sorted({line for line, *_rest in raw.merges if line != table.header_line})
    if data_lines:
        shown = ", ".join(str(line) for line in data_lines[:10])
        warnings.append(
            ngettext(
                "Une cellule fusionnée (ligne %(lines)s) : seule sa première case porte la valeur, les cases qu'elle recouvre sont lues vides.",
                "Des cellules fusionnées (lignes %(lines)s) : seule la première case de chacune porte la valeur, les cases qu'elles recouvrent sont lues vides.",
                len(data_lines),
            )
            % {"lines": shown + ("…" if len(data_lines) > 10 else "")}
        )
    return warnings


def require_columns(columns: Iterable[str], *groups: tuple[str, ...]) -> None:
    """Each group lists accepted names of one required column."""
    present = set(columns)
    missing = [" ou ".join(group) for group in groups if not present.intersection(group)]
    if missing:
        raise FileError(
            _("Colonnes manquantes : %(columns)s. Consultez le modèle de fichier.")
            % {"columns": ", ".join(missing)}
        )


# --- CSV ------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("Le fichier n'est pas un texte lisible (encodage inconnu)."))


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    # The header line has no decimal commas: its most frequent separator wins.
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for line, values in enumerate(reader, 1):
            if any(v.strip() for v in values):
                rows.append((line, values))
                if len(rows) > MAX_ROWS + 1:
                    break
    except csv.Error as error:
        raise FileError(
            _(
                "Le fichier CSV est mal formé vers la ligne %(line)s : une cellule trop longue ou des guillemets non refermés."
            )
            % {"line": reader.line_num}
        ) from error
    return rows


# --- Workbooks ------------------------------------------------------------------


def _workbook(data: bytes, sheet: str | int | None) -> SheetData:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip().decode("ascii", "replace")
                if mimetype not in MIMETYPES:
                    raise FileError(
                        _(
                            "Ce document OpenDocument n'est pas un classeur (type « %(type)s ») : enregistrez-le en .ods depuis LibreOffice Calc."
                        )
                        % {"type": mimetype[:80]}
                    )
                return read_ods(archive, sheet)
            if "xl/workbook.xml" in names:
                return _xlsx(data, sheet)
            raise FileError(_("Ce fichier compressé n'est ni un classeur XLSX ni un classeur ODS."))
    except FileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as error:
        raise FileError(_("Le fichier n'est pas un classeur XLSX ou ODS lisible.")) from error
    except (NotImplementedError, RuntimeError, ValueError) as error:
        # Unknown compression, an encrypted member, a corrupt header.
        raise FileError(_("Le fichier n'est pas un classeur XLSX ou ODS lisible.")) from error


def _check_archive(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if any(member.flag_bits & 0x1 for member in members):
        raise FileError(
            _(
                "Ce classeur est protégé par un mot de passe : enregistrez-le sans mot de passe, puis envoyez-le à nouveau."
            )
        )
    # zipfile stops at each member's declared size, so the sum bounds what
    # is decompressed, whatever the archive claims elsewhere.
    if len(members) > 10_000 or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise FileError(
            _("Ce classeur décompressé dépasse %(max)s Mo : découpez-le.")
            % {"max": MAX_UNPACKED // (1024 * 1024)}
        )


def _choose(names: list[str], sheet: str | int | None) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return sheet
    if isinstance(sheet, str) and sheet in names:
        return names.index(sheet)
    raise FileError(
        _("Le classeur n'a pas de feuille « %(sheet)s » (feuilles : %(names)s).")
        % {"sheet": sheet, "names": ", ".join(names)}
    )


def _xlsx(data: bytes, sheet: str | int | None) -> SheetData:
    from openpyxl import load_workbook  # imported here: only XLSX imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileError(_("Le fichier n'est pas un classeur XLSX lisible.")) from error
    try:
        names = [ws.title for ws in workbook.worksheets]
        if not names:
            raise FileError(_("Le classeur XLSX n'a aucune feuille de calcul."))
        worksheet = workbook.worksheets[_choose(names, sheet)]
        result = SheetData(name=worksheet.title, names=names)
        # A workbook may claim A1:XFD1048576: rows are read as they are stored.
        worksheet.reset_dimensions()
        for line, values in enumerate(worksheet.iter_rows(values_only=True), 1):
            texts = _xlsx_texts(values)
            if texts:
                result.rows.append((line, texts))
                if len(result.rows) > MAX_ROWS + 1:
                    break
        return result
    except FileError:
        raise
    except Exception as error:  # a sheet's XML may be broken too
        raise FileError(_("Le fichier n'est pas un classeur XLSX lisible.")) from error
    finally:
        workbook.close()


def _xlsx_texts(values: Iterable[object]) -> list[str]:
    texts: list[str] = []
    last = 0
    for index, value in enumerate(values):
        text = _cell_text(value)
        if not text:
            continue
        if index >= MAX_COLUMNS:
            raise FileError(
                _("La feuille a des valeurs au-delà de la colonne %(max)s : supprimez-les.")
                % {"max": MAX_COLUMNS}
            )
        texts.extend([""] * (index - last))
        texts.append(text)
        last = index + 1
    return texts


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        time = value.strftime("%H:%M")
        return value.date().isoformat() + ("" if time == "00:00" else f" {time}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        return number_text(repr(value))
    return str(value).strip()
