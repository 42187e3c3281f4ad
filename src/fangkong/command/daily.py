"""The day's figures in one shape for the stats API, the dashboard and the daily report."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.functional import Promise

from fangkong.core.figures import Section, Trend, collect_sections, collect_trends, flat_figures


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def section_dict(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": str(section.title),
        "figures": [
            {
                "key": f.key,
                "label": str(f.label),
                "value": f.value,
                "url": f.url,
                "unit": str(f.unit),
                "tone": f.tone,
                "note": str(f.note),
            }
            for f in section.figures
        ],
        "tables": [
            {
                "title": str(t.title),
                "headers": [str(h) for h in t.headers],
                "rows": [[_plain(v) for v in row] for row in t.rows],
            }
            for t in section.tables
        ],
        "events": [str(e) for e in section.events],
    }


def daily_stats(day: datetime.date) -> dict[str, Any]:
    """{"date", "sections", "figures"}: what GET /api/v1/stats/daily returns."""
    sections = collect_sections(day)
    return {
        "date": day.isoformat(),
        "sections": [section_dict(s) for s in sections],
        "figures": flat_figures(sections),
    }


def trend_charts(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Trends as chart data: the dates once, the values per trend (for charts.js)."""
    trends: list[Trend] = collect_trends(start, end) if start <= end else []
    return [
        {
            "key": t.key,
            "label": str(t.label),
            "dates": [d.isoformat() for d, _v in t.points],
            "values": [v for _d, v in t.points],
        }
        for t in trends
    ]
