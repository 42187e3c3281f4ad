"""Exports of personal data, audited: the file is written, then the audit trail says who
took what (a reveal with full values, else an export), how many rows and with which
filters (shown as the disclosure rule shows a search term)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any, NotRequired, TypedDict, Unpack
from urllib.parse import quote

from django.http import FileResponse

from fangkong.core.audit import audit_record
from fangkong.core.disclosure import REVEALED_FIELDS, search_term_shown
from fangkong.core.exports import write_xlsx

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.core.exports import Sheet


class Disclosure(TypedDict):
    """What an audited export holds and its entry says: the sheets, whether with full values
    (`revealed`), what for, of which objects, the filters, the fields revealed (by default
    REVEALED_FIELDS)."""

    sheets: Iterable[Sheet]
    revealed: bool
    what: str
    object_type: str
    filters: NotRequired[dict[str, Any] | None]
    fields: NotRequired[list[str] | None]


def write_audited_xlsx(
    target: str | IO[bytes], *, user: User | None, **export: Unpack[Disclosure]
) -> int:
    """Write an .xlsx of personal data to `target`, then audit it: with full values
    (`revealed`, for users with people.reveal and the operator's command line only) as a
    reveal naming what for and how many rows; masked, as an export with its row count."""

    rows = write_xlsx(target, export["sheets"])
    what, revealed, filters = export["what"], export["revealed"], export.get("filters")
    changes: dict[str, Any] = {"rows": rows, "purpose": what}
    if revealed:
        changes["fields"] = export.get("fields") or REVEALED_FIELDS
    if filters:
        changes["filters"] = {k: search_term_shown(v) for k, v in filters.items() if v}
    audit_record(
        actor=user,
        action="reveal" if revealed else "export",
        object_type=export["object_type"],
        object_repr=what,
        changes=changes,
    )
    return rows


def audited_xlsx(*, user: User, filename: str, **export: Unpack[Disclosure]) -> FileResponse:
    """An .xlsx of personal data, written, then audited (write_audited_xlsx), then sent."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_audited_xlsx(tmp, user=user, **export)
    tmp.seek(0)
    response = FileResponse(
        tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
