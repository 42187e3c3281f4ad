"""The command hall on the demo county's 2020-02-03, in Chromium: the big screen at 1920×1080
shows every section without scrolling, page by page, turning by itself and pausing on a
key; numbers keep their units; the dashboard cuts no column, at phone width or on a desk.

Screenshots go to var/screenshots/ (command-screen-*.png, command-dashboard-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Every visible element inside the viewport's width, no box whose content is wider than it
# (cut off or scrolled sideways); on the screen also inside its height, nothing scrolling
# down. (A long table of a trend may scroll down in its box on the dashboard.) Elements
# hidden on purpose for screen readers (a 1 px clipped box) are left out.
LAYOUT = """() => {
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const out = [];
  const hiddenForReaders = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.clipPath !== 'none' || cs.clip !== 'auto') return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll(ROOT + ' *')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (el.closest('[hidden]') || el.closest('details:not([open]) > :not(summary)')) continue;
    if (hiddenForReaders(el)) continue;
    const what = el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 20);
    if (r.left < -0.5 || r.right > vw + 0.5) out.push('outside ' + what);
    if (SCREEN && (r.top < -0.5 || r.bottom > vh + 0.5)) out.push('below ' + what);
    const cs = getComputedStyle(el);
    const cuts = (o) => o === 'hidden' || o === 'auto' || o === 'scroll' || o === 'clip';
    if (cuts(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) out.push('cut wide ' + what);
    if (SCREEN && cuts(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) out.push('cut tall ' + what);
  }
  const d = document.documentElement;
  if (d.scrollWidth > vw) out.push('page scrolls sideways');
  if (SCREEN && d.scrollHeight > vh) out.push('page scrolls down');
  return out;
}"""


def _layout(page: Page, *, root: str, screen: bool) -> list[str]:
    script = LAYOUT.replace("ROOT", repr(root)).replace("SCREEN", "true" if screen else "false")
    return page.evaluate(script)  # type: ignore[no-any-return]


def _units_hold(page: Page, selector: str) -> list[str]:
    """Every number whose unit went to a line of its own (or out of its tile)."""
    return page.evaluate(  # type: ignore[no-any-return]
        """(selector) => [...document.querySelectorAll(selector)]
          .filter((v) => v.offsetParent !== null)
          .filter((v) => v.getClientRects().length !== 1
             || v.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(v).lineHeight || 40)
             || v.getBoundingClientRect().right > v.parentElement.getBoundingClientRect().right + 0.5)
          .map((v) => v.textContent.trim())""",
        selector,
    )


@pytest.fixture
def demo(live_server: object) -> Any:
    from fangkong.core.demo import build_demo
    from fangkong.core.reference import load_reference_data

    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        load_reference_data()
        build_demo(seed=2020, log=lambda _msg: None)
        yield


def test_big_screen_and_dashboard_show_everything(
    page: Page, live_server: object, demo: Any
) -> None:
    from fangkong.core.demo import DEMO_PASSWORD

    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "zhihui", DEMO_PASSWORD)

    # ---- the big screen: one page at a time, each whole at 1920×1080
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/command/screen/?rotate=0")
    pages = page.locator("[data-testid=screen-page]")
    total = pages.count()
    sections = page.locator("[data-testid=screen-page] [data-testid^=section-]")
    keys = {sections.nth(i).get_attribute("data-testid") for i in range(sections.count())}
    assert {"section-checkpoints", "section-quarantine", "section-logistics"} <= keys
    seen: set[str] = set()
    for n in range(total):
        current = page.locator("[data-testid=screen-page]:not([hidden])")
        expect(current).to_have_count(1)
        key = current.get_attribute("data-page") or ""
        expect(page.get_by_test_id("screen-status")).to_contain_text(f"第 {n + 1}/{total} 页")
        page.wait_for_timeout(300)  # the charts take the page's size
        for section in current.locator("[data-testid^=section-]").all():
            box = section.bounding_box()
            assert box is not None, key
            assert box["x"] >= 0 and box["y"] >= 0, key
            assert box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080, key
        assert _layout(page, root="main", screen=True) == [], key
        assert _units_hold(page, ".cc-page:not([hidden]) .cc-stat-value") == [], key
        if key != "overview":
            shown = current.locator("[data-testid^=section-]")
            seen |= {shown.nth(i).get_attribute("data-testid") for i in range(shown.count())}
        page.screenshot(path=str(SHOTS / f"command-screen-{n}-{key}.png"))
        page.keyboard.press("ArrowRight")
    assert seen == keys  # every section on a page of its own after the overview
    # Money is written as money, once.
    expect(
        page.locator('[data-figure="logistics.purchase_yuan"] .cc-stat-value').first
    ).to_have_text("¥213,600")
    assert page.console_errors == []  # type: ignore[attr-defined]

    # ---- it turns by itself, and a key holds it
    page.goto(f"{base}/command/screen/?rotate=1")
    main = page.locator(".cc-screen-main")
    first = main.get_attribute("data-index")
    expect(main).not_to_have_attribute("data-index", first or "0", timeout=5000)
    page.keyboard.press("Space")
    expect(main).to_have_attribute("data-paused", "true")
    expect(page.get_by_test_id("screen-status")).to_contain_text("已暂停")
    held = main.get_attribute("data-index")
    page.wait_for_timeout(2500)
    assert main.get_attribute("data-index") == held
    # The minute's refresh keeps the page and the pause.
    page.reload()
    expect(main).to_have_attribute("data-index", held or "")
    expect(main).to_have_attribute("data-paused", "true")
    page.keyboard.press("Space")
    expect(main).not_to_have_attribute("data-index", held or "", timeout=5000)

    # ---- the dashboard: nothing cut, on a phone and on a desk
    for width, height, name in ((390, 844, "phone"), (1280, 900, "1280")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/command/dashboard/")
        expect(page.locator('[data-testid="section-checkpoints"]')).to_be_visible()
        assert _layout(page, root="main", screen=False) == [], name
        assert _units_hold(page, ".cc-value") == [], name
        page.screenshot(path=str(SHOTS / f"command-dashboard-{name}.png"), full_page=True)
    # On a phone a wide table is a card per row that names every value.
    page.set_viewport_size({"width": 390, "height": 844})
    card = page.locator('[data-testid="section-checkpoints"] table.fk-cards tbody tr').first
    expect(card.locator('td[data-label="检查人员"]')).to_be_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]
