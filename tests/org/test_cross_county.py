"""Cross-county leaks found by a black-box attack on the city demo (issue 18): two counties
of one city (宁阳 and 东平 of 泰安, the province installation of test_levels), real records
in each through the services users call, and each attack made as the user who made it —
officer details, a checkpoint's roster, the wartime order, notices, a checkpoint's unit,
tasks' working groups, a referral's case id, NUL characters, and the level /me reports."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.api import api
from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint, DutyShift, Occupant
from fangkong.core import clock
from fangkong.org import services as org_services
from fangkong.org.models import Officer, Recall, WorkingGroup
from fangkong.outreach import services as outreach_services
from fangkong.outreach.models import Notice, NoticeReceipt
from tests.conftest import signed_in
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db

NY, DP = "370921", "370923"


def _officer(province: Province, code: str, name: str, badge: str, **kw: Any) -> Officer:
    return org_services.officer_create(
        name=name,
        badge_number=badge,
        kind=Officer.Kind.POLICE,
        unit=province.counties[code].station,
        by=None,
        **kw,
    )


def _choices(page: Any, field: str) -> set[str]:
    """The values a form's field offers (`<option value>` or checkbox `value`)."""
    form = page.context["form"]
    return {str(value) for value, _label in form.fields[field].choices if value}


# ---------------------------------------------------------------- 1. an officer's page


def test_an_officers_page_is_for_their_countys_users_only(province: Province) -> None:
    ny = _officer(province, NY, "周宁官", "371901")
    dp = _officer(province, DP, "吴东官", "371902")
    station = province.client("ningyang_station")
    assert station.get(f"/org/officers/{ny.pk}/").status_code == 200
    assert station.get(f"/org/officers/{dp.pk}/").status_code == 404
    dongping = province.client("dongping")
    assert dongping.get(f"/org/officers/{ny.pk}/").status_code == 404
    assert dongping.get(f"/org/officers/{dp.pk}/").status_code == 200
    city = province.client("taian")
    for officer in (ny, dp):
        page = city.get(f"/org/officers/{officer.pk}/")
        assert page.status_code == 200 and officer.name in page.content.decode()
    assert province.client("jinan").get(f"/org/officers/{ny.pk}/").status_code == 404


# ---------------------------------------------------------------- 2. a checkpoint's roster


def test_a_roster_offers_and_takes_the_checkpoints_countys_officers_only(
    province: Province,
) -> None:
    ny = _officer(province, NY, "周宁官", "371901")
    dp = _officer(province, DP, "吴东官", "371902")
    checkpoint = province.counties[NY].checkpoint
    url = f"/checkpoints/roster/{checkpoint.code}/{clock.today().isoformat()}/0/"
    for who in ("ningyang", "taian"):  # the county's planner, and the city's
        client = province.client(who)
        page = client.get(url)
        assert page.status_code == 200
        for field in ("officers", "leader", "party_leader"):
            assert _choices(page, field) == {str(ny.pk)}, (who, field)
        assert "吴东官" not in page.content.decode()
        refused = client.post(url, {"officers": [ny.pk, dp.pk], "leader": dp.pk})
        assert refused.status_code == 200
        errors = refused.context["form"].errors
        assert set(errors) == {"officers", "leader"}
        assert all("选择" in m or "选项" in m for ms in errors.values() for m in ms), errors
    assert not DutyShift.objects.filter(assignments__officer=dp).exists()
    done = province.client("ningyang").post(url, {"officers": [ny.pk], "leader": ny.pk})
    assert done.status_code == 302
    shift = DutyShift.objects.get(checkpoint=checkpoint, day=clock.today(), slot=0)
    assert shift.leader == ny


