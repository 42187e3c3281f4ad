"""The day's figures in one shape for the stats API, the dashboard and the daily report."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import Scope, area_scope
from fangkong.core.figures import (
    Figure,
    Section,
    Trend,
    collect_area_figures,
    collect_sections,
    collect_trends,
    figure_text,
    flat_figures,
)
from fangkong.org.areas import area_name, child_areas, installation_area, level_of


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def figure_dict(f: Figure) -> dict[str, Any]:
    text, unit_text = figure_text(f.value, f.unit, f.style)
    return {
        "key": f.key,
        "label": str(f.label),
        "value": f.value,
        "url": f.url,
        "unit": str(f.unit),
        "tone": f.tone,
        "note": str(f.note),
        # As written on the dashboard, the big screen and in the report (core.figures).
        "text": text,
        "unit_text": unit_text,
        "style": f.style,
        "headline": f.headline,
        "cumulative": f.cumulative,
    }


def section_dict(section: Section, *, area: str = "") -> dict[str, Any]:
    """`area`: an area's figures (a county's inside a city) link to lists of that area."""
    figures = [figure_dict(f) for f in section.figures]
    if area:
        for f in figures:
            if f["url"]:
                f["url"] += ("&" if "?" in f["url"] else "?") + f"area={area}"
    return {
        "key": section.key,
        "title": str(section.title),
        "figures": figures,
        "tables": [
            {
                "title": str(t.title),
                "headers": [str(h) for h in t.headers],
                "rows": [[_plain(v) for v in row] for row in t.rows],
            }
            for t in section.tables
        ],
        "events": [str(e) for e in section.events],
        "problems": [str(p) for p in section.problems],
    }


def area_figures_scope(area: str | None) -> Scope | None:
    """The scope an area's figures are counted in; None for the installation's own area."""
    if not area or area == installation_area():
        return None
    return area_scope(area)


def area_url(code: str) -> str:
    return f"{reverse('dashboard')}?area={code}"


def daily_stats(day: datetime.date, *, area: str | None = None) -> dict[str, Any]:
    """{"date", "area", "sections", "figures", "areas"}: what GET /api/v1/stats/daily
    returns. `area` (default: the installation's) narrows every figure to that area; a
    city's or a province's carry `areas`, each county's (city's) own figures, one level
    down (issue 18): the figures of the areas' table, each as that area's own dashboard
    has it, counted for all of them at once (core.figures.collect_area_figures), so a
    province of 16 cities costs the queries of one of 2."""
    code = area or installation_area()
    sections = collect_sections(day, scope=area_figures_scope(code))
    children = child_areas(code)
    by_area = collect_area_figures(day, [child.code for child in children])
    areas = [
        {
            "code": child.code,
            "name": child.name,
            "url": area_url(child.code),
            "figures": by_area[child.code],
        }
        for child in children
    ]
    return {
        "date": day.isoformat(),
        "area": {"code": code, "name": area_name(code), "level": level_of(code)},
        "sections": [
            section_dict(s, area="" if code == installation_area() else code) for s in sections
        ],
        "figures": flat_figures(sections),
        "areas": areas,
    }


# The figures of the table of counties (cities) on the dashboard, screen and report.
AREA_COLUMNS = (
    "checkpoints.vehicles_today",
    "checkpoints.persons_today",
    "checkpoints.flagged_today",
    "quarantine.returnees_total",
    "quarantine.under_quarantine",
    "quarantine.new_today",
    "quarantine.overdue",
    "org.officers_total",
)


def areas_table(stats: dict[str, Any]) -> dict[str, Any] | None:
    """The areas one level down as a table (headers from the figures' own labels); None
    when there are none (a county)."""
    if not stats.get("areas"):
        return None
    labels = {f["key"]: f["label"] for s in stats["sections"] for f in s["figures"]}
    columns = [k for k in AREA_COLUMNS if k in labels]
    level = stats["areas"][0]["code"]
    heading = _("县（市、区）") if len(level) == 6 else _("市")
    return {
        "title": _("各%(level)s情况") % {"level": heading},
        "headers": [heading, *(labels[k] for k in columns)],
        "rows": [
            {
                "code": a["code"],
                "name": a["name"],
                "url": a["url"],
                "values": [a["figures"].get(k, 0) for k in columns],
            }
            for a in stats["areas"]
        ],
        "total": [stats["figures"].get(k, 0) for k in columns],
    }


def trend_charts(
    start: datetime.date, end: datetime.date, *, area: str | None = None
) -> list[dict[str, Any]]:
    """Trends as chart data: the dates once, the values per trend (for charts.js)."""
    scope = area_figures_scope(area)
    trends: list[Trend] = collect_trends(start, end, scope=scope) if start <= end else []
    return [
        {
            "key": t.key,
            "label": str(t.label),
            "dates": [d.isoformat() for d, _v in t.points],
            "values": [v for _d, v in t.points],
        }
        for t in trends
    ]


# The big screen shows at most this many rows of a table (the rest: 另有 N 行, in the annex).
SCREEN_ROWS = 24
# …and on a section's page at most this many of the section's trend charts.
SCREEN_CHARTS = 3
# A table of more rows than this and at most this many columns is drawn on its side.
TRANSPOSE_ROWS = 12
TRANSPOSE_COLUMNS = 5


def screen_pages(stats: dict[str, Any], charts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The big screen's pages: an overview of every section's main figures (and any figure
    that calls for attention), then one page per section with all its figures, tables,
    problems and trends. Each page is drawn to fit 1920×1080 (static/fangkong/screen.js)."""

    def attention(f: dict[str, Any]) -> bool:
        return f["headline"] or (f["tone"] in ("danger", "warn") and bool(f["value"]))

    shown = [
        {**s, "figures": [f for f in s["figures"] if attention(f)], "tables": []}
        for s in stats["sections"]
    ]
    # Three columns, each section into the one that is shortest so far (a title and rows of
    # three tiles), so they come out of even height.
    columns: list[list[dict[str, Any]]] = [[], [], []]
    heights = [0, 0, 0]
    for s in shown:
        shortest = heights.index(min(heights))
        columns[shortest].append(s)
        heights[shortest] += 1 + (len(s["figures"]) + 2) // 3
    overview = {
        "key": "overview",
        "title": _("总览"),
        "overview": True,
        "sections": shown,
        "columns": [c for c in columns if c],
        # The first trend of each section, up to four, along the foot of the page.
        "charts": [
            next(c for c in charts if c["key"].startswith(f"{s['key']}."))
            for s in stats["sections"]
            if any(c["key"].startswith(f"{s['key']}.") for c in charts)
        ][:4],
    }
    pages = [overview]
    areas = areas_table(stats)
    if areas is not None:
        # A city's (province's) screen: its counties (cities) side by side, second.
        table = {
            "title": areas["title"],
            "headers": areas["headers"],
            "rows": [[r["name"], *r["values"]] for r in areas["rows"]]
            + [[_("合计"), *areas["total"]]],
        }
        section = {
            "key": "areas",
            "title": areas["title"],
            "figures": [],
            "tables": [_screen_table(table)],
            "problems": [],
            "events": [],
        }
        pages.append(
            {
                "key": "areas",
                "title": areas["title"],
                "overview": False,
                "sections": [section],
                "charts": [],
            }
        )
    # Sections share a page while they fit (a small one alone would leave the wall empty).
    groups: list[list[dict[str, Any]]] = []
    room = 0
    for s in stats["sections"]:
        section = {**s, "tables": [_screen_table(t) for t in s["tables"]]}
        size = _screen_lines(section)
        if not groups or size > room:
            groups.append([])
            room = SCREEN_LINES
        groups[-1].append(section)
        room -= size
    for group in groups:
        keys = [s["key"] for s in group]
        pages.append(
            {
                "key": "+".join(keys),
                "title": " · ".join(s["title"] for s in group),
                "overview": False,
                "sections": group,
                "charts": [c for c in charts if c["key"].split(".")[0] in keys][:SCREEN_CHARTS],
            }
        )
    return pages


# What a section page holds, in lines of table text: about 36 at 1920×1080 beside the charts.
SCREEN_LINES = 36


def _screen_lines(section: dict[str, Any]) -> int:
    """A section's height on the screen in table lines: its title, rows of six tiles (three
    lines each), each table's caption, header and rows, each problem and event."""
    tiles = 3 * -(-len(section["figures"]) // 6)
    tables = sum(2 + len(t["rows"]) + (1 if t.get("hidden") else 0) for t in section["tables"])
    return 2 + tiles + tables + len(section.get("problems", [])) + len(section["events"])


def _screen_table(table: dict[str, Any]) -> dict[str, Any]:
    """A table for the screen: at most SCREEN_ROWS rows; a long and narrow one (the 24 hours
    of the day) turned on its side, one column per row, so it reads across the screen
    instead of running off its foot."""
    rows = table["rows"][:SCREEN_ROWS]
    hidden = table.get("hidden", 0) + max(0, len(table["rows"]) - SCREEN_ROWS)
    if len(rows) > TRANSPOSE_ROWS and len(table["headers"]) <= TRANSPOSE_COLUMNS:
        columns = list(zip(*rows, strict=True))
        return {
            **table,
            "headers": [table["headers"][0], *columns[0]],
            "rows": [[h, *c] for h, c in zip(table["headers"][1:], columns[1:], strict=True)],
            "hidden": hidden,
            "transposed": True,
        }
    return {**table, "rows": rows, "hidden": hidden}
