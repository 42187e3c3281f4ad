"""On a phone, in Chinese: the follow-up worker opens today's list from their home page and
records a visit with a fever; the alert appears at once for the station. Screenshots of the
quarantine pages on a phone and on a desktop go to var/screenshots/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect

from fangkong.quarantine.models import Alert, FollowUp, QuarantineCase
from fangkong.quarantine.services import case_refer, followup_record
from tests.browser.conftest import login
from tests.conftest import PASSWORD, World
from tests.quarantine.conftest import START, at, quarantined_pair

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DEMO_DAY = {"TODAY": "2020-02-03"}


def _setup(world: World) -> tuple[QuarantineCase, QuarantineCase]:
    pair = quarantined_pair(world)
    return pair.a, pair.b


def test_followup_worker_records_a_fever_and_the_station_sees_the_alert(
    page: Page, browser: Browser, live_server: object, world: World
) -> None:
    case, _other = _setup(world)
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with override_settings(FANGKONG={**settings.FANGKONG, **DEMO_DAY}):
        login(page, base, "followup", PASSWORD)
        page.screenshot(path=str(SHOTS / "quarantine-phone-home.png"), full_page=True)
        page.get_by_role("link", name="今日随访").first.click()
        expect(page.get_by_test_id("today-list")).to_contain_text("张三")
        expect(page.get_by_test_id("today-list")).not_to_contain_text("赵丽")
        page.screenshot(path=str(SHOTS / "quarantine-phone-today.png"), full_page=True)
        page.get_by_role("link", name="录入随访").click()
        page.get_by_label("体温（℃）").fill("38.2")
        page.locator("label.fk-qt-toggle", has_text="咳嗽").click()
        page.screenshot(path=str(SHOTS / "quarantine-phone-followup.png"), full_page=True)
        page.get_by_test_id("save-followup").click()
        expect(page.locator(".fk-messages")).to_contain_text("已向派出所和指挥中心发出预警")
        expect(page.locator(".fk-messages")).to_contain_text("体温38.2℃")
        page.screenshot(path=str(SHOTS / "quarantine-phone-after.png"), full_page=True)
        assert FollowUp.objects.filter(case=case).count() == 1
        assert sorted(Alert.objects.values_list("kind", flat=True)) == ["fever", "symptom"]
        assert page.console_errors == []  # type: ignore[attr-defined]

        # The station, on its phone too: the alert is there and can be resolved.
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1
        )
        station = context.new_page()
        login(station, base, "station_a", PASSWORD)
        expect(station.locator("main")).to_contain_text("待处置预警")
        station.get_by_role("link", name="待处置预警").click()
        expect(station.get_by_test_id("alert-list")).to_contain_text("张三")
        expect(station.get_by_test_id("alert-list")).to_contain_text("体温38.2℃")
        station.screenshot(path=str(SHOTS / "quarantine-phone-alerts.png"), full_page=True)
        station.get_by_placeholder("处置情况，如：已复测体温正常").first.fill("医生上门复测36.8℃")
        station.get_by_role("button", name="处置").first.click()
        expect(station.locator(".fk-messages")).to_contain_text("预警已处置")
        context.close()


def test_desktop_screenshots_of_the_case_pages(
    browser: Browser, live_server: object, world: World
) -> None:
    case, other = _setup(world)
    followup_record(
        case=case,
        by=world.users["followup"],
        temperature="37.9",
        symptoms=["cough"],
        at_home=True,
        visited_at=at(START + datetime.timedelta(days=2), 9),
    )
    pending, _ = case_refer(
        person=world.person_a.__class__.objects.create(
            name="钱多多", id_number="420102199001011236", township=world.township_a
        ),
        source="checkpoint",
        by=None,
        came_from_code="420102",
        arrival_date=datetime.date(2020, 2, 2),
    )
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", device_scale_factor=1
    )
    page = context.new_page()
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-08"}):
        login(page, base, "command", PASSWORD)
        page.screenshot(path=str(SHOTS / "quarantine-desktop-home.png"), full_page=True)
        for name, url in [
            ("list", "/cases/"),
            ("detail", f"/cases/{case.pk}/"),
            ("verify-queue", "/cases/verify/"),
            ("verify", f"/cases/{pending.pk}/verify/"),
            ("overdue", "/cases/overdue/"),
            ("release", "/cases/release/"),
            ("alerts", "/cases/alerts/"),
        ]:
            response = page.goto(f"{base}{url}")
            assert response is not None and response.status == 200, url
            page.screenshot(path=str(SHOTS / f"quarantine-desktop-{name}.png"), full_page=True)
        page.goto(f"{base}/cases/{case.pk}/")
        page.get_by_test_id("release").click()
        expect(page.locator(".fk-messages")).to_contain_text("已解除隔离：张三")
        expect(page.get_by_test_id("notice")).to_be_visible()
        page.screenshot(path=str(SHOTS / "quarantine-desktop-released.png"), full_page=True)
    assert other.pk != case.pk
    context.close()
