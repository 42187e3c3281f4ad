"""The person file on a phone: every part readable at 390 px, tables as cards, nothing cut
off or scrolled sideways; and the duplicates comparison, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.people.services import PersonInput, person_register
from tests.browser.conftest import login
from tests.checkpoints.conftest import make_posts
from tests.conftest import PASSWORD, World
from tests.people.test_person_file import make_history

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_person_file_on_a_phone(
    page: Page, browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    make_history(world, make_posts(world), n=3)
    twin, _ = person_register(
        data=PersonInput(
            name="张三", doc_type="other", doc_number="37092119850302001X",
            phone="13853801234", township=world.township_a,
        ),
        by=None,
    )  # fmt: skip
    login(page, base, "station_a", PASSWORD)
    page.goto(f"{base}/people/{world.person_a.pk}/")
    for part in ("person-cases", "person-passages", "person-followups", "person-alerts"):
        expect(page.get_by_test_id(part)).to_be_visible()
    passages = page.get_by_test_id("person-passages")
    # A card per passage: the column names are the lines' labels, the header row hidden.
    expect(passages.locator("thead")).not_to_be_in_viewport()
    expect(passages.get_by_test_id("companions").first).to_contain_text("赵*")
    expect(page.locator("main")).not_to_contain_text("13853801234")
    assert _fits(page), "the person file scrolls sideways on a phone"
    page.screenshot(path=str(SHOTS / "person-file-phone.png"), full_page=True)
    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("person-phone")).to_have_text("13853801234")

    page.goto(f"{base}/people/duplicates/")
    expect(page.get_by_test_id("duplicate-table")).to_contain_text("姓名、电话相同")
    page.get_by_role("link", name="比较").first.click()
    expect(page.get_by_test_id("side")).to_have_count(2)
    assert _fits(page)
    page.screenshot(path=str(SHOTS / "person-compare-phone.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(desk, base, "station_a", PASSWORD)
    desk.goto(f"{base}/people/{world.person_a.pk}/")
    desk.screenshot(path=str(SHOTS / "person-file-desktop.png"), full_page=True)
    desk.goto(f"{base}/people/duplicates/{world.person_a.pk}/{twin.pk}/")
    desk.get_by_test_id("merge").click()
    expect(desk.get_by_test_id("person-merges")).to_be_visible()
    desk.screenshot(path=str(SHOTS / "person-merged-desktop.png"), full_page=True)
    desk.get_by_test_id("merge-undo").click()
    expect(desk.locator("main")).to_contain_text("已撤销合并")
    desk.context.close()
