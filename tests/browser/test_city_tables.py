"""A city commander on a phone reads the one-row-per-county tables of the registers (issue
18: supplies, purchases, honours, publicity): each county of the city is a row, nothing is
cut or pushes the page sideways, and a county's commander sees no such table.
Screenshots: var/screenshots/city-table-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import login
from tests.browser.test_command_hall import _layout
from tests.quarantine.test_imports_city import PASSWORD, city  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PAGES = {
    "stock": "/logistics/",
    "purchases": "/logistics/purchases/",
    "honours": "/honors/",
    "publicity": "/outreach/",
}


def test_the_city_reads_a_row_per_county_on_a_phone(
    page: Page,
    live_server: object,
    city: dict[str, Any],  # noqa: F811
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "taian_cmd", PASSWORD)
    for name, path in PAGES.items():
        page.goto(f"{base}{path}")
        table = page.get_by_test_id("by-county")
        rows = table.locator("tbody tr")
        assert sorted(rows.nth(i).inner_text().split()[0] for i in range(rows.count())) == [
            "东平县",
            "宁阳县",
        ], name
        assert _layout(page, root="[data-testid=by-county]", screen=False) == [], name
        page.screenshot(path=str(SHOTS / f"city-table-{name}.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
    page.context.clear_cookies()
    login(page, base, "dongping_cmd", PASSWORD)
    for name, path in PAGES.items():
        page.goto(f"{base}{path}")
        assert page.get_by_test_id("by-county").count() == 0, name
