"""Importing pushed lists of returnees (大数据推送名单): reading, header recognition,
row validation, de-duplication, routing and bulk storing.

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

from __future__ import annotations

import collections
import contextlib
import csv
import datetime
import gc
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from fangkong.accounts.audit import audit_record
from fangkong.core import bounds, clock
from fangkong.core.bulk import insert_rows, reserve_ids, select_in
from fangkong.core.disclosure import shown
from fangkong.core.idnumber import normalize_id_number, parse_id_number
from fangkong.core.phones import parse_phone
from fangkong.core.regions import resolve_place
from fangkong.core.text import normalize_text
from fangkong.org.models import Township, Village
from fangkong.org.places import CountyPlaces
from fangkong.people.models import Person
from fangkong.people.ownership import ELSEWHERE, holds, scope_of
from fangkong.people.services import persons_insert
from fangkong.quarantine.import_guard import WorkbookTooLarge, check_workbook
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    ListEntry,
    ListImport,
    PossibleDuplicate,
    QuarantineCase,
)
from fangkong.quarantine.services import (
    case_fill,
    case_opening,
    cases_insert,
    referrals_insert,
)

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

CHUNK = 5000
HEADER_SCAN_ROWS = 30
MAX_EMPTY_RUN = 1000
REF_TYPE = "quarantine.listentry"


class ImportFileError(Exception):
    """The file cannot be read as a list; the message says why, in Chinese."""


# Field → (label shown in reports and the template, header names and synonyms).
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (_lazy("姓名"), ("姓名", "名字", "人员姓名", "返乡人员姓名")),
    "id_number": (
        _lazy("身份证号"),
        ("身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证", "身份号码"),
    ),
    "phone": (
        _lazy("手机号"),
        ("手机号", "手机号码", "联系电话", "电话", "手机", "联系方式", "电话号码"),
    ),
    "address": (
        _lazy("现住址"),
        ("现住址", "居住地址", "住址", "现居住地", "现居住地址", "家庭住址", "详细地址", "地址"),
    ),
    "came_from": (
        _lazy("来源地"),
        ("来源地", "从何地返回", "返回地", "从何地来", "出发地", "来自", "来源地区", "来自何地"),
    ),
    "arrival_date": (
        _lazy("返回日期"),
        (
            "返回日期",
            "抵达时间",
            "返乡日期",
            "返回时间",
            "抵达日期",
            "到达时间",
            "返乡时间",
            "来县时间",
        ),
    ),
    "township": (_lazy("乡镇街道"), ("乡镇街道", "乡镇", "街道", "所属乡镇", "所在乡镇")),
    "village": (_lazy("村居"), ("村居", "村社区", "社区", "村", "所在村", "所属村居")),
    "sex": (_lazy("性别"), ("性别",)),
    "note": (_lazy("备注"), ("备注", "说明")),
}
FIELD_LABELS = {key: label for key, (label, _syn) in FIELDS.items()}


def field_labels() -> dict[str, str]:
    """The labels in the active language, as plain text (they key the stored report)."""
    return {key: str(label) for key, label in FIELD_LABELS.items()}


_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】/、\\]|必填|选填")


def header_field(text: str) -> str | None:
    """The field a header cell names, or None."""
    clean = _HEADER_NOISE.sub("", normalize_text(text))
    if not clean or len(clean) > 20:
        return None
    for key, (_label, synonyms) in FIELDS.items():
        if clean in synonyms:
            return key
    best: tuple[int, str] | None = None
    for key, (_label, synonyms) in FIELDS.items():
        for syn in synonyms:
            if len(syn) >= 2 and syn in clean and (best is None or len(syn) > best[0]):
                best = (len(syn), key)
    return best[1] if best else None


# --- Reading -----------------------------------------------------------------------------


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


@dataclass
class Layout:
    header_row: int  # spreadsheet row number of the (last) header row
    headers: list[str]
    mapping: dict[int, str]  # column index → field

    @property
    def known(self) -> bool:
        return "name" in self.mapping.values() and (
            "id_number" in self.mapping.values() or "phone" in self.mapping.values()
        )


def find_layout(table: Table) -> Layout:
    """Find the header row among the first rows (titles and notes may sit above it), and
    a second header row below it when headers are merged over sub-headers."""
    scanned: list[tuple[int, list[str]]] = []
    for number, cells in table.rows():
        texts = [cell_text(c) for c in cells]
        if any(texts):
            scanned.append((number, texts))
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    best: Layout | None = None
    for position, (number, texts) in enumerate(scanned):
        mapping: dict[int, str] = {}
        for col, text in enumerate(texts):
            key = header_field(text)
            if key and key not in mapping.values():
                mapping[col] = key
        if len(mapping) < 2:
            continue
        layout = Layout(number, texts, mapping)
        # Merged header cells: "联系方式" over "手机号 | 住址" in the row below.
        if position + 1 < len(scanned):
            below_number, below = scanned[position + 1]
            extra = {
                col: key
                for col, text in enumerate(below)
                if (key := header_field(text)) and key not in mapping.values()
            }
            if len(extra) >= 1 and not any(
                parse_id_number_ok(t) for t in below
            ):  # a sub-header row, not data
                for col, key in extra.items():
                    if col not in layout.mapping:
                        layout.mapping[col] = key
                        if col < len(layout.headers):
                            layout.headers[col] = below[col] or layout.headers[col]
                        else:
                            layout.headers.append(below[col])
                layout.header_row = below_number
        if best is None or len(layout.mapping) > len(best.mapping):
            best = layout
        if layout.known:
            return layout
    if best is not None:
        return best
    first = scanned[0] if scanned else (1, [])
    guess: dict[int, str] = {}
    for col, text in enumerate(first[1]):
        key = header_field(text)
        if key and key not in guess.values():
            guess[col] = key
    return Layout(first[0], first[1], guess)


def parse_id_number_ok(text: str) -> bool:
    return len(normalize_id_number(text)) in (15, 18) and normalize_id_number(text)[:6].isdigit()


def inspect_file(path: str | Path) -> tuple[Table, Layout]:
    table = open_table(path)
    layout = find_layout(table)
    if not layout.headers:
        raise ImportFileError(_("文件中没有数据"))
    return table, layout


# --- Row validation ----------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# A day written without its year, as pushed lists often do: 1月23日, 1.23, 1/23, 1-23.
_YEARLESS = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")


class YearlessDate(ValueError):
    """A date written without its year: (month, day), read in the list's year by the caller."""

    def __init__(self, month: int, day: int) -> None:
        super().__init__(month, day)
        self.month, self.day = month, day

    def in_year(self, year: int) -> datetime.date:
        return datetime.date(year, self.month, self.day)


