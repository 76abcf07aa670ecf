"""OpenDocument spreadsheets (.ods, LibreOffice's format), read and written
with the standard library only.

Reading streams `content.xml` through expat and keeps only the non-empty
rows of the chosen sheet: LibreOffice ends a sheet with a row "repeated"
a million times, which is counted, never built. A cell gives the value
LibreOffice cached (a formula is never evaluated); a merged cell gives its
value in the first cell, the cells it covers are empty. A DOCTYPE is refused,
so no entity is ever declared nor expanded.

Writing makes the smallest valid file: `mimetype` first and stored, the
manifest, and `content.xml` with numbers as float cells and dates as date
cells (shown JJ/MM/AAAA).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from elan.tabular.cells import MAX_COLUMNS, MAX_ROWS, FileError, SheetData

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MIMETYPES = (MIMETYPE, MIMETYPE + "-template")

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_SEP = "\x1f"  # between a namespace and a local name in expat's names


def _name(namespace: str, local: str) -> str:
    return namespace + _SEP + local


T_TABLE = _name(_TABLE, "table")
T_ROW = _name(_TABLE, "table-row")
T_CELL = _name(_TABLE, "table-cell")
T_COVERED = _name(_TABLE, "covered-table-cell")
T_NAME = _name(_TABLE, "name")
T_ROWS_REPEATED = _name(_TABLE, "number-rows-repeated")
T_COLUMNS_REPEATED = _name(_TABLE, "number-columns-repeated")
T_COLUMNS_SPANNED = _name(_TABLE, "number-columns-spanned")
T_ROWS_SPANNED = _name(_TABLE, "number-rows-spanned")
O_VALUE_TYPE = _name(_OFFICE, "value-type")
O_VALUE = _name(_OFFICE, "value")
O_DATE = _name(_OFFICE, "date-value")
O_TIME = _name(_OFFICE, "time-value")
O_STRING = _name(_OFFICE, "string-value")
O_ANNOTATION = _name(_OFFICE, "annotation")
X_PARAGRAPHS = (_name(_TEXT, "p"), _name(_TEXT, "h"))
X_SPACE = _name(_TEXT, "s")
X_TAB = _name(_TEXT, "tab")
X_BREAK = _name(_TEXT, "line-break")
X_COUNT = _name(_TEXT, "c")

_WHITESPACE = re.compile(r"[ \t\r\n]+")
_DURATION = re.compile(r"^-?PT(\d+)H(\d+)M(\d+)(?:[.,]\d+)?S$")
# Counts are capped so that an absurd attribute costs nothing.
_MAX_REPEAT = 1 << 20


class _Broken(Exception):
    """The XML is not what an ODS holds."""


def _count(attrs: dict[str, str], name: str) -> int:
    text = attrs.get(name, "1")
    if not text.isdigit():
        raise _Broken(name)
    return max(1, min(int(text), _MAX_REPEAT))


def number_text(text: str) -> str:
    """A cached float as the import reads it: « 3 » for 3.0, never an exponent."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text.strip()
    if not value.is_finite() or abs(value.adjusted()) > 30:
        return text.strip()
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _date_text(text: str) -> str:
    """« 2026-01-15 », with « 10:30 » when the cell holds a time of day too."""
    day, _sep, time = text.partition("T")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return text.strip()
    time = time[:5]
    return day if not time or time == "00:00" else f"{day} {time}"


def _time_text(text: str) -> str:
    match = _DURATION.match(text)
    if not match:
        return text.strip()
    hours, minutes, seconds = (int(g) for g in match.groups())
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


