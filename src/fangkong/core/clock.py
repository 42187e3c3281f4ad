"""The platform's one clock (Asia/Shanghai). Nothing else in fangkong reads the machine's.

`now()` and `today()` are the working clock: every record's time stamp, every "today" of a
page, list, report or rule. `FANGKONG["TODAY"]` (env FANGKONG_TODAY, e.g. 2020-02-03 for the
demo county) fixes its day, keeping the time of day, so the demo county is one coherent day:
what a user does there lands on that day's dashboard, lists and report.

`system_now()` is the machine's time, for what must run in real seconds whatever the working
day is: sign-in lockouts, rate-limit windows, sessions, one-time passwords, token use.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Tests move the clock (tests/conftest.py `clock_at`); never set in production.
_shift = datetime.timedelta(0)
# The working clock stopped at one moment (`held`): the demo county is built at one instant.
_held: datetime.datetime | None = None


def fixed_today() -> datetime.date | None:
    value = settings.FANGKONG.get("TODAY") or ""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def system_now() -> datetime.datetime:
    """The machine's time, aware, in Asia/Shanghai (not shifted to the working day)."""
    return (timezone.now() + _shift).astimezone(SHANGHAI)


def now() -> datetime.datetime:
    """Now, in Asia/Shanghai — on the fixed day when FANGKONG["TODAY"] is set."""
    if _held is not None:
        return _held
    current = system_now()
    fixed = fixed_today()
    if fixed is not None:
        current = datetime.datetime.combine(fixed, current.time(), SHANGHAI)
    return current


def today() -> datetime.date:
    return now().date()


def ahead_of_machine() -> datetime.timedelta:
    """How far the working clock reads from the machine's real time: nothing in production;
    the distance to the fixed day in the demo (FANGKONG["TODAY"]); the tests' shift. A page
    hands it to its scripts, so a moment a device stamps (a passage's time) is read on the
    working clock too — as an offset, which a page kept for offline use still gets right."""
    return now() - system_now() + _shift  # system_now() less the tests' shift: real time


@contextlib.contextmanager
def held(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """The working clock (now, today) reads `moment` until the block ends; system_now runs on.

    On a fixed day the clock's time of day wraps from 23:59 back to 00:00 of the same day:
    what takes minutes, begun just before midnight, would otherwise see its own earlier
    records lie in the future.
    """
    global _held
    before = _held
    _held = moment.astimezone(SHANGHAI)
    _today_in_minute.cache_clear()
    try:
        yield _held
    finally:
        _held = before
        _today_in_minute.cache_clear()


def local(moment: datetime.datetime) -> datetime.datetime:
    """A stored time as the county reads it: in Asia/Shanghai (the database gives UTC)."""
    return moment.astimezone(SHANGHAI) if moment.tzinfo is not None else moment


def today_this_minute() -> datetime.date:
    """today(), read from the clock at most once a minute: for rules checked on every row of
    a 100,000-row list (an ID number's birth date not after today)."""
    minute = int(time.time() + _shift.total_seconds()) // 60
    return _today_in_minute(minute, settings.FANGKONG.get("TODAY") or "")


@functools.lru_cache(maxsize=4)
def _today_in_minute(minute: int, fixed: object) -> datetime.date:
    # Shanghai's offset is whole hours: a day never starts inside a minute.
    return today()


# The names the code used first; the same clock.
work_now = now
work_day = today
