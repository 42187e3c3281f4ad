"""The command centre in Chromium, in Chinese: the dashboard and the big screen draw their
charts, a figure opens its list, and the daily report downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.command.conftest import groups  # noqa: F401 (fixture)
from tests.command.test_stats import handmade  # noqa: F401 (fixture)
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DAY = "2020-01-31"


def _charts_drawn(page: Page) -> None:
    charts = page.locator(".cc-chart[data-trend]")
    expect(charts.first).to_have_attribute("data-rendered", "true")
    assert charts.count() >= 4
    for i in range(charts.count()):
        expect(charts.nth(i).locator("canvas")).to_have_count(1)


def test_dashboard_charts_figure_links_and_report(
    page: Page,
    live_server: object,
    handmade: World,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "command", PASSWORD)
    page.get_by_role("link", name="指挥看板").first.click()
    expect(page.locator("h1")).to_have_text("指挥看板")
    page.get_by_label("日期").fill(DAY)
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("as-of")).to_contain_text("截至 2020年1月31日 24时")
    _charts_drawn(page)
    page.locator(".cc-chart-table summary").first.click()
    expect(page.locator(".cc-chart-table table").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "command-dashboard-1280.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]

    # A number you can click is a number you can trust.
    tile = page.locator('[data-figure="command.incidents_total"]')
    expect(tile).to_contain_text("2")
    tile.click()
    expect(page.locator("h1")).to_have_text("涉疫警情")
    expect(page.locator(".fk-pagination")).to_contain_text("共 2 条")
    page.go_back()

    with page.expect_download() as info:
        page.get_by_test_id("report-docx").click()
    download = info.value
    assert download.suggested_filename == f"疫情防控工作日报-{DAY}.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert "疫情防控工作日报" in texts
    with page.expect_download() as info:
        page.get_by_test_id("report-xlsx").click()
    assert info.value.suggested_filename == f"疫情防控工作日报-{DAY}-附表.xlsx"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _charts_drawn(page)
    page.screenshot(path=str(SHOTS / "command-dashboard-phone.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_big_screen_is_dark_draws_charts_and_links(
    page: Page,
    live_server: object,
    handmade: World,  # noqa: F811
) -> None:
    base = str(live_server)
    login(page, base, "command", PASSWORD)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/command/dashboard/")
    page.get_by_role("link", name="大屏模式").click()
    expect(page.locator("h1")).to_contain_text("疫情防控指挥中心")
    page.goto(f"{base}/command/screen/?date={DAY}")
    _charts_drawn(page)
    page.screenshot(path=str(SHOTS / "command-bigscreen-1920.png"))
    assert page.console_errors == []  # type: ignore[attr-defined]
    # The figure is on the overview and on its section's page: the page shown is the first.
    page.locator('.cc-page:not([hidden]) [data-figure="command.tasks_overdue"]').click()
    expect(page.locator("h1")).to_have_text("交办任务")
    expect(page.locator(".fk-pagination")).to_contain_text("共 1 条")
