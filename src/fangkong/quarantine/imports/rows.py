"""The row rules of a pushed list: each row's cells validated and normalised into a Row (ID
number, phone, date, origin, township and village), its problems named by column."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core import bounds, clock
from fangkong.core.disclosure import shown
from fangkong.core.idnumber import normalize_id_number, parse_id_number
from fangkong.core.phones import parse_phone
from fangkong.core.regions import resolve_place
from fangkong.core.text import hidden_char, name_error, normalize_text, plain_text_error
from fangkong.org.areas import area_name
from fangkong.org.places import CountyPlaces
from fangkong.people.models import Person
from fangkong.people.services import resident_id_number
from fangkong.quarantine.imports.layout import field_labels
from fangkong.quarantine.imports.reading import cell_text, cells_text

if TYPE_CHECKING:
    pass

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


# The columns of free text a row keeps as written (row.address, came_from, note).
_FREE_TEXT = ("address", "came_from", "note")

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# A date of return outside these is a typing error (待核实).
_ARRIVAL_FROM, _ARRIVAL_TO = datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)


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
    # A city installation: the county the row is routed to (Importer._route); '' else.
    county: str = ""

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
    today: datetime.date | None = None,
) -> Row:
    """Validate one row (`raw`: its cells as text, when the caller has them already;
    `dates`: a memo of parsed date cells, which repeat down a list; `year`: the year a
    date written without one is read in — the list's, else the working day's; `today`:
    the working day an ID number's birth date must not lie after, when the caller has just
    read it from the clock)."""
    if raw is None:
        raw = cells_text(cells)
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    hashed: list[str] = []  # the row's hash reads "field=text" of each column, sorted
    width = len(cells)
    for col, key in mapping.items():
        if col < width:
            values[key] = cells[col]
            texts[key] = text = normalize_text(raw[col])
            hashed.append(f"{key}={text}")
    if len(hashed) != len(texts):  # two columns of one field: the last one's text counts
        hashed = [f"{k}={v}" for k, v in texts.items()]
    hashed.sort()
    # A fingerprint to find rows imported before, not a safeguard: usedforsecurity=False
    # (the same digest, without OpenSSL looking the algorithm up again: a third the time).
    row_hash = hashlib.sha1("\x1f".join(hashed).encode(), usedforsecurity=False).hexdigest()
    row = Row(number, raw, row_hash)  # (positional: keywords cost a third of making a Row)
    L = labels or field_labels()

    name = texts.get("name", "")
    if name and (refused := name_error(name)):  # an empty one: below, by the ID number
        row.add(L["name"], refused, level="error")
    row.name = name[:50]
    # The free text kept as written (address, where from, note): refused for a hidden
    # character as a name is (core.text). One pass over the three in C when they are plain.
    free = (texts.get("address", ""), texts.get("came_from", ""), texts.get("note", ""))
    if hidden_char("".join(free)) is not None:
        for key, text in zip(_FREE_TEXT, free, strict=True):
            if refused := plain_text_error(text, L[key]):
                row.add(L[key], refused, level="error")

    raw_id = texts.get("id_number", "")
    id_cell = values.get("id_number")
    if raw_id and (refused := plain_text_error(raw_id, L["id_number"])):
        # Not an ID number to verify later, nor a document number to keep (person_clean
        # refuses it as one): a hidden character (BEL, U+202E) in it refuses the row.
        row.add(L["id_number"], refused, level="error")
    elif raw_id:
        if isinstance(id_cell, float) and id_cell >= 1e15:
            row.add(
                L["id_number"],
                _("身份证号被存成了数字，末几位已丢失，请把该列设为文本后重新导出"),
            )
        else:
            try:
                parsed = parse_id_number(raw_id, field=L["id_number"], remember=False, today=today)
            except ValidationError as exc:
                if resident_id_number(raw_id) is not None:
                    # A resident ID number with something else in it (a dot, a hidden
                    # character): kept as another document it would be a second file.
                    row.add(L["id_number"], exc.messages[0] + _("，本行未导入"), level="error")
                else:
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
            if not _ARRIVAL_FROM <= day <= _ARRIVAL_TO:
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
        township=texts.get("township", ""),
        village=texts.get("village", ""),
        address=row.address,
        household_region=row.household_region,
    )
    row.township_id, row.village_id = place.township_id, place.village_id
    if row.township_id is None and not row.refused:
        if place.ambiguous:
            row.add(
                L["address"],
                _(
                    "住址中的“%(name)s”有多个县（市、区）同名（%(where)s），住址和身份证号码"
                    "都未能确定是哪一个，已列入待分配队列"
                )
                % {
                    "name": place.ambiguous[0].name,
                    "where": "、".join(
                        area_name(t.code[:6]) or t.code[:6] for t in place.ambiguous
                    ),
                },
            )
        else:
            row.add(L["address"], _("住址未能匹配本县乡镇街道，已列入待分配队列"))
        row.needs_review.append("address")
    if not row.sex and texts.get("sex") in ("男", "女"):
        row.sex = "M" if texts["sex"] == "男" else "F"
    if texts.get("note"):
        row.note += texts["note"]
    row.note = row.note.strip()[:200]
    return row
