"""The audit log in Chromium, as the administrator reads it on a phone and at a desk: the
type picker in Chinese, a change as before → after, a reveal's fields as a list, no column
cut off (cards on a phone). Screenshots: var/screenshots/audit-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fangkong.people.services import person_reveal
from tests.accounts.test_audit import edit_person_a
from tests.browser.conftest import login
from tests.browser.test_command_hall import _layout
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_audit_log_reads_to_a_person_on_a_phone_and_a_desk(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    edit_person_a(
        world, phone="13853809999", address_detail="3组12号院内东侧平房，靠近村委会大院的第二排"
    )
    person_reveal(person=world.person_a, by=world.users["station_a"], purpose="核对住址")
    login(page, base, "auditor", PASSWORD)
    page.goto(f"{base}/audit/")
    page.get_by_label("对象类型").select_option(label="人员")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("联系电话：*********34 → *********99")
    expect(table).to_contain_text(
        "完整显示的信息：身份证号、证件号码、联系电话、详细住址、出生日期"
    )
    expect(table).to_contain_text("用途：核对住址")
    expect(table).not_to_contain_text("people.person")
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "audit-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "audit-desk.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
