"""The import protocol every importer of a spreadsheet follows.

1. Read the file (`read_table`) and map its columns to the fields the
   importer expects (`Schema.map`): a column matches a field by its
   normalised name, label or a synonym, and the person importing may re-map
   any column by its position.
2. The dry run (`preview`): the importer's `check` validates every row and
   notes on each `RowResult` its French errors and warnings, its status
   (new / already present / error) and what it would write; nothing is written.
3. The write (`write_all`): inside the importer's transaction, after it
   checked again, every new row or nothing; `ImportRejected` otherwise.
4. Re-importing changes nothing: each row carries a key (`import_key`) of
   what it writes, stored with it, and a row whose key is saved is « déjà
   présent ».

The domain rules (what a row means, how it is written) stay in the importer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from elan.tabular.cells import CellError, FileError, column_key
from elan.tabular.read import Row, Table, read_table

T = TypeVar("T")
NEW, PRESENT, ERROR = "nouveau", "deja_present", "erreur"


# --- Column mapping ---------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise = ""  # shown in the mapping step; the key when empty
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> set[str]:
        names = {column_key(self.key), column_key(str(self.label or self.key))}
        return (names | {column_key(s) for s in self.synonyms}) - {""}


@dataclass
class ColumnMap:
    headers: list[str]
    positions: dict[str, int]  # field key → index of its column in the file

    def apply(self, row: Row) -> Row:
        """The row with its cells named by field; `values` keep the file's columns."""
        cells = {key: row.values[i] for key, i in self.positions.items() if i < len(row.values)}
        return Row(line=row.line, cells=cells, values=row.values)

    @property
    def ignored(self) -> list[str]:
        used = set(self.positions.values())
        return [h for i, h in enumerate(self.headers) if h and i not in used]


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]
    # Each group lists fields of which one at least must have a column.
    required: tuple[tuple[str, ...], ...] = ()

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def map(self, table: Table, chosen: Mapping[int, str] | None = None) -> ColumnMap:
        """Columns matched to fields by name; `chosen` (column index → field
        key, "" to ignore a column) is what the person re-mapped."""
        chosen = chosen or {}
        keys = {f.key for f in self.fields}
        by_name = {name: f.key for f in self.fields for name in f.names}
        positions: dict[str, int] = {}
        for index, column in enumerate(table.columns):
            key = chosen.get(index, by_name.get(column, ""))
            if not key:
                continue
            if key not in keys:
                raise FileError(_("Champ « %(field)s » inconnu.") % {"field": key[:40]})
            if key in positions:
                raise FileError(
                    _(
                        "Les colonnes « %(first)s » et « %(second)s » correspondent toutes deux à « %(field)s » : gardez-en une seule."
                    )
                    % {
                        "first": table.headers[positions[key]][:60],
                        "second": table.headers[index][:60],
                        "field": self.field(key).label or key,
                    }
                )
            positions[key] = index
        missing = [" ou ".join(group) for group in self.required if not set(group) & set(positions)]
        if missing:
            raise FileError(
                _("Colonnes manquantes : %(columns)s. Consultez le modèle de fichier.")
                % {"columns": ", ".join(missing)}
            )
        return ColumnMap(headers=table.headers, positions=positions)


# --- The report -------------------------------------------------------------------


@dataclass(kw_only=True)
class RowResult:
    line: int
    cells: dict[str, str]
    values: list[str] = field(default_factory=list)  # the file's cells, for the preview
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = NEW
    note: str = ""
    key: str = ""  # of what the row writes: `import_key`

    @classmethod
    def of(cls, row: Row) -> Self:
        return cls(line=row.line, cells=row.cells, values=list(row.values))

    def cell(self, parse: Callable[..., T], *args: Any) -> T | None:
        """`parse(*args)`, or None with its CellError noted on the row."""
        try:
            return parse(*args)
        except CellError as error:
            self.errors.append(str(error))
            return None

    @property
    def status_label(self) -> str:
        return {NEW: _("À importer"), PRESENT: _("Déjà présent"), ERROR: _("Erreur")}[self.status]


RowT = TypeVar("RowT", bound=RowResult)


@dataclass(kw_only=True)
class ImportReport(Generic[RowT]):
    columns: list[str] = field(default_factory=list)  # the file's named columns
    rows: list[RowT] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapping: ColumnMap | None = None
    sheet: str = ""
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[RowT]:
        return [r for r in self.rows if r.errors]

    @property
    def warning_rows(self) -> list[RowT]:
        return [r for r in self.rows if r.warnings and not r.errors]

    @property
    def new_rows(self) -> list[RowT]:
        return [r for r in self.rows if r.status == NEW and not r.errors]

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.status == NEW)

    @property
    def present_count(self) -> int:
        return sum(1 for r in self.rows if r.status == PRESENT)

    @property
    def error_count(self) -> int:
        return len(self.error_rows)


ReportT = TypeVar("ReportT", bound=ImportReport[Any])


class ImportRejected(Exception, Generic[ReportT]):
    """Nothing was written; `report` says why (the importer's own report type)."""

    def __init__(self, report: ReportT) -> None:
        super().__init__(_("L'import contient des erreurs : rien n'a été enregistré."))
        self.report = report


def import_key(*parts: object) -> str:
    """The key of what a row writes: the same row imported again, from the
    same file or from an export, has the same key."""
    text = "|".join(str(p) for p in parts)
    return "imp-" + hashlib.sha256(text.encode()).hexdigest()[:60]


# --- The steps --------------------------------------------------------------------


def preview(
    report: ImportReport[Any],
    *,
    data: bytes,
    filename: str,
    schema: Schema,
    check: Callable[[list[Row]], None],
    sheet: str | int | None = None,
    mapping: Mapping[int, str] | None = None,
) -> None:
    """The dry run into `report`: the file read and mapped, then `check`
    (the importer's rules) given the rows with their cells named by field;
    it appends one RowResult per row to the report. Writes nothing."""
    try:
        table = read_table(data, filename, sheet=sheet)
        columns = schema.map(table, mapping)
    except FileError as error:
        report.file_errors.append(str(error))
        return
    report.columns = [c for c in table.columns if c]
    report.mapping, report.sheet = columns, table.sheet
    report.warnings.extend(table.warnings)
    if not table.rows:
        report.file_errors.append(_("Le fichier ne contient aucune ligne de données."))
        return
    check([columns.apply(row) for row in table.rows])
    named = [i for i, c in enumerate(table.columns) if c]
    for result in report.rows:
        result.values = [result.values[i] if i < len(result.values) else "" for i in named]
        if result.errors:
            result.status = ERROR


def write_all(report: ImportReport[RowT], write: Callable[[list[RowT]], None]) -> None:
    """Every new row of a clean report through `write`, or nothing: raises
    ImportRejected when the report has an error or the database refuses a
    row (someone saved the same data meanwhile). Call it inside the
    importer's transaction, after locking what the rows depend on."""
    if not report.ok:
        raise ImportRejected(report)
    rows = report.new_rows
    try:
        with transaction.atomic():
            write(rows)
    except IntegrityError as error:
        report.file_errors.append(
            _(
                "Une partie de ces données vient d'être enregistrée par ailleurs : relancez la vérification."
            )
        )
        raise ImportRejected(report) from error
    report.created = len(rows)
