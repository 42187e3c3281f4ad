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
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
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

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


@dataclass(frozen=True)
class Trend:
    key: str
    label: Any
    points: list[tuple[datetime.date, int | float]]


def _stats_modules() -> list[ModuleType]:
    return [module for _config, module in app_modules("stats")]


def collect_sections(day: datetime.date) -> list[Section]:
    sections = []
    for module in _stats_modules():
        build = getattr(module, "daily_section", None)
        section = build(day) if build else None
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: (s.order, s.key))


def collect_trends(start: datetime.date, end: datetime.date) -> list[Trend]:
    trends: list[Trend] = []
    for module in _stats_modules():
        build = getattr(module, "daily_trend", None)
        if build is not None:
            trends.extend(build(start, end))
    return trends


def flat_figures(sections: list[Section]) -> dict[str, int | float]:
    """{figure key: value} across sections: what the stats API returns and tests compare."""
    return {f.key: f.value for s in sections for f in s.figures}
