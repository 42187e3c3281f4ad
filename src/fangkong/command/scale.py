"""The command centre's records at scale (core/scale.py): tasks, field inspections with
their problems, and epidemic-related incidents with dispositions, for each of the other
counties over the scale's days — about what the demo county records, per county."""

from __future__ import annotations

import datetime
from typing import Any

from fangkong.accounts.models import User
from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task
from fangkong.core.clock import SHANGHAI
from fangkong.core.scale import ScaleContext
from fangkong.org.models import Officer, Unit, WorkingGroup

# A county's records over 60 days (the demo county has about a fifth of these in 11 days).
PER_COUNTY = {"tasks": 120, "incidents": 140, "inspections": 60, "problems": 70}
PLACES = ["集市", "药店", "超市", "村口", "小区", "网络平台", "农贸市场"]


def build(ctx: ScaleContext) -> None:
    counties = ctx.size.counties - 1
    if counties <= 0:
        return
    rng = ctx.rng
    w = ctx.writer
    days = ctx.days
    boss = User.objects.filter(role="command").order_by("pk").first()
    units = list(Unit.objects.order_by("pk"))
    officers = list(Officer.objects.order_by("pk")[:300])
    groups = list(WorkingGroup.objects.order_by("pk"))
    if boss is None or not groups or not officers:
        return  # a province grown without the demo county: no working groups to task
    kinds = [k for k, _label in Incident.Kind.choices]
    dispositions = [k for k, _label in Disposition.Kind.choices]
    last = datetime.datetime.combine(ctx.last, datetime.time(23, 59), SHANGHAI)

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 21), rng.randrange(60)), SHANGHAI
        )

    tasks: list[Any] = []
    for _ in range(PER_COUNTY["tasks"] * counties):
        day = rng.choice(days)
        issued = moment(day)
        deadline = issued + datetime.timedelta(hours=rng.choice([12, 24, 48, 72]))
        done = issued + datetime.timedelta(hours=rng.randint(2, 60))
        finished = done <= last and rng.random() < 0.9
        tasks.append(
            Task(
                title="落实卡口查控和返乡人员排查",
                detail="按领导小组部署抓好落实，及时反馈进展。",
                group=rng.choice(groups),
                deadline=deadline,
                issued_by=boss,
                issued_at=issued,
                day=day,
                status=Task.Status.DONE if finished else Task.Status.ASSIGNED,
                done_at=done if finished else None,
                result="已按要求落实完毕。" if finished else "",
            )
        )
    w.objects(tasks, label="交办任务")

    made: list[Any] = []
    for _ in range(PER_COUNTY["incidents"] * counties):
        day = rng.choice(days)
        made.append(
            Incident(
                kind=rng.choice(kinds),
                unit=rng.choice(units),
                occurred_at=moment(day),
                day=day,
                place=f"某镇{rng.choice(PLACES)}",
                summary="涉疫警情，已依法处置。",
                recorded_by=boss,
            )
        )
    incidents: list[Any] = w.objects(made, label="涉疫警情")
    w.objects(
        [
            Disposition(
                incident=i,
                kind=rng.choice(dispositions),
                persons=rng.choice([1, 1, 1, 2, 3]),
                day=i.day,
            )
            for i in incidents
            if rng.random() < 0.6
        ],
        label="处置情况",
    )

    made = []
    for _ in range(PER_COUNTY["inspections"] * counties):
        day = rng.choice(days)
        made.append(
            Inspection(
                unit=rng.choice(units),
                place="检查站",
                inspector=rng.choice(officers),
                at=moment(day),
                day=day,
                summary="检查执勤秩序、登记台账和防护措施。",
                recorded_by=boss,
            )
        )
    inspections = w.objects(made, label="实地检查")
    problems = []
    for _ in range(PER_COUNTY["problems"] * counties):
        ins: Any = rng.choice(inspections)
        fixed = ins.at + datetime.timedelta(hours=rng.randint(2, 96))
        rectified = fixed <= last and rng.random() < 0.85
        problems.append(
            Problem(
                inspection=ins,
                description="登记台账不完整",
                owner=rng.choice(officers),
                deadline=ins.day + datetime.timedelta(days=2),
                day=ins.day,
                rectified_at=fixed if rectified else None,
                rectification="已整改。" if rectified else "",
            )
        )
    w.objects(problems, label="检查问题")