def test_the_roster_service_refuses_another_countys_officer_whoever_calls_it(
    province: Province,
) -> None:
    """The rule is the service's (checkpoints/services/roster.py), not only the form's: a
    call that skips the form (the API, the demo, a script) is refused alike, by field."""
    from django.core.exceptions import ValidationError

    ny = _officer(province, NY, "周宁官", "371901", party_member=True)
    dp = _officer(province, DP, "吴东官", "371902", party_member=True)
    checkpoint = province.counties[NY].checkpoint
    shift = checkpoint_services.shift_get_or_create(
        checkpoint=checkpoint, day=clock.today(), slot=0
    )
    planner = province.users["ningyang"]
    for officers, leader, party in (([ny, dp], ny, None), ([ny], ny, dp), ([dp], dp, dp)):
        with pytest.raises(ValidationError) as refused:
            checkpoint_services.shift_assign(
                shift=shift, officers=officers, leader=leader, party_leader=party, by=planner
            )
        said = refused.value.message_dict
        assert any("吴东官" in m and "宁阳县" in m for ms in said.values() for m in ms), said
        assert set(said) <= {"officers", "leader", "party_leader"}
    assert not DutyShift.objects.filter(assignments__officer=dp).exists()
    checkpoint_services.shift_assign(
        shift=shift, officers=[ny], leader=ny, party_leader=ny, by=planner
    )
    # Copying the week: each county's shifts keep their own officers; a shift of 宁阳 that
    # somehow holds 东平's officer is refused by name, not copied.
    dp_checkpoint = province.counties[DP].checkpoint
    dp_shift = checkpoint_services.shift_get_or_create(
        checkpoint=dp_checkpoint, day=clock.today(), slot=0
    )
    checkpoint_services.shift_assign(
        shift=dp_shift, officers=[dp], leader=dp, party_leader=None, by=province.users["dongping"]
    )
    from fangkong.checkpoints.models import DutyAssignment

    DutyAssignment.objects.create(
        shift=shift, officer=dp, starts_at=shift.starts_at, ends_at=shift.ends_at, day=shift.day
    )
    week = clock.today() - datetime.timedelta(days=clock.today().weekday())
    copied, refusals = checkpoint_services.roster_copy_week(week_start=week, by=None)
    assert copied == 1 and any("吴东官" in r for r in refusals), refusals
    nxt = clock.today() + datetime.timedelta(days=7)
    assert set(
        DutyShift.objects.filter(day=nxt, assignments__isnull=False).values_list(
            "checkpoint__code", flat=True
        )
    ) == {dp_checkpoint.code}


def test_a_county_copies_its_own_roster_week_only(province: Province) -> None:
    """宁阳's planner copying the week copies 宁阳's shifts, never 东平's."""
    ny = _officer(province, NY, "周宁官", "371901")
    dp = _officer(province, DP, "吴东官", "371902")
    for code, officer, who in ((NY, ny, "ningyang"), (DP, dp, "dongping")):
        shift = checkpoint_services.shift_get_or_create(
            checkpoint=province.counties[code].checkpoint, day=clock.today(), slot=0
        )
        checkpoint_services.shift_assign(
            shift=shift,
            officers=[officer],
            leader=officer,
            party_leader=None,
            by=province.users[who],
        )
    week = clock.today() - datetime.timedelta(days=clock.today().weekday())
    response = province.client("ningyang").post(f"/checkpoints/roster/copy/?week={week}")
    assert response.status_code == 302
    nxt = clock.today() + datetime.timedelta(days=7)
    copied = DutyShift.objects.filter(day=nxt, assignments__isnull=False)
    assert list(copied.values_list("checkpoint__code", flat=True)) == [
        province.counties[NY].checkpoint.code
    ]


# ---------------------------------------------------------------- 3. the wartime order


