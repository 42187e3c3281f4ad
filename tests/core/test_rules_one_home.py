"""One home per rule (issue 15): the same input through every entry point gets the same
verdict — the checkpoint register page, the passages API, the follow-up page and API, a
pushed list's row, and the offline rules table as the device applies it (roadside.js run
by node over the JSON the server serves).

Before issue 15 each of these disagreed somewhere: 42.8 ℃ passed at a checkpoint and was
refused at a follow-up (34.0–43.0 against 34.0–42.5); a county resident in a 鄂A car with no
destination was sent back (劝返) instead of home; "not in the future" allowed 10 minutes
here and 5 there; a joined case filled its missing details one way from a checkpoint and
another way from a list."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.checkpoints.models import Occupant, Passage
from fangkong.command import services as command_services
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from fangkong.core.moments import CLOCK_SKEW
from fangkong.org.models import Township, Village
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_find_or_create
from fangkong.quarantine.models import Alert, FollowUp, QuarantineCase
from fangkong.quarantine.services import case_refer
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (fixture)
from tests.checkpoints.test_api import post, token_for
from tests.conftest import ClockAt, World
from tests.quarantine.conftest import Cases, cases  # noqa: F401 (fixture)
from tests.quarantine.import_files import HEADERS, write_xlsx
from tests.quarantine.test_imports import run

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src" / "fangkong" / "static"
RESIDENT = make_id_number("370921", datetime.date(1988, 6, 6), 12, "M")  # 宁阳县
VISITOR = make_id_number("370911", datetime.date(1985, 3, 3), 21, "F")  # 岱岳区
WHEN = "2020-01-28T10:15:00+08:00"
DAY = "2020-01-28"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------- the entry points


def page_check(site: Posts, plate: str = "鄂A12345", **occupant: str) -> str:
    """The register page's 核查 (check, nothing saved): its HTML."""
    form = {
        "n": "1", "province": plate[0], "plate_rest": plate[1:], "vehicle_type": "car",
        "direction": "in", "action": "check", "occ-0-temperature": "36.5",
    }  # fmt: skip
    form.update({f"occ-0-{k}": v for k, v in occupant.items()})
    response = site.world.client("checkpoint").post("/checkpoints/register/", form)
    assert response.status_code in (200, 422)
    return response.content.decode()


def api_register(site: Posts, token: str, *, plate: str = "鄂A12345", **occupant: Any) -> Any:
    if isinstance(occupant.get("temperature"), str):  # the API takes a JSON number
        occupant = {**occupant, "temperature": float(occupant["temperature"])}
    data = {
        "client_id": str(uuid.uuid4()), "checkpoint": "G104N", "direction": "in",
        "occurred_at": WHEN, "plate": plate, "vehicle_type": "car", "occupants": [occupant],
    }  # fmt: skip
    with clock.held(datetime.datetime.fromisoformat(WHEN)):  # registered as the car passes
        return post(Client(), data, token)


