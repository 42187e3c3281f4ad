"""In Chinese, on a phone: a logistics clerk records a donation and a distribution and sees
the stock fall; a commendation goes from report to award and appears in a circular .docx."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from fangkong.core import clock
from fangkong.logistics import services as logistics
from tests.browser.conftest import login
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def on_hand(page: Page, item: str) -> str:
    return page.locator(f'tr[data-item="{item}"] [data-testid="on-hand"]').inner_text()


def test_clerk_records_a_donation_and_a_distribution_and_sees_stock_fall(
    page: Page, live_server: object, world: World
) -> None:
    clerk = world.users["logistics"]
    n95 = logistics.item_create(
        name="N95口罩",
        category="mask",
        grade="N95",
        unit_of_measure="个",
        low_threshold=150,
        by=clerk,
    )
    store = logistics.store_create(name="警务保障室中心仓库", by=clerk)
    logistics.purchase_record(
        supplier="山东鲁泰医疗器械有限公司",
        amount=Decimal("213600"),
        day=clock.today(),
        store=store,
        lines=[(n95, 100)],
        by=clerk,
    )
    base = str(live_server)
    login(page, base, "logistics", PASSWORD)
    page.get_by_role("link", name="防护物资库存").click()
    expect(page.locator("h1")).to_have_text("防护物资库存")
    assert on_hand(page, "N95口罩") == "100 个"

    page.get_by_role("link", name="登记捐赠").first.click()
    page.locator("#id_donor_kind").select_option(label="企业")
    page.locator("#id_donor_name").fill("泰安恒昌劳动防护用品有限公司")
    page.locator("#id_receiving_unit").select_option(label="宁阳县公安局")
    page.locator("#id_store").select_option(label="警务保障室中心仓库")
    page.locator("#id_estimated_value").fill("62800")
    page.locator("#id_item_1").select_option(label="N95口罩")
    page.locator("#id_qty_1").fill("200")
    shot(page, "logistics-donation-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".fk-messages")).to_contain_text("已登记捐赠")
    expect(page.locator("main")).to_contain_text("泰安恒昌劳动防护用品有限公司")
    shot(page, "logistics-donations")

    page.goto(f"{base}/logistics/")
    assert on_hand(page, "N95口罩") == "300 个"
    page.get_by_role("link", name="发放物资").click()
    page.locator("#id_store").select_option(label="警务保障室中心仓库")
    page.locator("#id_unit").select_option(label="堽城派出所")
    page.locator("#id_post").fill("104国道检查站")
    page.locator("#id_received_by").fill("王伟")
    page.locator("#id_item_1").select_option(label="N95口罩")
    page.locator("#id_qty_1").fill("500")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".fk-errors, .fk-form-errors").first).to_contain_text("N95口罩库存不足")
    page.locator("#id_qty_1").fill("180")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".fk-messages")).to_contain_text("已发放")
    assert on_hand(page, "N95口罩") == "120 个"
    expect(page.locator('tr[data-item="N95口罩"]')).to_contain_text("低于预警线")
    shot(page, "logistics-stock")
    page.get_by_role("link", name="台账").click()
    expect(page.locator("main")).to_contain_text("104国道检查站")
    shot(page, "logistics-ledger")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_commendation_from_report_to_award_appears_in_the_circular(
    page: Page, live_server: object, world: World, tmp_path: Path
) -> None:
    base = str(live_server)
    login(page, base, "station_a", PASSWORD)
    page.goto(f"{base}/honors/new/")
    page.locator("#id_kind").select_option(label="个人")
    page.locator("#id_officer").select_option(index=2)
    page.locator("#id_level").select_option(label="嘉奖令")
    page.locator("#id_deeds").fill("在104国道检查站连续坚守7天7夜，不漏一车、不漏一人。")
    page.get_by_role("button", name="上报").click()
    expect(page.get_by_test_id("status")).to_have_text("已上报待审核")
    url = page.url

    def step(who: str, button: str, status: str) -> None:
        page.context.clear_cookies()
        login(page, base, who, PASSWORD)
        page.goto(url)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_test_id("status")).to_have_text(status)

    step("political", "审核通过", "已审核待批准")
    step("command", "批准", "已批准待颁奖")
    step("political", "颁奖", "已颁奖")
    shot(page, "honors-detail")

    page.goto(f"{base}/honors/circulars/new/")
    page.locator("#id_number").fill("宁公政〔2020〕3号")
    page.locator("input[name=commendations]").first.check()
    page.get_by_role("button", name="印发").click()
    expect(page.locator("main")).to_contain_text("宁公政〔2020〕3号")
    shot(page, "honors-circulars")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载通报").click()
    path = tmp_path / "circular.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "宁公政〔2020〕3号" in text
    assert "关于表扬疫情防控工作中先进集体和先进个人的通报" in text
    assert "（嘉奖令）：在104国道检查站连续坚守7天7夜" in text
    page.goto(f"{base}/honors/")
    shot(page, "honors-list")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_political_pages_render_on_phone_and_desktop(
    page: Page, live_server: object, world: World
) -> None:
    from fangkong.org import welfare
    from fangkong.outreach import services as outreach

    political = world.users["political"]
    welfare.welfare_case_open(
        officer=world.officer_a, title="父亲住院无人照料", urgency="high", by=political
    )
    outreach.notice_publish(kind="guide", title="执勤防护知识", body="规范佩戴口罩。", by=political)
    outreach.media_report_record(
        title="宁阳公安：不漏一车、不漏一人",
        outlet="大众日报",
        level="provincial",
        day=datetime.date(2020, 2, 1),
        by=political,
    )
    base = str(live_server)
    login(page, base, "political", PASSWORD)
    shot(page, "home-political-support")
    for path, name, heading in (
        ("/org/welfare/", "welfare", "暖警：民警家庭困难"),
        ("/outreach/", "outreach", "党建与宣传"),
        ("/outreach/media/", "outreach-media", "宣传报道"),
        ("/notices/", "notices", "通知与防护知识"),
    ):
        page.goto(f"{base}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        shot(page, name)
    assert page.console_errors == []  # type: ignore[attr-defined]
