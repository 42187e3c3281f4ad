"""The command centre's figures for the day: tasks, inspections, incidents (core/figures.py).

Every figure is a handful of indexed aggregate queries; each links to the list that the
same filter produces, so the number and the list cannot disagree.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.command.filters import TaskFilter
from fangkong.command.forms import IncidentFilterForm, InspectionFilterForm, ProblemFilterForm
from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task
from fangkong.command.selectors import (
    as_of,
    day_start,
    open_problem_filter,
    overdue_filter,
)
from fangkong.core.figures import Figure, Section, Table, Trend
from fangkong.core.filters import list_url
from fangkong.org.models import WorkingGroup


def daily_section(day: datetime.date) -> Section:
    moment = as_of(day)
    start = day_start(day)
    tasks = Task.objects.filter(issued_at__lt=moment).aggregate(
        total=Count("id"),
        issued=Count("id", filter=Q(day=day)),
        done_today=Count("id", filter=Q(done_at__gte=start, done_at__lt=moment)),
        overdue=Count("id", filter=overdue_filter(moment)),
    )
    inspections_today = Inspection.objects.filter(day=day, at__lt=moment).count()
    problems = Problem.objects.filter(inspection__at__lt=moment).aggregate(
        found=Count("id", filter=Q(day=day)),
        open=Count("id", filter=open_problem_filter(moment)),
        rectified=Count("id", filter=Q(rectified_at__lt=moment)),
    )
    by_kind = {
        row["kind"]: row
        for row in Incident.objects.filter(day__lte=day)
        .order_by()
        .values("kind")
        .annotate(today=Count("id", filter=Q(day=day)), total=Count("id"))
    }
    incidents_today = sum(r["today"] for r in by_kind.values())
    incidents_total = sum(r["total"] for r in by_kind.values())
    dispositions = {
        row["kind"]: row
        for row in Disposition.objects.filter(day__lte=day)
        .order_by()
        .values("kind")
        .annotate(
            today=Sum("persons", filter=Q(day=day), default=0), total=Sum("persons", default=0)
        )
    }

    section = Section(key="command", title=gettext_lazy("指挥调度与社会治安"), order=90)
    section.figures = [
        Figure(
            "command.tasks_overdue",
            gettext_lazy("交办任务逾期未办结"),
            tasks["overdue"],
            list_url("task_list", TaskFilter, overdue=day),
            tone="danger" if tasks["overdue"] else "ok",
            unit=gettext_lazy("件"),
        ),
        Figure(
            "command.tasks_issued_today",
            gettext_lazy("今日交办任务"),
            tasks["issued"],
            list_url("task_list", TaskFilter, issued=day),
            unit=gettext_lazy("件"),
            headline=True,
        ),
        Figure(
            "command.tasks_done_today",
            gettext_lazy("今日办结任务"),
            tasks["done_today"],
            list_url("task_list", TaskFilter, done=day),
            tone="ok",
            unit=gettext_lazy("件"),
            headline=True,
        ),
        Figure(
            "command.tasks_total",
            gettext_lazy("累计交办任务"),
            tasks["total"],
            list_url("task_list", TaskFilter, until=day),
            unit=gettext_lazy("件"),
            cumulative=True,
        ),
        Figure(
            "command.inspections_today",
            gettext_lazy("今日实地检查"),
            inspections_today,
            list_url("inspection_list", InspectionFilterForm, day=day),
            unit=gettext_lazy("次"),
            headline=True,
        ),
        Figure(
            "command.problems_found_today",
            gettext_lazy("今日检查发现问题"),
            problems["found"],
            list_url("problem_list", ProblemFilterForm, found=day),
            unit=gettext_lazy("个"),
            headline=True,
        ),
        Figure(
            "command.problems_open",
            gettext_lazy("检查问题未整改"),
            problems["open"],
            list_url("problem_list", ProblemFilterForm, open=day),
            tone="warn" if problems["open"] else "ok",
            unit=gettext_lazy("个"),
            headline=True,
        ),
        Figure(
            "command.problems_rectified_total",
            gettext_lazy("累计整改问题"),
            problems["rectified"],
            list_url("problem_list", ProblemFilterForm, rectified=day),
            unit=gettext_lazy("个"),
            cumulative=True,
        ),
        Figure(
            "command.incidents_today",
            gettext_lazy("今日涉疫警情"),
            incidents_today,
            list_url("incident_list", IncidentFilterForm, day=day),
            tone="warn" if incidents_today else "",
            unit=gettext_lazy("起"),
            headline=True,
        ),
        Figure(
            "command.incidents_total",
            gettext_lazy("累计涉疫警情"),
            incidents_total,
            list_url("incident_list", IncidentFilterForm, until=day),
            unit=gettext_lazy("起"),
            headline=True,
            cumulative=True,
        ),
    ]
    section.tables = [
        _tasks_by_group(moment),
        Table(
            title=gettext_lazy("涉疫警情（按类型）"),
            headers=[_("类型"), _("今日"), _("累计")],
            rows=[
                [label, by_kind.get(k, {}).get("today", 0), by_kind.get(k, {}).get("total", 0)]
                for k, label in Incident.Kind.choices
            ],
        ),
        Table(
            title=gettext_lazy("处置情况（人）"),
            headers=[_("处置"), _("今日"), _("累计")],
            rows=[
                [
                    label,
                    dispositions.get(k, {}).get("today", 0),
                    dispositions.get(k, {}).get("total", 0),
                ]
                for k, label in Disposition.Kind.choices
            ],
        ),
    ]
    section.events = _events(day, moment, incidents_today)
    return section


def _tasks_by_group(moment: datetime.datetime) -> Table:
    counts = {
        row["group"]: row
        for row in Task.objects.filter(issued_at__lt=moment)
        .order_by()
        .values("group")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(done_at__lt=moment)),
            overdue=Count("id", filter=overdue_filter(moment)),
        )
    }
    rows: list[list[object]] = [
        [str(label), 0, 0, 0]
        for code, label in WorkingGroup.Code.choices
        if code != WorkingGroup.Code.LEADERSHIP
    ]
    index = dict(WorkingGroup.objects.values_list("pk", "code"))
    labels = {code: str(label) for code, label in WorkingGroup.Code.choices}
    for group_id, row in counts.items():
        label = labels[index[group_id]] if group_id in index else _("直接交办单位")
        target = next((r for r in rows if r[0] == label), None)
        if target is None:
            target = [label, 0, 0, 0]
            rows.append(target)
        target[1:] = [row["total"], row["done"], row["overdue"]]
    return Table(
        title=gettext_lazy("交办任务（按承办工作组）"),
        headers=[_("承办"), _("交办"), _("已办结"), _("逾期未办结")],
        rows=rows,
    )


# The day's incidents told one by one in the events, up to this many; the rest counted.
EVENT_INCIDENTS = 12


def _events(day: datetime.date, moment: datetime.datetime, n_incidents: int) -> list[str]:
    events: list[str] = []
    inspections = (
        Inspection.objects.filter(day=day, at__lt=moment)
        .select_related("inspector", "unit")
        .annotate(
            n_problems=Count("problems"),
            n_fixed=Count("problems", filter=Q(problems__rectified_at__lt=moment)),
        )
        .order_by("at", "id")[:EVENT_INCIDENTS]
    )
    for ins in inspections:
        text = _("%(name)s（%(position)s）到%(place)s实地检查指导") % {
            "name": ins.inspector.name,
            "position": ins.inspector.position or _("局领导"),
            "place": ins.place or ins.unit.name,
        }
        if ins.n_problems and ins.n_fixed:
            text += _("，发现问题和薄弱环节%(n)d个，已整改%(fixed)d个") % {
                "n": ins.n_problems,
                "fixed": ins.n_fixed,
            }
        elif ins.n_problems:
            text += _("，发现问题和薄弱环节%(n)d个，正在整改") % {"n": ins.n_problems}
        events.append(text + "。")
    incidents = (
        Incident.objects.filter(day=day)
        .select_related("unit")
        .prefetch_related("dispositions")
        .order_by("occurred_at", "id")[:EVENT_INCIDENTS]
    )
    for inc in incidents:
        done = "、".join(f"{d.get_kind_display()}{d.persons}人" for d in inc.dispositions.all())
        text = _("%(unit)s处置%(kind)s警情一起（%(place)s）") % {
            "unit": inc.unit.short_name or inc.unit.name,
            "kind": inc.get_kind_display(),
            "place": inc.place,
        }
        events.append(text + (f"，{done}。" if done else "。"))
    if n_incidents > EVENT_INCIDENTS:
        events.append(
            _("另有涉疫警情%(n)d起，详见警情列表。") % {"n": n_incidents - EVENT_INCIDENTS}
        )
    return events


def daily_trend(start: datetime.date, end: datetime.date) -> list[Trend]:
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]

    def per_day(rows: dict[datetime.date, int]) -> list[tuple[datetime.date, int | float]]:
        return [(d, rows.get(d, 0)) for d in days]

    incidents = dict(
        Incident.objects.filter(day__gte=start, day__lte=end)
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    tasks = dict(
        Task.objects.filter(day__gte=start, day__lte=end)
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    problems = dict(
        Problem.objects.filter(day__gte=start, day__lte=end)
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [
        Trend("command.incidents", gettext_lazy("涉疫警情（起）"), per_day(incidents)),
        Trend("command.tasks", gettext_lazy("交办任务（件）"), per_day(tasks)),
        Trend("command.problems", gettext_lazy("检查发现问题（个）"), per_day(problems)),
    ]
