"""Importing pushed lists of returnees (大数据推送名单), one file per step:

- `reading`: the file → a Table of rows (xlsx, xls, ods, csv in any Chinese encoding);
- `layout`: the header row and which column is which field; the template;
- `rows`: the row rules (validate_row → Row);
- `engine`: the Importer, writing each chunk through the shared services (people's
  persons_insert; quarantine's case_opening, cases_insert, referrals_insert, case_fill);
- `services`: the lifecycle (start, layout, mapping, run, the task) and the follow-up
  (possible duplicates, routing); `views`, `api`, `forms`, `selectors`, `urls`, `nav`,
  `guard`: the doors.

The names callers use are importable from here.

Rules (the same as `services.case_refer`, applied in bulk for speed):
- a valid ID number is the person; their open case is joined, never a second one opened;
- an invalid ID number is kept as an "other document" (doc_type=other, the normalised raw
  number in doc_number) with `id_unverified=True`, so the station can verify it and a
  second list with the same raw number finds the same row; a row with no ID number but a
  name and a valid phone is stored with doc_type=none, `id_unverified=True`;
- such rows whose name and phone match a known person are held as PossibleDuplicate;
- a wrong phone, date, origin or address is stored empty and named in the case's
  `needs_review` (待核实), with the raw value in the person's note; the row is a warning;
- only a row with nothing to find the person by (no name, or neither an ID number nor a
  valid phone) is refused;
- a row already imported (same normalised content) is reported and changes nothing.
"""

from fangkong.quarantine.imports.engine import CHUNK, Importer, Outcome
from fangkong.quarantine.imports.layout import (
    FIELD_LABELS,
    FIELDS,
    Layout,
    field_labels,
    find_layout,
    header_field,
    inspect_file,
    template_rows,
)
from fangkong.quarantine.imports.reading import ImportFileError, Table, cell_text, open_table
from fangkong.quarantine.imports.rows import Row, parse_date, validate_row
from fangkong.quarantine.imports.services import (
    case_route,
    duplicate_decide,
    file_sha256,
    list_import_create,
    list_import_enqueue,
    list_import_layout,
    list_import_run,
    list_import_set_mapping,
    list_import_start,
    run_list_import,
)

__all__ = [
    "CHUNK",
    "FIELDS",
    "FIELD_LABELS",
    "ImportFileError",
    "Importer",
    "Layout",
    "Outcome",
    "Row",
    "Table",
    "case_route",
    "cell_text",
    "duplicate_decide",
    "field_labels",
    "file_sha256",
    "find_layout",
    "header_field",
    "inspect_file",
    "list_import_create",
    "list_import_enqueue",
    "list_import_layout",
    "list_import_run",
    "list_import_set_mapping",
    "list_import_start",
    "open_table",
    "parse_date",
    "run_list_import",
    "template_rows",
    "validate_row",
]