_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: Any) -> datetime.date:
    """A date from a cell: a date, an Excel serial number or text in the usual forms,
    between 1900 and 2100 (core/bounds.py)."""
    day = _parse_date(value)
    if not bounds.EARLIEST_DAY <= day <= bounds.LATEST_DAY:
        raise ValueError(bounds.range_message())
    return day


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # Excel serial between 1954 and 2119
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        text = cell_text(value)
    else:
        text = normalize_text(str(value))
    if not text:
        raise ValueError(_("为空"))
    if text.isdigit() and 20000 < int(text) < 80000:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    match = _YEARLESS.match(text)
    if match and 1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31:
        raise YearlessDate(int(match[1]), int(match[2]))
    raise ValueError(_("无法识别为日期：“%(text)s”，应如2020-01-25") % {"text": text[:30]})


@dataclass(slots=True)
class Row:
    number: int
    raw: list[str]
    row_hash: str
    messages: dict[str, list[str]] = field(default_factory=dict)
    refused: bool = False
    warning: bool = False
    name: str = ""
    id_number: str = ""
    doc_type: str = Person.DocType.ID_CARD
    doc_number: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    household_region: str = ""
    phone: str = ""
    address: str = ""
    came_from: str = ""
    came_from_code: str = ""
    arrival_date: datetime.date | None = None
    township_id: int | None = None
    village_id: int | None = None
    note: str = ""
    needs_review: list[str] = field(default_factory=list)
    # On file in a jurisdiction the importer is not in charge of (Importer._flush_chunk).
    elsewhere: bool = False

    def add(self, column: str, message: str, *, level: str = "warning") -> None:
        self.messages.setdefault(column, []).append(message)
        if level == "error":
            self.refused = True
        elif level == "warning":
            self.warning = True

    @property
    def key(self) -> tuple[str, ...]:
        if self.id_number:
            return ("id", self.id_number)
        if self.doc_number:
            return ("doc", self.doc_number)
        return ("np", self.name, self.phone)