class _Reader:
    """expat handlers: the state of the sheet being read."""

    def __init__(self, wanted: str | int) -> None:
        self.wanted = wanted
        self.sheet = SheetData()
        self.table_depth = 0
        self.reading = False  # inside the chosen sheet, at its top level
        self.done = False
        self.found = False
        self.line = 0
        self.row_repeat = 1
        self.row: list[str] = []
        self.row_merges: list[tuple[int, int, int]] = []
        self.pending_empty = 0
        self.cell: dict[str, str] | None = None
        self.cell_kind = ""
        self.paragraphs: list[str] = []
        self.pieces: list[tuple[bool, str]] | None = None  # (literal?, text)
        self.annotation_depth = 0

    # -- elements --

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == T_TABLE:
            self.table_depth += 1
            if self.table_depth == 1:
                self._start_table(attrs.get(T_NAME, ""))
            return
        if not self.reading or self.table_depth != 1:
            return
        if name == T_ROW:
            self.row_repeat = _count(attrs, T_ROWS_REPEATED)
            self.row, self.row_merges, self.pending_empty = [], [], 0
        elif name in (T_CELL, T_COVERED):
            self.cell, self.cell_kind = attrs, name
            self.paragraphs, self.pieces = [], None
        elif name == O_ANNOTATION:
            self.annotation_depth += 1
        elif self.cell is not None and not self.annotation_depth:
            self._start_text(name, attrs)

    def _start_table(self, title: str) -> None:
        index = len(self.sheet.names)
        self.sheet.names.append(title)
        chosen = self.wanted == title if isinstance(self.wanted, str) else self.wanted == index
        self.reading = chosen and not self.done
        if self.reading:
            self.sheet.name, self.found = title, True

    def _start_text(self, name: str, attrs: dict[str, str]) -> None:
        if name in X_PARAGRAPHS:
            self.pieces = []
        elif self.pieces is None:
            return
        elif name == X_SPACE:
            self.pieces.append((False, " " * min(_count(attrs, X_COUNT), 1000)))
        elif name == X_TAB:
            self.pieces.append((False, "\t"))
        elif name == X_BREAK:
            self.pieces.append((False, "\n"))

    def end(self, name: str) -> None:
        if name == T_TABLE:
            if self.table_depth == 1 and self.reading:
                self.reading, self.done = False, True
            self.table_depth -= 1
            return
        if not self.reading or self.table_depth != 1:
            return
        if name == O_ANNOTATION:
            self.annotation_depth -= 1
        elif self.annotation_depth:
            return
        elif name in X_PARAGRAPHS and self.pieces is not None:
            self.paragraphs.append(_paragraph(self.pieces))
            self.pieces = None
        elif name in (T_CELL, T_COVERED) and self.cell is not None:
            self._end_cell(self.cell, covered=self.cell_kind == T_COVERED)
            self.cell = None
        elif name == T_ROW:
            self._end_row()

    def text(self, data: str) -> None:
        if self.pieces is not None and not self.annotation_depth:
            self.pieces.append((True, data))

    # -- cells and rows --

    def _end_cell(self, attrs: dict[str, str], *, covered: bool) -> None:
        repeat = _count(attrs, T_COLUMNS_REPEATED)
        text = "" if covered else self._value(attrs)
        if not text:
            self.pending_empty += repeat
            return
        if len(self.row) + self.pending_empty + repeat > MAX_COLUMNS:
            raise FileError(
                _("La feuille a des valeurs au-delà de la colonne %(max)s : supprimez-les.")
                % {"max": MAX_COLUMNS}
            )
        columns = _count(attrs, T_COLUMNS_SPANNED)
        rows = _count(attrs, T_ROWS_SPANNED)
        self.row.extend([""] * self.pending_empty)
        self.pending_empty = 0
        for _copy in range(repeat):
            if columns > 1 or rows > 1:
                self.row_merges.append((len(self.row), columns, rows))
            self.row.append(text)

    def _value(self, attrs: dict[str, str]) -> str:
        kind = attrs.get(O_VALUE_TYPE, "")
        if kind in ("float", "percentage", "currency") and O_VALUE in attrs:
            return number_text(attrs[O_VALUE])
        if kind == "date" and O_DATE in attrs:
            return _date_text(attrs[O_DATE])
        if kind == "time" and O_TIME in attrs:
            return _time_text(attrs[O_TIME])
        if kind == "string" and O_STRING in attrs:
            return attrs[O_STRING].strip()
        return "\n".join(self.paragraphs).strip()

    def _end_row(self) -> None:
        first = self.line + 1
        self.line += self.row_repeat
        if not self.row:
            return  # empty rows are counted, never built
        if len(self.sheet.rows) + self.row_repeat > MAX_ROWS + 1:
            raise FileError(
                _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS}
            )
        for line in range(first, self.line + 1):
            self.sheet.rows.append((line, list(self.row)))
            self.sheet.merges.extend((line, *merge) for merge in self.row_merges)


def _paragraph(pieces: list[tuple[bool, str]]) -> str:
    """ODF collapses white space in text; <text:s/>, <text:tab/> and
    <text:line-break/> are the spaces that count."""
    out: list[str] = []
    literal: list[str] = []
    for is_literal, text in pieces:
        if is_literal:
            literal.append(text)
            continue
        out.append(_WHITESPACE.sub(" ", "".join(literal)))
        literal = []
        out.append(text)
    out.append(_WHITESPACE.sub(" ", "".join(literal)))
    return "".join(out)


