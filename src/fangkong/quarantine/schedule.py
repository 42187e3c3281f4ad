"""When follow-ups are due, and when one is overdue (Asia/Shanghai local time).

Each day of a home quarantine has two follow-up windows:

- morning (上午, slot ``am``): due 06:00–12:00;
- evening (下午, slot ``pm``): due 12:00–22:00.

A visit counts for the window of its local time: before 12:00 it is that day's morning
follow-up (a visit at 00:30 is the morning of the new day, not the evening of the day
before), from 12:00 it is that day's evening follow-up (a late visit at 23:00 still counts
for the evening). A window is *overdue* once it has closed (12:00, resp. 22:00) without a
visit. A case is overdue when it missed the *last window that closed*: from 22:00 until
12:00 the next day that is the evening window of the day the 22:00 belongs to; from 12:00
to 22:00 the morning window of the same day.

The platform's "today" is `fangkong.core.clock.work_day()` (see there: FANGKONG_TODAY fixes it
for the demo county).
"""

from __future__ import annotations

import datetime

from fangkong.core.clock import SHANGHAI, work_day, work_now  # noqa: F401 (used as schedule.*)

MORNING, EVENING = "am", "pm"
MORNING_OPENS = datetime.time(6, 0)
NOON = datetime.time(12, 0)
EVENING_CLOSES = datetime.time(22, 0)


def slot_of(visited_at: datetime.datetime) -> tuple[datetime.date, str]:
    """(local day, slot) a visit at `visited_at` counts for."""
    local = visited_at.astimezone(SHANGHAI)
    return local.date(), MORNING if local.time() < NOON else EVENING


def window_closes(day: datetime.date, slot: str) -> datetime.datetime:
    return datetime.datetime.combine(day, NOON if slot == MORNING else EVENING_CLOSES, SHANGHAI)


def window_opens(day: datetime.date, slot: str) -> datetime.datetime:
    return datetime.datetime.combine(day, MORNING_OPENS if slot == MORNING else NOON, SHANGHAI)


def last_closed_window(now: datetime.datetime) -> tuple[datetime.date, str]:
    """The most recent window that has closed by `now`."""
    local = now.astimezone(SHANGHAI)
    day, t = local.date(), local.time()
    if t >= EVENING_CLOSES:
        return day, EVENING
    if t >= NOON:
        return day, MORNING
    return day - datetime.timedelta(days=1), EVENING


def window_state(day: datetime.date, slot: str, now: datetime.datetime, done: bool) -> str:
    """'done', 'due' (open now), 'upcoming' or 'overdue'."""
    if done:
        return "done"
    if now >= window_closes(day, slot):
        return "overdue"
    if now >= window_opens(day, slot):
        return "due"
    return "upcoming"


def moment_on(day: datetime.date, now: datetime.datetime | None = None) -> datetime.datetime:
    """ "Now" for a page showing `day`: the working moment on the working day; the end of a
    past day (as it stood then); the start of a future day."""
    now = now or work_now()
    today = now.astimezone(SHANGHAI).date()
    if day == today:
        return now
    if day < today:
        return datetime.datetime.combine(day, datetime.time(23, 59, 59), SHANGHAI)
    return datetime.datetime.combine(day, datetime.time(0, 0), SHANGHAI)
