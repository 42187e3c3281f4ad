"""A small command-centre world on top of the shared personas: working groups with the
workgroup user as a member of one, and helpers that count figures straight from the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task
from fangkong.core import clock
from fangkong.org import services as org_services
from fangkong.org.models import Officer, Recall, WorkingGroup
from tests.conftest import World


@dataclass
class Groups:
    control: WorkingGroup
    monitoring: WorkingGroup
    member: Officer  # the workgroup user's officer, a member of 情况控制组 only


@pytest.fixture
def groups(world: World) -> Groups:
    member = org_services.officer_create(
        name="周强", badge_number="371301", kind="police", unit=world.command_centre, by=None
    )
    user = world.users["workgroup"]
    user.officer = member
    user.save(update_fields=["officer"])
    control = org_services.working_group_set(
        code=WorkingGroup.Code.CONTROL, leader=world.officer_b, members=[member], duties="", by=None
    )
    monitoring = org_services.working_group_set(
        code=WorkingGroup.Code.MONITORING, leader=world.officer_a, members=[], duties="", by=None
    )
    return Groups(control=control, monitoring=monitoring, member=member)


def as_of(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)
    return min(end, clock.now())


def local(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def counted(day: datetime.date) -> dict[str, Any]:
    """Every figure of org and command, counted row by row in Python (no ORM aggregates)."""
    end = as_of(day)
    start = datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())
    tasks = [t for t in Task.objects.all() if t.issued_at < end]
    problems = [p for p in Problem.objects.select_related("inspection") if p.inspection.at < end]
    incidents = [i for i in Incident.objects.all() if local(i.occurred_at) <= day]
    officers = list(Officer.objects.all())
    recalls = list(Recall.objects.select_related("order"))
    pending = sum(1 for r in recalls if r.order.effective_at >= end)
    recalled = [r for r in recalls if r.order.effective_at < end]
    waiting = sum(1 for r in recalled if r.reported_at is None or r.reported_at >= end)
    sick = sum(1 for o in officers if o.status == Officer.Status.SICK)
    on_leave = sum(1 for o in officers if o.status == Officer.Status.ON_LEAVE) + pending
    return {
        "org.officers_total": len(officers),
        "org.on_post": len(officers) - sick - on_leave - waiting,
        "org.on_leave": on_leave,
        "org.sick": sick,
        "org.recalled": len(recalled),
        "org.recalled_waiting": waiting,
        "command.tasks_overdue": sum(
            1 for t in tasks if t.deadline < end and (t.done_at is None or t.done_at >= end)
        ),
        "command.tasks_issued_today": sum(1 for t in tasks if local(t.issued_at) == day),
        "command.tasks_done_today": sum(
            1 for t in tasks if t.done_at is not None and start <= t.done_at < end
        ),
        "command.tasks_total": len(tasks),
        "command.inspections_today": sum(
            1 for i in Inspection.objects.all() if local(i.at) == day and i.at < end
        ),
        "command.problems_found_today": sum(1 for p in problems if local(p.inspection.at) == day),
        "command.problems_open": sum(
            1 for p in problems if p.rectified_at is None or p.rectified_at >= end
        ),
        "command.problems_rectified_total": sum(
            1 for p in problems if p.rectified_at is not None and p.rectified_at < end
        ),
        "command.incidents_today": sum(1 for i in incidents if local(i.occurred_at) == day),
        "command.incidents_total": len(incidents),
    }


def incidents_by_kind(day: datetime.date) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for kind, label in Incident.Kind.choices:
        rows = [i for i in Incident.objects.filter(kind=kind) if local(i.occurred_at) <= day]
        out[str(label)] = (sum(1 for i in rows if local(i.occurred_at) == day), len(rows))
    return out


def dispositions_by_kind(day: datetime.date) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for kind, label in Disposition.Kind.choices:
        rows = [d for d in Disposition.objects.filter(kind=kind) if d.day <= day]
        out[str(label)] = (
            sum(d.persons for d in rows if d.day == day),
            sum(d.persons for d in rows),
        )
    return out
