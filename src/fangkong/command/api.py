from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from fangkong.accounts.jurisdiction import requested_area
from fangkong.accounts.roles import user_can
from fangkong.command.daily import daily_stats
from fangkong.core.api import errors
from fangkong.core.bounds import Day, Short
from fangkong.core.clock import work_day

router = Router(tags=["stats"])


class FigureOut(Schema):
    key: str
    label: str
    value: int | float
    url: str
    unit: str = ""
    tone: str = ""
    note: str = ""


class TableOut(Schema):
    title: str
    headers: list[str]
    rows: list[list[Any]]


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]
    tables: list[TableOut]
    events: list[str]
    problems: list[str] = []


class AreaOut(Schema):
    code: str
    name: str
    level: str


class ChildAreaOut(Schema):
    code: str
    name: str
    url: str
    figures: dict[str, int | float]


class DailyStatsOut(Schema):
    date: datetime.date
    area: AreaOut
    sections: list[SectionOut]
    figures: dict[str, int | float]
    # A city's counties (a province's cities), each with its own figures; [] for a county.
    areas: list[ChildAreaOut] = []


@router.get(
    "/stats/daily",
    response={200: DailyStatsOut, **errors(401, 403, 404, 422)},
    summary="某日（截至当日24时）的当日和累计数据：看板、大屏和工作日报同一来源",
    description="area：区划代码（如 370921 县、3709 市），只能是本人所属区划或其下级；"
    "市、省的数据另附下一级各区划的数据（areas）。",
)
def stats_daily(
    request: HttpRequest, date: Day | None = None, area: Short | None = None
) -> dict[str, Any]:
    if not user_can(request.user, "command.dashboard"):
        raise PermissionDenied
    return daily_stats(date or work_day(), area=requested_area(request.user, area))
