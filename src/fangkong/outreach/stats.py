"""Party work and publicity in the day's figures (core/figures.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Scope, within
from fangkong.core.figures import Figure, Section
from fangkong.outreach import selectors
from fangkong.outreach.models import Activity, MediaReport


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section | None:
    """Publicity of `scope` (a county's inside a city; None: all)."""
    if (
        not within(Activity.objects.all(), scope).exists()
        and not within(MediaReport.objects.all(), scope).exists()
    ):
        return None
    o = selectors.overview(day, scope=scope)
    return Section(
        key="outreach",
        title=_("党建与宣传"),
        order=85,
        figures=[
            Figure(
                "outreach.pledges",
                _("宣誓活动"),
                o["activities"]["pledge"],
                url=reverse("outreach_activities") + "?kind=pledge",
                unit=_("次"),
                headline=True,
                cumulative=True,
            ),
            Figure("outreach.commando_teams", _("突击队"), o["teams"], unit=_("个")),
            Figure(
                "outreach.media_reports",
                _("中央、省、市级媒体报道"),
                o["media"]["mainstream"],
                url=reverse("outreach_media"),
                unit=_("篇"),
                headline=True,
                cumulative=True,
            ),
            Figure(
                "outreach.popular_posts",
                _("点赞留言300条以上的自媒体作品"),
                o["popular_posts"],
                unit=_("篇"),
                cumulative=True,
            ),
        ],
    )