def validate_row(
    number: int,
    cells: list[Any],
    mapping: dict[int, str],
    places: CountyPlaces,
    labels: dict[str, str] | None = None,
    *,
    raw: list[str] | None = None,
    dates: dict[Any, datetime.date | str | YearlessDate] | None = None,
    year: Callable[[], tuple[int, bool]] | None = None,
) -> Row:
    """Validate one row (`raw`: its cells as text, when the caller has them already;
    `dates`: a memo of parsed date cells, which repeat down a list; `year`: the year a
    date written without one is read in — the list's, else the working day's)."""
    if raw is None:
        raw = [cell_text(c) for c in cells]
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for col, key in mapping.items():
        if col < len(cells):
            values[key] = cells[col]
            texts[key] = normalize_text(raw[col])
    digest = hashlib.sha1("\x1f".join(sorted(f"{k}={v}" for k, v in texts.items())).encode())
    row = Row(number=number, raw=raw, row_hash=digest.hexdigest())
    L = labels or field_labels()

    name = texts.get("name", "")
    if len(name) > 50:
        row.add(L["name"], _("姓名过长：最多50个字符"), level="error")
    row.name = name[:50]

    raw_id = texts.get("id_number", "")
    id_cell = values.get("id_number")
    if raw_id:
        if isinstance(id_cell, float) and id_cell >= 1e15:
            row.add(
                L["id_number"],
                _("身份证号被存成了数字，末几位已丢失，请把该列设为文本后重新导出"),
            )
        else:
            try:
                parsed = parse_id_number(raw_id, field=L["id_number"])
            except ValidationError as exc:
                row.add(L["id_number"], exc.messages[0] + _("，已标记为证件待核实"))
            else:
                row.id_number = parsed.number
                row.sex = parsed.sex
                row.birth_date = parsed.birth_date
                row.household_region = parsed.region_code
                if parsed.upgraded:
                    row.add(
                        L["id_number"],
                        _("15位旧号码已转换为18位：%(n)s")
                        % {"n": shown("id_number", parsed.number)},
                        level="info",
                    )
    if not name:
        if row.id_number:
            # The number identifies the person: kept, the name to be found by the station.
            row.add(L["name"], _("姓名为空，已按身份证号保留，姓名待核实"))
            row.needs_review.append("name")
        else:
            row.add(L["name"], _("姓名不能为空"), level="error")
    raw_phone = texts.get("phone", "")
    if raw_phone:
        try:
            row.phone = parse_phone(raw_phone, field=L["phone"])
        except ValidationError as exc:
            row.add(L["phone"], exc.messages[0] + _("，已标记为待核实"))
            row.needs_review.append("phone")
            row.note = (_("原始电话：%(v)s") % {"v": raw_phone[:30]}) + " "
    if not row.id_number:
        if raw_id:
            row.doc_type = Person.DocType.OTHER
            row.doc_number = normalize_id_number(raw_id)[:40].upper()
        else:
            row.doc_type = Person.DocType.NONE
        if not row.refused and not row.doc_number and not row.phone:
            row.add(
                L["id_number"],
                _("无法确定人员：既无身份证号，也无有效联系电话，本行未导入"),
                level="error",
            )
        elif not row.refused and not raw_id:
            row.add(L["id_number"], _("缺少身份证号，已标记为证件待核实"))
    if "arrival_date" in values and texts.get("arrival_date"):
        cell = values["arrival_date"]
        memo_key = (type(cell), cell)
        day = dates.get(memo_key) if dates is not None else None
        if day is None:
            try:
                day = parse_date(cell)
            except YearlessDate as exc:
                day = exc
            except ValueError as exc:
                day = str(exc)
            if dates is not None:
                dates[memo_key] = day
        if isinstance(day, YearlessDate):
            the_year, of_list = year() if year is not None else (clock.today().year, False)
            try:
                day = day.in_year(the_year)
            except ValueError:
                day = _("无法识别为日期：“%(text)s”，应如2020-01-25") % {
                    "text": texts["arrival_date"]
                }
            else:
                how = (
                    _("“%(text)s”未写年份，按名单中其他日期的年份读作%(day)s")
                    if of_list
                    else _(
                        "“%(text)s”未写年份，名单中没有写明年份的日期，按当前工作日的年份读作%(day)s"
                    )
                )
                row.add(
                    L["arrival_date"],
                    how % {"text": texts["arrival_date"], "day": day.isoformat()},
                    level="info",
                )
        if isinstance(day, str):
            row.add(L["arrival_date"], day + _("，已标记为待核实"))
            row.needs_review.append("arrival_date")
        else:
            row.arrival_date = day
            if not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1):
                row.add(L["arrival_date"], _("日期超出合理范围，已标记为待核实"))
                row.needs_review.append("arrival_date")
                row.arrival_date = None
    came_from = texts.get("came_from", "")
    if came_from:
        row.came_from = came_from[:100]
        row.came_from_code = resolve_place(came_from)
        if not row.came_from_code:
            row.add(L["came_from"], _("来源地未能识别为行政区划，已标记为待核实"))
            row.needs_review.append("came_from")
    row.address = texts.get("address", "")[:200]
    place = places.match(
        township=texts.get("township", ""), village=texts.get("village", ""), address=row.address
    )
    row.township_id, row.village_id = place.township_id, place.village_id
    if row.township_id is None and not row.refused:
        row.add(
            L["address"],
            _("住址未能匹配本县乡镇街道，已列入待分配队列"),
        )
        row.needs_review.append("address")
    if not row.sex and texts.get("sex") in ("男", "女"):
        row.sex = "M" if texts["sex"] == "男" else "F"
    if texts.get("note"):
        row.note += texts["note"]
    row.note = row.note.strip()[:200]
    return row


# --- Storing -------------------------------------------------------------------------------


@dataclass
class Outcome:
    counts: dict[str, int]
    problems: int
    notes: list[str]


@contextlib.contextmanager
def _fewer_checkpoints() -> Iterator[None]:
    """SQLite copies its write-ahead log into the database every 1,000 pages (4 MB), at a
    commit: an import commits every chunk, and the same index pages were copied over and
    over (a seventh of the import's time). Let the log grow to 64 MB while importing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint=16384")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")


@contextlib.contextmanager
def _collect_per_chunk() -> Iterator[None]:
    """Python's cyclic garbage collector ran every 700 new objects, and over the growing heap
    every so often: a quarter of an import's time, for rows that hold no cycles. Off during
    an import; each chunk collects what it left (Importer._flush)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(1)


