"""Two people saving the same case from pages opened before either saved: the second is
told who changed what, nothing of the first save is overwritten, and the second person's
own changes survive into the form drawn again."""

from __future__ import annotations

from fangkong.quarantine.models import CaseStatus
from tests.conftest import World
from tests.pages import form_data
from tests.quarantine.conftest import Cases


def test_stale_status_change_names_who_changed_what(world: World, cases: Cases) -> None:
    page, action = f"/cases/{cases.a.pk}/", f"/cases/{cases.a.pk}/transition/"
    station, command = world.client("station_a"), world.client("command")
    theirs = form_data(command.get(page).content.decode(), action)
    team = form_data(station.get(f"{page}verify/").content.decode())
    assert station.post(f"{page}verify/", {**team, "doctor_name": "陈医生"}).status_code == 302
    refused = command.post(action, {**theirs, "to": "hospital", "reason": "发热送医"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert f"保存未成功：您打开此页面后，{world.users['station_a']}于" in html
    assert "医生刘医生" in html and "医生陈医生" in html and "您的修改未保存" in html
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.QUARANTINED
    # Drawn again from the case as it is now, with what this officer chose and wrote.
    again = form_data(html, action)
    assert (again["to"], again["reason"]) == ("hospital", "发热送医")
    assert again["version"] == str(cases.a.version)
    assert command.post(action, again).status_code == 302
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.HOSPITAL


def test_a_status_change_from_a_stale_page_is_refused(world: World, cases: Cases) -> None:
    page, action = f"/cases/{cases.a.pk}/", f"/cases/{cases.a.pk}/transition/"
    station, command = world.client("station_a"), world.client("command")
    mine = form_data(station.get(page).content.decode(), action)
    theirs = form_data(command.get(page).content.decode(), action)
    assert station.post(action, {**mine, "to": "hospital", "reason": "发热送医"}).status_code == 302
    refused = command.post(action, {**theirs, "to": "not_in_county", "reason": "外出务工"})
    assert refused.status_code == 422
    assert "状态由“隔离中”改为“已送医”" in refused.content.decode()
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.HOSPITAL


def test_stale_team_edit_keeps_both_changes_and_overwrites_nothing(
    world: World, cases: Cases
) -> None:
    page = f"/cases/{cases.a.pk}/verify/"
    station, command = world.client("station_a"), world.client("command")
    mine = form_data(station.get(page).content.decode())
    theirs = form_data(command.get(page).content.decode())
    assert station.post(page, {**mine, "doctor_name": "陈医生"}).status_code == 302
    refused = command.post(page, {**theirs, "police_phone": "13800000009"})
    html = refused.content.decode()
    assert "保存未成功" in html and "医生刘医生" in html and "医生陈医生" in html
    team = {m.kind: (m.name, m.phone) for m in cases.a.team_members.all()}
    assert team["doctor"] == ("陈医生", "13800000003")
    assert team["police"] == ("王伟", "13800000002")
    # The form drawn again: the other person's doctor, this person's phone.
    again = form_data(html)
    assert again["doctor_name"] == "陈医生" and again["police_phone"] == "13800000009"
    assert command.post(page, again).status_code == 302
    team = {m.kind: (m.name, m.phone) for m in cases.a.team_members.all()}
    assert team["doctor"] == ("陈医生", "13800000003")
    assert team["police"] == ("王伟", "13800000009")


def test_release_from_the_list_after_a_change_says_what_the_case_is_now(
    world: World, cases: Cases
) -> None:
    station, command = world.client("station_a"), world.client("command")
    stale = cases.a.version
    action = f"/cases/{cases.a.pk}/transition/"
    mine = form_data(station.get(f"/cases/{cases.a.pk}/").content.decode(), action)
    station.post(action, {**mine, "to": "hospital", "reason": "发热送医"})
    # The one-button form on the release list carries the version only.
    refused = command.post(f"/cases/{cases.a.pk}/release/", {"version": stale, "reason": "提前"})
    html = refused.content.decode()
    assert refused.status_code == 422 and "现为状态“已送医”" in html
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.HOSPITAL
