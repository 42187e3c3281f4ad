"""The roadside's fast path beyond the counted cars: checking flags keeps the page and the
officer's place; a coach fills with Enter up to its 60 seats and the page says when it is
full; the ID card reader's formats; a second receipt and a release notice scanned into the
same car, offline; a release notice checked online, a forged one said to be; the follow-up worker's list with tap-to-call, the address, the next
window, and every visit form kept on the phone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, expect

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage
from fangkong.core.disclosure import shown
from fangkong.core.idnumber import make_id_number
from fangkong.core.scancodes import occupant_payload, release_text, scan_text
from fangkong.quarantine.services import MemberInput, team_assign
from tests.browser.conftest import register_ready
from tests.browser.test_checkpoints import LOCAL, WUHAN, g104  # noqa: F401
from tests.browser.test_offline_records import REGISTER, open_kept, signed_in_with_copy
from tests.checkpoints.test_roadside_fourth_attack import selfreg_with_phone
from tests.conftest import World, numbered
from tests.quarantine.conftest import quarantined_pair

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def kept(page: Page, path: str) -> None:
    """Wait until the phone keeps `path` (polled from here: the page's CSP allows no
    evaluated string, which Playwright's own polling would need)."""
    for _ in range(150):
        if page.evaluate("(p) => caches.match(p).then(Boolean)", path):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} is not kept on the phone")


@pytest.fixture
def at_register(page: Page, live_server: object, world: World, g104) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    base = str(live_server)
    signed_in_with_copy(page, base, "checkpoint", REGISTER)
    kept(page, "/api/v1/reference/checkpoint-rules")
    return base


def test_checking_flags_keeps_the_page_and_the_place(page: Page, at_register: str) -> None:
    page.locator("#plate_rest").fill("鄂A12345")
    page.locator("#occ-0-id_number").fill(WUHAN)
    page.locator("#occ-0-name").fill("赵敏")
    page.locator("#occ-0-temperature").fill("36.6")
    # Beside the occupant as typed: the flag and the recommended decision.
    expect(page.get_by_test_id("flags-0")).to_contain_text("户籍地重点地区")
    expect(page.get_by_test_id("flags-0")).to_contain_text("车牌")
    expect(page.locator("#occ-0-decision")).to_have_value("turn_back")
    page.evaluate("window.__same = 1; window.scrollTo(0, 400)")
    page.get_by_role("button", name="检查预警").click()
    assert page.evaluate("window.__same") == 1  # not reloaded
    assert page.evaluate("window.scrollY") > 0
    # A destination in the county changes the recommendation, as it is typed.
    page.locator("#occ-0-destination").fill("堽城镇东王庄村")
    expect(page.locator("#occ-0-decision")).to_have_value("quarantine")
    # The officer's own choice stays.
    page.locator("#occ-0-decision").select_option("medical")
    page.locator("#occ-0-temperature").fill("36.7")
    page.wait_for_timeout(300)
    expect(page.locator("#occ-0-decision")).to_have_value("medical")


def test_offline_an_unknown_symptom_is_refused_as_the_server_refuses_it(
    page: Page, at_register: str
) -> None:
    """The phone's kept rules carry the server's one vocabulary of symptoms (core/symptoms
    .py, as a passage's words): offline, a symptom not on it (a receipt's, a form's) is refused naming the
    occupant and the symptom, not flagged "自述症状：foo" and sent to medical care."""
    page.context.set_offline(True)
    got = page.evaluate(
        """async ([id]) => {
            const rules = await (await caches.match('/api/v1/reference/checkpoint-rules')).json();
            const idRules = await (await caches.match('/api/v1/reference/id-rules')).json();
            const occupant = {name: '赵敏', id_number: id, temperature: '36.5', origin: '济南',
                              destination: '堽城镇', travel_history: [], decision: ''};
            return [['foo', '咳嗽'], ['咳嗽', '咳嗽'], ['咳嗽', '<b>']].map((symptoms) => FangkongRoadside.assess(
                {plate: '鲁J12345', vehicle_type: 'car', occupants: [{...occupant, symptoms}]},
                rules, idRules, {requireTemperature: true}));
        }""",
        [LOCAL],
    )
    page.context.set_offline(False)
    assert got[0]["errors"] == {"occupants.0.symptoms": ["第1位乘车人症状：未知症状“foo”"]}
    # Markup is named by its place, never repeated, as the server says it (core.text.typed).
    assert got[2]["errors"] == {"occupants.0.symptoms": ["第1位乘车人症状：未知症状（第2项）"]}
    # A known one flags as before, once however often it is given.
    assert got[1]["errors"] == {}
    assert got[1]["occupants"][0]["flags"] == [{"code": "symptoms", "reason": "自述症状：咳嗽"}]
    assert got[1]["occupants"][0]["recommended"] == "medical"