class Importer:
    """Runs one ListImport: reads, validates and stores in chunks of CHUNK rows."""

    def __init__(
        self,
        list_import: ListImport,
        *,
        store: bool,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.li = list_import
        self.store = store
        self.progress = progress
        self.by = list_import.created_by
        self.places = CountyPlaces.load()
        self.mapping = {int(k): v for k, v in list_import.mapping.items()}
        self.seen_hashes: dict[str, int] = {}
        self.new_keys: dict[tuple[str, ...], int] = {}  # person key → person id (or -1)
        self.open_case: dict[int, int] = {}  # person id → open case id, this import
        self.counts = dict.fromkeys(
            (
                "rows",
                "new_persons",
                "new_cases",
                "joined",
                "warnings",
                "refused",
                "duplicates",
                "already",
                "elsewhere",
            ),
            0,
        )
        self.problems = 0
        self.notes: list[str] = []
        self.labels = field_labels()
        self.dates: dict[Any, datetime.date | str | YearlessDate] = {}
        self._year: tuple[int, bool] | None = None
        self.now = clock.now()
        self.today = timezone.localdate(self.now)
        self.station_by_township = dict(Township.objects.values_list("pk", "station_id"))
        # Jurisdiction of writes (people/ownership.py): a list imported by a station does
        # not take another station's person — their case goes to where they are on file.
        self.scope = scope_of(self.by)

    def run(self, table: Table) -> Outcome:
        self.table = table
        with _fewer_checkpoints(), _collect_per_chunk():
            return self._run(table)

    def list_year(self) -> tuple[int, bool]:
        """The year of the list's dates written with one (the most common), for those written
        without; else the working day's. Read once, at the first date that needs it."""
        if self._year is None:
            column = next((c for c, k in self.mapping.items() if k == "arrival_date"), None)
            years: collections.Counter[int] = collections.Counter()
            if column is not None:
                for number, cells in self.table.rows():
                    if number <= (self.li.header_row or 0) or column >= len(cells):
                        continue
                    try:
                        years[parse_date(cells[column]).year] += 1
                    except ValueError:
                        continue
            self._year = (
                (years.most_common(1)[0][0], True) if years else (clock.today().year, False)
            )
        return self._year

    def _run(self, table: Table) -> Outcome:
        chunk: list[Row] = []
        empty_run = 0
        done = 0
        total = max(table.total - (self.li.header_row or 0), 0)
        for number, cells in table.rows():
            if number <= (self.li.header_row or 0):
                continue
            raw = [cell_text(c) for c in cells]
            if not any(raw[c] for c in self.mapping if c < len(raw)):
                # A row with nothing in the known columns (a serial number at most) is empty.
                empty_run += 1
                if empty_run >= MAX_EMPTY_RUN:
                    self.notes.append(
                        _("自第%(n)d行起连续%(m)d行为空，其后的内容未读取")
                        % {"n": number - MAX_EMPTY_RUN + 1, "m": MAX_EMPTY_RUN}
                    )
                    break
                continue
            empty_run = 0
            chunk.append(
                validate_row(
                    number,
                    cells,
                    self.mapping,
                    self.places,
                    self.labels,
                    raw=raw,
                    dates=self.dates,
                    year=self.list_year,
                )
            )
            if len(chunk) >= CHUNK:
                done += len(chunk)
                self._flush(chunk)
                chunk = []
                if self.progress:
                    self.progress(done, max(total, done))
        if chunk:
            done += len(chunk)
            self._flush(chunk)
        if self.progress:
            self.progress(done, done)
        return Outcome(self.counts, self.problems, self.notes)

    def _flush(self, rows: list[Row]) -> None:
        with transaction.atomic():
            self._flush_chunk(rows)
        # The chunk's cycles (exceptions of rows that failed a check hold their frames):
        # the youngest objects only, those made since the last chunk.
        gc.collect(0)

    def _flush_chunk(self, rows: list[Row]) -> None:
        counts = self.counts
        counts["rows"] += len(rows)
        # Rows already imported (by this or an earlier list): nothing changes.
        hashes = [r.row_hash for r in rows]
        # (select_in: the ORM prepares each of thousands of IN values one by one.)
        earlier = {
            h
            for (h,) in select_in(
                ListEntry,
                ["row_hash"],
                "row_hash",
                hashes,
                extra=(' AND "stored" AND "list_import_id" <> %s', [self.li.pk]),
            )
        }
        ids = {r.id_number for r in rows if r.id_number}
        docs = {r.doc_number for r in rows if not r.id_number and r.doc_number}
        names = {r.name for r in rows if not r.id_number and r.phone}
        phones = {r.phone for r in rows if not r.id_number and r.phone}
        known: dict[tuple[str, ...], int] = {}
        # People on file whom the importer is not in charge of: where they are on file.
        elsewhere: dict[int, tuple[int | None, int | None]] = {}
        for pk, id_number, township_id, village_id in select_in(
            Person, ["id", "id_number", "township_id", "village_id"], "id_number", ids
        ):
            known[("id", str(id_number))] = pk
            self._note_place(elsewhere, pk, township_id, village_id)
        # exclude(doc_number=""): the condition of the unique index on documents, without
        # which SQLite does not use it and reads the whole table.
        for pk, doc, township_id, village_id in (
            Person.objects.filter(doc_type=Person.DocType.OTHER, doc_number__in=docs)
            .exclude(doc_number="")
            .values_list("pk", "doc_number", "township_id", "village_id")
        ):
            known[("doc", doc)] = pk
            self._note_place(elsewhere, pk, township_id, village_id)
        by_name_phone: dict[tuple[str, str], int] = {}
        if phones:
            # By phone (indexed), then the name: names have no index.
            for pk, name, phone in Person.objects.filter(phone__in=phones).values_list(
                "pk", "name", "phone"
            ):
                if name in names:
                    by_name_phone.setdefault((name, phone), pk)
        # By person (indexed), the status checked here: with the status in the query SQLite
        # read every open case through the status index, at each chunk.
        open_statuses = {str(s) for s in OPEN_STATUSES}
        open_cases = {
            person_id: pk
            for person_id, pk, status in select_in(
                QuarantineCase, ["person_id", "id", "status"], "person_id", set(known.values())
            )
            if status in open_statuses
        }
        open_cases.update(self.open_case)

        # Entries as lists in ENTRY_FIELDS' order (E_* name the places filled later).
        entries: list[list[Any]] = []
        new_people: list[Row] = []
        plan: list[tuple[Row, list[Any]]] = []  # rows that join or open a case
        duplicates: list[tuple[list[Any], int, Row]] = []
        result = _("处理结果")
        li_id = self.li.pk
        level_ok, level_warning = ListEntry.Level.OK, ListEntry.Level.WARNING
        level_error = ListEntry.Level.ERROR
        for row in rows:
            entry: list[Any] = [
                li_id,
                row.number,
                row.raw,
                row.row_hash,
                row.name,
                None,
                None,
                None,
                level_error if row.refused else (level_warning if row.warning else level_ok),
                False,
                row.messages,
            ]
            entries.append(entry)
            if row.refused:
                entry[E_OUTCOME] = ListEntry.Outcome.REFUSED
                counts["refused"] += 1
                self.problems += 1
                continue
            if row.warning:
                counts["warnings"] += 1
                self.problems += 1
            if row.row_hash in earlier:
                entry[E_OUTCOME] = ListEntry.Outcome.ALREADY
                entry[E_MESSAGES] = {**row.messages, result: [_("此行已导入过，未作改动")]}
                counts["already"] += 1
                continue
            if row.row_hash in self.seen_hashes:
                entry[E_OUTCOME] = ListEntry.Outcome.ALREADY
                entry[E_MESSAGES] = {
                    **row.messages,
                    result: [
                        _("与第%(n)d行内容相同，未重复导入") % {"n": self.seen_hashes[row.row_hash]}
                    ],
                }
                counts["already"] += 1
                continue
            self.seen_hashes[row.row_hash] = row.number
            key = row.key
            pid = known.get(key) or self.new_keys.get(key)
            if pid is None and not row.id_number and row.phone:
                match = by_name_phone.get((row.name, row.phone))
                if match is not None:
                    entry[E_OUTCOME] = ListEntry.Outcome.DUPLICATE
                    entry[E_MESSAGES] = {
                        **row.messages,
                        result: [_("与已登记人员姓名和电话相同，待确认是否同一人")],
                    }
                    counts["duplicates"] += 1
                    duplicates.append((entry, match, row))
                    continue
            if pid is None:
                new_people.append(row)
                self.new_keys[key] = -1
                counts["new_persons"] += 1
            elif pid in elsewhere:
                # Their case is the station's they are on file with; the importer is told,
                # and shown nothing of them. (Not a problem row: all-or-nothing goes on.)
                row.township_id, row.village_id = elsewhere[pid]
                row.elsewhere = True
                entry[E_LEVEL] = level_warning
                entry[E_MESSAGES] = {
                    **row.messages,
                    result: [
                        _(
                            "%(msg)s：已交其所属派出所核查，本单位看不到该人员；"
                            "如该人员现住本辖区，请在“人员—移交申请”中申请移交"
                        )
                        % {"msg": ELSEWHERE}
                    ],
                }
                counts["elsewhere"] += 1
            plan.append((row, entry))
        if not self.store:
            for _row, entry in plan:
                entry[E_OUTCOME] = ListEntry.Outcome.CHECKED
            for entry, _pid, _row in duplicates:
                entry[E_OUTCOME] = ListEntry.Outcome.CHECKED
            self._entries(entries)
            return
        first, last = rows[0].number, rows[-1].number
        details = {"list_import": self.li.pk, "rows": [first, last]}
        label = (
            _("推送名单：%(name)s 第%(first)s–%(last)s行")
            % {"name": self.li.original_name, "first": first, "last": last}
        )[:200]
        person_ids = persons_insert(
            values=[self._person(row) for row in new_people], by=self.by, batch=(label, details)
        )
        for row, pk in zip(new_people, person_ids, strict=True):
            self.new_keys[row.key] = pk
            known[row.key] = pk
        # Cases: join the open case, else open one (one open case per person).
        new_cases: list[tuple[Row, int]] = []
        for row, entry in plan:
            pid = known.get(row.key) or self.new_keys[row.key]
            entry[E_PERSON] = pid
            if open_cases.get(pid) is None:
                new_cases.append((row, pid))
                open_cases[pid] = -1
                entry[E_OUTCOME] = ListEntry.Outcome.NEW_CASE
                counts["new_cases"] += 1
            else:
                entry[E_OUTCOME] = ListEntry.Outcome.JOINED
                counts["joined"] += 1
        case_ids = cases_insert(
            values=[self._case(row, pid) for row, pid in new_cases],
            by=self.by,
            batch=(label, {"source": QuarantineCase.Source.PUSHED_LIST.value, **details}),
        )
        for (_row, pid), pk in zip(new_cases, case_ids, strict=True):
            open_cases[pid] = pk
            self.open_case[pid] = pk
        joined_fill: dict[int, Row] = {}
        for row, entry in plan:
            entry[E_CASE] = open_cases[entry[E_PERSON]]
            entry[E_STORED] = True
            if entry[E_OUTCOME] == ListEntry.Outcome.JOINED:
                joined_fill.setdefault(entry[E_CASE], row)
        for entry, _pid, _row in duplicates:
            entry[E_STORED] = True
        self._entries(entries)
        if duplicates:
            PossibleDuplicate.objects.bulk_create(
                [
                    PossibleDuplicate(entry_id=entry[E_ID], person_id=pid, data=_row_data(row))
                    for entry, pid, row in duplicates
                ]
            )
        self._referrals(plan)
        self._fill_joined(joined_fill)

    def _referrals(self, plan: list[tuple[Row, list[Any]]]) -> None:
        """The referral of every row stored, to the case it opened or joined; its note
        names the row."""
        pushed = QuarantineCase.Source.PUSHED_LIST.value
        by_id = self.by.pk if self.by else None
        note = _("推送名单：%(name)s 第%(row)s行") % {"name": self.li.original_name, "row": "\0"}
        head, _nul, tail = note.partition("\0")
        referrals_insert(
            [
                (
                    entry[E_CASE],
                    pushed,
                    self.now,
                    f"{head}{entry[E_ROW]}{tail}",
                    REF_TYPE,
                    str(entry[E_ID]),
                    by_id,
                )
                for _row, entry in plan
            ]
        )

    def _note_place(
        self,
        elsewhere: dict[int, tuple[int | None, int | None]],
        pk: int,
        township_id: int | None,
        village_id: int | None,
    ) -> None:
        station_id = self.station_by_township.get(township_id) if township_id else None
        if not holds(self.scope, township_id=township_id, station_id=station_id):
            elsewhere[pk] = (township_id, village_id)

    def _entries(self, entries: list[list[Any]]) -> list[int]:
        ids = reserve_ids(ListEntry, len(entries))
        insert_rows(ListEntry, ENTRY_FIELDS, entries, ids=ids)
        for entry, pk in zip(entries, ids, strict=True):
            entry.append(pk)  # E_ID
        return ids

    def _person(self, row: Row) -> dict[str, Any]:
        return {
            "id_number": row.id_number or None,
            "doc_type": row.doc_type,
            "doc_number": row.doc_number,
            "id_unverified": not row.id_number,
            "name": row.name,
            "sex": row.sex,
            "birth_date": row.birth_date,
            "phone": row.phone,
            "household_region": row.household_region,
            "township_id": row.township_id,
            "village_id": row.village_id,
            "address_detail": row.address,
            "note": row.note,
        }

    def _case(self, row: Row, person_id: int) -> dict[str, Any]:
        return case_opening(
            person_id=person_id,
            source=QuarantineCase.Source.PUSHED_LIST,
            at=self.now,
            by_id=self.by.pk if self.by else None,
            came_from_code=row.came_from_code,
            came_from=row.came_from,
            arrival_date=row.arrival_date,
            township_id=row.township_id,
            village_id=row.village_id,
            station_id=self.station_by_township.get(row.township_id) if row.township_id else None,
            address_detail=row.address,
            needs_review=row.needs_review,
        )

    def _fill_joined(self, fill: dict[int, Row]) -> None:
        """Fill what an open case did not know yet; never overwrite what a station verified."""
        if not fill:
            return
        changed: list[QuarantineCase] = []
        for case in QuarantineCase.objects.filter(pk__in=list(fill)):
            row = fill[case.pk]
            # A row about someone on file elsewhere fills what is not a place: where their
            # case is followed is not the importer's to say.
            if case_fill(
                case,
                came_from_code=row.came_from_code,
                came_from=row.came_from,
                arrival_date=row.arrival_date,
                township_id=None if row.elsewhere else row.township_id,
                village_id=None if row.elsewhere else row.village_id,
                station_of=self.station_by_township.get,
            ):
                case.updated_at = self.now
                changed.append(case)
        if changed:
            QuarantineCase.objects.bulk_update(
                changed,
                [
                    "came_from_code",
                    "came_from",
                    "arrival_date",
                    "township",
                    "village",
                    "station",
                    "updated_at",
                ],
            )


ENTRY_FIELDS = (
    "list_import_id",
    "row_number",
    "raw",
    "row_hash",
    "name",
    "person_id",
    "case_id",
    "outcome",
    "level",
    "stored",
    "messages",
)
E_ROW, E_PERSON, E_CASE, E_OUTCOME, E_LEVEL, E_STORED, E_MESSAGES = 1, 5, 6, 7, 8, 9, 10
E_ID = len(ENTRY_FIELDS)  # appended once the entries are written


def _row_data(row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "doc_type": row.doc_type,
        "doc_number": row.doc_number,
        "phone": row.phone,
        "address": row.address,
        "came_from": row.came_from,
        "came_from_code": row.came_from_code,
        "arrival_date": row.arrival_date.isoformat() if row.arrival_date else "",
        "township_id": row.township_id,
        "village_id": row.village_id,
        "sex": row.sex,
        "note": row.note,
        "needs_review": row.needs_review,
    }


# --- The import lifecycle ---------------------------------------------------------------


def file_sha256(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    fh.seek(0)
    return digest.hexdigest()


@transaction.atomic
def list_import_create(
    *,
    upload: Any,
    name: str,
    by: User | None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
) -> ListImport:
    """Keep an uploaded file (its headers are read next, by `list_import_layout`)."""
    from django.core.files import File

    digest = file_sha256(upload)
    li = ListImport(
        original_name=Path(name).name[:200] or "list",
        file_hash=digest,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        created_by=by,
        unit=getattr(by, "unit", None),
    )
    li.file.save(Path(name).name[:80] or "list", File(upload), save=False)
    li.full_clean()
    li.save()
    audit_record(actor=by, action="create", obj=li, changes={"file": ["", li.original_name]})
    return li


# The table read for the headers, kept for a `list_import_run` that follows in the same
# process (the CLI, the demo): a list is then read once. One slot, taken by that run.
_kept_table: tuple[int, str, Table] | None = None


def list_import_layout(*, list_import: ListImport, keep: bool = False) -> ListImport:
    """Find the headers; with every needed column known, queue the import, else ask for
    the columns (status 待指定列). `keep`: the import runs next in this process — keep the
    table read for it."""
    global _kept_table
    _kept_table = None
    table, layout = inspect_file(list_import.file.path)
    if keep:
        _kept_table = (list_import.pk, list_import.file.path, table)
    list_import.header_row = layout.header_row
    list_import.headers = layout.headers[:60]
    list_import.mapping = {str(k): v for k, v in layout.mapping.items()}
    list_import.total_rows = max(table.total - layout.header_row, 0)
    list_import.status = ListImport.Status.QUEUED if layout.known else ListImport.Status.MAPPING
    list_import.message = "；".join(table.notes)[:500]
    list_import.save()
    return list_import


def list_import_set_mapping(
    *, list_import: ListImport, mapping: dict[int, str], by: User | None
) -> ListImport:
    values = [v for v in mapping.values() if v]
    errors = []
    if "name" not in values:
        errors.append(_("请指定“姓名”所在的列"))
    if "id_number" not in values and "phone" not in values:
        errors.append(_("请至少指定“身份证号”或“手机号”所在的列"))
    if len(values) != len(set(values)):
        errors.append(_("同一字段不能对应多列"))
    if errors:
        raise ValidationError(errors)
    list_import.mapping = {str(k): v for k, v in mapping.items() if v}
    list_import.status = ListImport.Status.QUEUED
    list_import.save(update_fields=["mapping", "status"])
    audit_record(actor=by, action="update", obj=list_import, changes={"mapping": ["", values]})
    list_import_enqueue(list_import=list_import)
    return list_import


def list_import_run(
    *, list_import_id: int, progress: Callable[[int, int], None] | None = None
) -> ListImport:
    """Run an import (from the background task or the CLI). Never raises on bad data: the
    import ends done, refused (all-or-nothing with problems) or failed, with a message."""
    li = ListImport.objects.select_related("created_by").get(pk=list_import_id)
    if li.status not in (ListImport.Status.QUEUED, ListImport.Status.RUNNING):
        return li
    li.status = ListImport.Status.RUNNING
    li.started_at = clock.now()
    li.save(update_fields=["status", "started_at"])

    def report(done: int, total: int) -> None:
        ListImport.objects.filter(pk=li.pk).update(done_rows=done, total_rows=total)
        if progress:
            progress(done, total)

    global _kept_table
    kept, _kept_table = _kept_table, None
    try:
        if kept is not None and kept[:2] == (li.pk, li.file.path):
            table = kept[2]
        else:
            table = open_table(li.file.path)
        if li.all_or_nothing and not li.dry_run:
            check = Importer(li, store=False, progress=report).run(table)
            if check.problems:
                li.counts = check.counts
                li.status = ListImport.Status.REFUSED
                li.message = _(
                    "有%(n)d行存在问题，按“全部无误才入库”的要求，本次未导入任何数据"
                ) % {"n": check.problems}
                li.done_rows = li.total_rows = check.counts["rows"]
                li.finished_at = clock.now()
                li.save()
                return li
            li.entries.all().delete()
        outcome = Importer(li, store=not li.dry_run, progress=report).run(table)
    except ImportFileError as exc:
        li.status = ListImport.Status.FAILED
        li.message = str(exc)[:500]
    except Exception as exc:
        li.status = ListImport.Status.FAILED
        li.message = (
            _("导入中断（%(err)s）：已处理的行已保存，重新导入同一文件可继续，已导入的行不会重复")
            % {"err": type(exc).__name__}
        )[:500]
        li.finished_at = clock.now()
        li.save()
        raise
    else:
        li.counts = outcome.counts
        li.status = ListImport.Status.DONE
        notes = [li.message] if li.message else []
        if li.dry_run:
            notes.append(_("仅校验，未导入任何数据"))
        li.message = "；".join(notes + outcome.notes)[:500]
    li.finished_at = clock.now()
    if li.status == ListImport.Status.DONE:
        li.done_rows = li.total_rows = li.counts.get("rows", 0)
    li.save()
    audit_record(actor=li.created_by, action="update", obj=li, changes={"counts": li.counts})
    return li


@task()
def run_list_import(list_import_id: int) -> dict[str, int]:
    """Import a pushed list in the background (django-tasks; `fangkong serve` runs the
    worker); progress is kept on the ListImport row, so the page that started it may be
    closed. Defined here, beside what it runs: quarantine/tasks.py lists it."""
    li = list_import_run(list_import_id=list_import_id)
    return dict(li.counts)


def list_import_enqueue(*, list_import: ListImport) -> None:
    run_list_import.enqueue(list_import.pk)


# --- Possible duplicates and the routing queue ------------------------------------------


@transaction.atomic
def duplicate_decide(*, duplicate: PossibleDuplicate, same: bool, by: User) -> QuarantineCase:
    """Confirm (the known person) or reject (a new person): the held row then joins or
    opens a case like any other.

    Decided only by whoever is in charge of the person on file (people/ownership.py): the
    importer from another jurisdiction cannot see them to compare. Confirmed, the row is
    theirs, and their case goes where the list says only if the list's importer was in
    charge of them (as Importer does with ID numbers)."""
    from django.core.exceptions import PermissionDenied

    from fangkong.people.ownership import person_in_charge
    from fangkong.people.services import PersonInput, person_find_or_create
    from fangkong.quarantine.services import case_refer

    locked = (
        PossibleDuplicate.objects.select_for_update(of=("self",))  # not its nullable joins
        .select_related("person__township", "entry__list_import__created_by")
        .get(pk=duplicate.pk)
    )
    if not person_in_charge(by, locked.person):
        raise PermissionDenied(_("该人员不在本单位辖区，由其所属派出所确认"))
    if locked.status != PossibleDuplicate.Status.PENDING:
        raise ValidationError(_("该记录已处理过"))
    data = locked.data
    township = Township.objects.filter(pk=data.get("township_id")).first()
    village = Village.objects.filter(pk=data.get("village_id")).first()
    if same:
        person = locked.person
        if not person_in_charge(locked.entry.list_import.created_by, person):
            township, village = person.township, person.village
    else:
        person, created = person_find_or_create(
            data=PersonInput(
                name=data["name"],
                doc_type=data.get("doc_type") or Person.DocType.NONE,
                doc_number=data.get("doc_number", ""),
                phone=data.get("phone", ""),
                township=township,
                village=village
                if village and township and village.township_id == township.pk
                else None,
                address_detail=data.get("address", ""),
                sex=data.get("sex", ""),
                note=data.get("note", ""),
            ),
            by=by,
        )
        if created and not person.id_unverified:
            Person.objects.filter(pk=person.pk).update(id_unverified=True)
    arrival = data.get("arrival_date")
    case, _opened = case_refer(
        person=person,
        source=QuarantineCase.Source.PUSHED_LIST,
        by=by,
        came_from_code=data.get("came_from_code", ""),
        came_from=data.get("came_from", ""),
        arrival_date=datetime.date.fromisoformat(arrival) if arrival else None,
        township=township,
        village=village,
        address_detail=data.get("address", ""),
        ref_type=REF_TYPE,
        ref_id=str(locked.entry_id),
        needs_review=data.get("needs_review") or [],
    )
    locked.status = (
        PossibleDuplicate.Status.CONFIRMED if same else PossibleDuplicate.Status.REJECTED
    )
    locked.decided_at = clock.now()
    locked.decided_by = by
    locked.save()
    ListEntry.objects.filter(pk=locked.entry_id).update(
        person=person,
        case=case,
        outcome=ListEntry.Outcome.JOINED if same else ListEntry.Outcome.NEW_CASE,
    )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={"status": [PossibleDuplicate.Status.PENDING, locked.status]},
    )
    return case


@transaction.atomic
def case_route(
    *, case: QuarantineCase, township: Township, village: Village | None, by: User
) -> QuarantineCase:
    """Assign an unrouted case to a township (and so its station)."""
    if village is not None and village.township_id != township.pk:
        raise ValidationError({"village": [_("村居不属于所选乡镇街道")]})
    if township.station_id is None:
        raise ValidationError(
            {
                "township": [
                    _("%(name)s尚未指定辖区派出所，请先在基础数据中维护") % {"name": township}
                ]
            }
        )
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    before = (locked.township_id, locked.station_id)
    locked.township = township
    locked.village = village
    locked.station = township.station
    locked.needs_review = [f for f in locked.needs_review if f != "address"]
    locked.version += 1
    locked.save(
        update_fields=["township", "village", "station", "needs_review", "version", "updated_at"]
    )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={
            "township": [before[0], township.pk],
            "station": [before[1], township.station_id],
        },
    )
    return locked


