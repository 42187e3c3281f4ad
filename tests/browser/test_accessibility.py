"""Accessibility: the main pages of each role pass axe-core (vendored under
tests/browser/vendor/axe-core, injected by Playwright, offline) with no serious or critical
violation, in Chinese and in English, at phone and at desk width."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PHONE, login
from tests.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Not yet passing (issue 17, accessibility): on the command role alone axe finds 18
    # serious violations, first scrollable-region-focusable on .fk-table-wrap (a scrolled
    # table box that the keyboard cannot reach). It also takes ~3.5 min per role: cut the
    # pages or the widths before turning it on. Run it with FANGKONG_AXE=1.
    pytest.mark.skipif(
        not os.environ.get("FANGKONG_AXE"), reason="known axe violations, see the comment"
    ),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = "() => { " + AXE.read_text(encoding="utf-8") + " }"
DESK = {"width": 1366, "height": 900}
ROLES = [
    "command",
    "admin",
    "checkpoint",
    "followup",
    "political",
    "logistics",
    "workgroup",
    "station_a",
]

RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def axe_problems(page: Page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
    page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN)  # type: ignore[no-any-return]


def main_pages(page: Page, base: str) -> list[str]:
    """The home page and every page the role's navigation bar leads to."""
    page.goto(f"{base}/")
    hrefs = page.eval_on_selector_all(
        "header nav a[href^='/'], nav.fk-nav a[href^='/']",
        "els => els.map(e => e.getAttribute('href'))",
    )
    urls = ["/"]
    for h in hrefs:
        if h not in urls and not h.startswith("/admin"):
            urls.append(h)
    return urls


def set_language(page: Page, base: str, button: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_pass_axe_in_both_languages_and_widths(
    page: Page, live_server: object, world: World, role: str
) -> None:
    base = str(live_server)
    user = (
        world.users[role]
        if role in world.users
        else next(u for u in world.users.values() if u.role == role)
    )
    login(page, base, user.username, PASSWORD)
    urls = main_pages(page, base)
    assert len(urls) >= 2, urls
    problems: list[Any] = []
    for lang, button in (("zh", "中文"), ("en", "English")):
        if lang == "en":
            set_language(page, base, button)
        for viewport in (PHONE, DESK):
            page.set_viewport_size(viewport)
            for url in urls:
                page.goto(f"{base}{url}")
                for p in axe_problems(page):
                    problems.append((lang, viewport["width"], url, p))
    assert problems == []
