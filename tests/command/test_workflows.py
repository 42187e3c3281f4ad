"""Task dispatch, field inspections and incidents, through the pages a person uses, and who
sees what."""

from __future__ import annotations

import datetime

import pytest

from fangkong.command import services
from fangkong.command.models import Disposition, Incident, Problem, Task
from fangkong.core import clock
from fangkong.core.models import AuditEntry
from fangkong.org import services as org_services
from tests.command.conftest import Groups
from tests.conftest import World
from tests.pages import form_as_posted


def _dt(delta_hours: float) -> str:
    return (clock.now() + datetime.timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M")


def test_leader_dispatches_and_group_member_acknowledges_reports_and_completes(
    world: World, groups: Groups
) -> None:
    boss = world.client("command")
    response = boss.post(
        "/command/tasks/new/",
        {
            "title": "打击哄抬口罩价格",
            "detail": "会同市场监管部门查处",
            "group": groups.control.pk,
            "lead": groups.member.pk,
            "priority": "urgent",
            "deadline": _dt(24),
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/command/tasks/{task.pk}/"
    assert task.group == groups.control and task.status == Task.Status.ASSIGNED
    assert task.day == clock.today()

    member = world.client("workgroup")
    board = member.get("/command/tasks/").content.decode()
    assert "打击哄抬口罩价格" in board and "我的任务" in board
    member.post(f"/command/tasks/{task.pk}/acknowledge/")
    member.post(f"/command/tasks/{task.pk}/progress/", {"note": "已查处两家药店"})
    member.post(f"/command/tasks/{task.pk}/result/", {"result": "查处5家，罚款3人"})
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.result == "查处5家，罚款3人"
    assert [u.kind for u in task.updates.all()] == ["acknowledge", "progress", "result"]
    detail = member.get(f"/command/tasks/{task.pk}/").content.decode()
    assert "已办结" in detail and "已查处两家药店" in detail
    assert (
        AuditEntry.objects.filter(object_type="command.task", object_id=str(task.pk)).count() >= 4
    )


def test_task_form_names_the_field_and_rule(world: World, groups: Groups) -> None:
    boss = world.client("command")
    page = boss.post(
        "/command/tasks/new/",
        {
            "title": "x",
            "group": groups.control.pk,
            "unit": world.station_a.pk,
            "priority": "normal",
            "deadline": _dt(5),
        },
    ).content.decode()
    assert "承办工作组和承办单位须填写且只填写一个" in page
    page = boss.post(
        "/command/tasks/new/",
        {"title": "x", "group": groups.control.pk, "priority": "normal", "deadline": _dt(-5)},
    ).content.decode()
    assert "完成时限须晚于交办时间" in page
    assert Task.objects.count() == 0


def test_each_group_sees_its_own_board(world: World, groups: Groups) -> None:
    boss = world.users["command"]
    deadline = clock.now() + datetime.timedelta(hours=3)
    mine = services.task_assign(
        title="控制组任务", group=groups.control, deadline=deadline, by=boss
    )
    other = services.task_assign(
        title="核查组任务", group=groups.monitoring, deadline=deadline, by=boss
    )
    unit_task = services.task_assign(
        title="堽城所任务", unit=world.station_a, deadline=deadline, by=boss
    )

    member = world.client("workgroup")
    board = member.get("/command/tasks/").content.decode()
    assert "控制组任务" in board and "核查组任务" not in board and "堽城所任务" not in board
    assert member.get(f"/command/tasks/{other.pk}/").status_code == 404
    assert member.post(f"/command/tasks/{other.pk}/acknowledge/").status_code == 404

    station = world.client("station_a")
    board = station.get("/command/tasks/").content.decode()
    assert "堽城所任务" in board and "控制组任务" not in board
    assert world.client("station_b").get(f"/command/tasks/{unit_task.pk}/").status_code == 404
    # station_a's officer leads 核查组: the group's tasks are on their board too.
    station_user = world.users["station_a"]
    assert station_user.officer == world.officer_a
    assert "核查组任务" in board

    everything = world.client("command").get("/command/tasks/").content.decode()
    assert all(t in everything for t in ("控制组任务", "核查组任务", "堽城所任务"))
    assert world.client("outsider").get("/command/tasks/").status_code == 403
    assert world.client("workgroup").get("/command/tasks/new/").status_code == 403
    assert mine.pk


def test_overdue_tasks_are_listed(world: World, groups: Groups) -> None:
    boss = world.users["command"]
    now = clock.now()
    late = services.task_assign(
        title="逾期任务",
        group=groups.control,
        deadline=now - datetime.timedelta(hours=1),
        by=boss,
        at=now - datetime.timedelta(hours=5),
    )
    services.task_assign(
        title="未到期任务",
        group=groups.control,
        deadline=now + datetime.timedelta(hours=1),
        by=boss,
    )
    page = world.client("command").get(f"/command/tasks/?overdue={clock.today()}")
    text = page.content.decode()
    assert "逾期任务" in text and "未到期任务" not in text and "共 1 条" in text
    home = world.client("command").get("/").content.decode()
    assert "逾期任务" in home and "指挥看板" in home
    assert late.pk


def test_inspection_with_problems_and_rectification(world: World, groups: Groups) -> None:
    leader = org_services.officer_create(
        name="张建军",
        badge_number="370001",
        kind="police",
        unit=world.bureau,
        by=None,
        position="局长",
    )
    boss = world.client("command")
    today = clock.today()
    response = boss.post(
        "/command/inspections/new/",
        {
            "unit": world.station_a.pk,
            "place": "104国道联合检查站",
            "inspector": leader.pk,
            "at": _dt(-1),
            "summary": "检查执勤秩序",
            "p-TOTAL_FORMS": "3",
            "p-INITIAL_FORMS": "0",
            "p-MIN_NUM_FORMS": "0",
            "p-MAX_NUM_FORMS": "20",
            "p-0-kind": "problem",
            "p-0-description": "夜间照明不足",
            "p-0-owner": world.officer_a.pk,
            "p-0-deadline": str(today + datetime.timedelta(days=1)),
            "p-1-kind": "weakness",
            "p-1-description": "缺少防寒帐篷",
            "p-1-owner": world.officer_a.pk,
            "p-1-deadline": str(today + datetime.timedelta(days=2)),
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Problem.objects.count() == 2
    problem = Problem.objects.get(description="夜间照明不足")
    open_list = boss.get(f"/command/problems/?open={today}").content.decode()
    assert "夜间照明不足" in open_list and "共 2 条" in open_list

    # The station owning the problem records the rectification; the other station cannot.
    assert (
        world.client("station_b")
        .post(f"/command/problems/{problem.pk}/rectify/", {"rectification": "x"})
        .status_code
        == 404
    )
    world.client("station_a").post(
        f"/command/problems/{problem.pk}/rectify/", {"rectification": "已加装照明灯"}
    )
    problem.refresh_from_db()
    assert problem.rectified_at is not None and problem.rectification == "已加装照明灯"
    open_list = boss.get(f"/command/problems/?open={today}").content.decode()
    assert "夜间照明不足" not in open_list and "共 1 条" in open_list
    detail = boss.get(f"/command/inspections/{problem.inspection_id}/").content.decode()
    assert "已整改" in detail and "已加装照明灯" in detail


def test_inspection_problem_deadline_before_the_visit_saves_nothing(world: World) -> None:
    leader = org_services.officer_create(
        name="李局",
        badge_number="370002",
        kind="police",
        unit=world.bureau,
        by=None,
        position="副局长",
    )
    with pytest.raises(Exception, match="整改时限不能早于检查日期"):
        services.inspection_record(
            unit=world.station_a,
            inspector=leader,
            at=clock.now(),
            by=world.users["command"],
            problems=[services.ProblemInput("x", world.officer_a, datetime.date(2020, 1, 1))],
        )
    from fangkong.command.models import Inspection

    assert Inspection.objects.count() == 0


def test_incident_with_several_dispositions_and_station_scope(world: World) -> None:
    station = world.client("station_a")
    form = {
        "kind": "price_gouging",
        "unit": world.station_a.pk,
        "occurred_at": _dt(-2),
        "place": "堽城镇某药店",
        "summary": "口罩每只30元",
        "status": "investigating",
        "d-TOTAL_FORMS": "2",
        "d-INITIAL_FORMS": "0",
        "d-MIN_NUM_FORMS": "0",
        "d-MAX_NUM_FORMS": "10",
        "d-0-kind": "fine",
        "d-0-persons": "1",
        "d-0-note": "罚款5000元",
        "d-1-kind": "warning",
        "d-1-persons": "2",
    }
    response = station.post("/command/incidents/new/", form)
    assert response.status_code == 302, response.content.decode()
    incident = Incident.objects.get()
    # The day it happened (two hours ago: yesterday, just after midnight), not today's date.
    assert incident.day == (clock.now() - datetime.timedelta(hours=2)).date()
    assert sorted(incident.dispositions.values_list("kind", "persons")) == [
        ("fine", 1),
        ("warning", 2),
    ]
    # A station records only for its own unit.
    page = station.post(
        "/command/incidents/new/", {**form, "unit": world.station_b.pk}
    ).content.decode()
    assert "只能登记本单位及下属单位的警情" in page
    assert Incident.objects.count() == 1
    # The other station neither lists nor opens it; the county does.
    assert (
        "堽城镇某药店" not in world.client("station_b").get("/command/incidents/").content.decode()
    )
    assert world.client("station_b").get(f"/command/incidents/{incident.pk}/").status_code == 404
    assert "堽城镇某药店" in world.client("command").get("/command/incidents/").content.decode()
    # More dispositions and the status are recorded on the incident.
    station.post(f"/command/incidents/{incident.pk}/", {"kind": "admin_detention", "persons": "1"})
    station.post(f"/command/incidents/{incident.pk}/", {"status": "closed"})
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert Disposition.objects.filter(incident=incident).count() == 3
    bad = station.post(
        f"/command/incidents/{incident.pk}/", {"kind": "fine", "persons": "0"}, follow=True
    )
    assert "处置结果填写有误：人数须不小于1" in bad.content.decode()


def test_incident_in_the_future_is_refused_with_a_chinese_message(world: World) -> None:
    page = (
        world.client("command")
        .post(
            "/command/incidents/new/",
            {
                "kind": "rumour",
                "unit": world.station_a.pk,
                "occurred_at": _dt(3),
                "place": "某地",
                "summary": "x",
                "status": "received",
                "d-TOTAL_FORMS": "0",
                "d-INITIAL_FORMS": "0",
            },
        )
        .content.decode()
    )
    assert "发生时间不能晚于当前时间" in page
    assert Incident.objects.count() == 0


def test_list_pages_query_counts_are_pinned(
    world: World,
    groups: Groups,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    boss = world.users["command"]
    for i in range(6):
        services.task_assign(
            title=f"任务{i}",
            group=groups.control,
            lead=groups.member,
            deadline=clock.now() + datetime.timedelta(hours=i + 1),
            by=boss,
        )
        services.incident_record(
            kind="rumour",
            unit=world.station_a,
            occurred_at=clock.now(),
            place="某地",
            summary="x",
            by=boss,
            dispositions=[services.DispositionInput("education", 1)],
        )
    client = world.client("command")
    client.get("/command/tasks/")
    with django_assert_num_queries(5):  # session, user, group choices, count, page
        client.get("/command/tasks/")
    client.get("/command/incidents/")
    with django_assert_num_queries(5):
        client.get("/command/incidents/")


def test_nav_and_home_cards(world: World, groups: Groups) -> None:
    home = world.client("workgroup").get("/").content.decode()
    assert "我的任务" in home and 'href="/command/tasks/"' in home
    assert "指挥看板" not in home
    home = world.client("command").get("/").content.decode()
    assert 'href="/command/dashboard/"' in home


def test_rows_left_untouched_in_the_browser_are_not_recorded(world: World) -> None:
    """The page posts every row's fields; rows the officer did not fill in are not records."""
    station = world.client("station_a")
    page = station.get("/command/incidents/new/").content.decode()
    posted = form_as_posted(
        page,
        kind="price_gouging",
        unit=world.station_a.pk,
        occurred_at=_dt(-2),
        place="堽城镇某药店",
        summary="口罩每只30元",
        **{"d-0-kind": "fine", "d-0-note": "罚款5000元"},
    )
    response = station.post("/command/incidents/new/", posted)
    assert response.status_code == 302, response.content.decode()
    incident = Incident.objects.get()
    assert list(incident.dispositions.values_list("kind", "persons")) == [("fine", 1)]

    leader = org_services.officer_create(
        name="张建军",
        badge_number="370003",
        kind="police",
        unit=world.bureau,
        by=None,
        position="局长",
    )
    boss = world.client("command")
    page = boss.get("/command/inspections/new/").content.decode()
    posted = form_as_posted(
        page,
        unit=world.station_a.pk,
        place="104国道联合检查站",
        inspector=leader.pk,
        at=_dt(-1),
        **{
            "p-0-kind": "problem",
            "p-0-description": "夜间照明不足",
            "p-0-owner": world.officer_a.pk,
            "p-0-deadline": str(clock.today() + datetime.timedelta(days=1)),
        },
    )
    response = boss.post("/command/inspections/new/", posted)
    assert response.status_code == 302, response.content.decode()
    assert list(Problem.objects.values_list("description", flat=True)) == ["夜间照明不足"]


def test_a_disposition_is_refused_with_each_fields_own_message(world: World) -> None:
    """The seventh attack (2026-12-04): POST /command/incidents/6/ with kind=zzz, a note of
    100k characters or a note holding NUL all answered 人数须为1到999的整数."""
    incident = services.incident_record(
        kind="rumour",
        unit=world.station_a,
        occurred_at=clock.now(),
        place="某地",
        summary="x",
        by=world.users["command"],
    )
    client = world.client("command")
    url = f"/command/incidents/{incident.pk}/"
    good = {"kind": "education", "persons": "1", "note": ""}
    for posted, said in (
        ({"kind": "zzz"}, "处置须从列表中选择"),
        ({"note": "备" * 100_000}, "备注最多200个字（现有100000个）"),
        ({"note": "造谣\x00者"}, "备注含有非法字符：“U+0000”"),
        ({"note": "造谣\u202e者"}, "备注含有非法字符：“U+202E”"),
        ({"persons": "0"}, "人数须不小于1"),
        ({"persons": "1000"}, "人数须不大于999"),
    ):
        page = client.post(url, {**good, **posted}, follow=True).content.decode()
        assert f"处置结果填写有误：{said}" in page, posted
        assert "人数" not in page.split("处置结果填写有误：")[1][:40] or "persons" in posted
    assert not Disposition.objects.exists()
    page = client.post(url, good, follow=True).content.decode()
    assert "处置结果已登记" in page and Disposition.objects.count() == 1


def test_the_second_round_a_tasks_note_says_what_is_wrong_with_it(
    world: World, groups: Groups
) -> None:
    """The seventh attack's second round: a progress note of 2,500 characters or with a NUL,
    and a result of 5,000 characters, were answered "进展情况不能为空" / "办理结果不能为空".
    Each refusal says its own rule; nothing is recorded."""
    task = services.task_assign(
        title="核查返乡人员", detail="逐户核查", group=groups.control, lead=groups.member,
        deadline=clock.now() + datetime.timedelta(days=1), by=world.users["command"],
    )  # fmt: skip
    member = world.client("workgroup")
    cases = (
        ("progress", {"note": "x" * 2500}, "进展情况最多2000个字（现有2500个）"),
        ("progress", {"note": "a\x00b"}, "进展情况含有非法字符：“U+0000”"),
        ("result", {"result": "x" * 5000}, "办理结果最多2000个字（现有5000个）"),
    )
    for action, data, said in cases:
        page = member.post(f"/command/tasks/{task.pk}/{action}/", data, follow=True)
        html = page.content.decode()
        assert said in html and "不能为空" not in html
    task.refresh_from_db()
    assert task.status != Task.Status.DONE and not task.updates.exclude(kind="acknowledge").exists()
