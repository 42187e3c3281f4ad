"""The bounds of every input, declared once: how long a text, how large a number, how many
items a list, which dates. Every entry point applies them before any work that grows with
the input (issue 14: a 10,000-character name cost minutes of CPU in pinyin before its
length was checked; integers past 64 bits and dates in year 1 or 9999 answered 500).

- The JSON API declares its schemas with the types below (`Text[60]`, `Limit`, `Day` …):
  the bounds are in the published OpenAPI schema and pydantic refuses an input outside
  them with a 422 naming the field (fangkong/api.py). tests/api/test_bounds.py walks the
  schema and fails on any string, number or list without an upper bound.
- Pages use the form fields of core/forms.py (`DayField`, `MomentField`, bounded numbers
  and texts; tests/core/test_bounds.py walks every form) and, for a query parameter read
  by hand, `day_param`/`moment_param` here.

The bounds are structural — the widest value that can be meant at all. Domain rules (a
temperature between 34 and 43 ℃, a visit not in the future) stay in the services, which
now only ever see values inside these bounds.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# Dates anything in this platform can be about: births from 1900 (GB 11643 ID numbers),
# plans and deadlines well before 2100. Outside: year 1 or 9999 overflowed date arithmetic.
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)

# Integers: the largest a database id can be (a 64-bit signed integer), and the largest
# offset into a list (past any real list; offset + limit still fits in 64 bits).
MAX_ID = 2**63 - 1


class RecordIdConverter:
    """`<id:pk>` in a page's URL: a record's number, at most 18 digits (every one of them
    below MAX_ID). A longer one matches no route (404) instead of reaching the database,
    where SQLite raises OverflowError and PostgreSQL a DataError (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


# Time-zone offsets the world uses: UTC−12:00 (Baker Island) to UTC+14:00 (Line Islands).
# Python reads any offset under 24 hours, PostgreSQL none past ±15:59 (a DataError, 500):
# a time written with +20:00 is refused where it is read, naming its field.
EARLIEST_UTC_OFFSET = datetime.timedelta(hours=-12)
LATEST_UTC_OFFSET = datetime.timedelta(hours=14)

MAX_OFFSET = 2**31 - 1
MAX_LIMIT = 500
# Quarantine days and shift slots: a count of days and an index of a shift in a day.
MAX_DAYS = 3660
MAX_SLOT = 23
# A count typed into a form (vehicles, people, stock), a version number, an amount of money.
MAX_COUNT = 1_000_000_000
MAX_VERSION = 2**31 - 1
MAX_MONEY = 10**10  # yuan: ten billion, past any purchase or donation of a county
# Lists in a request: occupants of one vehicle (a coach's seats), short code lists.
MAX_OCCUPANTS = 60
MAX_CODES = 30

# Lengths of texts, by what they hold (the models' own max_length agree with these).
NAME = 50  # a person's name (people.Person.name)
SHORT = 60  # a search term, a code, a label
LINE = 200  # a one-line text: an address, a title, a place
NOTE = 2000  # a paragraph typed into a form
TEXT = 20_000  # a document typed into a form: a notice, an order, a commendation's deeds
URL = 200  # a link to a media report (the model's URLField)
SIGNED = 20_000  # a signed note a page carries back (core/conflicts.py: what it showed)
ID_NUMBER = 40  # an ID number as typed, with separators (18 digits normalised)
PLACE = 60  # where a traveller came from or is going (checkpoints.Occupant.origin)
PLACE_NAME = 40  # one place a traveller has been to (checkpoints.Occupant.travel_history)
MAX_PLACES = 10  # places in a traveller's last 14 days, symptoms ticked
PHONE = 40  # a phone number as typed


def day_in_range(value: datetime.date) -> datetime.date:
    """The date itself, or a ValueError naming the range (pydantic and forms call it)."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PydanticCustomError(
            "date_out_of_range",
            "须在{earliest}至{latest}之间",
            {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return value


def range_message() -> str:
    return _("须在%(earliest)s至%(latest)s之间") % {
        "earliest": EARLIEST_DAY.isoformat(),
        "latest": LATEST_DAY.isoformat(),
    }


def check_day(value: datetime.date | datetime.datetime | None) -> None:
    """Django validator: refuse a date or time outside EARLIEST_DAY…LATEST_DAY."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(range_message(), code="date_out_of_range")


def _offset_out_of_range(value: datetime.date | None) -> bool:
    if not isinstance(value, datetime.datetime):
        return False
    offset = value.utcoffset()
    return offset is not None and not EARLIEST_UTC_OFFSET <= offset <= LATEST_UTC_OFFSET


def offset_in_range(value: datetime.datetime) -> datetime.datetime:
    """The time itself, or a refusal naming the range of offsets (the API's schemas)."""
    if _offset_out_of_range(value):
        raise PydanticCustomError(
            "offset_out_of_range",
            "时区须在{earliest}至{latest}之间",
            {"earliest": "UTC-12:00", "latest": "UTC+14:00"},
        )
    return value


def with_offset(value: datetime.datetime) -> datetime.datetime:
    """The time itself when it says its offset ("…+08:00", "…Z"), or a refusal: the API's
    one rule for every moment a client sends (a passage's time, a follow-up's), as its
    documentation writes them. A time without one was read as Beijing time by passages and
    refused by follow-ups (the seventh attack): a device's clock in another zone would
    store a time hours off, so it is refused, never guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "timezone_aware", "须带时区，如 {example}", {"example": "2020-02-03T08:30:00+08:00"}
        )
    return value


def check_offset(value: datetime.datetime | None, *, label: str | None = None) -> None:
    """Django validator: refuse a time whose offset is outside UTC−12:00…UTC+14:00, in a
    message naming the field (`label`)."""
    if _offset_out_of_range(value):
        raise ValidationError(
            _("%(label)s的时区须在%(earliest)s至%(latest)s之间")
            % {"label": label or _("时间"), "earliest": "UTC-12:00", "latest": "UTC+14:00"},
            code="offset_out_of_range",
        )


def day_param(raw: str | None) -> datetime.date | None:
    """A YYYY-MM-DD query parameter of a page; None when it is absent. A ValidationError
    (with a Chinese message) when it is malformed or out of range."""
    if not raw:
        return None
    try:
        if len(raw) > 10:
            raise ValueError(raw)
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("日期格式错误，应为 2020-02-03"), code="invalid") from None
    check_day(day)
    return day


def moment_param(raw: str | None, *, label: str | None = None) -> datetime.datetime | None:
    """An ISO 8601 time query parameter of a page (2020-02-03T10:00), like day_param;
    `label` names it in the refusal of an offset outside the world's."""
    if not raw:
        return None
    try:
        if len(raw) > 40:
            raise ValueError(raw)
        at = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("时间格式错误，应为 2020-02-03T10:00"), code="invalid") from None
    check_day(at)
    check_offset(at, label=label)
    return at


