"""The fast track 快报 → 快审 → 快批 → 快奖: roles, refusals, timings, circulars."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.honors import selectors, services
from fangkong.honors.models import Commendation, Step
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2020, 1, 27, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def h(n: float) -> datetime.datetime:
    return T0 + datetime.timedelta(hours=n)


def _nominate(world: World, at: datetime.datetime = T0, who: str = "station_a") -> Commendation:
    return services.commendation_report(
        by=world.users[who],
        kind="individual",
        officer=world.officer_a,
        level="circular",
        deeds="在104国道检查站连续坚守7天7夜。",
        at=at,
    )


def _full_track(world: World, c: Commendation, start: float = 0) -> Commendation:
    services.commendation_review(commendation=c, by=world.users["political"], at=h(start + 2))
    services.commendation_approve(commendation=c, by=world.users["command"], at=h(start + 5))
    return services.commendation_award(
        commendation=c, by=world.users["political"], at=h(start + 11)
    )


def test_report_review_approve_award_with_each_steps_time(world: World) -> None:
    c = _full_track(world, _nominate(world))
    assert c.status == "awarded"
    assert c.unit == world.station_a  # an individual's unit is the officer's
    assert list(c.steps.values_list("action", flat=True)) == [
        "report",
        "review",
        "approve",
        "award",
    ]
    t = c.timings()
    assert t == {
        "review": datetime.timedelta(hours=2),
        "approve": datetime.timedelta(hours=3),
        "award": datetime.timedelta(hours=6),
        "total": datetime.timedelta(hours=11),
    }
    c2 = _full_track(world, _nominate(world, at=h(24)), start=24)
    c3 = _nominate(world, at=h(30))
    services.commendation_review(commendation=c3, by=world.users["political"], at=h(31))
    services.commendation_approve(commendation=c3, by=world.users["command"], at=h(32))
    services.commendation_award(commendation=c3, by=world.users["political"], at=h(50))
    assert c2.timings()["total"] == datetime.timedelta(hours=11)
    medians = selectors.median_durations()
    assert medians["total"] == datetime.timedelta(hours=11)
    assert medians["award"] == datetime.timedelta(hours=6)
    page = world.client("political").get(f"/honors/{c.pk}/").content.decode()
    assert "上报到颁奖共计（小时）</dt><dd>11.0" in page
    listing = world.client("command").get("/honors/").content.decode()
    assert 'data-testid="median-total">11.0' in listing


def test_a_step_cannot_be_skipped(world: World) -> None:
    c = _nominate(world)
    with pytest.raises(ValidationError, match="须先经政工部门审核，不能跳过审核直接批准"):
        services.commendation_approve(commendation=c, by=world.users["command"])
    with pytest.raises(ValidationError, match="不能跳过批准直接颁奖"):
        services.commendation_award(commendation=c, by=world.users["political"])
    services.commendation_review(commendation=c, by=world.users["political"], at=h(1))
    with pytest.raises(ValidationError, match="不能跳过批准直接颁奖"):
        services.commendation_award(commendation=c, by=world.users["political"])
    c.refresh_from_db()
    assert c.status == "reviewed"


def test_nobody_reviews_or_approves_their_own_nomination(world: World) -> None:
    own = _nominate(world, who="command")
    services.commendation_review(commendation=own, by=world.users["political"], at=h(1))
    with pytest.raises(ValidationError, match="不能批准本人上报的表彰"):
        services.commendation_approve(commendation=own, by=world.users["command"])
    # The political department's own nomination needs another reviewer.
    mine = _nominate(world, who="political")
    with pytest.raises(ValidationError, match="不能审核本人上报的表彰"):
        services.commendation_review(commendation=mine, by=world.users["political"])
    page = world.client("command").get(f"/honors/{own.pk}/").content.decode()
    assert 'value="approve"' not in page


def test_each_step_is_taken_by_its_role(world: World) -> None:
    c = _nominate(world)
    with pytest.raises(ValidationError, match="您的角色不能审核表彰"):
        services.commendation_review(commendation=c, by=world.users["command"])
    with pytest.raises(ValidationError, match="您的角色不能上报表彰"):
        _nominate(world, who="logistics")
    services.commendation_review(commendation=c, by=world.users["political"], at=h(1))
    with pytest.raises(ValidationError, match="您的角色不能批准表彰"):
        services.commendation_approve(commendation=c, by=world.users["political"])


def test_return_for_revision_then_resubmit_restarts_the_review_clock(world: World) -> None:
    c = _nominate(world)
    with pytest.raises(ValidationError, match="退回须说明修改意见"):
        services.commendation_return(commendation=c, by=world.users["political"], note=" ")
    services.commendation_return(
        commendation=c, by=world.users["political"], note="请补充具体事迹", at=h(1)
    )
    with pytest.raises(ValidationError, match="只有原上报人可以修改后重报"):
        services.commendation_resubmit(commendation=c, by=world.users["station_b"], deeds="x")
    services.commendation_resubmit(
        commendation=c,
        by=world.users["station_a"],
        deeds="连续坚守7天7夜，查控车辆3000余辆。",
        at=h(3),
    )
    c = _full_track(world, Commendation.objects.get(pk=c.pk), start=3)
    assert c.deeds.startswith("连续坚守7天7夜，查控车辆")
    t = c.timings()
    assert t["review"] == datetime.timedelta(hours=2)  # from the resubmission
    assert t["total"] == datetime.timedelta(hours=14)  # from the first report
    assert list(c.steps.values_list("action", flat=True)) == [
        "report",
        "return",
        "resubmit",
        "review",
        "approve",
        "award",
    ]


def test_reject(world: World) -> None:
    c = _nominate(world)
    services.commendation_reject(commendation=c, by=world.users["political"], note="事迹不够突出")
    c.refresh_from_db()
    assert c.status == "rejected"
    with pytest.raises(ValidationError):
        services.commendation_review(commendation=c, by=world.users["political"])


def test_circular_docx_bundles_approved_commendations(world: World) -> None:
    a = _full_track(world, _nominate(world))
    collective = services.commendation_report(
        by=world.users["command"],
        kind="collective",
        unit=world.station_b,
        level="order",
        deeds="全所民警向党旗宣誓，疫情不灭，警察不退。",
        at=h(1),
    )
    services.commendation_review(commendation=collective, by=world.users["political"], at=h(2))
    pending = _nominate(world, at=h(3))
    with pytest.raises(ValidationError, match="尚未批准，不能通报"):
        services.circular_issue(
            number="宁公政〔2020〕3号",
            title="关于表扬的通报",
            day=datetime.date(2020, 2, 3),
            commendations=[a, pending],
            by=world.users["political"],
        )
    # The collective is approved by someone other than its nominator (command nominated it).
    other = user_create(
        username="juzhang", password=PASSWORD, role=Role.COMMAND, by=None, check_password=False
    )
    services.commendation_approve(commendation=collective, by=other, at=h(4))
    circular = services.circular_issue(
        number="宁公政〔2020〕3号",
        title="关于表扬疫情防控工作中先进集体和先进个人的通报",
        day=datetime.date(2020, 2, 3),
        commendations=[a, collective],
        by=world.users["political"],
    )
    assert selectors.praised_counts() == {"circulars": 1, "individuals": 1, "collectives": 1}
    response = world.client("workgroup").get(f"/honors/circulars/{circular.pk}.docx")
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    # The red head: the bureau's mark, the circular's number, then its title.
    assert paragraphs[:3] == [
        "宁阳县公安局",
        "宁公政〔2020〕3号",
        "关于表扬疫情防控工作中先进集体和先进个人的通报",
    ]
    text = "\n".join(paragraphs)
    # Each one named, a colon, then the deeds.
    assert "一、先进集体" in text and "1．泗店派出所（嘉奖令）：全所民警向党旗宣誓" in text
    assert "二、先进个人" in text and "1．堽城派出所王伟（通报表扬）：在104国道检查站" in text
    assert paragraphs[-1] == "宁阳县公安局办公室\t2020年2月3日印发"
    assert "2020年2月3日" in text
    # The officer's record shows it.
    record = world.client("political").get(f"/org/officers/{world.officer_a.pk}/").content.decode()
    assert "宁公政〔2020〕3号" in record and "通报表扬" in record


def test_pages_through_the_browser_forms(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    station = world.client("station_a")
    response = station.post(
        "/honors/new/",
        {
            "kind": "individual",
            "officer": world.officer_a.pk,
            "level": "oral",
            "tier": "county",
            "deeds": "带病坚持执勤",
        },
    )
    assert response.status_code == 302
    c = Commendation.objects.get()
    bad = station.post(
        "/honors/new/", {"kind": "collective", "level": "oral", "tier": "county", "deeds": "x"}
    )
    assert "集体表彰须选择单位" in bad.content.decode()
    political = world.client("political")
    political.post(f"/honors/{c.pk}/act/", {"action": "approve"})
    c.refresh_from_db()
    assert c.status == "reported"  # the political department cannot approve
    political.post(f"/honors/{c.pk}/act/", {"action": "review"})
    world.client("command").post(f"/honors/{c.pk}/act/", {"action": "approve"})
    political.post(f"/honors/{c.pk}/act/", {"action": "award"})
    c.refresh_from_db()
    assert c.status == "awarded"
    assert Step.objects.filter(commendation=c).count() == 4
    for i in range(4):
        _nominate(world, at=h(i))
    political.get("/honors/")
    with django_assert_num_queries(7):
        political.get("/honors/")
    assert world.client("logistics").get("/honors/").status_code == 403
    assert world.client("command").get("/honors/to-approve/").url == "/honors/?status=reviewed"


def test_api_commendations(world: World) -> None:
    _full_track(world, _nominate(world))
    body = world.client("command").get("/api/v1/honors/commendations").json()
    assert body["count"] == 1 and body["median_total_hours"] == 11.0
    assert body["items"][0]["honoree"] == "堽城派出所王伟"
    assert body["items"][0]["total_hours"] == 11.0
    assert world.client("logistics").get("/api/v1/honors/commendations").status_code == 403
