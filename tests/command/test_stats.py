"""Every figure of the day equals a count made independently from the rows: on small
hand-built data and on the demo county, for today and for past days."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.command import services
from fangkong.command.daily import daily_stats
from fangkong.command.models import Disposition, Incident, Task
from fangkong.core import clock
from fangkong.core.demo import SHANGHAI
from fangkong.core.figures import collect_sections, flat_figures
from fangkong.org import services as org_services
from fangkong.org.models import Officer
from tests.command.conftest import Groups, counted, dispositions_by_kind, incidents_by_kind
from tests.conftest import World

D = datetime.date


def at(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


@pytest.fixture
def handmade(world: World, groups: Groups) -> World:
    """Tasks, inspections and incidents around 2020-01-30 and today, with edge cases:
    done exactly at the deadline, done late, found and rectified on different days, an
    incident just before and just after midnight."""
    boss = world.users["command"]
    d30, d31 = D(2020, 1, 30), D(2020, 1, 31)
    t1 = services.task_assign(
        title="核查名单", group=groups.monitoring, deadline=at(d30, 18), by=boss, at=at(d30, 9)
    )
    services.task_complete(task=t1, result="完成", by=boss, at=at(d30, 17))
    t2 = services.task_assign(
        title="打击哄抬物价", group=groups.control, deadline=at(d30, 12), by=boss, at=at(d30, 8)
    )
    services.task_acknowledge(task=t2, by=boss, at=at(d30, 9))
    services.task_complete(task=t2, result="迟办结", by=boss, at=at(d31, 10))  # late
    services.task_assign(
        title="走访返乡人员", unit=world.station_a, deadline=at(d31, 12), by=boss, at=at(d30, 23)
    )  # never done
    now = clock.now()
    services.task_assign(
        title="今日任务",
        group=groups.control,
        deadline=now + datetime.timedelta(hours=5),
        by=boss,
        at=now - datetime.timedelta(minutes=1),
    )
    leader = org_services.officer_create(
        name="张建军",
        badge_number="370001",
        kind="police",
        unit=world.bureau,
        by=None,
        position="局长",
    )
    inspection = services.inspection_record(
        unit=world.station_a,
        place="104国道联合检查站",
        inspector=leader,
        at=at(d30, 15),
        by=boss,
        problems=[
            services.ProblemInput("照明不足", world.officer_a, d31),
            services.ProblemInput("台账漏项", world.officer_a, d31, kind="weakness"),
        ],
    )
    first, second = inspection.problems.order_by("id")
    services.problem_rectify(problem=first, rectification="已加装灯", by=boss, at=at(d30, 20))
    services.problem_rectify(problem=second, rectification="已补齐", by=boss, at=at(d31, 9))
    services.incident_record(
        kind=Incident.Kind.PRICE_GOUGING,
        unit=world.station_a,
        occurred_at=at(d30, 23, 59),
        place="堽城镇某药店",
        summary="高价卖口罩",
        by=boss,
        dispositions=[services.DispositionInput(Disposition.Kind.FINE, 1)],
    )
    services.incident_record(
        kind=Incident.Kind.RUMOUR,
        unit=world.station_b,
        occurred_at=at(d31, 0, 1),
        place="泗店镇",
        summary="微信群造谣",
        by=boss,
        dispositions=[
            services.DispositionInput(Disposition.Kind.ADMIN_DETENTION, 1),
            services.DispositionInput(Disposition.Kind.EDUCATION, 2),
        ],
    )
    services.incident_record(
        kind=Incident.Kind.RUMOUR,
        unit=world.station_b,
        occurred_at=now - datetime.timedelta(minutes=2),
        place="泗店镇",
        summary="今日造谣",
        by=boss,
    )
    officer = Officer.objects.get(badge_number="371201")
    org_services.officer_set_status(officer=officer, status=Officer.Status.SICK, by=None)
    return world


@pytest.mark.parametrize("day", [D(2020, 1, 29), D(2020, 1, 30), D(2020, 1, 31), None])
def test_figures_equal_counts_from_rows_on_handmade_data(handmade: World, day: D | None) -> None:
    day = day or clock.today()
    figures = flat_figures(collect_sections(day))
    assert {k: v for k, v in figures.items() if k.startswith(("org.", "command."))} == counted(day)


def test_handmade_figures_read_as_a_person_would(handmade: World) -> None:
    f = flat_figures(collect_sections(D(2020, 1, 30)))
    # 30th at 24:00: the late task and the unit's task (due 31st) -> only the late one overdue.
    assert f["command.tasks_overdue"] == 1
    assert f["command.tasks_done_today"] == 1
    assert f["command.problems_open"] == 1  # one fixed at 20:00, one the next morning
    assert f["command.incidents_today"] == 1  # 23:59 counts on the 30th
    g = flat_figures(collect_sections(D(2020, 1, 31)))
    assert g["command.tasks_overdue"] == 1  # the late one is done; the unit's is now overdue
    assert g["command.incidents_today"] == 1 and g["command.incidents_total"] == 2
    assert g["command.problems_open"] == 0
    assert g["org.sick"] == 1


@pytest.mark.parametrize("day", [D(2020, 1, 31), None])
def test_tables_equal_counts_from_rows(handmade: World, day: D | None) -> None:
    day = day or clock.today()
    stats = daily_stats(day)
    command = next(s for s in stats["sections"] if s["key"] == "command")
    tables = {t["title"]: t for t in command["tables"]}
    by_kind = {row[0]: (row[1], row[2]) for row in tables["涉疫警情（按类型）"]["rows"]}
    assert by_kind == incidents_by_kind(day)
    dispositions = {row[0]: (row[1], row[2]) for row in tables["处置情况（人）"]["rows"]}
    assert dispositions == dispositions_by_kind(day)
    groups = {row[0]: row[1:] for row in tables["交办任务（按承办工作组）"]["rows"]}
    tasks = [t for t in Task.objects.select_related("group") if t.issued_at < clock.now()]
    if day != clock.today():
        tasks = [t for t in tasks if timezone.localtime(t.issued_at).date() <= day]
    control = [t for t in tasks if t.group and t.group.code == "control"]
    assert groups["情况控制组"][0] == len(control)


def test_events_tell_the_days_inspections_and_incidents(handmade: World) -> None:
    stats = daily_stats(D(2020, 1, 30))
    events = next(s for s in stats["sections"] if s["key"] == "command")["events"]
    assert events == [
        "张建军（局长）到104国道联合检查站实地检查指导，发现问题和薄弱环节2个，已整改1个。",
        "堽城派出所处置哄抬物价警情一起（堽城镇某药店），罚款1人。",
    ]


def test_demo_county_figures_equal_counts_from_rows(demo_county, db) -> None:  # type: ignore[no-untyped-def]
    for day in (D(2020, 1, 24), D(2020, 1, 27), D(2020, 2, 3), clock.today()):
        figures = flat_figures(collect_sections(day))
        assert {k: v for k, v in figures.items() if k.startswith(("org.", "command."))} == counted(
            day
        ), day
        stats = daily_stats(day)
        command = next(s for s in stats["sections"] if s["key"] == "command")
        tables = {t["title"]: t for t in command["tables"]}
        assert {r[0]: (r[1], r[2]) for r in tables["涉疫警情（按类型）"]["rows"]} == (
            incidents_by_kind(day)
        )
    f = flat_figures(collect_sections(D(2020, 2, 3)))
    # The story the demo tells: work done and some not, problems fixed and some open.
    assert f["command.tasks_total"] > 20
    assert f["command.tasks_overdue"] > 0
    assert f["command.problems_open"] > 0 and f["command.problems_rectified_total"] > 0
    assert f["command.incidents_total"] >= 11
    assert f["org.recalled_waiting"] == 2
    # Before the wartime order, officers on leave were not on post yet.
    before = flat_figures(collect_sections(D(2020, 1, 25)))
    assert before["org.on_leave"] == f["org.recalled"]
    assert before["org.on_post"] < f["org.on_post"]


def test_trends_match_the_days(handmade: World) -> None:
    from fangkong.command.daily import trend_charts

    charts = {c["key"]: c for c in trend_charts(D(2020, 1, 24), D(2020, 2, 3))}
    incidents = charts["command.incidents"]
    assert len(incidents["dates"]) == 11
    assert dict(zip(incidents["dates"], incidents["values"], strict=True))["2020-01-30"] == 1
    assert sum(incidents["values"]) == 2
    assert sum(charts["command.tasks"]["values"]) == 3


def test_section_queries_do_not_grow_with_rows(handmade: World) -> None:
    day = D(2020, 1, 31)
    with CaptureQueriesContext(connection) as small:
        collect_sections(day)
    boss = handmade.users["command"]
    for i in range(15):
        services.incident_record(
            kind=Incident.Kind.FRAUD,
            unit=handmade.station_a,
            occurred_at=at(day, 10, i),
            place="某地",
            summary="诈骗",
            by=boss,
            dispositions=[services.DispositionInput(Disposition.Kind.CRIMINAL_DETENTION, 1)],
        )
    with CaptureQueriesContext(connection) as large:
        collect_sections(day)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_busy_day_tells_a_dozen_incidents_and_counts_the_rest(world: World) -> None:
    day = D(2020, 2, 1)
    for i in range(14):
        services.incident_record(
            kind=Incident.Kind.RUMOUR,
            unit=world.station_a,
            occurred_at=at(day, 8, i),
            place=f"地点{i}",
            summary="造谣",
            by=world.users["command"],
        )
    events = next(s for s in collect_sections(day) if s.key == "command").events
    assert len(events) == 13
    assert "地点0" in events[0] and "地点11" in events[11]
    assert events[12] == "另有涉疫警情2起，详见警情列表。"