# ---------------------------------------------------------------- API schema types

Name = Annotated[str, Field(max_length=NAME)]
Short = Annotated[str, Field(max_length=SHORT)]
Line = Annotated[str, Field(max_length=LINE)]
Note = Annotated[str, Field(max_length=NOTE)]
IdNumberText = Annotated[str, Field(max_length=ID_NUMBER)]
PhoneText = Annotated[str, Field(max_length=PHONE)]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
DayCount = Annotated[int, Field(ge=0, le=MAX_DAYS)]
Slot = Annotated[int, Field(ge=0, le=MAX_SLOT)]
# A date or time is written out (2020-02-03, 2020-02-03T08:30:00+08:00): pydantic would also
# read a number, or a text of digits, as seconds since 1970 (`?date=0` was 1970-01-01).
# The schema says which years, so a client generating from it stays inside them.
YEARS = r"^(19[0-9][0-9]|20[0-9][0-9]|2100)-"
_ISO_START = re.compile(r"[0-9]{4}-")


def _written_out(kind: str, example: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str) and not _ISO_START.match(value):
            raise PydanticCustomError(
                f"{kind}_parsing", "须为ISO 8601格式，如 {example}", {"example": example}
            )
        if isinstance(value, int | float):
            raise PydanticCustomError(
                f"{kind}_parsing", "须为ISO 8601格式，如 {example}", {"example": example}
            )
        return value

    return BeforeValidator(check)


Day = Annotated[
    datetime.date,
    _written_out("date", "2020-02-03"),
    AfterValidator(day_in_range),
    Field(json_schema_extra={"pattern": YEARS}),
]
Moment = Annotated[
    datetime.datetime,
    _written_out("datetime", "2020-02-03T08:30:00+08:00"),
    AfterValidator(with_offset),
    AfterValidator(day_in_range),
    AfterValidator(offset_in_range),
    Field(json_schema_extra={"pattern": YEARS}),
]


# A body temperature at all (the services apply the clinical range): no infinities, no
# exponent that would cost to expand. Strict: a JSON number, never the text "36.5" or true
# (pydantic's lax mode read both; a client sending them has a bug to be told of).
def _not_past(largest: int) -> Any:
    """An integer past what a float holds (10**400) is refused as too large, as 101 is
    (strict floats call it "not a number")."""

    def check(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > largest:
            raise PydanticCustomError("less_than_equal", "过大", {"le": largest})
        return value

    return BeforeValidator(check)


Temperature = Annotated[
    float, Field(ge=0, le=100, allow_inf_nan=False, strict=True), _not_past(100)
]
# A yes or no in a JSON body: true or false, never "yes", "1" or 1 (strict, as Temperature).
# Query parameters and form fields stay lax: their values are texts by nature.
Flag = Annotated[bool, Field(strict=True)]
Codes = Annotated[list[Short], Field(max_length=MAX_CODES)]
Places = Annotated[list[Line], Field(max_length=MAX_CODES)]
