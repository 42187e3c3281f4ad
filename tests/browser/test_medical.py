"""On a phone (390×844), in Chinese, one returnee from Wuhan from the roadside to the
referral of her co-travellers: the checkpoint registers her car, the station verifies her
into home quarantine, a follow-up finds a fever, the station hands her to the township's
clinic, the clinic records 确诊, and the station refers everyone who rode with her.
Screenshots go to var/screenshots/medical-*.png."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import KeyArea
from fangkong.medical.models import ContactLink, Handoff, MedicalInstitution
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from tests.browser.conftest import PHONE, login, register_ready
from tests.browser.test_checkpoints import fill
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WUHAN = make_id_number("420106", datetime.date(1975, 2, 3), 41, "F")
LOCAL = make_id_number("370921", datetime.date(1980, 5, 1), 31, "M")
OTHER = make_id_number("370911", datetime.date(1990, 8, 8), 51, "M")


def _phone(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1).new_page()


def test_a_returnee_from_checkpoint_to_confirmed_and_her_co_travellers_referred(
    page: Page, browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    if not KeyArea.objects.exists():
        KeyArea.objects.create(prefix="42", name="湖北", valid_from=datetime.date(2020, 1, 1))
    cp = services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104",
        opened_on=datetime.date(2020, 1, 26), by=None,
    )  # fmt: skip
    services.checkpoint_post(user=world.users["checkpoint"], checkpoint=cp, by=None)
    doctor = user_create(
        username="yiliao", password=PASSWORD, role=Role.MEDICAL, by=None, check_password=False
    )
    MedicalInstitution.objects.get(name="堽城镇卫生院").staff.add(doctor)

    # 1. The checkpoint registers her car: 赵敏 from Wuhan, with two passengers.
    login(page, base, "checkpoint", PASSWORD)
    page.get_by_role("link", name="登记通行车辆和人员").click()
    register_ready(page)
    page.get_by_label("车牌号").fill("a12345")
    fill(page, 0, "赵敏", WUHAN, "36.6", "武汉", "堽城镇东王庄村")
    page.get_by_role("button", name="添加乘车人").click()
    fill(page, 1, "刘洋", LOCAL, "36.4", "泰安", "堽城镇")
    page.get_by_role("button", name="添加乘车人").click()
    fill(page, 2, "陈刚", OTHER, "36.5", "济南", "泗店镇")
    page.get_by_role("button", name="检查预警").click()
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("result-0")).to_contain_text("已移交隔离管控")
    case = QuarantineCase.objects.get(person__name="赵敏")

    # 2. The station verifies her at home: home quarantine.
    station = _phone(browser)
    login(station, base, "station_a", PASSWORD)
    station.goto(f"{base}/cases/{case.pk}/verify/")
    station.get_by_label("在家，信息属实").check()
    station.get_by_role("button", name="保存").click()
    expect(station.locator("h1")).to_contain_text("隔离中")
    station.screenshot(path=str(SHOTS / "medical-phone-case.png"), full_page=True)

    # 3. A follow-up finds a fever: the alert is raised.
    station.get_by_role("link", name="录入随访").click()
    station.get_by_label("体温（℃）").fill("38.5")
    station.get_by_test_id("save-followup").click()
    expect(station.locator(".fk-messages")).to_contain_text("体温38.5℃")

    # 4. The station hands her to the township's designated clinic.
    station.goto(f"{base}/medical/")
    expect(station.get_by_test_id("to-hand-over")).to_contain_text("赵敏")
    station.screenshot(path=str(SHOTS / "medical-phone-queue.png"), full_page=True)
    station.get_by_test_id("handoff-alert").first.click()
    expect(station.get_by_test_id("institution")).to_contain_text("堽城镇卫生院")
    station.screenshot(path=str(SHOTS / "medical-phone-handoff-form.png"), full_page=True)
    station.get_by_test_id("handoff-submit").click()
    expect(station.locator(".fk-messages")).to_contain_text("请打印交接单")
    handoff = Handoff.objects.get()
    with station.expect_download() as download:
        station.get_by_test_id("receipt").click()
    assert download.value.suggested_filename.endswith(".docx")

    # 5. The clinic receives her and records 确诊: she is isolated at hospital.
    clinic = _phone(browser)
    login(clinic, base, "yiliao", PASSWORD)
    clinic.get_by_role("link", name="待接收的移交医疗").click()
    clinic.get_by_role("link", name="赵敏").click()
    clinic.get_by_label("诊断结果").select_option("confirmed")
    clinic.get_by_label("接收方意见").fill("核酸检测阳性")
    clinic.screenshot(path=str(SHOTS / "medical-phone-outcome.png"), full_page=True)
    clinic.get_by_test_id("outcome-submit").click()
    expect(clinic.get_by_test_id("outcome")).to_contain_text("确诊")
    case.refresh_from_db()
    assert case.status == CaseStatus.HOSPITAL
    assert handoff.pk == Handoff.objects.get(outcome="confirmed").pk

    # 6. The station refers everyone who rode with her.
    station.goto(f"{base}/medical/{handoff.pk}/")
    station.get_by_test_id("contacts-link").click()
    rows = station.get_by_test_id("contact-rows")
    expect(rows).to_contain_text("刘洋")
    expect(rows).to_contain_text("陈*")  # lives in the other station's area: masked
    station.screenshot(path=str(SHOTS / "medical-phone-contacts.png"), full_page=True)
    station.get_by_test_id("refer-all").click()
    expect(station.locator(".fk-messages")).to_contain_text("已将2名密切接触者转派出所核查")
    referred = ContactLink.objects.filter(source=case.person, referred_at__isnull=False)
    assert referred.count() == 2
    assert {c.status for c in QuarantineCase.objects.filter(person__name__in=["刘洋", "陈刚"])} == {
        CaseStatus.PENDING
    }
    station.get_by_test_id("chain-link").click()
    expect(station.get_by_test_id("chain-summary")).to_contain_text("密切接触者2人")
    station.locator("#md-chain canvas").first.wait_for()
    station.screenshot(path=str(SHOTS / "medical-phone-chain.png"), full_page=True)
    for p in (page, station, clinic):
        assert p.console_errors == [] if hasattr(p, "console_errors") else True  # type: ignore[attr-defined]


def test_a_contact_outside_the_jurisdiction_on_the_phone(
    browser: Browser, live_server: object, world: World
) -> None:
    """A co-occupant typed "随便写" with 泗店's 史八八's ID number (an open case there): 堽城's
    station sees 随** （非本辖区）, no surname, no case, and can still refer the row."""
    from fangkong.checkpoints.services import OccupantInput, PassageInput
    from fangkong.core import clock
    from fangkong.quarantine.services import case_refer
    from tests.medical.conftest import resident

    cp = services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104",
        opened_on=datetime.date(2020, 1, 26), unit=world.station_a, by=None,
    )  # fmt: skip
    shi = resident(world, "史八八", 8, b=True)
    case_refer(person=shi, source="station", by=None)
    services.passage_register(
        data=PassageInput(
            checkpoint=cp, direction="in", vehicle_type="car", plate="鲁J12345",
            occurred_at=clock.now() - datetime.timedelta(minutes=10),
            occupants=[
                OccupantInput(name=world.person_a.name, id_number=world.person_a.id_number or ""),
                OccupantInput(name="随便写", id_number=shi.id_number or ""),
            ],
        ),
        by=None,
    )  # fmt: skip
    base = str(live_server)
    page = _phone(browser)
    login(page, base, "station_a", PASSWORD)
    page.goto(f"{base}/people/{world.person_a.pk}/contacts/")
    rows = page.get_by_test_id("contact-rows")
    expect(rows).to_contain_text("随** （非本辖区）")
    expect(rows).not_to_contain_text("史")
    expect(rows).not_to_contain_text("核查对象")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "medical-contact-outside.png"), full_page=True)
    rows.get_by_role("button", name="转核查").click()
    expect(page.get_by_text("已将1名密切接触者转派出所核查")).to_be_visible()
    assert ContactLink.objects.get().contact_id == shi.pk
