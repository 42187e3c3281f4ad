"""The device flags a passage exactly as the server does: same flags with the same reasons,
same recommended decision, same refusals, on a generated set of passages (the register
page uses this offline)."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import Page

from fangkong.checkpoints import services
from fangkong.checkpoints.services import OccupantInput, PassageInput, passage_assess
from fangkong.core import clock
from fangkong.core.demo import SHANGHAI
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import KeyArea
from fangkong.org.models import Township, Unit, Village
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.date(2020, 2, 3)
REGIONS = ["420106", "420102", "429004", "422801", "370921", "370911", "110101", "110103", "130102"]
TEMPERATURES = [
    "36.5",
    "37.3",
    "37.25",
    "37.35",
    "36.55",
    "38",
    " 38.4 ",
    "",
    "abc",
    "45",
    "33.9",
    "+37",
]
PLACES = [
    "武汉", "湖北省孝感市", "420100", "42", "4201", "襄樊", "朝阳", "武汉市洪山区珞瑜路",
    "济南", "", "泰安市宁阳县", "不知道", "仙桃", "１１０１０１", "黄冈麻城",
]  # fmt: skip
DESTINATIONS = ["堽城镇东王庄村", "泗店", "济南市", "", "东王庄村", "堽城", "宁阳县城", "西杨村"]
PLATES = ["鄂A12345", "鄂M12345", "鲁J12345", "京A12345", "鄂a 12345", "晋A12345", "鄂Q12345"]
SYMPTOMS = [[], [], ["咳嗽"], ["发热", "乏力"]]


def sample_passages(n: int = 160, destinations: list[str] = DESTINATIONS) -> list[dict[str, Any]]:
    rng = random.Random(20200203)
    out = []
    for _ in range(n):
        occupants = []
        for _k in range(rng.randint(1, 3)):
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 60))
            number = make_id_number(rng.choice(REGIONS), born, rng.randrange(100), rng.choice("MF"))
            if rng.random() < 0.1:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")  # bad check digit
            if occupants and rng.random() < 0.1:
                number = occupants[0]["id_number"]  # the same person twice
            occupants.append(
                {
                    "name": "" if rng.random() < 0.05 else rng.choice(["赵敏", "刘洋", "陈刚"]),
                    "id_number": number,
                    "phone": "",
                    "temperature": rng.choice(TEMPERATURES),
                    "origin": rng.choice(PLACES),
                    "destination": rng.choice(destinations),
                    "travel_history": rng.sample(PLACES, rng.randint(0, 2)),
                    "symptoms": rng.choice(SYMPTOMS),
                    "decision": "",
                }
            )
        out.append({"plate": rng.choice(PLATES), "vehicle_type": "car", "occupants": occupants})
    # More people than the vehicle type holds (models.VEHICLE_SEATS): refused on both.
    riders = [
        {**out[0]["occupants"][0], "name": "赵敏", "temperature": "36.5", "symptoms": [],
         "id_number": make_id_number("370921", datetime.date(1990, 1, 1), k, "M")}
        for k in range(4)
    ]  # fmt: skip
    out.append({"plate": "鲁J12345", "vehicle_type": "motorcycle", "occupants": riders})
    # Symptoms not on the list (core.symptoms.known_symptoms, the served list): refused on
    # both, each named; a known one given twice flags once.
    for symptoms in (["foo"], ["咳嗽", "头晕", "咳嗽\u202e"], ["咳嗽", "咳嗽"]):
        out.append({**out[1], "occupants": [{**out[1]["occupants"][0], "symptoms": symptoms}]})
    # Names (core.text.name_error, served as rules.names): refused alike on both, each
    # naming the character; real names, a minority's and a foreigner's, kept alike.
    for name in (
        "张三2", "-1", "<b>李四</b>", "·", "\u202e赵敏", "张\u0301三", "赵" * 51,
        "阿依古丽·买买提", "J. R. R. Tolkien", "O’Brien",
    ):  # fmt: skip
        out.append({**out[1], "occupants": [{**out[1]["occupants"][0], "name": name}]})
    return out


def server_verdict(checkpoint: Any, passage: dict[str, Any]) -> dict[str, Any]:
    at = datetime.datetime.combine(DAY, datetime.time(10), SHANGHAI)
    data = PassageInput(
        checkpoint=checkpoint,
        direction="in",
        vehicle_type=passage["vehicle_type"],
        plate=passage["plate"],
        occurred_at=at,
        occupants=[OccupantInput(**o) for o in passage["occupants"]],
    )
    try:
        with clock.held(at):  # registered as it passed (FANGKONG_PASSAGE_LATE_DAYS)
            assessed = passage_assess(data=data, require_temperature=True)
    except ValidationError as exc:
        return {"errors": exc.message_dict}
    return {
        "errors": {},
        "occupants": [
            {"flags": [f.as_dict() for f in o.flags], "recommended": o.recommended}
            for o in assessed.occupants
        ],
    }


def test_device_and_server_flag_alike(page: Page, live_server: object, world: World) -> None:
    KeyArea.objects.create(
        prefix="4201",
        name="武汉",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2020, 2, 1),
    )
    KeyArea.objects.create(prefix="110101", name="东城", valid_from=datetime.date(2020, 2, 3))
    KeyArea.objects.create(prefix="1301", name="石家庄", valid_from=datetime.date(2020, 2, 4))
    cp = services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104", opened_on=DAY, by=None
    )
    disagreements, flagged, refused = compare(page, live_server, cp, sample_passages(), "")
    assert disagreements == []
    assert flagged > 40 and refused > 20  # the sample holds plenty of both kinds


def compare(
    page: Page, live_server: object, cp: Any, passages: list[dict[str, Any]], area: str
) -> tuple[list[Any], int, int]:
    """The device's verdicts on `passages` at a checkpoint of `area` against the server's."""
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.add_script_tag(url=f"{base}/static/fangkong/clock.js")
    page.add_script_tag(url=f"{base}/static/fangkong/idnumber.js")
    page.add_script_tag(url=f"{base}/static/checkpoints/roadside.js")
    device = page.evaluate(
        """async ([passages, day, area]) => {
            const rules = await (await fetch('/api/v1/reference/checkpoint-rules')).json();
            const idRules = await (await fetch('/api/v1/reference/id-rules')).json();
            return passages.map((p) => FangkongRoadside.assess(p, rules, idRules,
                                                               {requireTemperature: true, day, area}));
        }""",
        [passages, DAY.isoformat(), area],
    )
    disagreements = []
    flagged = refused = 0
    for passage, got in zip(passages, device, strict=True):
        want = server_verdict(cp, passage)
        if want["errors"]:
            refused += 1
            # Plates and phone numbers are the server's alone.
            expected = {k: v for k, v in want["errors"].items() if k != "plate"}
            if got["errors"] != expected:
                disagreements.append((passage, want, got))
        elif got["errors"] or got["occupants"] != want["occupants"]:
            disagreements.append((passage, want, got))
        else:
            flagged += any(o["flags"] for o in want["occupants"])
    return disagreements, flagged, refused


def test_in_a_city_the_device_reads_its_checkpoints_county(
    page: Page, live_server: object, world: World, settings: Any
) -> None:
    """A city installation (泰安市): at a checkpoint of 宁阳, a destination in 东平 — its
    township, short name, a village only it has, a village name both share, the county —
    is not "in the county" on the device exactly as on the server."""
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "3709"}
    KeyArea.objects.create(prefix="4201", name="武汉", valid_from=datetime.date(2020, 1, 1))
    ningyang = world.bureau
    Unit.objects.filter(pk=ningyang.pk).update(area_code="370921")
    ningyang.area_code = "370921"
    dongping = Unit.objects.create(name="东平县公安局", kind=Unit.Kind.BUREAU, area_code="370923")
    town = Township.objects.create(
        code="370923001", name="州城街道", kind="subdistrict", station=None
    )
    Village.objects.create(township=town, name="东平独有村")
    Village.objects.create(township=town, name="东王庄村")  # 宁阳's 堽城镇 has one too
    for code in ["370921", "370923"]:  # a name both counties have (unique per county)
        Township.objects.create(code=f"{code}099", name="新城街道", kind="subdistrict")
    destinations = [
        *DESTINATIONS, "州城街道", "东平县州城", "东平独有村", "东平县", "东王庄村", "泰安市",
        "新城街道", "新城",
    ]  # fmt: skip
    going = {**sample_passages(1)[0]["occupants"][0], "name": "周行", "temperature": "36.5"}
    going["id_number"] = make_id_number("420106", datetime.date(1990, 1, 1), 7, "M")
    going["symptoms"] = []
    to_dongping = [
        {"plate": "鄂A12345", "vehicle_type": "car", "occupants": [{**going, "destination": d}]}
        for d in ["州城街道", "东平县州城", "东平独有村", "东平县"]
    ]
    for unit, area, code, there in [
        (ningyang, "370921", "NY1", "turn_back"),
        (dongping, "370923", "DP1", "quarantine"),
    ]:
        cp = services.checkpoint_create(
            code=code, name=f"{code}检查站", road="G104", opened_on=DAY, unit=unit, by=None
        )
        passages = [*sample_passages(120, destinations), *to_dongping]
        disagreements, flagged, _refused = compare(page, live_server, cp, passages, area)
        assert disagreements == []
        assert flagged > 30
        for p in to_dongping:
            assert server_verdict(cp, p)["occupants"][0]["recommended"] == there, p
