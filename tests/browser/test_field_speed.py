"""How many times the checkpoint officer touches the phone to register a car of three: typed
by hand, with a second-generation ID card reader, and from the travellers' receipt QR.

The officer is scripted as a person at the roadside, on a 390×844 phone, and every step is
counted: a tap or click, a tap that was needed to put the cursor in a field, a field typed
(its keystrokes, ending with the keyboard's Enter/Next key where the officer uses it), a card
laid on the reader, a QR code held to the camera. The script adapts to what the page asks:
a field that is not focused costs a tap; flags not shown beside the occupants cost a tap on
检查预警; a registration that asks to be confirmed costs another tap. So the same script
measured the page before this work and holds the page to the goal now. docs/field-speed.md
records the counts and each step.

The camera is the one part a test cannot hold: a scan is simulated by handing the decoded
text to FangkongScan.decoded(text), the function the camera scanner calls with what it read
(static/checkpoints/scan.js).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage, SelfRegistration
from fangkong.core.idnumber import make_id_number
from tests.browser.conftest import login
from tests.browser.test_checkpoints import g104  # noqa: F401
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

WUHAN = make_id_number("420106", datetime.date(1975, 2, 3), 41, "F")
LOCAL = make_id_number("370921", datetime.date(1980, 5, 1), 31, "M")
CHILD = make_id_number("370911", datetime.date(2012, 8, 8), 51, "M")
CAR = [
    # name, ID number, sex, ethnicity, born, address (as the card holds them), temperature
    ("赵敏", WUHAN, "女", "汉", "19750203", "湖北省武汉市江岸区解放大道1号", "36.6"),
    ("刘洋", LOCAL, "男", "汉", "19800501", "山东省泰安市宁阳县堽城镇东王庄村", "36.4"),
    ("刘小川", CHILD, "男", "回", "20120808", "山东省泰安市岱岳区泰山大街8号", "36.7"),
]
GOAL = {"typed": 12, "reader": 9, "qr": 5}


@dataclass
class Officer:
    """The officer's hands, counted."""

    page: Page
    steps: list[str] = field(default_factory=list)

    def tap(self, target: Locator, what: str) -> None:
        target.click()
        self.steps.append(f"tap {what}")

    def focused(self, target: Locator) -> bool:
        return bool(target.evaluate("e => e === document.activeElement"))

    def focus(self, target: Locator, what: str) -> None:
        if not self.focused(target):
            target.click()
            self.steps.append(f"tap into {what}")

    def type(self, target: Locator, text: str, what: str, *, enter: bool = False) -> None:
        self.focus(target, what)
        self.page.keyboard.type(text)
        if enter:
            self.page.keyboard.press("Enter")
        self.steps.append(f"type {what}" + (" ⏎" if enter else ""))

    def read_card(self, target: Locator, burst: str, what: str) -> None:
        """The reader types the card into the focused field as a keyboard does."""
        self.focus(target, what)
        self.page.keyboard.type(burst)
        self.page.wait_for_timeout(400)  # the fields fill as the officer watches
        self.steps.append(f"card on reader ({what})")

    def scan(self, text: str, code: str) -> None:
        if self.page.evaluate("typeof window.FangkongScan === 'object'"):
            self.page.evaluate("t => FangkongScan.decoded(t)", text)
            self.steps.append("scan QR")
            return
        # No scanner on the page: the code on the traveller's screen is typed and fetched.
        self.type(self.page.locator("#code"), code, "登记码")
        self.tap(self.page.get_by_role("button", name="调取"), "调取")

    @property
    def count(self) -> int:
        return len(self.steps)


def _open(page: Page, base: str) -> Officer:
    login(page, base, "checkpoint", PASSWORD)
    page.goto(f"{base}/checkpoints/register/")
    page.wait_for_load_state("networkidle")
    return Officer(page)


def _row(page: Page, officer: Officer, i: int) -> None:
    if not page.locator(f"#occ-{i}-id_number").count():
        officer.tap(page.get_by_role("button", name="添加乘车人"), "添加乘车人")
    expect(page.locator(f"#occ-{i}-id_number")).to_be_attached()


def _finish(page: Page, officer: Officer, n: int) -> None:
    """Flags beside every occupant (a tap on 检查预警 if the page does not show them by
    itself), then 登记, confirmed if the page asks."""
    page.wait_for_timeout(300)  # flags shown as they are typed, where the page does that
    if any(not page.get_by_test_id(f"flags-{i}").count() for i in range(n)):
        officer.tap(page.get_by_role("button", name="检查预警"), "检查预警")
    for i in range(n):
        expect(page.get_by_test_id(f"flags-{i}")).to_be_visible()
    expect(page.get_by_test_id("flags-0")).to_contain_text("户籍地")
    save = page.locator('button[value="save"]')
    officer.tap(save, save.inner_text())
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    result = page.get_by_test_id("last-result")
    confirm = page.get_by_role("button", name="确认登记")
    shown = result.count() and result.is_visible()
    if "/register/" in page.url and not shown and confirm.count() and confirm.is_visible():
        officer.tap(confirm, "确认登记")
        page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已登记").first).to_be_visible()


