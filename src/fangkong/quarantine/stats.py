"""The day's quarantine figures (core/figures.py contract): sums of CaseCount, the cases
counted by township, status and local days that the database keeps (core/rollups.py), so
no figure reads the cases themselves except the overdue follow-ups; alerts by their
indexed local day."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Scope
from fangkong.core.figures import Figure, Section, Table, Trend, area_prefix
from fangkong.core.filters import list_url
from fangkong.core.rollups import NEVER
from fangkong.org.models import Township
from fangkong.quarantine import schedule
from fangkong.quarantine.filters import AlertFilter, CaseFilter
from fangkong.quarantine.models import Alert, CaseCount, CaseStatus, FollowUp, QuarantineCase
from fangkong.quarantine.selectors import overdue_q


def _under_q(day: datetime.date) -> Q:
    """Under quarantine at the end of `day`: started by then and not ended by then."""
    return Q(start_date__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def _open_alerts_q(day: datetime.date) -> Q:
    """Raised by the day's end, not dealt with by then, of a case under quarantine now."""
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), schedule.SHANGHAI
    )
    return (
        Q(day__lte=day)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & Q(case__status=CaseStatus.QUARANTINED)
    )


def _townships(scope: Scope | None) -> list[int] | None:
    """The townships an area's figures count (None: the whole installation, cases without
    a township too): a case is its township's county's."""
    return None if scope is None or scope.county else sorted(scope.township_ids)


def _area_q(scope: Scope | None, prefix: str = "", *, counts: bool = False) -> Q:
    """The cases (`prefix`: the path to a case; `counts`: CaseCount rows, no township
    stored as 0) of an area: of its townships, and — no township yet — routed to it by
    their ID region (`county`, issue 18)."""
    ids = _townships(scope)
    if ids is None:
        return Q()
    q = Q(**{f"{prefix}township_id__in": ids})
    if scope is not None and scope.area:
        placed = {f"{prefix}township_id": 0} if counts else {f"{prefix}township_id__isnull": True}
        q |= Q(**placed, **{f"{prefix}county__startswith": scope.area})
    return q


def _overdue_count(day: datetime.date, scope: Scope | None = None) -> int:
    return sum(row["n"] for row in _overdue_rows(day, _area_q(scope)))


# What the overdue cases are counted by for the rows of several areas at once (_case_area).
CASE_PLACE = ("township_id", "county")