def test_a_countys_wartime_order_is_its_own_read_and_write(province: Province) -> None:
    ny = _officer(province, NY, "周宁官", "371901", status=Officer.Status.ON_LEAVE)
    dp = _officer(province, DP, "吴东官", "371902", status=Officer.Status.ON_LEAVE)
    issued = province.client("ningyang").post(
        "/org/wartime/",
        {
            "title": "宁阳全警停休",
            "text": "",
            "effective_at": (clock.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert issued.status_code == 302, issued.content.decode()
    # 宁阳's order recalls 宁阳's officers, not 东平's.
    recall = Recall.objects.get()
    assert recall.officer == ny
    dp.refresh_from_db()
    assert dp.status == Officer.Status.ON_LEAVE
    dongping = province.client("dongping")
    page = dongping.get("/org/wartime/").content.decode()
    assert "宁阳全警停休" not in page and "周宁官" not in page
    reported = dongping.post(
        f"/org/wartime/recalls/{recall.pk}/report/",
        {"reported_at": clock.now().strftime("%Y-%m-%dT%H:%M")},
    )
    assert reported.status_code == 404
    recall.refresh_from_db()
    assert recall.reported_at is None
    for who in ("ningyang", "taian"):
        page = province.client(who).get("/org/wartime/").content.decode()
        assert "宁阳全警停休" in page and "周宁官" in page, who
    done = province.client("ningyang").post(
        f"/org/wartime/recalls/{recall.pk}/report/",
        {"reported_at": clock.now().strftime("%Y-%m-%dT%H:%M")},
    )
    assert done.status_code == 302
    recall.refresh_from_db()
    assert recall.reported_at is not None


def test_a_wartime_order_keeps_the_area_it_was_issued_for(province: Province) -> None:
    """An order's area is fixed when it is issued (WartimeOrder.area_code), not read from
    its issuer at each read: the issuer moving to 东平 later neither hands 宁阳's order to
    东平 nor takes it from 宁阳."""
    from fangkong.org.models import WartimeOrder
    from fangkong.org.selectors import current_order

    issuer = province.users["ningyang"]
    order = org_services.wartime_order_issue(
        title="宁阳全警停休",
        text="",
        effective_at=clock.now() - datetime.timedelta(hours=2),
        by=issuer,
    )
    assert WartimeOrder.objects.get(pk=order.pk).area_code == NY
    ningyang2 = _user("ningyang2", Role.COMMAND, unit=province.counties[NY].bureau)
    issuer.unit = province.counties[DP].bureau
    issuer.save()
    dongping = province.users["dongping"]
    assert current_order(ningyang2) == order
    assert current_order(dongping) is None
    page = province.client("dongping").get("/org/wartime/").content.decode()
    assert "宁阳全警停休" not in page
    assert "宁阳全警停休" in signed_in(ningyang2).get("/org/wartime/").content.decode()


# ---------------------------------------------------------------- 4. notices


def test_a_countys_notices_go_to_and_are_read_in_its_county(province: Province) -> None:
    ny, dp = province.counties[NY], province.counties[DP]
    ny_officer = _user("ny_officer", Role.STATION, unit=ny.station)
    dp_officer = _user("dp_officer", Role.STATION, unit=dp.station)
    ningyang = province.client("ningyang")
    form = ningyang.get("/notices/new/")
    assert _choices(form, "units") == {str(ny.bureau.pk), str(ny.station.pk)}
    refused = ningyang.post(
        "/notices/new/",
        {"kind": "notice", "title": "宁阳通知", "body": "正文", "units": [dp.station.pk]},
    )
    assert refused.status_code == 200 and "units" in refused.context["form"].errors
    assert not Notice.objects.exists()
    with pytest.raises(Exception, match="只能发给本辖区的单位"):
        outreach_services.notice_publish(
            kind="notice",
            title="宁阳通知",
            body="正文",
            to_all=False,
            units=[dp.station],
            by=province.users["ningyang"],
        )
    # 发全体民警 from a county: its county's officers.
    made = ningyang.post(
        "/notices/new/", {"kind": "notice", "title": "宁阳通知", "body": "正文", "to_all": "on"}
    )
    assert made.status_code == 302
    notice = Notice.objects.get()
    receivers = set(NoticeReceipt.objects.filter(notice=notice).values_list("user", flat=True))
    assert ny_officer.pk in receivers and dp_officer.pk not in receivers
    dongping = province.client("dongping")
    assert dongping.get(f"/notices/{notice.pk}/").status_code == 404
    assert "宁阳通知" not in dongping.get("/notices/").content.decode()
    assert signed(dp_officer).get(f"/notices/{notice.pk}/").status_code == 404
    assert signed(ny_officer).get(f"/notices/{notice.pk}/").status_code == 200
    for who in ("ningyang", "taian"):
        client = province.client(who)
        assert client.get(f"/notices/{notice.pk}/").status_code == 200, who
        assert "宁阳通知" in client.get("/notices/").content.decode(), who
    # The city sends to any of its counties.
    city = province.client("taian")
    assert {str(ny.station.pk), str(dp.station.pk)} <= _choices(city.get("/notices/new/"), "units")
    sent = city.post(
        "/notices/new/",
        {"kind": "notice", "title": "市局通知", "body": "正文", "units": [dp.station.pk]},
    )
    assert sent.status_code == 302


def signed(user: Any) -> Client:
    from tests.conftest import signed_in

    return signed_in(user)


# ---------------------------------------------------------------- 5. a checkpoint's unit


def test_a_checkpoint_is_handed_to_a_unit_of_the_users_area_only(province: Province) -> None:
    ny, dp = province.counties[NY], province.counties[DP]
    ningyang = province.client("ningyang")
    form = ningyang.get("/checkpoints/list/new/")
    assert _choices(form, "unit") == {str(ny.bureau.pk), str(ny.station.pk)}
    edit_url = f"/checkpoints/list/{ny.checkpoint.pk}/edit/"
    edit = ningyang.get(edit_url)
    assert _choices(edit, "unit") == {str(ny.bureau.pk), str(ny.station.pk)}
    data = {**edit.context["form"].initial, "unit": dp.station.pk}
    data["opened_on"] = ny.checkpoint.opened_on.isoformat()
    data["closed_on"] = ""
    # On edit the unit is the security administrator's (tests/org/test_jurisdiction_fields.py):
    # another county's station posted is ignored.
    assert edit.context["form"].fields["unit"].disabled
    ignored = ningyang.post(edit_url, data)
    assert ignored.status_code == 302
    ny.checkpoint.refresh_from_db()
    assert ny.checkpoint.unit == ny.station
    made = ningyang.post(
        "/checkpoints/list/new/",
        {**data, "code": "NY-2", "name": "宁阳2号检查站", "unit": dp.station.pk},
    )
    assert made.status_code == 200 and "unit" in made.context["form"].errors
    assert not Checkpoint.objects.filter(code="NY-2").exists()
    assert ningyang.post(edit_url, {**data, "unit": ny.bureau.pk}).status_code == 302
    city = province.client("taian")
    assert {str(ny.station.pk), str(dp.station.pk)} <= _choices(
        city.get("/checkpoints/list/new/"), "unit"
    )


# ---------------------------------------------------------------- 6. tasks' working groups


def test_a_task_goes_to_a_working_group_of_the_users_area_only(province: Province) -> None:
    if not any(f.name == "area_code" for f in WorkingGroup._meta.get_fields()):
        pytest.skip("working groups have an area with w18-county's change (issue 18)")
    mine = WorkingGroup.objects.create(code=WorkingGroup.Code.SUPPORT, area_code=NY)
    theirs = WorkingGroup.objects.create(code=WorkingGroup.Code.SUPPORT, area_code=DP)
    ningyang = province.client("ningyang")
    form = ningyang.get("/command/tasks/new/")
    assert str(mine.pk) in _choices(form, "group")
    assert str(theirs.pk) not in _choices(form, "group")
    refused = ningyang.post(
        "/command/tasks/new/",
        {
            "title": "跨县任务",
            "group": theirs.pk,
            "priority": "normal",
            "deadline": (clock.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert refused.status_code == 200 and "group" in refused.context["form"].errors


# ---------------------------------------------------------------- 7. a referral's case id


def test_a_referral_into_another_countys_case_names_no_case_id(province: Province) -> None:
    """东平's returnee, whose case is open in 东平, is registered at 宁阳's checkpoint for
    quarantine: the checkpoint, its device and 宁阳's leaders get no id of 东平's case."""
    ny, dp = province.counties[NY], province.counties[DP]
    posted = _user("ny_checkpoint", Role.CHECKPOINT, unit=ny.station)
    checkpoint_services.checkpoint_post(user=posted, checkpoint=ny.checkpoint, by=None)
    data = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": ny.checkpoint.code,
        "direction": "in",
        "occurred_at": (clock.now() - datetime.timedelta(minutes=5)).isoformat(),
        "plate": "鄂A54321",
        "vehicle_type": "car",
        "occupants": [
            {
                "name": dp.returnee.name,
                "id_number": dp.returnee.id_number,
                "temperature": 36.6,
                "origin": "湖北省武汉市",
                "destination": ny.township.name,
                "decision": "quarantine",
            }
        ],
    }
    client = signed(posted)
    made = client.post("/api/v1/passages", json.dumps(data), content_type="application/json")
    assert made.status_code == 201, made.content
    occupant = Occupant.objects.get(passage_id=made.json()["id"])
    assert occupant.case_id is not None  # referred (which case: w18-county's question)
    assert [o["case_id"] for o in made.json()["occupants"]] == [None]
    page = client.get(f"/checkpoints/passages/{made.json()['id']}/").content.decode()
    assert "已移交隔离管控" in page and f"对象编号{occupant.case_id}" not in page
    seeing = _user("ny_group", Role.WORKGROUP, unit=ny.bureau)
    listed = signed(seeing).get("/api/v1/passages").json()["items"]
    ours = [o for p in listed if p["id"] == made.json()["id"] for o in p["occupants"]]
    if occupant.case_id == dp.case.pk:
        assert [o["case_id"] for o in ours] == [None]
    # It is still told that the person was handed over (the phone says 已移交隔离管控).
    assert [o["referred"] for o in ours] == [True]
    # Whoever may open the case gets its id (the city's group sees both counties').
    city = _user("taian_group", Role.WORKGROUP, unit=province.users["taian"].unit)
    listed = signed(city).get("/api/v1/passages").json()["items"]
    ours = [o for p in listed if p["id"] == made.json()["id"] for o in p["occupants"]]
    assert [o["case_id"] for o in ours] == [occupant.case_id]
    page = signed(city).get(f"/checkpoints/passages/{made.json()['id']}/").content.decode()
    assert f"对象编号{occupant.case_id}" in page


# ---------------------------------------------------------------- 9. the level /me says


def test_me_names_the_level_of_an_area_wide_user(province: Province) -> None:
    for who, level in (
        ("taian", "city"),
        ("ningyang", "county"),
        ("province", "province"),
        ("ningyang_station", "unit"),
    ):
        assert province.client(who).get("/api/v1/me").json()["scope"] == level, who


# ---------------------------------------------------------------- 8. NUL characters


def test_nul_in_any_api_query_value_is_refused_by_name_never_a_500(province: Province) -> None:
    """Every query parameter of every API route (the OpenAPI schema), as the city's
    commander and a county's: a NUL is a 422 naming the parameter, never a 500 (which
    PostgreSQL's refusal of NUL in text would be)."""
    schema = api.get_openapi_schema()  # the schema itself needs a caller (tests/api/test_docs.py)
    sent = 0
    for who in ("taian", "ningyang"):
        client = province.client(who)
        for path, methods in schema["paths"].items():
            url = _fill(path)
            for method, op in methods.items():
                for param in op.get("parameters", []):
                    if param["in"] != "query":
                        continue
                    name = param["name"]
                    response = client.generic(method.upper(), f"{url}?{name}=%00")
                    sent += 1
                    assert response.status_code == 422, (who, method, url, name, response)
                    [error] = response.json()["detail"]
                    assert error["field"] == name and "空字符" in error["msg"], error
    assert sent >= 20
    # A JSON string, and a path: refused by name, not found.
    posted = province.client("taian").post(
        "/api/v1/passages",
        json.dumps({"checkpoint": "\u0000", "occupants": []}),
        content_type="application/json",
    )
    assert posted.status_code == 422
    assert posted.json()["detail"][0]["field"] == "checkpoint"
    assert Client().get("/q/%00/").status_code == 404
    assert province.client("taian").get("/api/v1/persons/%00").status_code == 404


def _fill(path: str) -> str:
    """An operation's path with each path parameter given a value that parses (an id)."""
    import re

    return re.sub(r"\{[^}]+\}", "1", path if path.startswith("/api/") else "/api/v1" + path)


# ---------------------------------------------------------------- filter choices


def _options(html: str, name: str) -> set[str]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


def test_list_filters_offer_the_users_county_only(province: Province) -> None:
    """Found by the attack on the city demo: the township, station and unit choices of the
    lists' filters named every county's. A county's user is offered its own; the city all
    of its counties'; another county's township given anyway is refused as a bad choice
    (nothing narrows by it)."""
    ours = province.counties["370921"]
    theirs = province.counties["370923"]
    for path, name, own, other in (
        ("/people/", "township", ours.township.pk, theirs.township.pk),
        ("/cases/", "township", ours.township.pk, theirs.township.pk),
        ("/cases/", "station", ours.station.pk, theirs.station.pk),
        ("/org/officers/", "unit", ours.station.pk, theirs.station.pk),
    ):
        county = _options(province.client("ningyang").get(path).content.decode(), name)
        assert str(own) in county and str(other) not in county, (path, name)
        city = _options(province.client("taian").get(path).content.decode(), name)
        assert {str(own), str(other)} <= city, (path, name)
    refused = province.client("ningyang").get("/cases/", {"township": theirs.township.pk})
    assert refused.status_code == 200
    assert "乡镇街道须从列表中选择" in refused.content.decode()


def test_the_officer_and_welfare_forms_offer_the_users_county_only(province: Province) -> None:
    """Found beside the third attack (2026-12-04): 新增警力 offered every county's units,
    and 登记民警家庭困难 every account of the city as the one to follow it up. A county's
    political department is offered its county's; another county's unit given anyway is
    refused as a bad choice, and no officer is made there."""
    ours, theirs = province.counties[NY], province.counties[DP]
    province.users["ny_political"] = _user("ny_political", Role.POLITICAL, unit=ours.bureau)
    client = signed_in(province.users["ny_political"])
    units = _options(client.get("/org/officers/new/").content.decode(), "unit")
    assert str(ours.station.pk) in units and str(theirs.station.pk) not in units
    made = client.post(
        "/org/officers/new/",
        {"name": "越界", "badge_number": "379999", "kind": "police", "unit": theirs.station.pk},
    )
    assert made.status_code == 200 and "所属单位须从列表中选择" in made.content.decode()
    assert not Officer.objects.filter(badge_number="379999").exists()
    # The one to follow it up is an account that may act on welfare (the seventh attack):
    # the county's political department, not another county's.
    dp_political = _user("dp_political", Role.POLITICAL, unit=theirs.bureau)
    users = _options(client.get("/org/welfare/new/").content.decode(), "follow_up_by")
    assert str(province.users["ny_political"].pk) in users
    assert str(dp_political.pk) not in users
    for other in ("ningyang_station", "dongping", "taian", "jinan", "province"):
        assert str(province.users[other].pk) not in users, other
