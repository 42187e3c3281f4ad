"""Resident identity card numbers (居民身份证号码, GB 11643).

Layout: 6-digit region of issue, 8-digit birth date, 3-digit sequence (odd for men, even for
women) and an ISO 7064 MOD 11-2 check character. Cards issued before 1999 carry a 15-digit
number without the century and the check character; those are upgraded to 18 digits.
The checksum comes from python-stdnum; the region test uses stdnum's GB/T 2260 data through
:mod:`fangkong.core.regions`, but accepts any code that ever existed, because an old card keeps
the code of a county that may have been merged since.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from stdnum.cn import ric

from fangkong.core import clock, regions

__all__ = [
    "IdNumber",
    "is_valid_id_number",
    "make_id_number",
    "normalize_id_number",
    "parse_id_number",
]

# Spaces and every dash people put between the groups when copying from documents.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")
_ALLOWED = re.compile(r"[0-9X]")
_CLEAN_18 = re.compile(r"[0-9]{17}[0-9X]")  # already normalised: the common case
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class IdNumber(NamedTuple):
    """A checked identity card number and what it tells about its holder. (A named tuple:
    made for every row of a list, where a frozen dataclass's six `object.__setattr__`
    calls were a fifth of checking a number.)"""

    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region_code: str
    region_name: str
    upgraded: bool  # given as an old 15-digit number

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on ``day``; someone born on 29 February turns a year older on
        1 March in common years."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


def normalize_id_number(value: str) -> str:
    """Fold full-width characters, drop spaces and dashes, upper-case the check letter x.

    Does not validate: search boxes use it to compare partial numbers.
    """
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value)
    # NFKC again, as in text.strip_all_spaces: removing separators can enable a composition.
    return unicodedata.normalize("NFKC", _SEPARATORS.sub("", folded)).replace("x", "X")


def _shown(char: str) -> str:
    """A character as it can be shown in a message; invisible ones by their code point."""
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _error(message: str, code: str, field: str | Promise, /, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params={"field": field, **params})


def parse_id_number(
    value: str,
    *,
    field: str | Promise = "身份证号",
    remember: bool = True,
    today: datetime.date | None = None,
) -> IdNumber:
    """Check an 18- or 15-digit number and return it parsed, raising ValidationError with a
    message that names the exact problem. `remember=False`: not kept in the memo of valid
    numbers (_checked) — for a pushed list, whose numbers are each new: the memo would only
    churn, and push out the numbers a checkpoint sees day after day. `today`: the working
    day the birth date must not lie after, when the caller has just read it from the clock
    (a list reads it once per chunk of rows); else read here."""
    if value and _CLEAN_18.fullmatch(value):
        return _checked(value, upgraded=False, field=field, remember=remember, today=today)
    number = normalize_id_number(value)
    if not number:
        raise _error(_("%(field)s不能为空"), "required", field)
    bad = next((char for char in number if not _ALLOWED.fullmatch(char)), None)
    if bad is not None:
        raise _error(
            _("%(field)s含有非法字符：“%(char)s”"), "invalid_char", field, char=_shown(bad)
        )
    if len(number) not in (15, 18):
        raise _error(
            _("%(field)s位数错误：应为18位或15位，实为%(length)d位"),
            "invalid_length",
            field,
            length=len(number),
        )
    if "X" in number[:-1] or (len(number) == 15 and number.endswith("X")):
        raise _error(_("%(field)s只有18位号码的最后一位可以是X"), "invalid_x", field)

    upgraded = len(number) == 15
    if upgraded:
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    return _checked(number, upgraded=upgraded, field=field, remember=remember, today=today)


def _checked(
    number: str,
    *,
    upgraded: bool,
    field: str | Promise,
    remember: bool,
    today: datetime.date | None,
) -> IdNumber:
    """Birth date, region and check digit of a normalised 18-digit number: a number found
    valid is remembered with the day it was checked on (the birth date must not lie after
    it), so the same people at a checkpoint day after day are not re-checked on every car.
    A refused number is checked anew each time (exceptions are not remembered), so its
    message names the caller's field."""
    if today is None:
        # Once per number checked: a list of 100,000 asks the clock once a minute.
        today = clock.today_this_minute()
    if not remember:
        return _check(number, upgraded=upgraded, field=field, today=today)
    try:
        return _valid(number, upgraded, today)
    except ValidationError:
        # raises, naming the field
        return _check(number, upgraded=upgraded, field=field, today=today)


@functools.lru_cache(maxsize=16384)
def _valid(number: str, upgraded: bool, today: datetime.date) -> IdNumber:
    # `today` keys the memo: _check checks the birth date against that same day.
    return _check(number, upgraded=upgraded, field="", today=today)


def _check(number: str, *, upgraded: bool, field: str | Promise, today: datetime.date) -> IdNumber:
    birth_date = _birth_date(number, field, today)
    region_code = number[:6]
    region = regions.get_region(region_code)
    if region is None:
        raise _error(
            _("%(field)s前6位地区代码无效：%(region)s"), "invalid_region", field, region=region_code
        )
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise _error(
            _("%(field)s校验位错误：应为%(digit)s"), "invalid_checksum", field, digit=expected
        )
    return IdNumber(
        number,
        birth_date,
        "M" if number[16] in _ODD else "F",
        region_code,
        region.name,
        upgraded,
    )


_ODD = frozenset("13579")
# Birth dates by their eight digits, each made once: a list's 100,000 people were born on
# a few tens of thousands of days. Only days from 1900 to the day checked are kept (at
# most some 46,000): a refused date is checked anew each time.
_BIRTH_DAYS: dict[str, datetime.date] = {}


def _birth_date(number: str, field: str | Promise, today: datetime.date) -> datetime.date:
    digits = number[6:14]
    birth = _BIRTH_DAYS.get(digits)
    if birth is not None and birth <= today:
        return birth
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _error(
            _("%(field)s出生日期无效：%(digits)s"), "invalid_birth_date", field, digits=digits
        ) from None
    if birth < _EARLIEST_BIRTH:
        raise _error(
            _("%(field)s出生日期不能早于1900年：%(digits)s"),
            "invalid_birth_date",
            field,
            digits=digits,
        )
    if birth > today:
        raise _error(
            _("%(field)s出生日期不能晚于今天：%(digits)s"),
            "invalid_birth_date",
            field,
            digits=digits,
        )
    _BIRTH_DAYS[digits] = birth
    return birth


def is_valid_id_number(value: str) -> bool:
    """Whether :func:`parse_id_number` accepts the value."""
    try:
        parse_id_number(value)
    except ValidationError:
        return False
    return True


def make_id_number(region_code: str, birth_date: datetime.date, seq: int, sex: str) -> str:
    """A well-formed synthetic number for tests and demo data.

    ``seq`` 0–99 picks the sequence: 2·seq+1 for men (odd), 2·seq+2 for women (even). The
    region is not checked against the code table, so tests can build unknown-region numbers.
    Wrong arguments are programming errors and raise ValueError.
    """
    if not re.fullmatch(r"[0-9]{6}", region_code):
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if not 0 <= seq <= 99:
        raise ValueError(f"seq must be 0..99, got {seq}")
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    if birth_date.year < 1000:
        raise ValueError(f"birth year must have 4 digits, got {birth_date.year}")
    sequence = 2 * seq + 1 if sex == "M" else 2 * seq + 2
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
