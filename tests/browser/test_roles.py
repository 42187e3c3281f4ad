"""Each role signs in through Chromium, sees its home page in Chinese, switches to English,
and is refused a page outside its role."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

HOME = {
    "command": ("人员查询", "/audit/"),
    "workgroup": ("工作组", "/people/new/"),
    "station_a": ("登记人员", "/audit/"),
    "checkpoint": ("登记通行车辆和人员", "/people/"),
    "followup": ("今日随访", "/org/officers/"),
    "political": ("战时命令与归队", "/people/"),
    "logistics": ("警力", "/people/"),
    # Separation of duties: the system administrator may not read the audit trail, the
    # audit administrator reads nothing else.
    "admin": ("单位", "/audit/"),
    "auditor": ("审计日志", "/people/"),
    # The security administrator sets accounts' roles and reads no personal data.
    "security": ("账号角色", "/people/"),
}


@pytest.mark.parametrize("who", sorted(HOME))
def test_role_signs_in_sees_home_switches_language_and_is_refused(
    page: Page, live_server: object, world: World, who: str
) -> None:
    base = str(live_server)
    login(page, base, who, PASSWORD)
    expected, forbidden = HOME[who]
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main")).to_contain_text(expected)
    expect(page.get_by_test_id("user-label")).to_contain_text(world.users[who].get_role_display())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{who}.png"), full_page=True)

    assert page.console_errors == []  # type: ignore[attr-defined]
    response = page.goto(f"{base}{forbidden}")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    page.console_errors.clear()  # type: ignore[attr-defined]  # the 403 itself is logged

    page.goto(f"{base}/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_station_officer_finds_a_person_and_reveals_the_id(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    login(page, base, "station_a", PASSWORD)
    page.get_by_role("link", name="人员", exact=True).click()
    page.get_by_label("查找").fill("zs")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="张三").click()
    full = world.person_a.id_number or ""
    doc = page.get_by_test_id("person-doc")
    expect(doc).to_have_text(f"{full[:6]}**********{full[-2:]}")
    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("person-doc")).to_have_text(full)
    expect(page.locator("main")).to_contain_text("本次查看已记入审计日志")
    page.screenshot(path=str(SHOTS / "person-revealed.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
