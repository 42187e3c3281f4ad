"""The shift editor in Chromium: find officers by name in a list grouped by unit, see leave
and party membership, and the warnings change as officers are ticked (no 民警, no party
group, no group leader). Screenshots: var/screenshots/roster-editor-*.png."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fangkong.checkpoints.models import DutyShift
from fangkong.org.models import Officer
from tests.browser.conftest import login
from tests.browser.test_command_hall import _layout
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (the fixture)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DAY = datetime.date(2020, 1, 27)


def test_the_planner_picks_officers_and_sees_the_warnings(
    page: Page,
    live_server: object,
    posts: Posts,  # noqa: F811
) -> None:
    base = str(live_server)
    Officer.objects.filter(pk=posts.officers[5].pk).update(status=Officer.Status.ON_LEAVE)
    login(page, base, "workgroup", PASSWORD)
    page.goto(f"{base}/checkpoints/roster/G104N/{DAY}/0/")
    picker = page.get_by_test_id("officer-picker")
    expect(picker.locator("legend", has_text="指挥中心")).to_be_visible()
    expect(picker.locator("label", has_text="朱红")).to_contain_text("休假")
    warnings = page.get_by_test_id("shift-warnings")

    page.get_by_label("查找（姓名、警号或单位）").fill("吴敏")
    expect(picker.locator("label", has_text="周强")).to_be_hidden()
    picker.locator("label", has_text="吴敏").click()  # an auxiliary, not a party member
    expect(page.get_by_test_id("chosen-count")).to_have_text("1")
    expect(warnings).to_contain_text("本班没有民警")
    expect(warnings).to_contain_text("本班没有党员")

    page.get_by_label("查找（姓名、警号或单位）").fill("zhouqiang")  # pinyin finds 周强
    picker.locator("label", has_text="周强").click()  # a 民警 and a party member
    expect(warnings).not_to_contain_text("本班没有民警")
    expect(warnings).to_contain_text("本班尚未指定临时党小组组长")
    page.get_by_label("临时党小组组长").select_option(label=str(posts.officers[0]))
    expect(warnings).to_be_empty()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "roster-editor-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("查找（姓名、警号或单位）").fill("")
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "roster-editor-desk.png"), full_page=True)

    page.get_by_role("button", name="保存排班").click()
    page.wait_for_url(f"{base}/checkpoints/roster/?week={DAY}")
    shift = DutyShift.objects.get(checkpoint=posts.g104, day=DAY, slot=0)
    assert sorted(a.officer.name for a in shift.assignments.all()) == ["吴敏", "周强"]
    assert shift.party_leader == posts.officers[0]
    assert page.console_errors == []  # type: ignore[attr-defined]
