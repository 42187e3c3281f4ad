"""The case pages as users see them: list and filters, detail with its timeline, the
lifecycle actions, verification and the 四包一, the follow-up worker's list, alerts."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from django.test import override_settings

from fangkong.quarantine.models import Alert, CaseStatus, FollowUp, QuarantineCase, TeamMember
from fangkong.quarantine.services import case_refer, followup_record
from tests.conftest import ClockAt, World, numbered
from tests.quarantine.conftest import START, Cases, at

pytestmark = pytest.mark.django_db
TODAY = {"TODAY": "2020-02-03"}


def _fk(**extra: object) -> dict[str, object]:
    from django.conf import settings

    return {**settings.FANGKONG, **extra}


def test_list_filters_and_counts_per_township(
    world: World, cases: Cases, clock_at: ClockAt
) -> None:
    clock_at("10:00")  # before noon: the last window that closed is the evening before
    with override_settings(FANGKONG=_fk(**TODAY)):
        page = world.client("command").get("/cases/").content.decode()
        assert "张三" in page and "赵丽" in page
        assert "堽城镇 1" in page and "泗店镇 1" in page
        # Day 10 of 14 on 2020-02-03 (start 2020-01-25 = day 1).
        assert "第10天" in page
        page = world.client("command").get(f"/cases/?township={world.township_b.pk}").content
        assert "赵丽" in page.decode() and "张三" not in page.decode()
        page = world.client("command").get("/cases/?qday=10").content.decode()
        assert "共 2 条" in page
        page = world.client("command").get("/cases/?qday=9").content.decode()
        assert "没有符合条件的对象" in page
        followup_record(
            case=cases.b,
            by=world.users["station_b"],
            temperature="38.2",
            symptoms=[],
            at_home=True,
            visited_at=at(datetime.date(2020, 2, 3), 9),
        )
        page = world.client("command").get("/cases/?fever=on").content.decode()
        assert "赵丽" in page and "张三" not in page and "发热" in page
        # Neither has a follow-up for the evening of 2020-02-02: both overdue.
        page = world.client("command").get("/cases/?overdue=on").content.decode()
        assert "共 2 条" in page


def test_station_sees_only_its_own_cases_and_guessing_ids_is_404(
    world: World, cases: Cases
) -> None:
    client = world.client("station_a")
    page = client.get("/cases/").content.decode()
    assert "张三" in page and "赵丽" not in page
    assert client.get(f"/cases/{cases.b.pk}/").status_code == 404
    assert client.get(f"/cases/{cases.b.pk}/notice.docx").status_code == 404
    assert client.post(f"/cases/{cases.b.pk}/notice.docx").status_code == 404
    assert client.post(f"/cases/{cases.b.pk}/transition/", {"to": "hospital"}).status_code == 404
    assert world.client("checkpoint").get("/cases/").status_code == 403
    assert world.client("outsider").get("/cases/").status_code == 403


def test_followup_worker_sees_only_the_people_they_answer_for(world: World, cases: Cases) -> None:
    other, _ = case_refer(person=world.person_a, source="station", by=None)  # same open case
    assert other.pk == cases.a.pk
    client = world.client("followup")
    page = client.get("/cases/").content.decode()
    assert "张三" in page and "赵丽" not in page
    assert client.get(f"/cases/{cases.b.pk}/").status_code == 404
    assert client.get(f"/cases/{cases.b.pk}/followup/").status_code == 404
    TeamMember.objects.filter(case=cases.a, user=world.users["followup"]).delete()
    assert "张三" not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{cases.a.pk}/").status_code == 404


def test_verification_assigns_the_team_and_starts_the_quarantine(world: World) -> None:
    case, _ = case_refer(
        person=world.person_a,
        source="pushed_list",
        by=None,
        came_from_code="420106",
        arrival_date=datetime.date(2020, 1, 30),
    )
    client = world.client("station_a")
    assert "张三" in client.get("/cases/verify/").content.decode()
    form = {
        "finding": "at_home",
        "measure": "home",
        "note": "本人在家",
        "version": case.version,
        "village_cadre_user": world.users["followup"].pk,
        "township_cadre_name": "孙干部",
        "township_cadre_phone": "13800000001",
        "police_name": "王伟",
        "police_phone": "138-0000-0002",
        "doctor_name": "刘医生",
        "doctor_phone": "abc",
    }
    response = client.post(f"/cases/{case.pk}/verify/", form)
    assert response.status_code == 200
    assert "医生电话" in response.content.decode()  # the bad phone is named, nothing saved
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING and not case.team_members.exists()
    form["doctor_phone"] = "13800000003"
    response = client.post(f"/cases/{case.pk}/verify/", form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED
    assert (case.start_date, case.planned_end) == (
        datetime.date(2020, 1, 30),
        datetime.date(2020, 2, 13),
    )
    assert case.finding == "at_home" and case.verification_note == "本人在家"
    team = {m.kind: (m.name, m.phone, m.user_id) for m in case.team_members.all()}
    assert team["village_cadre"] == ("随访员", "", world.users["followup"].pk)
    assert team["police"] == ("王伟", "13800000002", None)
    queue = client.get("/cases/verify/").content.decode()
    assert "张三" not in queue[queue.index('data-testid="verify-table"') :]
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = detail[detail.index('data-testid="timeline"') :]
    order = [timeline.index(s) for s in ("上级推送名单", "待核查 → 已核查", "已核查 → 隔离中")]
    assert order == sorted(order)
    assert "刘医生" in detail


def test_the_team_form_never_holds_a_members_full_phone(world: World, cases: Cases) -> None:
    """Found beside the third attack (2026-12-04): the 四包一 form put every member's whole
    phone in its inputs (and its signed note of what the page showed), unaudited. Drawn
    masked; a phone left empty stays, one typed replaces it, 删除 clears it."""
    from django.core import signing

    from fangkong.core.conflicts import SALT
    from fangkong.core.models import AuditEntry
    from tests.pages import form_data

    page = f"/cases/{cases.a.pk}/verify/"
    station = world.client("station_a")
    html = station.get(page).content.decode()
    for phone in ("13800000001", "13800000002", "13800000003"):
        assert phone not in html
    assert "*********02" in html
    data = form_data(html)
    assert data["police_phone"] == "" and data["police_name"] == "王伟"
    # Nor in the signed (not encrypted) note of what the page showed.
    assert "13800000002" not in str(signing.loads(str(data["seen"]), salt=SALT))
    assert station.post(page, {**data, "doctor_phone": "13800000009"}).status_code == 302
    team = {m.kind: (m.name, m.phone) for m in cases.a.team_members.all()}
    assert team["police"] == ("王伟", "13800000002") and team["doctor"] == ("刘医生", "13800000009")
    data = form_data(station.get(page).content.decode())
    assert station.post(page, {**data, "township_cadre_phone_clear": "on"}).status_code == 302
    team = {m.kind: (m.name, m.phone) for m in cases.a.team_members.all()}
    assert team["township_cadre"] == ("孙干部", "") and team["police"][1] == "13800000002"
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_not_in_county_closes_the_case(world: World) -> None:
    case, _ = case_refer(person=world.person_b, source="checkpoint", by=None)
    response = world.client("station_b").post(
        f"/cases/{case.pk}/verify/",
        {"finding": "not_in_county", "note": "人在武汉未返回", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_IN_COUNTY and case.ended_on is not None


def test_detail_timeline_lists_everything_in_time_order(world: World, cases: Cases) -> None:
    followup_record(
        case=cases.a,
        by=world.users["followup"],
        temperature="37.8",
        symptoms=["cough"],
        at_home=True,
        visited_at=at(START + datetime.timedelta(days=1), 9, 5),
    )
    page = world.client("station_a").get(f"/cases/{cases.a.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    steps = ["上级推送名单", "待核查 → 已核查", "已核查 → 隔离中", "37.8℃", "预警：发热"]
    positions = [timeline.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "咳嗽" in timeline


def test_transition_without_reason_is_refused(world: World, cases: Cases) -> None:
    response = world.client("station_a").post(
        f"/cases/{cases.a.pk}/transition/",
        {"to": "hospital", "reason": "", "version": cases.a.version},
    )
    assert response.status_code == 422
    assert "请填写原因" in response.content.decode()  # the field named (core.forms.name_errors)
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.QUARANTINED


@override_settings()
def test_today_list_and_recording_a_visit(world: World, cases: Cases, clock_at: Any) -> None:
    clock_at("10:00")  # the visits below are at 09:30 on the working day
    with override_settings(FANGKONG=_fk(**TODAY)):
        client = world.client("followup")
        home = client.get("/").content.decode()
        assert "今日随访" in home and "/cases/today/" in home
        page = client.get("/cases/today/").content.decode()
        assert "张三" in page and "赵丽" not in page and "第10天" in page
        page = client.get(f"/cases/{cases.a.pk}/followup/").content.decode()
        client_id = re.search(r'name="client_id" value="([0-9a-f-]+)"', page).group(1)  # type: ignore[union-attr]
        form = {
            "temperature": "38.1",
            "at_home": "1",
            "symptoms": ["cough"],
            "visited_at": "2020-02-03T09:30",
            "client_id": client_id,
        }
        response = client.post(f"/cases/{cases.a.pk}/followup/", form, follow=True)
        text = response.content.decode()
        assert "已向派出所和指挥中心发出预警" in text and "体温38.1℃" in text
        assert "上午 · 已随访" in text
        # The same form sent again (a double tap) is one visit.
        client.post(f"/cases/{cases.a.pk}/followup/", form)
        assert FollowUp.objects.filter(case=cases.a).count() == 1
        assert Alert.objects.filter(case=cases.a).count() == 2
        alerts = world.client("station_a").get("/cases/alerts/").content.decode()
        assert "张三" in alerts and "体温38.1℃" in alerts
        # Bad temperature: the field is named, nothing stored.
        form.update(temperature="3", client_id="")
        response = client.post(f"/cases/{cases.a.pk}/followup/", form)
        assert response.status_code == 422
        assert "体温：须在34.0至43.0℃之间" in response.content.decode()
        assert FollowUp.objects.filter(case=cases.a).count() == 1


def test_a_visit_sent_again_with_other_content_is_refused(
    world: World, cases: Cases, clock_at: Any
) -> None:
    """Issue 14, finding 8, on the page: the form says what differs and, sent again after
    that, stores a new visit under a new client_id."""
    clock_at("10:00")  # the visits below are at 09:30 on the working day
    with override_settings(FANGKONG=_fk(**TODAY)):
        client = world.client("followup")
        url = f"/cases/{cases.a.pk}/followup/"
        cid = str(uuid.uuid4())
        form = {"temperature": "36.5", "at_home": "1", "visited_at": "2020-02-03T09:30"}
        assert client.post(url, {**form, "client_id": cid}).status_code == 302
        response = client.post(url, {**form, "temperature": "38.5", "client_id": cid})
        text = response.content.decode()
        assert "体温与先前以同一编号（client_id）保存的记录不同" in text
        assert "该编号（client_id）已用于另一条记录，本次提交未保存" in text
        assert cid not in text
        assert FollowUp.objects.filter(case=cases.a).count() == 1
        fresh = re.search(r'name="client_id" value="([0-9a-f-]+)"', text).group(1)  # type: ignore[union-attr]
        again = {**form, "temperature": "38.5", "visited_at": "2020-02-03T09:40"}
        assert client.post(url, {**again, "client_id": fresh}).status_code == 302
        assert FollowUp.objects.filter(case=cases.a).count() == 2


def test_alert_is_resolved_by_the_station(world: World, cases: Cases) -> None:
    followup_record(
        case=cases.a,
        by=world.users["followup"],
        temperature=None,
        symptoms=[],
        at_home=False,
        visited_at=at(START, 18),
    )
    alert = Alert.objects.get()
    assert (
        world.client("station_b")
        .post(f"/cases/alerts/{alert.pk}/resolve/", {"resolution": "x"})
        .status_code
        == 404
    )
    assert (
        world.client("followup")
        .post(f"/cases/alerts/{alert.pk}/resolve/", {"resolution": "x"})
        .status_code
        == 403
    )
    response = world.client("station_a").post(
        f"/cases/alerts/{alert.pk}/resolve/", {"resolution": "已联系返回家中"}, follow=True
    )
    assert "预警已处置" in response.content.decode()
    alert.refresh_from_db()
    assert alert.resolution == "已联系返回家中" and alert.resolved_by == world.users["station_a"]
    assert "没有待处置的预警" in world.client("command").get("/cases/alerts/").content.decode()


def test_overdue_page_lists_by_team_and_township(world: World, cases: Cases) -> None:
    with override_settings(FANGKONG=_fk(**TODAY)):
        page = world.client("command").get("/cases/overdue/").content.decode()
    assert "堽城镇" in page and "泗店镇" in page
    assert "村居干部 随访员" in page and "乡镇干部 孙干部" in page


def test_list_page_and_today_list_query_counts(
    world: World, cases: Cases, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        from fangkong.core.idnumber import make_id_number
        from fangkong.people.services import PersonInput, person_register
        from tests.quarantine.conftest import quarantine

        person, _ = person_register(
            data=PersonInput(
                name=numbered("返乡", i),
                id_number=make_id_number("420102", datetime.date(1980, 1, 1 + i), i, "M"),
                township=world.township_a,
            ),
            by=None,
        )
        case = quarantine(world, person, "station_a", START)
        TeamMember.objects.create(case=case, kind="village_cadre", user=world.users["followup"])
    client = world.client("station_a")
    client.get("/cases/")
    with django_assert_num_queries(
        9
    ):  # session, user, unit subtree (2), count, page, per township, the two filter selects
        assert client.get("/cases/").status_code == 200
    follow = world.client("followup")
    follow.get("/cases/today/")
    # session, user, the list with its due flags; the reveal's audit entry (the chain's
    # head locked, the entry, the head moved on) — as many for 6 people as for one
    with django_assert_num_queries(6):
        page = follow.get("/cases/today/").content.decode()
    assert page.count("录入随访") == 6
    assert QuarantineCase.objects.count() == 7