def _overdue_rows(day: datetime.date, area: Q, by: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The cases of `area` overdue at the end of `day`, counted ([{"n"}]) or counted by
    the columns `by` ([{*by, "n"}], one row per group, a group in two rows at most)."""

    def counted(cases: QuerySet[QuarantineCase]) -> list[dict[str, Any]]:
        if not by:
            return [{"n": cases.count()}]
        return list(cases.order_by().values(*by).annotate(n=Count("pk")))

    today = schedule.work_day()
    if day >= today:
        return counted(QuarantineCase.objects.filter(area, overdue_q(schedule.work_now())))

    # A past day, as it stood at its end: under quarantine and missing either window.
    def done(slot: str) -> Exists:
        return Exists(FollowUp.objects.filter(case=OuterRef("pk"), day=day, slot=slot))

    def missing(ended: Q) -> list[dict[str, Any]]:
        return counted(
            QuarantineCase.objects.filter(area, ended, start_date__lte=day).filter(
                ~done(schedule.MORNING) | ~done(schedule.EVENING)
            )
        )

    # Under quarantine at the day's end = started by then and still open, or ended after:
    # two ranges of the (ended_on, start_date) index, so the cost follows the cases open
    # then, not every case that ever started.
    return missing(Q(ended_on__isnull=True)) + missing(Q(ended_on__gt=day))


def _case_area(
    township_id: int | None, county: str, townships: dict[int, str], areas: Sequence[str]
) -> str | None:
    """Which of `areas` a case (a CaseCount row) is of, as _area_q has it: its township's
    area, else — no township (None, or 0 in CaseCount) — the area of the county it was
    routed to by its ID region; `townships`: {id: code}."""
    if township_id:
        return area_prefix(townships.get(township_id), areas)
    return area_prefix(county, areas)


def daily_area_figures(
    day: datetime.date, areas: Sequence[str]
) -> dict[str, dict[str, int | float]]:
    """The case figures of the areas' table (returnees, under quarantine, new, overdue) of
    each area, from daily_section's own sums grouped by township and routed county: three
    queries (four on a past day) however many areas. An area without a case has none (its
    section is None)."""
    parent = areas[0][:-2] if areas else ""
    townships = dict(Township.objects.filter(code__startswith=parent).values_list("pk", "code"))
    totals: dict[str, dict[str, int]] = {}
    rows = (
        CaseCount.objects.filter(opened_on__lte=day)
        .order_by()
        .values(*CASE_PLACE)
        .annotate(**_case_counts(day))
    )
    for row in rows:
        area = _case_area(row["township_id"], row["county"], townships, areas)
        if area is not None:
            sums = totals.setdefault(area, dict.fromkeys(("total", "under", "new"), 0))
            for key in sums:
                sums[key] += row[key]
    overdue = dict.fromkeys(areas, 0)
    for row in _overdue_rows(day, Q(), CASE_PLACE):
        area = _case_area(row["township_id"], row["county"], townships, areas)
        if area is not None:
            overdue[area] += row["n"]
    return {
        area: {
            "quarantine.returnees_total": sums["total"],
            "quarantine.under_quarantine": sums["under"],
            "quarantine.new_today": sums["new"],
            "quarantine.overdue": overdue[area],
        }
        for area, sums in totals.items()
        if sums["total"]
    }


def _case_counts(day: datetime.date) -> dict[str, Sum]:
    return {
        "total": Sum("n", default=0),
        "under": Sum("n", filter=_under_q(day), default=0),
        "new": Sum("n", filter=Q(opened_on=day), default=0),
        "released_today": Sum("n", filter=Q(status=CaseStatus.RELEASED, ended_on=day), default=0),
        "released": Sum("n", filter=Q(status=CaseStatus.RELEASED, ended_on__lte=day), default=0),
    }


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section | None:
    # Opened by the end of the day (a case without an opening day counts from the first).
    cases = CaseCount.objects.filter(_area_q(scope, counts=True), opened_on__lte=day)
    totals = cases.aggregate(**_case_counts(day))
    if not totals["total"]:
        return None
    # The open alerts first (a few), then their cases: as a filter inside the counts the
    # join read every case.
    alerts = Alert.objects.filter(_area_q(scope, "case__"), _open_alerts_q(day)).aggregate(
        fever=Count("pk", filter=Q(kind=Alert.Kind.FEVER)),
        absent=Count("pk", filter=Q(kind=Alert.Kind.ABSENT)),
    )
    status_counts = dict(
        cases.order_by().values_list("status").annotate(n=Sum("n")).values_list("status", "n")
    )
    overdue = _overdue_count(day, scope)
    figures = [
        Figure(
            "quarantine.returnees_total",
            _("重点地区返乡人员"),
            totals["total"],
            list_url("case_list"),
            unit=_("人"),
            headline=True,
            cumulative=True,
        ),
        Figure(
            "quarantine.under_quarantine",
            _("居家隔离中"),
            totals["under"],
            list_url("case_list", CaseFilter, status=CaseStatus.QUARANTINED),
            unit=_("人"),
            headline=True,
        ),
        Figure(
            "quarantine.new_today",
            _("今日新增"),
            totals["new"],
            list_url("case_list", CaseFilter, opened=day),
            unit=_("人"),
            headline=True,
        ),
        Figure(
            "quarantine.released_today",
            _("今日解除隔离"),
            totals["released_today"],
            list_url("case_list", CaseFilter, status=CaseStatus.RELEASED, ended=day),
            tone="ok",
            unit=_("人"),
            headline=True,
        ),
        Figure(
            "quarantine.released_total",
            _("累计解除隔离"),
            totals["released"],
            list_url("case_list", CaseFilter, status=CaseStatus.RELEASED),
            tone="ok",
            unit=_("人"),
            headline=True,
            cumulative=True,
        ),
        Figure(
            "quarantine.overdue",
            _("随访逾期"),
            overdue,
            list_url("overdue_list"),
            tone="danger" if overdue else "",
            unit=_("人"),
        ),
        Figure(
            "quarantine.fever_open",
            _("发热待处置"),
            alerts["fever"],
            list_url("alert_list", AlertFilter, kind=Alert.Kind.FEVER),
            tone="danger" if alerts["fever"] else "",
            unit=_("人次"),
        ),
        Figure(
            "quarantine.absent_open",
            _("不在家待处置"),
            alerts["absent"],
            list_url("alert_list", AlertFilter, kind=Alert.Kind.ABSENT),
            tone="warn" if alerts["absent"] else "",
            unit=_("人次"),
        ),
    ]
    for status in CaseStatus:
        figures.append(
            Figure(
                f"quarantine.status.{status.value}",
                status.label,
                status_counts.get(status.value, 0),
                list_url("case_list", CaseFilter, status=status.value),
                unit=_("人"),
            )
        )
    by_township = {
        r["township_id"]: r
        for r in cases.order_by().values("township_id").annotate(**_case_counts(day))
    }
    townships = Township.objects.filter(pk__in=list(by_township)).order_by("code")
    rows = [(t.name, by_township[t.pk]) for t in townships]
    if 0 in by_township:
        rows.append(("—", by_township[0]))
    table = Table(
        title=_("各乡镇街道居家隔离情况"),
        headers=[
            _("乡镇街道"),
            _("返乡人员"),
            _("居家隔离中"),
            _("今日新增"),
            _("今日解除"),
            _("累计解除"),
        ],
        rows=[
            [name, r["total"], r["under"], r["new"], r["released_today"], r["released"]]
            for name, r in rows
        ],
    )
    problems = []
    if alerts["fever"]:
        problems.append(str(_("%(n)s名居家隔离人员发热，待处置。") % {"n": alerts["fever"]}))
    if overdue:
        problems.append(str(_("%(n)s名居家隔离人员随访逾期。") % {"n": overdue}))
    return Section(
        key="quarantine",
        title=_("返乡人员和居家隔离"),
        order=20,
        figures=figures,
        tables=[table],
        problems=problems,
    )


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def daily_trend(
    start: datetime.date, end: datetime.date, *, scope: Scope | None = None
) -> list[Trend]:
    days = _days(start, end)
    if not days:
        return []
    counts = CaseCount.objects.filter(_area_q(scope, counts=True)).order_by()
    started = counts.filter(start_date__lt=NEVER)

    def total(qs: QuerySet[CaseCount]) -> int:
        return int(qs.aggregate(n=Sum("n", default=0))["n"])

    def per_day(qs: QuerySet[CaseCount], column: str) -> dict[datetime.date, int]:
        return dict(qs.values_list(column).annotate(n=Sum("n")).values_list(column, "n"))

    before = total(started.filter(start_date__lt=start)) - total(started.filter(ended_on__lt=start))
    starts = per_day(started.filter(start_date__range=(start, end)), "start_date")
    ends = per_day(started.filter(ended_on__range=(start, end)), "ended_on")
    new = per_day(counts.filter(opened_on__range=(start, end)), "opened_on")
    released = per_day(
        counts.filter(status=CaseStatus.RELEASED, ended_on__range=(start, end)), "ended_on"
    )
    fevers = dict(
        Alert.objects.filter(
            _area_q(scope, "case__"), kind=Alert.Kind.FEVER, day__range=(start, end)
        )
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    under: list[tuple[datetime.date, int | float]] = []
    running = before
    for d in days:
        # Ended on d still counted at d's start; under quarantine at the end of d:
        running += starts.get(d, 0) - ends.get(d, 0)
        under.append((d, running))
    return [
        Trend("quarantine.under_quarantine", _("居家隔离中"), under),
        Trend("quarantine.new", _("新增返乡人员"), [(d, new.get(d, 0)) for d in days]),
        Trend("quarantine.released", _("解除隔离"), [(d, released.get(d, 0)) for d in days]),
        Trend("quarantine.fevers", _("发热预警"), [(d, fevers.get(d, 0)) for d in days]),
    ]
