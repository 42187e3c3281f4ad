"""A station asks for another station's person through the browser, on a phone: the form
says the number is registered elsewhere, shows nothing of them, and offers 申请移交; the
owning station sees the request on its home page and accepts it on a desktop screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.people.models import Person, TransferRequest
from tests.browser.conftest import login
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_transfer_asked_on_a_phone_and_accepted_on_a_desktop(
    page: Page, browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "station_a", PASSWORD)
    page.goto(f"{base}/people/new/")
    page.get_by_label("姓名").fill("赵丽")
    page.get_by_label("身份证号").fill(str(world.person_b.id_number))
    page.get_by_label("联系电话").fill("13700000001")
    page.locator("#id_township").select_option(str(world.township_a.pk))
    page.get_by_label("详细住址").fill("7组1号")
    page.get_by_role("button", name="保存").click()
    offer = page.get_by_test_id("transfer-offer")
    expect(offer).to_contain_text("该证件号码已在其他单位辖区登记")
    expect(page.locator("main")).not_to_contain_text("13953805678")
    page.screenshot(path=str(SHOTS / "transfer-offer-phone.png"), full_page=True)
    offer.get_by_label("申请理由").fill("本人已搬到堽城镇居住")
    offer.get_by_role("button", name="提交移交申请").click()
    expect(page.get_by_test_id("transfer-status")).to_have_text("待处理")
    page.screenshot(path=str(SHOTS / "transfer-requested-phone.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(desk, base, "station_b", PASSWORD)
    expect(desk.locator("main")).to_contain_text("移交申请")
    desk.goto(f"{base}/people/transfers/")
    expect(desk.get_by_test_id("transfers-incoming")).to_contain_text("本人已搬到堽城镇居住")
    desk.screenshot(path=str(SHOTS / "transfer-list-desktop.png"), full_page=True)
    desk.get_by_test_id("transfers-incoming").get_by_role("link").first.click()
    desk.screenshot(path=str(SHOTS / "transfer-decide-desktop.png"), full_page=True)
    desk.get_by_test_id("transfer-accept").click()
    expect(desk.locator("main")).to_contain_text("已处理移交申请")
    req = TransferRequest.objects.get()
    assert req.status == TransferRequest.Status.ACCEPTED
    assert Person.objects.get(pk=world.person_b.pk).township_id == world.township_a.pk
    desk.context.close()