def offline_assess(passage: dict[str, Any]) -> dict[str, Any]:
    """roadside.js, as the register page runs it without a network, over the rules table
    and the ID rules the server serves (what the device keeps)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    rules = Client().get("/api/v1/reference/checkpoint-rules").json()
    id_rules = Client().get("/api/v1/reference/id-rules").json()
    script = (
        "global.window = global;"
        "const fs = require('fs');"
        f"eval(fs.readFileSync({json.dumps(str(STATIC / 'fangkong' / 'clock.js'))}, 'utf8'));"
        f"eval(fs.readFileSync({json.dumps(str(STATIC / 'fangkong' / 'idnumber.js'))}, 'utf8'));"
        f"eval(fs.readFileSync({json.dumps(str(STATIC.parent / 'checkpoints' / 'static' / 'checkpoints' / 'roadside.js'))}, 'utf8'));"
        "const input = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "const out = window.FangkongRoadside.assess(input.passage, input.rules, input.idRules,"
        " {requireTemperature: true, day: input.day});"
        "process.stdout.write(JSON.stringify(out));"
    )
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"passage": passage, "rules": rules, "idRules": id_rules, "day": DAY}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def followup_page(world: World, case: QuarantineCase, temperature: str) -> tuple[int, str]:
    client = world.client("followup")
    page = client.get(f"/cases/{case.pk}/followup/").content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f-]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        f"/cases/{case.pk}/followup/",
        {
            "temperature": temperature,
            "at_home": "1",
            "visited_at": "2020-02-03T09:30",
            "client_id": client_id,
        },
    )
    return response.status_code, response.content.decode()


def followup_api(world: World, case: QuarantineCase, temperature: str, at: str) -> Any:
    return world.client("followup").post(
        f"/api/v1/cases/{case.pk}/followups",
        json.dumps({"temperature": float(temperature), "at_home": True, "visited_at": at}),
        content_type="application/json",
    )


# ---------------------------------------------------------------- temperature


def test_temperature_one_range_and_one_fever_everywhere(
    posts: Posts,  # noqa: F811
    cases: Cases,  # noqa: F811
    clock_at: ClockAt,
) -> None:
    # After the last visit below (2020-02-04 18:30); the cars are registered as they pass
    # (api_register: passage_assess takes recent cars only).
    clock_at("23:00", datetime.date(2020, 2, 4))
    world = posts.world
    token = token_for(posts)
    who = {"name": "周杰", "id_number": VISITOR, "destination": "堽城镇"}
    plate = "鲁J12345"  # no key area: the temperature's flag alone

    # 42.8 ℃: a high fever, accepted and flagged at every entry point.
    html = page_check(posts, plate, **who, temperature="42.8")
    assert "体温42.8℃，达到发热标准37.3℃" in html and "须在" not in html
    r = api_register(posts, token, plate=plate, **who, temperature=42.8)
    assert r.status_code == 201, r.content
    occupant = r.json()["occupants"][0]
    assert [f["code"] for f in occupant["flags"]] == ["fever"]
    assert occupant["recommended"] == "medical"
    offline = offline_assess({"plate": plate, "occupants": [{**who, "temperature": "42.8"}]})
    assert offline["errors"] == {}
    assert [f["code"] for f in offline["occupants"][0]["flags"]] == ["fever"]
    assert offline["occupants"][0]["recommended"] == "medical"
    status, html = followup_page(world, cases.a, "42.8")
    assert status in (200, 302) and "须在" not in html
    r = followup_api(world, cases.a, "42.8", "2020-02-04T09:30:00+08:00")
    assert r.status_code == 201, r.content
    assert FollowUp.objects.filter(temperature="42.8").count() == 2
    assert Alert.objects.filter(kind="fever", detail="体温42.8℃").count() == 2

    # 43.1 ℃: refused everywhere, naming the field, by the same words.
    refusal = "第1位乘车人体温：须在34.0至43.0℃之间"
    assert refusal in page_check(posts, plate, **who, temperature="43.1")
    r = api_register(posts, token, plate=plate, **who, temperature=43.1)
    assert r.status_code == 422
    assert {"field": "occupants.0.temperature", "msg": refusal} in r.json()["detail"]
    offline = offline_assess({"plate": plate, "occupants": [{**who, "temperature": "43.1"}]})
    assert offline["errors"] == {"occupants.0.temperature": [refusal]}
    status, html = followup_page(world, cases.a, "43.1")
    assert status == 422 and "体温：须在34.0至43.0℃之间" in html
    r = followup_api(world, cases.a, "43.1", "2020-02-04T18:30:00+08:00")
    assert r.json()["detail"] == [{"field": "temperature", "msg": "体温：须在34.0至43.0℃之间"}]
    assert Passage.objects.count() == 1 and FollowUp.objects.count() == 2

    # The table devices flag by is the rule's own.
    rules = Client().get("/api/v1/reference/checkpoint-rules").json()
    assert rules["temperature_range"] == ["34.0", "43.0"] and rules["fever_threshold"] == "37.3"


# ---------------------------------------------------------------- places


def test_a_county_resident_in_a_hubei_car_goes_home_everywhere(posts: Posts) -> None:  # noqa: F811
    """370921… in a 鄂A car, no destination given: a destination in the county (居家隔离)."""
    token = token_for(posts)
    resident = {"name": "刘洋", "id_number": RESIDENT, "temperature": "36.5"}
    visitor = {"name": "周杰", "id_number": VISITOR, "temperature": "36.5"}
    page = page_check(posts, **resident)
    assert re.search(r'value="quarantine" selected>[^<]*（建议）', page), page
    page = page_check(posts, **visitor)
    assert re.search(r'value="turn_back" selected>[^<]*（建议）', page)
    r = api_register(posts, token, **resident)
    assert r.status_code == 201 and r.json()["occupants"][0]["recommended"] == "quarantine"
    r = api_register(posts, token, **visitor)
    assert r.status_code == 201 and r.json()["occupants"][0]["recommended"] == "turn_back"
    offline = offline_assess({"plate": "鄂A12345", "occupants": [resident, visitor]})
    assert [o["recommended"] for o in offline["occupants"]] == ["quarantine", "turn_back"]
    # A destination named outside the county is outside, whoever goes there.
    away = {**resident, "destination": "济南市"}
    r = api_register(posts, token, **away)
    assert r.json()["occupants"][0]["recommended"] == "turn_back"
    offline = offline_assess({"plate": "鄂A12345", "occupants": [away]})
    assert offline["occupants"][0]["recommended"] == "turn_back"


@pytest.mark.parametrize(
    ("address", "township", "village"),
    [
        ("山东省泰安市宁阳县堽城镇东王庄村3组", "堽城镇", "东王庄村"),  # a full address
        ("宁阳县堽城东王庄村", "堽城镇", "东王庄村"),  # the township's short name
        ("西杨村5号", "泗店镇", "西杨村"),  # a village unique in the county
        ("泗店镇东王庄村", "泗店镇", None),  # a village of another township
    ],
)
def test_an_address_lands_in_the_same_township_and_village_everywhere(
    posts: Posts,  # noqa: F811
    tmp_path: Path,
    address: str,
    township: str,
    village: str | None,
) -> None:
    token = token_for(posts)
    world = posts.world
    wuhan = make_id_number("420106", datetime.date(1979, 4, 4), 33, "F")
    r = api_register(posts, token, name="赵敏", id_number=wuhan, destination=address)
    assert r.status_code == 201
    occ = Occupant.objects.get(pk__in=Passage.objects.get().occupants.values("pk"))
    case_by_checkpoint = QuarantineCase.objects.get(person__id_number=wuhan)
    page = page_check(posts, name="赵敏", id_number=wuhan, destination=address)
    assert re.search(r'value="quarantine" selected>[^<]*（建议）', page)
    other = make_id_number("420106", datetime.date(1979, 4, 5), 35, "M")
    li = run(
        world,
        write_xlsx(
            tmp_path / "list.xlsx",
            [[1, "钱多", other, "13800000009", address, "武汉", datetime.date(2020, 1, 22), ""]],
            headers=HEADERS,
        ),
    )
    assert li.counts["new_cases"] == 1
    case_by_list = QuarantineCase.objects.get(person__id_number=other)
    expected = (
        Township.objects.get(name=township).pk,
        Village.objects.get(name=village, township__name=township).pk if village else None,
    )
    assert (occ.destination_township_id, case_by_checkpoint.village_id) == expected
    assert (case_by_checkpoint.township_id, case_by_checkpoint.village_id) == expected
    assert (case_by_list.township_id, case_by_list.village_id) == expected


# ---------------------------------------------------------------- time tolerance


def test_not_in_the_future_allows_the_same_clock_skew_everywhere(
    posts: Posts,  # noqa: F811
    cases: Cases,  # noqa: F811
) -> None:
    world = posts.world
    token = token_for(posts)
    slack, beyond = (
        CLOCK_SKEW - datetime.timedelta(minutes=1),
        CLOCK_SKEW + datetime.timedelta(minutes=1),
    )
    verdicts: dict[str, list[bool]] = {}

    def passage(ahead: datetime.timedelta) -> bool:
        data = {
            "client_id": str(uuid.uuid4()), "checkpoint": "G104N", "direction": "in",
            "occurred_at": (clock.now() + ahead).isoformat(), "plate": "鲁J12345",
            "vehicle_type": "car", "occupants": [{"name": "刘洋", "id_number": RESIDENT}],
        }  # fmt: skip
        return post(Client(), data, token).status_code == 201

    def visit(ahead: datetime.timedelta) -> bool:
        at = (clock.now() + ahead).isoformat()
        return followup_api(world, cases.a, "36.5", at).status_code == 201

    def task(ahead: datetime.timedelta) -> bool:
        try:
            command_services.task_assign(
                title="核查返乡人员",
                deadline=clock.now() + datetime.timedelta(days=1),
                unit=world.station_a,
                by=world.users["command"],
                at=clock.now() + ahead,
            )
        except ValidationError:
            return False
        return True

    for name, entry in (("passage", passage), ("followup", visit), ("task", task)):
        verdicts[name] = [entry(slack), entry(beyond)]
    assert verdicts == {name: [True, False] for name in verdicts}


# ---------------------------------------------------------------- case filling


def test_a_joined_case_is_filled_alike_from_a_checkpoint_and_from_a_list(
    world: World, tmp_path: Path
) -> None:
    """Two people with open cases that know nothing yet; the same details arrive for one
    by a referral (a checkpoint's, through case_refer) and for the other by a list's row."""
    people = []
    for i, name in enumerate(["甲某", "乙某"]):
        number = make_id_number("420106", datetime.date(1970, 1, 1 + i), 40 + i, "M")
        person, _created = person_find_or_create(
            data=PersonInput(name=name, id_number=number, phone=f"1380000010{i}"), by=None
        )
        case_refer(person=person, source="checkpoint", by=None)
        people.append(person)
    township, village = world.township_a, world.village_a
    case_refer(
        person=people[0],
        source="checkpoint",
        by=None,
        came_from_code="420100",
        came_from="武汉",
        arrival_date=datetime.date(2020, 1, 22),
        township=township,
        village=village,
    )
    li = run(
        world,
        write_xlsx(
            tmp_path / "list.xlsx",
            [[1, "乙某", people[1].id_number, "13800000101", "堽城镇东王庄村", "武汉",
              datetime.date(2020, 1, 22), ""]],
            headers=HEADERS,
        ),
    )  # fmt: skip
    assert li.counts["joined"] == 1

    def details(person: Person) -> tuple[Any, ...]:
        case = QuarantineCase.objects.get(person=person)
        return (
            case.came_from_code, case.came_from, case.arrival_date,
            case.township_id, case.village_id, case.station_id,
        )  # fmt: skip

    assert details(people[0]) == details(people[1])
    assert details(people[0]) == (
        "420100", "武汉", datetime.date(2020, 1, 22),
        township.pk, village.pk, township.station_id,
    )  # fmt: skip