def template_rows() -> tuple[list[str], list[list[str]]]:
    headers = [
        "序号",
        "姓名",
        "身份证号",
        "手机号",
        "现住址",
        "乡镇街道",
        "村居",
        "来源地",
        "返回日期",
        "备注",
    ]
    example = [
        "1",
        "张三",
        "370921198503020011",
        "13853801234",
        "宁阳县堽城镇东王庄村3组12号",
        "堽城镇",
        "东王庄村",
        "湖北省武汉市",
        "2020-01-25",
        "示例行，导入前请删除",
    ]
    return headers, [example]


def list_import_start(
    *,
    upload: Any,
    name: str,
    by: User | None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    enqueue: bool = True,
) -> ListImport:
    """Keep the file, read its headers and queue the import (or ask for the columns).
    A file that cannot be read leaves nothing behind: ImportFileError says why."""
    li: ListImport | None = None
    try:
        with transaction.atomic():
            li = list_import_create(
                upload=upload, name=name, by=by, dry_run=dry_run, all_or_nothing=all_or_nothing
            )
            list_import_layout(list_import=li, keep=not enqueue)
    except Exception:
        global _kept_table
        _kept_table = None
        if li is not None and li.file:
            li.file.storage.delete(li.file.name)
        raise
    if enqueue and li.status == ListImport.Status.QUEUED:
        list_import_enqueue(list_import=li)
        li.refresh_from_db()
    return li