def _stored(n: int = 3) -> Passage:
    passage = Passage.objects.get()
    names = list(passage.occupants.order_by("position").values_list("name", flat=True))
    assert names == [c[0] for c in CAR[:n]]
    return passage


def _report(kind: str, officer: Officer, page: Page) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"field-speed-{kind}.png"), full_page=True)
    print(f"\n{kind}: {officer.count} interactions: " + "; ".join(officer.steps))


def test_car_of_three_typed_by_hand(page: Page, live_server: object, g104) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    officer = _open(page, str(live_server))
    officer.type(page.locator("#plate_rest"), "J12345", "车牌号", enter=True)
    for i, (name, number, *_card, temperature) in enumerate(CAR):
        _row(page, officer, i)
        officer.type(page.locator(f"#occ-{i}-id_number"), number, "身份证号", enter=True)
        officer.type(page.locator(f"#occ-{i}-name"), name, "姓名", enter=True)
        last = i == len(CAR) - 1
        officer.type(page.locator(f"#occ-{i}-temperature"), temperature, "体温", enter=not last)
    _finish(page, officer, 3)
    _stored()
    _report("typed", officer, page)
    assert officer.count <= GOAL["typed"], officer.steps


def test_car_of_three_with_an_id_card_reader(page: Page, live_server: object, g104) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    officer = _open(page, str(live_server))
    officer.type(page.locator("#plate_rest"), "J12345", "车牌号", enter=True)
    for i, (name, number, sex, nation, born, address, temperature) in enumerate(CAR):
        _row(page, officer, i)
        # The common reader layout: the card's fields in its order, each ended by Tab.
        burst = "\t".join([name, sex, nation, born, address, number]) + "\n"
        officer.read_card(page.locator(f"#occ-{i}-id_number"), burst, "身份证号")
        if page.locator(f"#occ-{i}-name").input_value() != name:
            officer.type(page.locator(f"#occ-{i}-name"), name, "姓名")
        if page.locator(f"#occ-{i}-id_number").input_value() != number:
            page.locator(f"#occ-{i}-id_number").fill("")
            officer.type(page.locator(f"#occ-{i}-id_number"), number, "身份证号")
        last = i == len(CAR) - 1
        officer.type(page.locator(f"#occ-{i}-temperature"), temperature, "体温", enter=not last)
    _finish(page, officer, 3)
    _stored()
    _report("reader", officer, page)
    assert officer.count <= GOAL["reader"], officer.steps


def test_car_of_three_from_the_receipt_qr(page: Page, live_server: object, g104) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    reg = services.selfreg_submit(
        data=services.PassageInput(
            checkpoint=g104,
            direction="in",
            vehicle_type="car",
            plate="鲁J12345",
            occupants=[
                services.OccupantInput(name=name, id_number=number, phone="")
                for name, number, *_rest in CAR
            ],
        )
    )
    base = str(live_server)
    receipt = page.context.new_page()
    receipt.goto(f"{base}/q/r/{reg.token}/")
    qr = receipt.get_by_test_id("selfreg-qr")
    qr_text = (qr.get_attribute("data-text") if qr.count() else None) or reg.code
    receipt.close()
    officer = _open(page, base)
    officer.scan(qr_text, reg.code)
    for i, (*_card, temperature) in enumerate(CAR):
        last = i == len(CAR) - 1
        officer.type(page.locator(f"#occ-{i}-temperature"), temperature, "体温", enter=not last)
    _finish(page, officer, 3)
    passage = _stored()
    reg.refresh_from_db()
    assert reg.passage_id == passage.pk
    assert SelfRegistration.objects.filter(passage__isnull=True).count() == 0
    _report("qr", officer, page)
    assert officer.count <= GOAL["qr"], officer.steps


def test_a_car_registered_on_the_demo_day_lands_on_that_day(
    page: Page,
    live_server: object,
    g104,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """With the working day fixed (FANGKONG_TODAY, the demo county) the phone's own clock
    reads the real date; the passage is stamped on the working clock all the same, not
    refused as lying in the future, and appears on that day."""
    from django.conf import settings
    from django.test import override_settings

    from fangkong.core import clock

    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        officer = _open(page, str(live_server))
        officer.type(page.locator("#plate_rest"), "J12345", "车牌号", enter=True)
        name, number, *_card, temperature = CAR[1]
        officer.type(page.locator("#occ-0-id_number"), number, "身份证号", enter=True)
        officer.type(page.locator("#occ-0-name"), name, "姓名", enter=True)
        officer.type(page.locator("#occ-0-temperature"), temperature, "体温")
        page.locator('button[value="save"]').click()
        expect(page.get_by_test_id("last-result")).to_contain_text("已登记 鲁J12345")
        expect(page.get_by_text("通行时间不能晚于现在")).to_have_count(0)
        passage = Passage.objects.get()
        assert clock.local(passage.occurred_at).date() == datetime.date(2020, 2, 3)
        assert passage.day == datetime.date(2020, 2, 3)