def _refuse_doctype(*_args: Any) -> None:
    raise _Broken("DOCTYPE")


def read_ods(archive: zipfile.ZipFile, sheet: str | int | None = None) -> SheetData:
    """The rows of one sheet (the first by default) of an ODS already opened."""
    _refuse_encrypted(archive)
    reader = _Reader(0 if sheet is None else sheet)
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.buffer_text = True
    try:
        with archive.open("content.xml") as content:
            while chunk := content.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except FileError:
        raise
    except KeyError as error:
        raise FileError(_("Le classeur ODS n'a pas de contenu (content.xml manque).")) from error
    except (expat.ExpatError, _Broken, ValueError) as error:
        raise FileError(_("Le classeur ODS est endommagé : son contenu est illisible.")) from error
    if not reader.found:
        names = reader.sheet.names
        if not names:
            raise FileError(_("Le classeur ODS n'a aucune feuille de calcul."))
        raise FileError(
            _("Le classeur n'a pas de feuille « %(sheet)s » (feuilles : %(names)s).")
            % {"sheet": sheet, "names": ", ".join(names)}
        )
    return reader.sheet


def _refuse_encrypted(archive: zipfile.ZipFile) -> None:
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise FileError(
            _(
                "Ce classeur est protégé par un mot de passe : enregistrez-le sans mot de passe, puis envoyez-le à nouveau."
            )
        )


# --- Writing ---------------------------------------------------------------------

_CONTENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
    ' office:version="1.2">'
    "<office:automatic-styles>"
    '<number:date-style style:name="N1"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<number:date-style style:name="N2"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/>'
    '<number:text> </number:text><number:hours number:style="long"/>'
    '<number:text>:</number:text><number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N2"/>'
    "</office:automatic-styles>"
    "<office:body><office:spreadsheet>"
)
_CONTENT_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_SPACES = re.compile(r"  +")


def _text_xml(text: str) -> str:
    """One <text:p> per line; tabs and runs of spaces kept (ODF would collapse them)."""
    paragraphs = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts = []
        for index, chunk in enumerate(line.split("\t")):
            if index:
                parts.append("<text:tab/>")
            chunk = escape(chunk)
            chunk = _SPACES.sub(lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', chunk)
            if chunk.startswith(" "):
                chunk = "<text:s/>" + chunk[1:]
            parts.append(chunk)
        paragraphs.append("<text:p>" + "".join(parts) + "</text:p>")
    return "".join(paragraphs)


def _cell_xml(value: Any) -> str:
    """A cell of the kit's writer: `value` is None, bool, a number, a date or
    text already neutralised (see write.py)."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        shown = _("oui") if value else _("non")
        return (
            '<table:table-cell office:value-type="boolean" '
            f'office:boolean-value="{"true" if value else "false"}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float | Decimal) and _finite(value):
        plain = number_text(repr(value) if isinstance(value, float) else str(value))
        return (
            f'<table:table-cell office:value-type="float" office:value="{plain}">'
            f"<text:p>{plain.replace('.', ',')}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.datetime):
        return (
            '<table:table-cell table:style-name="ce2" office:value-type="date" '
            f'office:date-value="{value.replace(tzinfo=None).isoformat(timespec="seconds")}">'
            f"<text:p>{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        return (
            '<table:table-cell table:style-name="ce1" office:value-type="date" '
            f'office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string">{_text_xml(str(value))}</table:table-cell>'
    )


def _finite(value: int | float | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def ods_bytes(rows: Iterable[list[Any]], *, sheet: str, width: int) -> bytes:
    """A one-sheet ODS of `rows` (each cell a value `_cell_xml` knows), `width` columns."""
    content = [
        _CONTENT_HEAD,
        f"<table:table table:name={quoteattr(sheet)}>",
        f'<table:table-column table:number-columns-repeated="{max(width, 1)}"/>',
    ]
    for row in rows:
        content.append("<table:table-row>")
        content.extend(_cell_xml(value) for value in row)
        content.append("</table:table-row>")
    content.append(_CONTENT_TAIL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ODF §3.3: `mimetype` first, stored, so that a reader sniffs it at offset 38.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("content.xml", "".join(content))
    return buffer.getvalue()
