"""Reading a pushed list: xlsx, xls and ods through python-calamine, csv in any of the
encodings Chinese offices save it in, as a Table of rows of cells."""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from fangkong.quarantine.imports.guard import WorkbookTooLarge, check_workbook

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    pass


class ImportFileError(Exception):
    """The file cannot be read as a list; the message says why, in Chinese."""


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates as yyyy-mm-dd."""
    if type(value) is str:  # most cells
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cells_text(cells: list[Any]) -> list[str]:
    """A row's cells as text (cell_text); text cells, nearly all, without a call each."""
    return [c.strip() if type(c) is str else cell_text(c) for c in cells]


@dataclass
class Table:
    """A readable list: its rows (spreadsheet row number, cells) and what was noticed."""

    rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    total: int
    notes: list[str] = field(default_factory=list)


def _sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def open_table(path: str | Path, name: str = "") -> Table:
    """Open an .xlsx/.xls/.ods/.csv file; raise ImportFileError with a clear message."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise ImportFileError(_("文件是空的"))
    kind = _sniff(head)
    if kind == "text":
        return _open_csv(path)
    return _open_workbook(path, kind)


def _open_workbook(path: Path, kind: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        check_workbook(path, zipped=kind == "zip")
    except WorkbookTooLarge as exc:
        raise ImportFileError(str(exc)) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except PasswordError:
        raise ImportFileError(_("文件设有密码保护，请取消密码后重新上传")) from None
    except (CalamineError, ValueError, OSError) as exc:
        if kind == "ole":
            # An encrypted .xlsx is an OLE container too: say the likely cause.
            raise ImportFileError(
                _("无法读取该文件：可能设有密码保护或已损坏，请用Excel另存为.xlsx后重新上传")
            ) from exc
        # The reader's own words are English: logged, not shown (issue 17).
        logger.info("workbook unreadable: %s", exc)
        raise ImportFileError(_("无法读取该文件：文件不完整或已损坏，请重新导出后上传")) from exc
    except Exception as exc:  # calamine raises plain errors for some malformed zips
        logger.info("workbook unreadable: %s", exc)
        raise ImportFileError(
            _("无法读取该文件：不是有效的电子表格，请用Excel另存为.xlsx后重新上传")
        ) from exc
    start_row = sheet.start[0] if sheet.start else 0
    total = sheet.height

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for index, cells in enumerate(sheet.iter_rows()):
            yield start_row + index + 1, cells

    return Table(rows=rows, total=total)


def _utf16(data: bytes) -> bool:
    """Excel's "Unicode text" (UTF-16 with its byte-order mark), or UTF-16 without one:
    every other byte of Latin text is zero, and none of the others."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return len(head) >= 8 and min(odd, even) == 0 and max(odd, even) > len(head) // 5


def _decode(data: bytes) -> tuple[str, str]:
    if _utf16(data):
        try:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                return data.decode("utf-16"), "UTF-16"
            le = data[1::2].count(0) >= data[0::2].count(0)
            return data.decode("utf-16-le" if le else "utf-16-be"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(
                _("无法识别文件编码：请另存为UTF-8或GBK编码的CSV，或.xlsx文件")
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("无法识别文件编码：请另存为UTF-8或GBK编码的CSV，或.xlsx文件")
        ) from None
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return text, "GB18030"
    return text, "GBK"


def _open_csv(path: Path) -> Table:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not _utf16(data):
        raise ImportFileError(_("不是电子表格文件：请上传.xlsx、.xls、.ods或.csv文件"))
    text, encoding = _decode(data)
    del data
    if "," not in text and "\t" not in text and "，" not in text:
        first = text.strip().splitlines()[:1]
        if not first or len(first[0]) > 500 or "<" in first[0][:1]:
            raise ImportFileError(_("不是电子表格文件：请上传.xlsx、.xls、.ods或.csv文件"))
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    total = text.count("\n") + 1

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            for index, cells in enumerate(reader):
                yield index + 1, cells
        except csv.Error as exc:
            raise ImportFileError(_csv_message(exc, reader.line_num)) from exc

    return Table(rows=rows, total=total, notes=[_("文件编码：%(enc)s") % {"enc": encoding}])


def _csv_message(exc: csv.Error, line: int) -> str:
    """The csv module's error in Chinese, with the line it stopped at."""
    detail = str(exc)
    if "field larger than field limit" in detail:
        return _(
            "CSV格式错误：第%(line)d行附近有一个单元格超过%(n)d个字符，不像是名单的内容"
            "（多半是少了一个配对的引号），请检查该行或用Excel另存为.xlsx后重新上传"
        ) % {"line": line, "n": csv.field_size_limit()}
    if "NUL" in detail:
        return _("CSV格式错误：第%(line)d行含有空字符，文件可能已损坏，请重新导出") % {"line": line}
    return _(
        "CSV格式错误：第%(line)d行无法读取（引号不配对或换行位置异常），"
        "请检查该行或用Excel另存为.xlsx后重新上传"
    ) % {"line": line}