def test_a_coach_fills_with_enter_to_its_sixty_seats(page: Page, at_register: str) -> None:
    page.locator("#plate_rest").fill("鲁J88888")
    page.locator("#vehicle_type").select_option("bus")
    for i in range(60):
        page.locator(f"#occ-{i}-id_number").fill(
            make_id_number("370921", datetime.date(1980, 1, 1), i + 1, "M")
        )
        page.locator(f"#occ-{i}-name").fill(numbered("乘客", i + 1))
        page.locator(f"#occ-{i}-temperature").fill("36.5")
        page.locator(f"#occ-{i}-temperature").press("Enter")
    count = page.locator("[data-occupant-count]")
    expect(count).to_contain_text("本车已登记60人，最多60人")
    expect(page.locator("#occ-60-id_number")).to_have_count(0)
    expect(page.locator("[data-outbox-status]")).to_contain_text("已达到该车型的人数上限（60人）")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("last-result")).to_contain_text("共60人")
    assert Passage.objects.get().persons == 60
    expect(page.locator("#occ-1-id_number")).to_have_count(0)  # ready for the next car
    expect(count).to_contain_text("本车已登记0人，最多60人")


@pytest.mark.parametrize(
    "burst",
    [
        "赵敏\t女\t汉\t19750203\t湖北省武汉市江岸区解放大道1号\t{n}\n",  # Tab, then Enter
        "赵敏\n女\n汉\n19750203\n湖北省武汉市江岸区解放大道1号\n{n}\n",  # Enter after each
        "赵敏|女|汉|1975-02-03|湖北省武汉市江岸区解放大道1号|{n}|武汉市公安局江岸分局",  # one line
        "赵敏，女，汉族，1975年02月03日，湖北省武汉市江岸区解放大道1号，{n}",  # full-width
    ],
)
def test_the_id_card_reader_fills_the_occupant(page: Page, at_register: str, burst: str) -> None:
    page.locator("#occ-0-id_number").click()
    page.keyboard.type(burst.format(n=WUHAN))
    expect(page.locator("#occ-0-id_number")).to_have_value(WUHAN)
    expect(page.locator("#occ-0-name")).to_have_value("赵敏")
    expect(page.locator("#occ-0-temperature")).to_be_focused()


def test_receipts_and_a_release_notice_scanned_into_one_car_offline(
    page: Page,
    at_register: str,
    world: World,
    g104,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    first = services.selfreg_submit(
        data=services.PassageInput(
            checkpoint=g104, direction="in", vehicle_type="bus", plate="鲁J66666",
            occupants=[services.OccupantInput(name="刘洋", id_number=LOCAL, destination="堽城镇")],
        )
    )  # fmt: skip
    second = services.selfreg_submit(
        data=services.PassageInput(
            checkpoint=g104, direction="in", vehicle_type="bus", plate="鲁J66666",
            occupants=[services.OccupantInput(name="赵敏", id_number=WUHAN, destination="堽城镇")],
        )
    )  # fmt: skip
    texts = []
    for reg in (first, second):
        payload = {"k": "receipt", "c": reg.code, "p": reg.data["plate"], "v": "bus"}
        payload["o"] = [occupant_payload(o) for o in reg.data["occupants"]]
        texts.append(f"http://x/checkpoints/register/?code={reg.code}#{scan_text(payload)}")
    released = make_id_number("370911", datetime.date(1988, 3, 3), 21, "M")
    masked = shown("document", released)
    notice = release_text("孙强", masked, datetime.date(2020, 2, 10))
    # The page's own scripts kept on the phone before the network goes (each as the page
    # names it): the reload below runs them from the phone's copy.
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    for src in scripts:
        kept(page, src)
    page.context.set_offline(True)
    page.reload()
    try:
        register_ready(page)  # the phone's copy, its scripts run
    except Exception as exc:  # say what the phone showed instead
        raise AssertionError(
            f"offline copy not ready: {page.url} {page.title()!r} {page.inner_text('body')[:300]!r}"
        ) from exc
    assert page.evaluate("t => FangkongScan.decoded(t)", texts[0])
    expect(page.locator("#occ-0-name")).to_have_value("刘洋")
    expect(page.locator("#plate_rest")).to_have_value("J66666")
    expect(page.locator("select[name=province]")).to_have_value("鲁")
    expect(page.locator("#vehicle_type")).to_have_value("bus")
    assert page.evaluate("t => FangkongScan.decoded(t)", texts[1])  # the next traveller
    assert page.evaluate("t => FangkongScan.decoded(t)", notice)
    expect(page.locator("#occ-2-name")).to_have_value("孙强")
    # The notice holds the masked number only: shown beside the field, the card's typed in;
    # offline nobody can say whether the server printed it.
    expect(page.locator("#occ-2-id_number")).to_have_value("")
    expect(page.locator("#occ-2-id_number")).to_have_attribute("placeholder", masked)
    expect(page.locator("#occ-2-id_number")).to_be_focused()
    status = page.locator("[data-scan-status]")
    expect(status).to_contain_text(f"孙强，证件号{masked}。请核对本人身份证")
    expect(status).to_contain_text("无网络，告知书未核验真伪")
    page.locator("#occ-2-id_number").fill(released)
    expect(page.get_by_test_id("flags-1")).to_contain_text("户籍地重点地区")
    # The same receipt seen again by the camera adds nobody.
    assert not page.evaluate("t => FangkongScan.decoded(t)", texts[1])
    expect(page.locator("#occ-3-name")).to_have_count(0)
    for i in range(3):
        page.locator(f"#occ-{i}-temperature").fill("36.5")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "roadside-scanned-offline.png"), full_page=True)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    page.context.set_offline(False)
    page.evaluate("FangkongOutbox.flush()")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    passage = Passage.objects.get()
    assert passage.persons == 3 and passage.source == "self"
    assert set(passage.self_registrations.values_list("code", flat=True)) == {
        first.code,
        second.code,
    }


