"""The day's figures, contributed by each app, for the dashboard, the big screen, the stats
API and the daily report: one source of truth for all four.

An app contributes by having a `stats.py` module with

    def daily_section(day: datetime.date) -> Section | None
        # the figures as the day stood at its end (cumulative ones up to that day)

and optionally

    def daily_trend(start: datetime.date, end: datetime.date) -> list[Trend]
        # one value per day, for the trend charts

Figures must come from indexed or pre-aggregated counts, never from a scan of every row:
the dashboard is opened at province scale too.

Figures of one area inside a city or a province (issue 18): a module whose
`daily_section`/`daily_trend` take a keyword `scope` (accounts.jurisdiction.Scope: the
area's units, townships and checkpoints) counts only that area's rows. A module that does
not take one is left out of an area's figures — a county never sees another county's
numbers, not even in a sum.

The rows of a city's counties (a province's cities) beside its totals (issue 18): a module
may also have

    def daily_area_figures(day: datetime.date, areas: Sequence[str]) -> dict[str, dict]
        # {area: {figure key: value}} for areas of one level (all 6 or all 4 digits)

counting every area at once with its section's own query builders grouped by area (a
few queries for all areas, not a section per area), each value the one that area's own
`daily_section(day, scope=area_scope(area))` gives, and a figure left out for an area
whose section would be None. Only these figures make the rows.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

from fangkong.core.apps import app_modules


@dataclass(frozen=True)
class Figure:
    key: str  # stable id, e.g. "checkpoints.vehicles_today" (also the stats API's key)
    label: Any  # Chinese, translatable
    value: int | float
    url: str = ""  # the list behind the figure, filtered: a number you can click
    tone: str = ""  # "", "danger", "warn", "ok"
    unit: Any = ""  # e.g. "人", "辆"
    note: Any = ""
    style: str = ""  # how the value is written: "" (a count), MONEY or HOURS
    headline: bool = False  # written out in the daily report's sentences
    cumulative: bool = False  # a running total: no "since yesterday" in the report


MONEY = "money"  # ¥213,600 (no unit after it)
HOURS = "hours"  # 7 or 7.5, with the unit


def format_number(value: int | float | Decimal | None, style: str = "") -> str:
    """A number as every page, the big screen and the report write it: thousands grouped,
    no ".0"; money as ¥213,600 (cents only when there are some); hours whole or to one
    decimal (whole from 100 h, where a tenth says nothing)."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if style == MONEY:
        return f"¥{format_amount(value)}"
    if style == HOURS:
        hours = float(value)
        value = round(hours, 0 if abs(hours) >= 100 else 1)
    if isinstance(value, int):
        return f"{value:,}"
    number = round(float(value), 1)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.1f}"


def format_amount(value: int | float | Decimal) -> str:
    """An amount of money without its sign: 213,600 or 761.50 (cents only when there are)."""
    cents = round(Decimal(value), 2)
    return f"{cents:,.2f}".removesuffix(".00")


def figure_text(value: int | float | Decimal, unit: Any, style: str = "") -> tuple[str, str]:
    """(number, unit) as shown: money carries its own sign, so it has no unit after it."""
    if style == MONEY:
        return format_number(value, MONEY), ""
    return format_number(value, style), str(unit)


# Pages and the Word report show at most this many rows of a table (a province has hundreds
# of checkpoints); the stats API and the .xlsx annex carry every row.
SHOWN_ROWS = 40


@dataclass(frozen=True)
class Table:
    title: Any
    headers: list[Any]
    rows: list[list[Any]]


@dataclass
class Section:
    key: str  # "checkpoints", "quarantine", …
    title: Any
    order: int = 100
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # notable events of the day, as sentences
    # What went wrong that the command centre must see to (a hand count that disagrees, an
    # officer on duty too long, follow-ups overdue …), as sentences: the report's 发现的问题.
    problems: list[str] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


@dataclass(frozen=True)
class Trend:
    key: str
    label: Any
    points: list[tuple[datetime.date, int | float]]


def _stats_modules() -> list[ModuleType]:
    return [module for _config, module in app_modules("stats")]


def _narrowed(scope: Any) -> bool:
    """Whether `scope` is one area's, not the whole installation's."""
    return scope is not None and not scope.county


def _call(build: Any, scope: Any, *args: Any) -> Any:
    """build(*args), narrowed to `scope` when it is one area's; None when `build` cannot
    narrow (its figures would be the installation's)."""
    if build is None:
        return None
    if not _narrowed(scope):
        return build(*args)
    if "scope" not in inspect.signature(build).parameters:
        return None
    return build(*args, scope=scope)


def collect_sections(day: datetime.date, *, scope: Any = None) -> list[Section]:
    sections = []
    for module in _stats_modules():
        section = _call(getattr(module, "daily_section", None), scope, day)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: (s.order, s.key))


def collect_trends(start: datetime.date, end: datetime.date, *, scope: Any = None) -> list[Trend]:
    trends: list[Trend] = []
    for module in _stats_modules():
        found = _call(getattr(module, "daily_trend", None), scope, start, end)
        if found:
            trends.extend(found)
    return trends


def flat_figures(sections: list[Section]) -> dict[str, int | float]:
    """{figure key: value} across sections: what the stats API returns and tests compare."""
    return {f.key: f.value for s in sections for f in s.figures}


def collect_area_figures(
    day: datetime.date, areas: Sequence[str]
) -> dict[str, dict[str, int | float]]:
    """{area: {figure key: value}} of each of `areas` (one level), from the modules'
    `daily_area_figures`: the same number of queries for 2 areas or 16."""
    found: dict[str, dict[str, int | float]] = {a: {} for a in areas}
    if not areas:
        return found
    for module in _stats_modules():
        build = getattr(module, "daily_area_figures", None)
        if build is None:
            continue
        for area, figures in build(day, areas).items():
            found[area].update(figures)
    return found


def area_prefix(code: str | None, areas: Collection[str]) -> str | None:
    """Which of `areas` (codes of one length) `code` lies in; None for none of them."""
    if not code or not areas:
        return None
    head = code[: len(next(iter(areas)))]
    return head if head in areas else None
