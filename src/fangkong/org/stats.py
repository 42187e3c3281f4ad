"""The organisation's figures for the day (core/figures.py): officers on post, on leave,
sick, and recalled under the wartime order but not yet reported back.

An officer's status row holds only the present; a past day is reconstructed from the recall
records: before an order took effect its recalled officers were on leave, and until they
reported back they were on the way. Sick leave has no history and is read as it is now.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.jurisdiction import Scope
from fangkong.core.clock import work_now
from fangkong.core.figures import Figure, Section, Table, Trend, area_prefix
from fangkong.core.filters import list_url
from fangkong.org.filters import OfficerFilter
from fangkong.org.models import Officer, Recall, Unit


def _as_of(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)
    return min(end, work_now())


def _units_q(scope: Scope | None, path: str = "unit_id") -> Q:
    """An area's officers (those of its units); everyone for the whole installation."""
    if scope is None or scope.county:
        return Q()
    return Q(**{f"{path}__in": sorted(scope.unit_ids)})


def _recall_counts(moment: datetime.datetime, scope: Scope | None = None) -> dict[str, int]:
    return Recall.objects.filter(_units_q(scope, "officer__unit_id")).aggregate(
        pending=Count("id", filter=Q(order__effective_at__gte=moment)),
        recalled=Count("id", filter=Q(order__effective_at__lt=moment)),
        reported=Count("id", filter=Q(order__effective_at__lt=moment, reported_at__lt=moment)),
    )


def _officer_counts() -> dict[str, Count]:
    return {
        "total": Count("id"),
        "on_leave": Count("id", filter=Q(status=Officer.Status.ON_LEAVE)),
        "sick": Count("id", filter=Q(status=Officer.Status.SICK)),
    }


def daily_area_figures(day: datetime.date, areas: Sequence[str]) -> dict[str, dict[str, int]]:
    """`org.officers_total` of each area (the officers of its units, as area_scope has
    them), daily_section's count grouped by the unit's area code: one query for all."""
    found = {area: {"org.officers_total": 0} for area in areas}
    parent = areas[0][:-2] if areas else ""
    rows = (
        Officer.objects.filter(unit__area_code__startswith=parent)
        .order_by()
        .values("unit__area_code")
        .annotate(**_officer_counts())
    )
    for row in rows:
        area = area_prefix(row["unit__area_code"], areas)
        if area is not None:
            found[area]["org.officers_total"] += row["total"]
    return found


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section:
    moment = _as_of(day)
    now = Officer.objects.filter(_units_q(scope)).aggregate(**_officer_counts())
    recalls = _recall_counts(moment, scope)
    waiting = recalls["recalled"] - recalls["reported"]
    on_leave = now["on_leave"] + recalls["pending"]
    on_post = now["total"] - now["sick"] - on_leave - waiting
    person = gettext_lazy("人")
    section = Section(key="org", title=gettext_lazy("警力"), order=80)
    section.figures = [
        Figure(
            "org.officers_total",
            gettext_lazy("警力总数"),
            now["total"],
            reverse("officer_list"),
            unit=person,
        ),
        Figure(
            "org.on_post",
            gettext_lazy("在岗警力"),
            on_post,
            list_url("officer_list", OfficerFilter, status=Officer.Status.ON_POST),
            tone="ok",
            unit=person,
            headline=True,
        ),
        Figure(
            "org.on_leave",
            gettext_lazy("休假"),
            on_leave,
            list_url("officer_list", OfficerFilter, status=Officer.Status.ON_LEAVE),
            unit=person,
        ),
        Figure(
            "org.sick",
            gettext_lazy("病休"),
            now["sick"],
            list_url("officer_list", OfficerFilter, status=Officer.Status.SICK),
            unit=person,
        ),
        Figure(
            "org.recalled",
            gettext_lazy("战时召回"),
            recalls["recalled"],
            reverse("wartime"),
            unit=person,
            headline=True,
            cumulative=True,
        ),
        Figure(
            "org.recalled_waiting",
            gettext_lazy("已召回未报到"),
            waiting,
            reverse("wartime"),
            tone="warn" if waiting else "ok",
            unit=person,
        ),
    ]
    section.tables = [_by_unit_kind(scope)]
    if waiting:
        section.problems.append(_("%(n)d名战时召回人员尚未报到。") % {"n": waiting})
    return section


def _by_unit_kind(scope: Scope | None = None) -> Table:
    rows = (
        Officer.objects.filter(_units_q(scope))
        .values("unit__kind")
        .annotate(
            total=Count("id"),
            on_post=Count("id", filter=Q(status=Officer.Status.ON_POST)),
            on_leave=Count("id", filter=Q(status=Officer.Status.ON_LEAVE)),
            sick=Count("id", filter=Q(status=Officer.Status.SICK)),
            recalled=Count("id", filter=Q(status=Officer.Status.RECALLED)),
        )
        .order_by("unit__kind")
    )
    found = {r["unit__kind"]: r for r in rows}
    return Table(
        title=gettext_lazy("警力（按单位类别，当前状态）"),
        headers=[_("单位类别"), _("总数"), _("在岗"), _("休假"), _("病休"), _("已召回未报到")],
        rows=[
            [label, r["total"], r["on_post"], r["on_leave"], r["sick"], r["recalled"]]
            for kind, label in Unit.Kind.choices
            if (r := found.get(kind))
        ],
    )


def daily_trend(
    start: datetime.date, end: datetime.date, *, scope: Scope | None = None
) -> list[Trend]:
    now = Officer.objects.filter(_units_q(scope)).aggregate(
        total=Count("id"),
        on_leave=Count("id", filter=Q(status=Officer.Status.ON_LEAVE)),
        sick=Count("id", filter=Q(status=Officer.Status.SICK)),
    )
    recalls = list(
        Recall.objects.filter(_units_q(scope, "officer__unit_id")).values_list(
            "order__effective_at", "reported_at"
        )
    )
    points: list[tuple[datetime.date, int | float]] = []
    day = start
    while day <= end:
        moment = _as_of(day)
        pending = sum(1 for eff, _rep in recalls if eff >= moment)
        waiting = sum(1 for eff, rep in recalls if eff < moment and (rep is None or rep >= moment))
        points.append((day, now["total"] - now["sick"] - now["on_leave"] - pending - waiting))
        day += datetime.timedelta(days=1)
    return [Trend("org.on_post", gettext_lazy("在岗警力（人）"), points)]
