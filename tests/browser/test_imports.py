"""A station officer uploads a pushed list on a phone, watches it run in the background and
reads its per-row report."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD, World
from tests.quarantine.import_files import write_xlsx
from tests.quarantine.test_imports import MESSY

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_station_uploads_a_list_and_reads_its_report(
    page: Page, live_server: object, world: World, tmp_path: Path
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "station_a", PASSWORD)
    page.get_by_role("link", name="名单导入").first.click()
    expect(page.locator("h1")).to_have_text("名单导入")
    page.screenshot(path=str(SHOTS / "imports-list-empty.png"), full_page=True)
    page.get_by_role("link", name="上传名单").click()
    page.get_by_label("名单文件").set_input_files(
        str(write_xlsx(tmp_path / "返乡名单.xlsx", MESSY))
    )
    page.screenshot(path=str(SHOTS / "imports-upload.png"), full_page=True)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("h1")).to_have_text("返乡名单.xlsx")
    expect(page.get_by_test_id("import-progress")).to_contain_text("关闭本页不影响导入")
    page.screenshot(path=str(SHOTS / "imports-queued.png"), full_page=True)

    # the background worker (as `fangkong serve` runs it) does the import; the page,
    # polling, reloads itself with the report
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.get_by_test_id("import-status")).to_have_text("已完成", timeout=15_000)
    expect(page.get_by_test_id("entry-table")).to_contain_text("既无身份证号，也无有效联系电话")
    expect(page.get_by_test_id("import-counts")).to_contain_text("新建档")
    expect(page.get_by_test_id("entry-table")).to_contain_text("李四")
    page.screenshot(path=str(SHOTS / "imports-report.png"), full_page=True)

    page.get_by_role("link", name="只看有问题的行").click()
    expect(page.get_by_test_id("entry-table")).not_to_contain_text("王五")
    with page.expect_download() as download:
        page.get_by_test_id("report-download").click()
    assert download.value.suggested_filename.startswith("导入报告-")

    page.goto(f"{base}/imports/unrouted/")
    expect(page.get_by_test_id("unrouted-table")).to_contain_text("赵六")
    page.screenshot(path=str(SHOTS / "imports-unrouted.png"), full_page=True)
    page.get_by_label("乡镇街道").first.select_option(label="堽城镇")
    page.get_by_role("button", name="分配").first.click()
    expect(page.locator(".fk-messages")).to_contain_text("已将赵六分配到堽城镇")
    page.goto(f"{base}/imports/")
    page.screenshot(path=str(SHOTS / "imports-list.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_command_maps_unknown_columns_and_confirms_a_duplicate(
    page: Page, live_server: object, world: World, tmp_path: Path
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, base, "command", PASSWORD)
    odd = write_xlsx(
        tmp_path / "外地格式.xlsx",
        [["张三", "", "13853801234", "堽城镇"], ["新人", "", "13800000031", "泗店镇"]],
        headers=["人员", "号码", "手机", "所在地"],
        title=None,
    )
    page.goto(f"{base}/imports/upload/")
    page.get_by_label("名单文件").set_input_files(str(odd))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("h1")).to_have_text("指定各列")
    page.get_by_label("人员").select_option(label="姓名")
    page.get_by_label("号码").select_option(label="身份证号")
    page.get_by_label("所在地").select_option(label="乡镇街道")
    page.screenshot(path=str(SHOTS / "imports-mapping.png"), full_page=True)
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.get_by_test_id("import-status")).to_have_text("已完成", timeout=15_000)
    expect(page.get_by_test_id("entry-table")).to_contain_text("疑似重复待确认")

    page.goto(f"{base}/imports/duplicates/")
    expect(page.get_by_test_id("duplicate-table")).to_contain_text("张三")
    page.screenshot(path=str(SHOTS / "imports-duplicates.png"), full_page=True)
    page.get_by_role("button", name="是同一人", exact=True).click()
    expect(page.locator(".fk-messages")).to_contain_text("已确认为同一人")
    expect(page.get_by_test_id("duplicate-table")).to_contain_text("没有待确认的疑似重复人员")
    assert page.console_errors == []  # type: ignore[attr-defined]
