"""The platform's working day and time (Asia/Shanghai).

`FANGKONG["TODAY"]` (env FANGKONG_TODAY, e.g. 2020-02-03 for the demo county) fixes the day,
keeping the clock time, so the demo county can be worked and reviewed as on its own day:
the dashboard, the day's lists, today's follow-ups and the menu's counts all open on it.
Records written keep their real time stamps.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fixed_today() -> datetime.date | None:
    value = settings.FANGKONG.get("TODAY") or ""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def work_now() -> datetime.datetime:
    """Now, in Asia/Shanghai — on the fixed day when FANGKONG["TODAY"] is set."""
    now = timezone.now().astimezone(SHANGHAI)
    fixed = fixed_today()
    if fixed is not None:
        now = datetime.datetime.combine(fixed, now.time(), SHANGHAI)
    return now


def work_day() -> datetime.date:
    return work_now().date()
