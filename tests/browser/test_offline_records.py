"""Records made without a network, on a phone, in Chinese: a car with its occupants at the
checkpoint and a visit in the village are kept on the device as 待同步, survive a reload
without a network, and are stored exactly once when the network returns; a record the
server refuses comes back to the form with the server's message; a registration whose
reply is lost on the way is sent again and still stored once."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Dialog, Page, Route, expect

from fangkong.checkpoints.models import Passage
from fangkong.core import clock
from fangkong.core.clock import SHANGHAI
from fangkong.quarantine.models import CaseStatus, FollowUp
from fangkong.quarantine.services import case_transition
from tests.browser.conftest import login, until
from tests.browser.test_checkpoints import FEVER, LOCAL, WUHAN, fill, g104  # noqa: F401
from tests.conftest import PASSWORD, World
from tests.quarantine.conftest import quarantined_pair

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
REGISTER = "/checkpoints/register/"


def signed_in_with_copy(page: Page, base: str, username: str, *paths: str) -> None:
    login(page, base, username, PASSWORD)
    for path in paths:
        open_kept(page, base, path)


def open_kept(page: Page, base: str, path: str) -> None:
    """Open a page online, controlled by the service worker, and wait until the device
    keeps a copy of it."""
    page.goto(f"{base}{path}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, "() => navigator.serviceWorker.controller !== null")
    until(page, "(path) => caches.match(path).then((hit) => !!hit)", path)


def offline_reload(page: Page) -> None:
    page.reload()
    expect(page.locator("[data-outbox-badge]")).to_be_visible()


@pytest.fixture
def at_register(page: Page, live_server: object, world: World, g104) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    """The posted officer, signed in, with the registration page kept on the phone."""
    base = str(live_server)
    signed_in_with_copy(page, base, "checkpoint", REGISTER)
    return base


def back_online(page: Page) -> None:
    page.context.set_offline(False)
    page.evaluate("FangkongOutbox.flush()")


def test_car_registered_offline_waits_then_is_stored_once(
    page: Page,
    at_register: str,
    world: World,
    g104,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    until(page, "() => caches.match('/api/v1/reference/checkpoint-rules').then(Boolean)")

    page.context.set_offline(True)
    page.locator("select[name=province]").select_option("鄂")
    page.get_by_label("车牌号").fill("a12345")
    fill(page, 0, "赵敏", WUHAN, "36.6", "武汉", "堽城镇东王庄村")
    # Checked on the device: no server to ask.
    expect(page.locator("#occ-0-idcheck")).to_contain_text("湖北省武汉市")
    expect(page.locator("#occ-0-idcheck")).to_contain_text("户籍地属重点地区：湖北")
    page.get_by_role("button", name="添加乘车人").click()
    fill(page, 1, "陈刚", FEVER, "38.2", "济南", "泗店镇")
    page.get_by_role("button", name="检查预警").click()
    expect(page.get_by_test_id("flags-0")).to_contain_text("户籍地重点地区")
    expect(page.get_by_test_id("flags-1")).to_contain_text("发热")
    expect(page.locator("#occ-0-decision")).to_have_value("quarantine")
    expect(page.locator("#occ-1-decision")).to_have_value("medical")
    page.locator("#occ-1-decision").select_option("turn_back")  # the officer decides
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("已保存在本机，联网后自动上传")
    expect(page.locator("[data-outbox-badge]")).to_contain_text("待同步 1")
    expect(page.locator("#plate_rest")).to_have_value("")  # ready for the next car
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "offline-register-pending.png"), full_page=True)
    assert Passage.objects.count() == 0

    offline_reload(page)  # the page opens from the device's copy
    expect(page.locator("h1")).to_have_text("通行登记")
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    back_online(page)
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    expect(page.locator("[data-outbox-status]")).to_be_hidden()
    passage = Passage.objects.get()
    assert passage.plate == "鄂A12345" and passage.checkpoint == g104
    assert passage.registered_by == world.users["checkpoint"]
    occupants = list(passage.occupants.order_by("position").select_related("person"))
    assert [o.person.name for o in occupants] == ["赵敏", "陈刚"]
    assert [o.decision for o in occupants] == ["quarantine", "turn_back"]
    assert "household" in occupants[0].flag_codes and "fever" in occupants[1].flag_codes
    page.evaluate("FangkongOutbox.flush()")  # sending again changes nothing
    assert Passage.objects.count() == 1


def test_visit_recorded_offline_waits_then_is_stored_once(
    page: Page, live_server: object, world: World
) -> None:
    cases = quarantined_pair(world)
    case = cases.a
    base = str(live_server)
    form_path = f"/cases/{case.pk}/followup/"
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        signed_in_with_copy(page, base, "followup", "/cases/today/", form_path)

        page.context.set_offline(True)
        page.get_by_label("体温（℃）").fill("36.8")
        page.get_by_test_id("save-followup").click()
        expect(page.locator("[data-outbox-status]")).to_contain_text("已保存在本机")
        expect(page.locator("[data-outbox-badge]")).to_contain_text("待同步 1")
        offline_reload(page)
        expect(page.get_by_test_id("followup-form")).to_be_visible()
        expect(page.locator("[data-outbox-count]")).to_have_text("1")
        page.goto(f"{base}/cases/today/")  # from the device's copy too
        expect(
            page.get_by_test_id("today-list").locator("[data-followup-pending]")
        ).to_contain_text("待同步 1")
        page.screenshot(path=str(SHOTS / "offline-today-pending.png"), full_page=True)
        assert FollowUp.objects.count() == 0
        # Signing out now would delete the visit: the worker is asked, and says no.
        # (Wait for the question itself: it comes after a last try to send, and a page with a
        # question open cannot go anywhere.)
        asked: list[str] = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        page.get_by_role("button", name="退出").click()
        for _ in range(100):
            if asked:
                break
            page.wait_for_timeout(100)
        assert asked == ["本机还有1条记录未上传，退出将删除这些记录。确定退出？"]
        expect(page.locator("[data-outbox-count]")).to_have_text("1")
        # A page never opened online is not on the phone.
        page.goto(f"{base}/cases/{cases.b.pk}/followup/")
        expect(page.get_by_test_id("no-copy")).to_contain_text("此页面没有保存在本机")
        page.go_back()

        back_online(page)
        expect(page.locator("[data-outbox-badge]")).to_be_hidden()
        visit = FollowUp.objects.get()
        assert visit.case == case and str(visit.temperature) == "36.8" and visit.at_home
        assert visit.by == world.users["followup"]


def test_records_the_server_refuses_come_back_with_its_message(
    page: Page, at_register: str
) -> None:
    page.context.set_offline(True)
    page.get_by_label("车牌号").fill("J1234")  # a digit short: only the server checks plates
    fill(page, 0, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    back_online(page)
    rejected = page.locator("[data-outbox-rejected]")
    expect(rejected).to_contain_text("车牌号位数错误：应为7位（新能源号牌8位），实为6位")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "offline-register-rejected.png"), full_page=True)
    rejected.get_by_role("button", name="修改").click()
    expect(page.locator("#plate_rest")).to_have_value("J1234")
    expect(page.locator("#occ-0-name")).to_have_value("刘洋")
    plate_field = page.locator(".ck-plate")
    expect(plate_field.locator(".fk-errors")).to_contain_text("车牌号位数错误")
    page.locator("#plate_rest").fill("J12345")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("result-0")).to_contain_text("刘*")  # the result, on the page
    passage = Passage.objects.get()
    assert passage.plate == "鲁J12345"
    assert page.evaluate("FangkongOutbox.list().then((r) => r.length)") == 0


def test_a_record_whose_client_id_holds_another_car_comes_back_and_goes_as_new(
    page: Page,
    at_register: str,
    world: World,
    g104,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    """Issue 14, finding 8: the server answers 409 when a client_id it stored arrives with
    another car; the phone shows what differs, and the corrected record goes as a new one
    (under the same id it would be refused forever)."""
    import uuid

    from fangkong.checkpoints import services

    client_id = page.locator("input[name=client_id]").input_value()
    services.passage_register(
        data=services.PassageInput(
            checkpoint=g104,
            client_id=uuid.UUID(client_id),
            direction="in",
            vehicle_type="car",
            plate="鲁J99999",
            occupants=[services.OccupantInput(name="刘洋", id_number=LOCAL, temperature="36.4")],
        ),
        by=world.users["checkpoint"],
    )
    page.context.set_offline(True)
    page.get_by_label("车牌号").fill("J12345")
    fill(page, 0, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    back_online(page)
    rejected = page.locator("[data-outbox-rejected]")
    expect(rejected).to_contain_text("车牌号与先前以同一编号（client_id）保存的记录不同")
    expect(rejected).to_contain_text("核对后再次提交将另存为新记录")
    page.screenshot(path=str(SHOTS / "offline-register-conflict.png"), full_page=True)
    assert Passage.objects.count() == 1
    rejected.get_by_role("button", name="修改").click()
    expect(page.locator("#plate_rest")).to_have_value("J12345")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("result-0")).to_contain_text("刘*")  # the new passage's result
    assert sorted(Passage.objects.values_list("plate", flat=True)) == ["鲁J12345", "鲁J99999"]
    assert str(Passage.objects.get(plate="鲁J12345").client_id) != client_id
    assert page.evaluate("FangkongOutbox.list().then((r) => r.length)") == 0


def test_a_visit_refused_after_release_comes_back(
    page: Page, live_server: object, world: World
) -> None:
    case = quarantined_pair(world).a
    base = str(live_server)
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        signed_in_with_copy(page, base, "followup", f"/cases/{case.pk}/followup/")
        page.context.set_offline(True)
        page.get_by_label("体温（℃）").fill("36.6")
        page.get_by_test_id("save-followup").click()
        expect(page.locator("[data-outbox-count]")).to_have_text("1")
        # Meanwhile the station ends the quarantine early.
        case_transition(
            case=case, to=CaseStatus.HOSPITAL, by=world.users["station_a"], reason="送医观察"
        )
        back_online(page)
        rejected = page.locator("[data-outbox-rejected]")
        expect(rejected).to_contain_text("随访：张三")
        expect(rejected).to_contain_text("不在隔离中，不能录入随访")
        rejected.get_by_role("button", name="修改").click()
        expect(page.get_by_label("体温（℃）")).to_have_value("36.6")
        expect(page.locator(".fk-form-errors")).to_contain_text("不在隔离中")
        assert FollowUp.objects.count() == 0


def test_registration_whose_reply_is_lost_is_sent_again_and_stored_once(
    page: Page, at_register: str
) -> None:
    base = at_register

    def reply_lost(route: Route) -> None:
        if route.request.method == "POST":
            route.fetch()  # the server stores the passage; its answer never arrives
        route.abort("internetdisconnected")

    # The phone believes it is online; the signal drops under the post (the page sends 登记
    # to the API, as its outbox does).
    page.context.route(f"{base}/api/v1/passages", reply_lost)
    page.get_by_label("车牌号").fill("J54321")
    fill(page, 0, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    client_id = page.locator("input[name=client_id]").input_value()
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-status]")).to_contain_text("已保存在本机")
    page.context.unroute(f"{base}/api/v1/passages")
    page.evaluate("FangkongOutbox.flush()")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    passage = Passage.objects.get()
    assert str(passage.client_id) == client_id and passage.plate == "鲁J54321"


def test_an_old_copy_is_dropped_but_records_waiting_are_not(page: Page, at_register: str) -> None:
    base = at_register
    page.context.set_offline(True)
    page.get_by_label("车牌号").fill("J12345")
    fill(page, 0, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    # A day and more later (FANGKONG_OFFLINE_HOURS is 24), still without a network.
    # The phone's clock (its copy's age is counted on it), not the platform's: they differ
    # by the suite's --clock.
    phone_now = page.evaluate("Date.now()") / 1000
    page.clock.install(time=phone_now + 25 * 3600)
    page.reload()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    until(page, "() => caches.match('/checkpoints/register/').then((hit) => !hit)")
    page.reload()
    expect(page.get_by_test_id("no-copy")).to_be_visible()

    page.context.set_offline(False)
    page.goto(f"{base}{REGISTER}")
    page.evaluate("FangkongOutbox.flush()")  # the page's own flush, awaited
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    assert Passage.objects.get().plate == "鲁J12345"


def test_a_passage_refused_as_too_old_is_discarded_after_a_confirmation_naming_it(
    page: Page, at_register: str
) -> None:
    """The fifth attack: a passage the server refuses as too old (passage_assess's
    `_too_long_ago`) stayed in the outbox for ever — its time cannot be corrected. The
    refused list offers 丢弃 beside 修改; the confirmation says which record, and why it was
    refused; dismissed, nothing leaves; accepted, the record leaves the phone unsent."""
    page.context.set_offline(True)
    page.get_by_label("车牌号").fill("J12345")
    fill(page, 0, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    # The phone held it past PASSAGE_LATE_DAYS (7): the car passed eight days ago.
    passed = clock.now() - datetime.timedelta(days=8)
    page.evaluate(
        """(when) => FangkongOutbox.list().then((records) => {
             const r = records[0]; r.body.occurred_at = when;
             return FangkongOutbox.enqueue(r.kind, r.url, r.body, r.label, r.editUrl);
           })""",
        passed.isoformat(),
    )

    back_online(page)
    rejected = page.locator("[data-outbox-rejected]")
    expect(rejected).to_contain_text("通行时间距今不能超过7天")
    shown = f"通行登记（鲁J12345，1人，{passed.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"
    expect(rejected).to_contain_text(shown)
    expect(rejected.get_by_role("button", name="丢弃")).to_be_visible()
    page.screenshot(path=str(SHOTS / "offline-register-too-old.png"), full_page=True)

    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    rejected.get_by_role("button", name="丢弃").click()
    expect(rejected).to_be_visible()
    assert asked and asked[0].startswith(
        "丢弃这条记录？\n" + shown + "\n退回原因：通行时间距今不能超过7天"
    )
    assert asked[0].endswith("丢弃后不会上传，也无法恢复。")
    assert page.evaluate("FangkongOutbox.list().then((r) => r.length)") == 1

    page.once("dialog", lambda dialog: dialog.accept())
    rejected.get_by_role("button", name="丢弃").click()
    expect(rejected).to_be_hidden()
    assert page.evaluate("FangkongOutbox.list().then((r) => r.length)") == 0
    assert Passage.objects.count() == 0
    page.reload()  # gone from the device, not only from the list
    expect(page.locator("[data-outbox-rejected]")).to_be_hidden()
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