def test_a_release_notice_is_checked_online_and_a_forged_one_is_said_to_be(
    page: Page, at_register: str
) -> None:
    """The city demo's attack: a hand-made `FK1:` text with a full ID number was taken as a
    release notice (已添加解除隔离人员). Online, the page asks the server about the seal."""
    released = make_id_number("370911", datetime.date(1988, 3, 3), 21, "M")
    masked = shown("document", released)
    genuine = release_text("孙强", masked, datetime.date(2020, 2, 10))
    forged = scan_text(
        {"k": "release", "o": [{"n": "王琳", "i": "421102199507290421"}], "r": "2020-02-02"}
    )
    status = page.locator("[data-scan-status]")
    assert page.evaluate("t => FangkongScan.decoded(t)", genuine)
    expect(status).to_contain_text("告知书已核验，为本系统签发")
    expect(status).to_contain_text("请核对本人身份证")
    assert page.evaluate("t => FangkongScan.decoded(t)", forged)
    expect(status).to_contain_text("告知书未通过核验：可能伪造或被改动")
    expect(status).to_have_class("fk-message is-error")
    expect(page.locator("#occ-1-name")).to_have_value("王琳")
    expect(page.locator("#occ-1-id_number")).to_have_value("")  # its number is not taken
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "roadside-release-forged.png"), full_page=True)


def test_the_followup_list_calls_shows_the_address_and_keeps_every_form(
    page: Page, live_server: object, world: World
) -> None:
    cases = quarantined_pair(world)
    team_assign(
        case=cases.b,
        by=world.users["station_b"],
        members=[MemberInput(kind="village_cadre", user=world.users["followup"])],
    )
    base = str(live_server)
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        signed_in_with_copy(page, base, "followup", "/cases/today/")
        page.reload()  # controlled now: the list sends each visit form to be kept
        a, b = cases.a, cases.b
        for case in (a, b):
            form = f"/cases/{case.pk}/followup/"
            kept(page, form)
        call = page.get_by_test_id(f"call-{a.pk}")
        expect(call).to_have_attribute("href", f"tel:{a.person.phone}")
        expect(page.get_by_test_id(f"address-{a.pk}")).to_contain_text(a.village.name)
        expect(page.get_by_test_id(f"next-{a.pk}")).to_contain_text("–")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "followup-today.png"), full_page=True)
        page.context.set_offline(True)
        page.goto(f"{base}/cases/{b.pk}/followup/")  # never opened: kept from the list
        expect(page.get_by_test_id("followup-form")).to_be_visible()
        page.context.set_offline(False)
        open_kept(page, base, "/cases/today/")


def test_a_traveller_opened_by_code_is_never_kept_on_the_phone(
    page: Page,
    at_register: str,
    g104,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """The fourth attack (docs/security.md): the register page opened with a traveller's
    code shows their ID number and phone in full; no cache on the phone holds that page or
    the number, while the bare page stays kept."""
    reg = selfreg_with_phone(g104)
    number = reg.data["occupants"][0]["id_number"]
    path = f"/checkpoints/register/?code={reg.code}"
    page.goto(f"{at_register}{path}")
    expect(page.locator("#occ-0-id_number")).to_have_value(number)
    # Back on the bare page (kept again, so the worker has handled what came before).
    open_kept(page, at_register, REGISTER)
    stored = page.evaluate(
        """async (number) => {
          const found = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              const text = await (await cache.match(request)).text();
              if (request.url.includes("code=") || text.includes(number)) found.push(request.url);
            }
          }
          return found;
        }""",
        number,
    )
    assert stored == []
    kept(page, REGISTER)
