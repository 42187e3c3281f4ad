"""Reference data at phone width in Chromium: the political department records a self-media
post through its form (a bad count answered on the field), then edits it from the list;
nothing on either page runs off the screen. Screenshots: var/screenshots/reference-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fangkong.core.models import AuditEntry
from fangkong.outreach.models import SelfMediaPost
from tests.browser.conftest import login
from tests.browser.test_command_hall import _layout
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_political_records_and_edits_a_post_at_phone_width(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "political", PASSWORD)
    page.goto(f"{base}/outreach/posts/")
    page.get_by_role("link", name="登记自媒体作品").click()
    page.get_by_label("标题").fill("宁阳警方提醒：返乡请主动登记")
    page.get_by_label("平台").fill("微信公众号")
    page.get_by_label("点赞").fill("-5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".fk-errors")).to_contain_text("点赞须不小于0")
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "reference-post-form.png"), full_page=True)
    assert not SelfMediaPost.objects.exists()

    page.get_by_label("点赞").fill("350")
    page.get_by_role("button", name="保存").click()
    table = page.get_by_test_id("post-table")
    expect(table).to_contain_text("宁阳警方提醒")
    expect(table).to_contain_text("热门")
    assert _layout(page, root="main", screen=False) == []
    page.screenshot(path=str(SHOTS / "reference-post-list.png"), full_page=True)

    table.get_by_role("link", name="修改").click()
    page.get_by_label("留言").fill("40")
    page.get_by_role("button", name="保存").click()
    expect(table).to_contain_text("40")
    post = SelfMediaPost.objects.get()
    assert (post.likes, post.comments) == (350, 40)
    assert AuditEntry.objects.filter(object_type="outreach.selfmediapost").count() == 2
