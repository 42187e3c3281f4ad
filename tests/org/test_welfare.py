"""暖警: only the political department and the officer's own unit leader see a difficulty."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.org import services as org_services
from fangkong.org import welfare
from fangkong.org.models import WelfareCase
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(world: World) -> dict[str, object]:
    chief_a = org_services.officer_create(
        name="赵所长",
        badge_number="371100",
        kind="police",
        unit=world.station_a,
        position="所长",
        by=None,
    )
    world.officer_b.position = "教导员"
    world.officer_b.save()
    deputy = org_services.officer_create(
        name="钱警官",
        badge_number="371102",
        kind="police",
        unit=world.station_a,
        position="副职",
        by=None,
    )
    return {
        "leader_a": user_create(
            username="leader_a",
            password=PASSWORD,
            role=Role.STATION,
            officer=chief_a,
            unit=world.station_a,
            by=None,
            check_password=False,
        ),
        "plain_a": user_create(
            username="plain_a",
            password=PASSWORD,
            role=Role.STATION,
            officer=deputy,
            unit=world.station_a,
            by=None,
            check_password=False,
        ),
    }


def _case(world: World) -> WelfareCase:
    return welfare.welfare_case_open(
        officer=world.officer_a,
        title="父亲住院无人照料",
        urgency="high",
        by=world.users["political"],
    )


def test_political_department_and_own_unit_leader_see_the_case(world: World, leaders: dict) -> None:
    case = _case(world)
    assert list(welfare.welfare_cases_for(world.users["political"])) == [case]
    assert list(welfare.welfare_cases_for(leaders["leader_a"])) == [case]
    # station_b's officer is 泗店's 教导员: a leader, but of another unit.
    assert welfare.led_unit_id(world.users["station_b"]) == world.station_b.pk
    assert list(welfare.welfare_cases_for(world.users["station_b"])) == []
    for who in ("command", "workgroup", "logistics", "admin"):
        assert list(welfare.welfare_cases_for(world.users[who])) == []
    assert list(welfare.welfare_cases_for(leaders["plain_a"])) == []  # 副职 is not a leader
    # station_a's own user is 王伟 himself (no position): not his own unit's leader.
    assert list(welfare.welfare_cases_for(world.users["station_a"])) == []


def test_pages_answer_403_or_404_outside_and_show_inside(world: World, leaders: dict) -> None:
    from django.test import Client

    case = _case(world)
    leader = Client()
    leader.force_login(leaders["leader_a"])
    assert "父亲住院无人照料" in leader.get("/org/welfare/").content.decode()
    assert leader.get(f"/org/welfare/{case.pk}/").status_code == 200
    assert world.client("command").get("/org/welfare/").status_code == 403
    assert world.client("station_b").get(f"/org/welfare/{case.pk}/").status_code == 404
    assert world.client("station_b").get("/org/welfare/").content.decode().count("父亲住院") == 0


def test_help_and_solve_leave_the_open_list(world: World, leaders: dict) -> None:
    case = _case(world)
    political = world.client("political")
    political.post(f"/org/welfare/{case.pk}/act/", {"action": "help", "text": "协调医院安排护工"})
    political.post(f"/org/welfare/{case.pk}/act/", {"action": "solve"})
    case.refresh_from_db()
    assert case.solved_at is not None
    assert [h.text for h in case.helps.all()] == ["协调医院安排护工"]
    assert "父亲住院" not in political.get("/org/welfare/").content.decode()
    assert "父亲住院" in political.get("/org/welfare/?show=solved").content.decode()
    assert welfare.open_count(world.users["political"]) == 0
    with pytest.raises(ValidationError, match="该困难已解决"):
        welfare.welfare_case_solve(case=case, by=world.users["political"])


def test_outsiders_cannot_record(world: World, leaders: dict) -> None:
    with pytest.raises(ValidationError, match="只有政工部门和本单位负责人"):
        welfare.welfare_case_open(officer=world.officer_a, title="x", by=world.users["station_b"])
    case = welfare.welfare_case_open(
        officer=world.officer_a, title="孩子无人看护", by=leaders["leader_a"]
    )
    assert case.officer == world.officer_a


def test_no_fatigue_flags_without_duties(world: World) -> None:
    assert welfare.fatigue_flags(datetime.date(2020, 2, 3)) == {}


def test_welfare_list_shows_a_fatigued_officer(world: World, leaders: dict, settings) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 finding 7: the list answered 500 whenever any officer was flagged fatigued."""
    from fangkong.checkpoints import services as cp_services

    settings.FANGKONG = {**settings.FANGKONG, "TODAY": "2020-02-03"}
    _case(world)
    cp = cp_services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104",
        opened_on=datetime.date(2020, 1, 26), unit=world.station_a, by=None,
    )  # fmt: skip
    for back in range(5):  # five days in a row ending on the working day: fatigued
        shift = cp_services.shift_get_or_create(
            checkpoint=cp, day=datetime.date(2020, 2, 3) - datetime.timedelta(days=back), slot=0
        )
        cp_services.shift_assign(
            shift=shift, officers=[world.officer_a], leader=None, party_leader=None, by=None
        )
    assert list(welfare.fatigue_flags(datetime.date(2020, 2, 3))) == [world.officer_a.pk]
    leader = Client()
    leader.force_login(leaders["leader_a"])
    for who in (world.client("political"), leader):
        page = who.get("/org/welfare/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "父亲住院无人照料" in text
        assert "连续5天" in text


# The seventh attack (2026-12-04): a family difficulty's 跟进人 (follow_up_by) took anyone —
# the system administrator, the auditor, the hospital's account, role-less accounts (POST
# /org/welfare/new/ as zhenggong). Only an account that may act on the officer's case.


def _open(world: World, follower: int | str) -> tuple[int, str]:
    response = world.client("political").post(
        "/org/welfare/new/",
        {
            "officer": world.officer_a.pk,
            "title": "家属住院",
            "urgency": "medium",
            "follow_up_by": follower,
        },
    )
    return response.status_code, response.content.decode()


def test_the_follower_is_an_account_that_acts_on_welfare(
    world: World, leaders: dict[str, object]
) -> None:
    for who in ("admin", "auditor", "security", "medical", "outsider", "checkpoint"):
        status, page = _open(world, world.users[who].pk)
        assert status == 200, who  # the form again, nothing saved
        assert "跟进人须从列表中选择" in page, who
    assert not WelfareCase.objects.exists()
    # The political department, and the officer's own unit leader, may follow it up.
    for follower in (world.users["political"], leaders["leader_a"]):
        status, _page = _open(world, follower.pk)  # type: ignore[attr-defined]
        assert status == 302
    assert WelfareCase.objects.count() == 2


def test_the_service_refuses_a_follower_who_may_not_act_on_that_officer(
    world: World, leaders: dict[str, object]
) -> None:
    # station_b's account is its unit's leader (教导员, the fixture): another unit than 王伟's.
    leader_b = world.users["station_b"]
    for follower in (leader_b, world.users["auditor"], world.users["outsider"]):
        with pytest.raises(ValidationError) as exc:
            welfare.welfare_case_open(
                officer=world.officer_a,
                title="家属住院",
                by=world.users["political"],
                follow_up_by=follower,
            )
        assert exc.value.message_dict["follow_up_by"] == [
            f"跟进人：只能是政工部门或该民警所在单位负责人的账号，{follower}不能跟进该民警的家庭困难"
        ]
    assert not WelfareCase.objects.exists()
