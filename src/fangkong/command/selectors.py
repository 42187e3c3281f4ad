"""Reads of the command centre: task boards, open problems, incidents. The list pages and
the dashboard's figures use the same filters, so a figure always equals its list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.jurisdiction import get_in_scope, restrict, restrict_to_area, scope_for
from fangkong.accounts.roles import user_can
from fangkong.command.filters import TaskFilter
from fangkong.command.models import Incident, Inspection, Problem, Task
from fangkong.core.clock import work_now
from fangkong.org.models import Unit, WorkingGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

# Shandong's first-level response began on 2020-01-24: trends run from then, over at most
# TREND_DAYS days so that the page stays small however long the emergency lasts.
EMERGENCY_START = datetime.date(2020, 1, 24)
TREND_DAYS = 180


def trend_start(day: datetime.date) -> datetime.date:
    return max(EMERGENCY_START, day - datetime.timedelta(days=TREND_DAYS - 1))


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def as_of(day: datetime.date) -> datetime.datetime:
    """The moment a day's figures describe: its end, or now while it is still running."""
    return min(day_start(day + datetime.timedelta(days=1)), work_now())


# ---------------------------------------------------------------- tasks


def overdue_filter(moment: datetime.datetime) -> Q:
    """Past its deadline at `moment` and not done by then."""
    return Q(deadline__lt=moment) & (Q(done_at__isnull=True) | Q(done_at__gte=moment))


def user_groups(user: User | AnonymousUser) -> list[int]:
    officer_id = getattr(user, "officer_id", None)
    if not officer_id:
        return []
    return list(
        WorkingGroup.objects.filter(Q(members=officer_id) | Q(leader=officer_id))
        .values_list("pk", flat=True)
        .distinct()
    )


def tasks_visible(user: User | AnonymousUser) -> QuerySet[Task]:
    """Leaders see every task of their area (a county's inside a city: accounts/
    jurisdiction.py); others their working groups' and their unit's board."""
    qs = Task.objects.select_related("group", "unit", "lead", "issued_by")
    if user_can(user, "command.task.assign"):
        return restrict_to_area(qs, user)
    if not user_can(user, "command.task.work"):
        return qs.none()
    q = Q(pk__in=[])
    groups = user_groups(user)
    if groups:
        q |= Q(group__in=groups)
    unit_id = getattr(user, "unit_id", None)
    if unit_id:
        path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "-"
        q |= Q(unit__path__startswith=path)
    return qs.filter(q)


def task_list(*, user: User | AnonymousUser, f: TaskFilter) -> QuerySet[Task]:
    qs = tasks_visible(user)
    if f.status == "open":
        qs = qs.exclude(status=Task.Status.DONE)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.group is not None:
        qs = qs.filter(group=f.group)
    if f.overdue is not None:
        qs = qs.filter(overdue_filter(as_of(f.overdue)))
    if f.issued is not None:
        qs = qs.filter(day=f.issued)
    if f.done is not None:
        qs = qs.filter(done_at__gte=day_start(f.done), done_at__lt=as_of(f.done))
    if f.until is not None:
        qs = qs.filter(issued_at__lt=as_of(f.until))
    return qs.order_by("deadline", "id")


def task_get(*, user: User | AnonymousUser, pk: int) -> Task:
    """A task on the user's board, or 404 (missing or not theirs: the same answer)."""
    try:
        return tasks_visible(user).get(pk=pk)
    except Task.DoesNotExist as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- inspections


def open_problem_filter(moment: datetime.datetime) -> Q:
    """Found before `moment` and not rectified by then."""
    return Q(inspection__at__lt=moment) & (
        Q(rectified_at__isnull=True) | Q(rectified_at__gte=moment)
    )


def inspection_list(
    *, user: User | AnonymousUser, day: datetime.date | None = None
) -> QuerySet[Inspection]:
    qs = restrict(Inspection.objects.select_related("unit", "inspector"), user)
    if day is not None:
        qs = qs.filter(day=day)
    return qs.order_by("-at", "-id")


def inspection_get(*, user: User | AnonymousUser, pk: int) -> Inspection:
    return get_in_scope(Inspection.objects.select_related("unit", "inspector"), user, pk=pk)


def problem_list(
    *,
    user: User | AnonymousUser,
    open_on: datetime.date | None = None,
    found: datetime.date | None = None,
    rectified: datetime.date | None = None,
    unit: Unit | None = None,
) -> QuerySet[Problem]:
    qs = restrict(
        Problem.objects.select_related("inspection__unit", "inspection__inspector", "owner"), user
    )
    if open_on is not None:
        qs = qs.filter(open_problem_filter(as_of(open_on)))
    if found is not None:
        qs = qs.filter(day=found)
    if rectified is not None:
        qs = qs.filter(rectified_at__lt=as_of(rectified))
    if unit is not None:
        qs = qs.filter(inspection__unit=unit)
    return qs.order_by("deadline", "id")


def inspection_problems(*, user: User | AnonymousUser, inspection: Inspection) -> QuerySet[Problem]:
    """The inspection's problems the user may see (and so rectify): all of them for the
    inspected unit, only its own for an owner's unit that opens the inspection through them."""
    return restrict(inspection.problems.select_related("owner__unit"), user).order_by("id")


def problem_get(*, user: User | AnonymousUser, pk: int) -> Problem:
    return get_in_scope(Problem.objects.select_related("inspection", "owner"), user, pk=pk)


# ---------------------------------------------------------------- the daily report


def open_tasks_on(day: datetime.date) -> QuerySet[Task]:
    """Tasks issued by the end of `day` and not done by then, soonest deadline first: the
    report's next steps (下步工作)."""
    moment = as_of(day)
    return (
        Task.objects.filter(issued_at__lt=moment)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=moment))
        .select_related("group", "unit")
        .order_by("deadline", "id")
    )


def problems_found_on(day: datetime.date) -> QuerySet[Problem]:
    return (
        Problem.objects.filter(day=day, inspection__at__lt=as_of(day))
        .select_related("owner__unit", "inspection__unit")
        .order_by("id")
    )


def problems_overdue_on(day: datetime.date) -> QuerySet[Problem]:
    """Open at the end of `day` with their deadline before it."""
    return (
        Problem.objects.filter(open_problem_filter(as_of(day)), deadline__lt=day)
        .select_related("owner__unit", "inspection__unit")
        .order_by("deadline", "id")
    )


# ---------------------------------------------------------------- incidents


def incident_list(
    *,
    user: User | AnonymousUser,
    day: datetime.date | None = None,
    until: datetime.date | None = None,
    kind: str = "",
    status: str = "",
) -> QuerySet[Incident]:
    qs = restrict(Incident.objects.select_related("unit"), user)
    if day is not None:
        qs = qs.filter(day=day)
    if until is not None:
        qs = qs.filter(day__lte=until)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("dispositions").order_by("-occurred_at", "-id")


def incident_get(*, user: User | AnonymousUser, pk: int) -> Incident:
    return get_in_scope(
        Incident.objects.select_related("unit", "recorded_by").prefetch_related("dispositions"),
        user,
        pk=pk,
    )


def unit_in_scope(*, user: User | AnonymousUser, unit: Unit) -> bool:
    """Whether the user may record for this unit: the county, or their unit's subtree."""
    scope = scope_for(user)
    return scope.county or unit.pk in scope.unit_ids
