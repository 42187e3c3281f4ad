"""Spreadsheet exports: streamed to a temporary file with xlsxwriter's constant-memory
mode (so 100,000 rows never sit in memory), and safe against formula injection.

    return xlsx_response("卡口登记台账-2020-02-03.xlsx", [Sheet("登记", headers, rows)])
"""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

# A cell starting with one of these is a formula to Excel and WPS: a name like
# "=cmd|' /C calc'!A0" must stay text (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """A value as it may be written to a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            return "'" + value
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | datetime.date):
        return value
    return str(value)


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None


def write_xlsx(target: str | IO[bytes], sheets: Iterable[Sheet]) -> int:
    """Write sheets to a path or binary file; returns the number of data rows written."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
            "tmpdir": tempfile.gettempdir(),
        },
    )
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    datetime_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    total = 0
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.title[:31])
        for col, header in enumerate(sheet.headers):
            width = sheet.widths[col] if sheet.widths else max(10, min(40, len(header) * 2 + 2))
            ws.set_column(col, col, width)
            ws.write_string(0, col, header, header_fmt)
        ws.freeze_panes(1, 0)
        row_index = 0
        for row_index, row in enumerate(sheet.rows, start=1):
            for col, raw in enumerate(row):
                value = safe_cell(raw)
                if isinstance(value, datetime.datetime):
                    ws.write_datetime(row_index, col, value, datetime_fmt)
                elif isinstance(value, datetime.date):
                    ws.write_datetime(row_index, col, value, date_fmt)
                elif isinstance(value, int | float):
                    ws.write_number(row_index, col, value)
                else:
                    ws.write_string(row_index, col, value)
        total += row_index
    workbook.close()
    return total


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """An .xlsx download, built in a temporary file and streamed from disk."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(tmp, sheets)
    tmp.seek(0)
    response = FileResponse(
        tmp,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
