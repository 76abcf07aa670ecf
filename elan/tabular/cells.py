"""Cells of a table: the two errors a person importing reads, the limits of
what is read, French-style parsing (dates JJ/MM/AAAA or AAAA-MM-JJ, numbers
with a decimal comma), column names, and the formula guard.

Every parser raises CellError with a French message; importers collect them
per row. Reading a file raises FileError, never anything else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
MAX_BYTES = 10 * 1024 * 1024
# A spreadsheet's XML is 10 to 30 times its zip: past this, it is a zip bomb.
MAX_UNPACKED = 300 * 1024 * 1024


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person importing."""


class FileError(ValueError):
    """A file that cannot be read at all (format, encoding, columns)."""


@dataclass
class SheetData:
    """The non-empty rows of one sheet, numbered as the spreadsheet numbers them."""

    name: str = ""
    names: list[str] = field(default_factory=list)  # every sheet of the workbook
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    # Merged cells: (line, column index, columns spanned, rows spanned).
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def column_key(name: str) -> str:
    """« Compteur », « COMPTEUR » and « compteur  » are the same column;
    accents are ignored too (« Relevé » = « releve »)."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# --- Formula injection (OWASP "CSV injection") ----------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (a tab or
# a carriage return first is how payloads hide the sign from a quick look).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text a spreadsheet shows but never runs: prefixed with « ' »."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """What `neutralise` was given: an import reads back what an export wrote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


# --- French cells ---------------------------------------------------------------

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


_YES = {"oui", "o", "yes", "y", "x", "1", "vrai", "true"}
_NO = {"", "non", "n", "no", "0", "faux", "false"}


def parse_yes_no(text: str, *, label: str) -> bool:
    """« oui », « x », « 1 », « vrai »… or empty / « non »."""
    code = column_key(text)
    if code in _YES:
        return True
    if code in _NO:
        return False
    raise CellError(
        _("%(label)s « %(value)s » : attendu oui ou non") % {"label": label, "value": text[:40]}
    )
