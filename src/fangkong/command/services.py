"""Every write of the command centre: tasks, inspections and their problems, incidents."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import within_area
from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task, TaskUpdate
from fangkong.core import clock
from fangkong.core.audit import audit_create
from fangkong.core.moments import is_future
from fangkong.core.services import model_create, model_update
from fangkong.core.text import length_error, prose

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Officer, Unit, WorkingGroup


def local_day(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def _when(at: datetime.datetime | None, field: str, label: str) -> datetime.datetime:
    now = clock.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise ValidationError({field: _("%(label)s须带时区") % {"label": label}})
    if is_future(at, now):  # a phone's clock a few minutes fast is allowed for
        raise ValidationError({field: _("%(label)s不能晚于当前时间") % {"label": label}})
    return at


# ---------------------------------------------------------------- tasks


@transaction.atomic
def task_assign(
    *,
    title: str,
    deadline: datetime.datetime,
    by: User,
    group: WorkingGroup | None = None,
    unit: Unit | None = None,
    lead: Officer | None = None,
    priority: str = Task.Priority.NORMAL,
    detail: str = "",
    at: datetime.datetime | None = None,
) -> Task:
    """A leader gives a task to one working group or one unit of their area (a county's
    leaders inside a city: their county's groups)."""
    issued_at = _when(at, "issued_at", _("交办时间"))
    if (
        group is not None
        and not within_area(type(group).objects.filter(pk=group.pk), by, unit_path="").exists()
    ):
        raise ValidationError({"group": _("承办工作组：只能交办本辖区的工作组")})
    title = prose(title, field="title", label=_("任务"))
    if not title:
        raise ValidationError({"title": _("任务内容不能为空")})
    return model_create(
        model=Task,
        by=by,
        title=title,
        detail=prose(detail, field="detail", label=_("要求"), lines=True),
        group=group,
        unit=unit,
        lead=lead,
        priority=priority,
        deadline=deadline,
        issued_by=by,
        issued_at=issued_at,
        day=local_day(issued_at),
    )


def _task_step(task: Task, *, kind: str, note: str, by: User, at: datetime.datetime) -> None:
    if at < task.issued_at:
        raise ValidationError({"at": _("时间不能早于交办时间")})
    step = TaskUpdate(task=task, kind=kind, note=note, at=at, by=by)
    step.full_clean()
    step.save()
    audit_create(actor=by, obj=step)


@transaction.atomic
def task_acknowledge(*, task: Task, by: User, at: datetime.datetime | None = None) -> Task:
    """The assignee signs for the task (签收)."""
    when = _when(at, "at", _("签收时间"))
    if task.status != Task.Status.ASSIGNED:
        raise ValidationError(_("该任务已签收"))
    _task_step(task, kind=TaskUpdate.Kind.ACKNOWLEDGE, note="", by=by, at=when)
    task, _changes = model_update(
        instance=task,
        by=by,
        data={"status": Task.Status.ACKNOWLEDGED, "acknowledged_at": when},
    )
    return task


def _task_report(
    task: Task,
    *,
    kind: str,
    field: str,
    label: str,
    text: str,
    empty: str,
    when_label: str,
    by: User,
    at: datetime.datetime | None,
) -> tuple[datetime.datetime, str]:
    """An assignee's report on a task (its progress, its result), the one rule of both: a
    time not in the future nor before the task was issued, words that are not empty, a task
    not done yet; the step written and audited. Returns the time and the words."""
    when = _when(at, "at", when_label)
    text = prose(text, field=field, label=label, lines=True)
    if not text:
        raise ValidationError({field: empty})
    if task.status == Task.Status.DONE:
        raise ValidationError(_("该任务已办结"))
    _task_step(task, kind=kind, note=text, by=by, at=when)
    return when, text


@transaction.atomic
def task_report_progress(
    *, task: Task, note: str, by: User, at: datetime.datetime | None = None
) -> Task:
    when, note = _task_report(
        task, kind=TaskUpdate.Kind.PROGRESS, field="note", label=_("进展情况"), text=note,
        empty=_("进展情况不能为空"), when_label=_("反馈时间"), by=by, at=at,
    )  # fmt: skip
    data: dict[str, object] = {"status": Task.Status.IN_PROGRESS}
    if task.acknowledged_at is None:
        data["acknowledged_at"] = when  # reporting progress implies having received it
    task, _changes = model_update(instance=task, by=by, data=data)
    return task


@transaction.atomic
def task_complete(
    *, task: Task, result: str, by: User, at: datetime.datetime | None = None
) -> Task:
    """The assignee reports the result: the task is done (办结)."""
    when, result = _task_report(
        task, kind=TaskUpdate.Kind.RESULT, field="result", label=_("办理结果"), text=result,
        empty=_("办理结果不能为空"), when_label=_("办结时间"), by=by, at=at,
    )  # fmt: skip
    task, _changes = model_update(
        instance=task,
        by=by,
        data={
            "status": Task.Status.DONE,
            "done_at": when,
            "result": result,
            "acknowledged_at": task.acknowledged_at or when,
        },
    )
    return task


# ---------------------------------------------------------------- inspections


@dataclass(frozen=True)
class ProblemInput:
    description: str
    owner: Officer
    deadline: datetime.date
    kind: str = Problem.Kind.PROBLEM


@transaction.atomic
def inspection_record(
    *,
    unit: Unit,
    inspector: Officer,
    at: datetime.datetime,
    by: User,
    place: str = "",
    summary: str = "",
    problems: Sequence[ProblemInput] = (),
) -> Inspection:
    """A leader's field inspection (实地检查指导) with the problems and weak points found."""
    at = _when(at, "at", _("检查时间"))
    inspection = model_create(
        model=Inspection,
        by=by,
        unit=unit,
        place=prose(place, field="place", label=_("检查地点")),
        inspector=inspector,
        at=at,
        day=local_day(at),
        summary=prose(summary, field="summary", label=_("检查情况"), lines=True),
        recorded_by=by,
    )
    for i, item in enumerate(problems, start=1):
        description = prose(
            item.description,
            field="problems",
            label=_("第%(n)d个问题：问题描述") % {"n": i},
        )
        if not description:
            raise ValidationError({"problems": _("第%(n)d个问题：问题描述不能为空") % {"n": i}})
        if item.deadline < inspection.day:
            raise ValidationError(
                {"problems": _("第%(n)d个问题：整改时限不能早于检查日期") % {"n": i}}
            )
        model_create(
            model=Problem,
            by=by,
            inspection=inspection,
            kind=item.kind,
            description=description,
            owner=item.owner,
            deadline=item.deadline,
            day=inspection.day,
        )
    return inspection


@transaction.atomic
def problem_rectify(
    *, problem: Problem, rectification: str, by: User, at: datetime.datetime | None = None
) -> Problem:
    """Record how a problem was rectified: it leaves the open list."""
    when = _when(at, "at", _("整改完成时间"))
    rectification = prose(rectification, field="rectification", label=_("整改情况"), lines=True)
    if not rectification:
        raise ValidationError({"rectification": _("整改情况不能为空")})
    if problem.rectified_at is not None:
        raise ValidationError(_("该问题已整改"))
    if when < problem.inspection.at:
        raise ValidationError({"at": _("整改完成时间不能早于检查时间")})
    problem, _changes = model_update(
        instance=problem, by=by, data={"rectified_at": when, "rectification": rectification}
    )
    return problem


# ---------------------------------------------------------------- incidents


@dataclass(frozen=True)
class DispositionInput:
    kind: str
    persons: int = 1
    note: str = ""


@transaction.atomic
def incident_record(
    *,
    kind: str,
    unit: Unit,
    occurred_at: datetime.datetime,
    place: str,
    summary: str,
    by: User,
    status: str = Incident.Status.RECEIVED,
    dispositions: Sequence[DispositionInput] = (),
) -> Incident:
    occurred_at = _when(occurred_at, "occurred_at", _("发生时间"))
    incident = model_create(
        model=Incident,
        by=by,
        kind=kind,
        unit=unit,
        occurred_at=occurred_at,
        day=local_day(occurred_at),
        place=prose(place, field="place", label=_("地点")),
        summary=prose(summary, field="summary", label=_("简要案情"), lines=True),
        status=status,
        recorded_by=by,
    )
    for item in dispositions:
        incident_dispose(
            incident=incident, kind=item.kind, persons=item.persons, note=item.note, by=by
        )
    return incident


@transaction.atomic
def incident_dispose(
    *,
    incident: Incident,
    kind: str,
    persons: int,
    by: User,
    note: str = "",
    day: datetime.date | None = None,
) -> Disposition:
    """Record a disposition (刑事拘留, 罚款, …) of some persons in an incident. Each field
    refused with its own message: the kind, the persons (1 to 999), the note (a hidden
    character, more than 200 characters)."""
    errors: dict[str, list[str]] = {}
    if kind not in Disposition.Kind.values:
        errors["kind"] = [_("处置须从列表中选择")]
    if not 1 <= persons <= 999:
        errors["persons"] = [_("人数须为1到999的整数")]
    note = prose(note, field="note", label=_("备注"), errors=errors)
    if "note" not in errors and (refused := length_error(note, _("备注"), 200)):
        errors["note"] = [refused]
    if errors:
        raise ValidationError(errors)
    return model_create(
        model=Disposition,
        by=by,
        incident=incident,
        kind=kind,
        persons=persons,
        note=note,
        day=day or incident.day,
    )


@transaction.atomic
def incident_set_status(*, incident: Incident, status: str, by: User) -> Incident:
    incident, _changes = model_update(instance=incident, by=by, data={"status": status})
    return incident
