"""The device checks ID numbers exactly as the server does: same verdict, same message."""

from __future__ import annotations

import datetime
import random

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from playwright.sync_api import Page, expect

from fangkong.core.idnumber import make_id_number, parse_id_number
from fangkong.core.regions import known_region_codes
from tests.browser.test_checkpoints import g104  # noqa: F401 (fixture)
from tests.browser.test_offline_records import REGISTER, signed_in_with_copy
from tests.browser.test_roadside_fast import kept
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def sample_numbers(n: int = 400) -> list[str]:
    rng = random.Random(11643)
    codes = known_region_codes()
    out: list[str] = []
    for _ in range(n):
        born = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 125))
        good = make_id_number(rng.choice(codes), born, rng.randrange(100), rng.choice("MF"))
        out.append(good)
        kind = rng.randrange(8)
        if kind == 0:  # one digit changed
            i = rng.randrange(18)
            out.append(
                good[:i] + str((int(good[i]) + 1) % 10 if good[i] != "X" else 3) + good[i + 1 :]
            )
        elif kind == 1:  # old 15-digit form
            out.append(good[:6] + good[8:17])
        elif kind == 2:  # lower-case x, spaces, dashes, full-width digits
            fw = "".join(
                chr(ord(c) + 0xFEE0) if c.isdigit() and rng.random() < 0.5 else c for c in good
            )
            out.append(f" {fw[:6]} {fw[6:14]}-{fw[14:]}".replace("X", "x"))
        elif kind == 3:  # a character dropped or added
            out.append(good[:-1] if rng.random() < 0.5 else good + "1")
    out += [
        "",
        "  ",
        "abc",
        "11010519491231002X",
        "11010519491231002x",
        "110105491231002",
        "990000199001011234",
        "37092119900230123X",
        "370921180001011234",
        "370921209901011230",
        "3709211990X1011234",
        "37092119900101123\u200b4",
        "３７０９２１１９９００１０１１２３４",
        "110105491231002X",
        "🙂",
        "370921199001011234567",
    ]
    return out


def server_verdict(value: str) -> dict[str, object]:
    try:
        parsed = parse_id_number(value)
    except ValidationError as exc:
        return {"ok": False, "code": exc.code, "message": exc.messages[0]}
    return {
        "ok": True,
        "number": parsed.number,
        "birthDate": parsed.birth_date.isoformat(),
        "sex": parsed.sex,
    }


def test_device_and_server_agree(page: Page, live_server: object) -> None:
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.add_script_tag(url=f"{base}/static/fangkong/clock.js")
    page.add_script_tag(url=f"{base}/static/fangkong/idnumber.js")
    numbers = sample_numbers()
    device = page.evaluate(
        """async (numbers) => {
            const rules = await (await fetch('/api/v1/reference/id-rules')).json();
            return numbers.map((n) => FangkongId.check(n, rules));
        }""",
        numbers,
    )
    disagreements = []
    for value, got in zip(numbers, device, strict=True):
        want = server_verdict(value)
        if got != want:
            disagreements.append((value, want, got))
    assert disagreements == []
    assert sum(1 for v in device if v["ok"]) > 300  # the sample holds plenty of both kinds
    assert sum(1 for v in device if not v["ok"]) > 80


def test_the_page_refuses_a_birth_after_the_working_day_as_the_server_does(
    page: Page,
    live_server: object,
    world: World,
    g104,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    """The demo county works on 2020-02-03 (FANGKONG_TODAY) while the phone's calendar reads
    the real date: someone "born" after the working day but before the real today is refused
    by the page's own check (offline, no server to ask), in the server's words; someone born
    on the working day itself is taken."""
    later = make_id_number("370921", datetime.date(2021, 5, 1), 12, "M")
    that_day = make_id_number("370921", datetime.date(2020, 2, 3), 14, "F")
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        with pytest.raises(ValidationError) as refused:
            parse_id_number(later)
        assert "出生日期不能晚于今天" in refused.value.messages[0]
        assert parse_id_number(that_day).birth_date == datetime.date(2020, 2, 3)
        signed_in_with_copy(page, str(live_server), "checkpoint", REGISTER)
        kept(page, "/api/v1/reference/checkpoint-rules")
        page.context.set_offline(True)
        page.locator("#occ-0-id_number").fill(later)
        expect(page.locator("#occ-0-idcheck")).to_have_text(refused.value.messages[0])
        page.locator("#occ-0-id_number").fill(that_day)
        expect(page.locator("#occ-0-idcheck")).to_contain_text("✓")
        expect(page.locator("#occ-0-idcheck")).to_contain_text("2020-02-03")
