"""The tabular kit: every CSV, XLSX and ODS file Élan reads or writes.

- reading (`read`): `read_table(data, filename, sheet=None)` → `Table` of
  `Row`s, the format found from the content; `FileError` otherwise;
- cells (`cells`): `parse_date`, `parse_month`, `parse_decimal`,
  `parse_yes_no` raising `CellError`; `column_key`; the formula guard
  `neutralise` / `unneutralise`;
- writing (`write`): `csv_lines` (streaming), `csv_text`, `data_csv_text` (open data), `xlsx_bytes`,
  `ods_file`, `table_response`, `streaming_csv_response` — every text cell
  neutralised, numbers kept numbers;
- importing (`imports`): `Schema` of `Field`s (column mapping with
  synonyms), `preview` (dry run into an `ImportReport` of `RowResult`s),
  `write_all` (all or nothing), `import_key` (idempotent re-import).

It sits in the project package, below every app, so that measures and the
network's directory import it the same way.
"""

from elan.tabular.cells import (
    MAX_BYTES,
    MAX_ROWS,
    CellError,
    FileError,
    column_key,
    neutralise,
    parse_date,
    parse_decimal,
    parse_month,
    parse_yes_no,
    unneutralise,
)
from elan.tabular.imports import (
    ERROR,
    NEW,
    PRESENT,
    ColumnMap,
    Field,
    ImportRejected,
    ImportReport,
    RowResult,
    Schema,
    import_key,
    preview,
    write_all,
)
from elan.tabular.read import Row, Table, column_letter, read_table, require_columns
from elan.tabular.write import (
    CONTENT_TYPES,
    csv_cell,
    csv_lines,
    csv_text,
    data_csv_text,
    ods_file,
    streaming_csv_response,
    table_bytes,
    table_response,
    xlsx_bytes,
)

__all__ = [
    "CONTENT_TYPES",
    "ERROR",
    "MAX_BYTES",
    "MAX_ROWS",
    "NEW",
    "PRESENT",
    "CellError",
    "ColumnMap",
    "Field",
    "FileError",
    "ImportRejected",
    "ImportReport",
    "Row",
    "RowResult",
    "Schema",
    "Table",
    "column_key",
    "column_letter",
    "csv_cell",
    "csv_lines",
    "csv_text",
    "data_csv_text",
    "import_key",
    "neutralise",
    "ods_file",
    "parse_date",
    "parse_decimal",
    "parse_month",
    "parse_yes_no",
    "preview",
    "read_table",
    "require_columns",
    "streaming_csv_response",
    "table_bytes",
    "table_response",
    "unneutralise",
    "write_all",
    "xlsx_bytes",
]
