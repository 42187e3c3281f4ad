"""A city's pushed list in the browser (issue 18 item 4): a county's page of rows routed to
it and the city's queue of unclaimed rows, read on a desk. Screenshots:
var/screenshots/city-push-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import login
from tests.quarantine.test_imports_city import PASSWORD, city  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_a_county_reads_its_rows_and_the_city_its_queue(
    page: Page,
    live_server: object,
    city: dict[str, Any],  # noqa: F811
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, base, "dongping_cmd", PASSWORD)
    page.goto(f"{base}/imports/")
    page.get_by_test_id("routed-link").click()
    page.wait_for_url(f"{base}/imports/routed/")
    rows = page.get_by_test_id("routed-row")
    assert rows.count() == 1
    assert "李东平" in rows.first.inner_text()
    assert "下发至东平县" in rows.first.inner_text()
    page.screenshot(path=str(SHOTS / "city-push-county-rows.png"), full_page=True)
    page.context.clear_cookies()
    login(page, base, "taian_cmd", PASSWORD)
    page.goto(f"{base}/imports/")
    assert page.get_by_test_id("routed-link").count() == 0  # the city has no county's rows
    page.goto(f"{base}/imports/unrouted/")
    assert "未能下发到任何县" in page.get_by_test_id("city-queue-why").inner_text()
    assert page.get_by_test_id("unrouted-table").locator("tbody tr").count() == 1
    table = page.get_by_test_id("unrouted-table").inner_text()
    assert "王无主" in table and "李东平" not in table
    page.screenshot(path=str(SHOTS / "city-push-city-queue.png"), full_page=True)
