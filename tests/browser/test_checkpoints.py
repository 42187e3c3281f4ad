"""Checkpoint pages on a phone, in Chinese: an officer registers a car with three occupants
(one from Wuhan, one with a fever) and sees flags and the referral; a traveller
self-registers by QR and the officer confirms it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage, SelfRegistration
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import KeyArea
from tests.browser.conftest import login, register_ready
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WUHAN = make_id_number("420106", datetime.date(1975, 2, 3), 41, "F")
LOCAL = make_id_number("370921", datetime.date(1980, 5, 1), 31, "M")
FEVER = make_id_number("370911", datetime.date(1990, 8, 8), 51, "M")


@pytest.fixture
def g104(world: World):  # type: ignore[no-untyped-def]
    if not KeyArea.objects.exists():
        KeyArea.objects.create(prefix="42", name="湖北", valid_from=datetime.date(2020, 1, 1))
    cp = services.checkpoint_create(
        code="G104N",
        name="G104宁阳北检查站",
        road="G104",
        opened_on=datetime.date(2020, 1, 26),
        by=None,
    )
    services.checkpoint_post(user=world.users["checkpoint"], checkpoint=cp, by=None)
    return cp


def fill(
    page: Page, i: int, name: str, number: str, temp: str = "", origin: str = "", dest: str = ""
) -> None:
    page.locator(f"#occ-{i}-id_number").fill(number)
    page.locator(f"#occ-{i}-name").fill(name)
    if temp:
        page.locator(f"#occ-{i}-temperature").fill(temp)
    if origin:
        page.locator(f"#occ-{i}-origin").fill(origin)
    if dest:
        page.locator(f"#occ-{i}-destination").fill(dest)


def test_officer_registers_car_with_three_occupants(
    page: Page, live_server: object, world: World, g104
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    login(page, base, "checkpoint", PASSWORD)
    page.get_by_role("link", name="登记通行车辆和人员").click()
    register_ready(page)
    expect(page.get_by_test_id("post")).to_contain_text("G104宁阳北检查站")
    page.locator("select[name=province]").select_option("鄂")
    page.get_by_label("车牌号").fill("a12345")
    fill(page, 0, "赵敏", WUHAN, "36.6", "武汉", "堽城镇东王庄村")
    expect(page.locator("#occ-0-idcheck")).to_contain_text("湖北省武汉市")
    page.get_by_role("button", name="添加乘车人").click()
    fill(page, 1, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="添加乘车人").click()
    fill(page, 2, "陈刚", FEVER, "38.2", "济南", "泗店镇")
    page.get_by_role("button", name="检查预警").click()
    expect(page.get_by_test_id("flags-0")).to_contain_text("户籍地重点地区")
    expect(page.get_by_test_id("flags-2")).to_contain_text("发热")
    expect(page.locator("#occ-0-decision")).to_have_value("quarantine")
    expect(page.locator("#occ-2-decision")).to_have_value("medical")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "checkpoint-register-checked.png"), full_page=True)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("result-0")).to_contain_text("已移交隔离管控")
    expect(page.get_by_test_id("result-2")).to_contain_text("移交医疗")
    expect(page.get_by_test_id("result-1")).to_contain_text("放行")
    page.screenshot(path=str(SHOTS / "checkpoint-passage.png"), full_page=True)
    passage = Passage.objects.get()
    assert passage.plate == "鄂A12345" and passage.occupants.count() == 3
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_traveller_self_registers_and_officer_confirms(
    page: Page, live_server: object, world: World, g104
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    page.goto(f"{base}/q/G104N/")
    expect(page.locator("h1")).to_have_text("扫码自助登记")
    page.screenshot(path=str(SHOTS / "checkpoint-public.png"), full_page=True)
    page.locator("select[name=province]").select_option("鲁")
    page.get_by_label("车牌号").fill("J88888")
    fill(page, 0, "刘洋", LOCAL, origin="武汉", dest="堽城镇")
    page.get_by_role("button", name="提交").click()
    code = page.get_by_test_id("selfreg-code").inner_text().strip()
    assert len(code) == 6
    page.screenshot(path=str(SHOTS / "checkpoint-public-receipt.png"), full_page=True)
    page.context.clear_cookies()
    login(page, base, "checkpoint", PASSWORD)
    page.goto(f"{base}/checkpoints/register/")
    page.get_by_label("旅客扫码登记码").fill(code)
    page.get_by_role("button", name="调取").click()
    expect(page.get_by_test_id("selfreg")).to_contain_text(code)
    register_ready(page)
    expect(page.locator("#occ-0-name")).to_have_value("刘洋")
    page.locator("#occ-0-temperature").fill("36.5")
    page.get_by_role("button", name="检查预警").click()
    expect(page.get_by_test_id("flags-0")).to_contain_text("来自重点地区")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("result-0")).to_contain_text("已移交隔离管控")
    reg = SelfRegistration.objects.get()
    assert reg.passage is not None and reg.passage.source == "self"
    assert page.console_errors == []  # type: ignore[attr-defined]
