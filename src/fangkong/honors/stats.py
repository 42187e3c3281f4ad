"""Commendations in the day's figures (core/figures.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Scope, within
from fangkong.core.figures import HOURS, Figure, Section
from fangkong.honors import selectors
from fangkong.honors.models import Commendation


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section | None:
    """Commendations of `scope` (a county's inside a city; None: all)."""
    if not within(Commendation.objects.all(), scope).exists():
        return None
    counts = selectors.praised_counts(day, scope=scope)
    median = selectors.hours(selectors.median_durations(day, scope=scope)["total"])
    return Section(
        key="honors",
        title=_("战时表彰"),
        order=80,
        figures=[
            Figure(
                "honors.circulars",
                _("表扬通报"),
                counts["circulars"],
                url=reverse("honors_circulars"),
                unit=_("期"),
                cumulative=True,
            ),
            Figure(
                "honors.collectives",
                _("受表扬集体"),
                counts["collectives"],
                unit=_("个"),
                headline=True,
                cumulative=True,
            ),
            Figure(
                "honors.individuals",
                _("受表扬个人"),
                counts["individuals"],
                unit=_("名"),
                headline=True,
                cumulative=True,
            ),
            Figure(
                "honors.awaiting_review",
                _("待审核表彰"),
                selectors.awaiting_review_count(scope=scope),
                url=reverse("honors_list") + "?status=reported",
                tone="warn",
                unit=_("项"),
            ),
            Figure(
                "honors.median_hours",
                _("上报到颁奖用时中位数"),
                median if median is not None else 0,
                unit=_("小时"),
                style=HOURS,
            ),
        ],
    )
