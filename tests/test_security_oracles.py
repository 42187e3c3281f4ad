"""Leftovers of issue 14's trust review, each an attack with real in-scope and out-of-scope
records: a passage's person id, another station's ID number typed into the person form,
the person file's passages at another unit's checkpoint, and old audit entries' names."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from fangkong.checkpoints import services as cp_services
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.audit import audit_record
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.medical import services as medical_services
from fangkong.medical.models import ContactLink
from fangkong.people.models import Person
from fangkong.quarantine import services as quarantine_services
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (the fixture)
from tests.checkpoints.test_api import token_for
from tests.conftest import World
from tests.medical.conftest import TODAY, County, county, resident  # noqa: F401

pytestmark = pytest.mark.django_db


def _post_passage(
    client: Client,
    person: Person,
    *,
    also: tuple[tuple[str, Person], ...] = (),
    at: str = "2020-01-28T10:15:00+08:00",
    **headers: str,
) -> Any:
    """A passage of `person` and, after them, `also`: (the name typed, whose ID number)."""
    occupants = [(person.name, person), *also]
    data = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": "G104N",
        "direction": "in",
        "occurred_at": at,
        "plate": "鲁J12345",
        "vehicle_type": "car",
        "occupants": [
            {"name": name, "id_number": p.id_number, "temperature": 36.5} for name, p in occupants
        ],
    }
    return client.post(
        "/api/v1/passages", json.dumps(data), content_type="application/json", **headers
    )


# ------------------------------------------------------------ (a) a passage's person id


def test_a_passage_names_no_record_id_of_a_person_the_caller_may_not_see(
    posts: Posts,  # noqa: F811
) -> None:
    """Registering 赵丽's number (泗店's) at G104 must not hand back her record's id: an old
    id says "this number is on file" and the id is the key to everything else about her."""
    world = posts.world
    person_b = world.person_b
    token = token_for(posts)
    for client, headers in (
        (Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        (world.client("checkpoint"), {}),
    ):
        made = _post_passage(client, person_b, **headers)
        assert made.status_code == 201, made.content
        assert [o["person_id"] for o in made.json()["occupants"]] == [None]
        listed = client.get("/api/v1/passages", **headers).json()["items"]
        assert all(o["person_id"] is None for p in listed for o in p["occupants"])
        page = world.client("checkpoint").get(f"/checkpoints/passages/{made.json()['id']}/")
        assert page.status_code == 200
        assert f"/trajectory/person/{person_b.pk}/" not in page.content.decode()
    # Whoever may read her record (the command centre) gets the id and the link.
    listed = world.client("command").get("/api/v1/passages").json()["items"]
    assert {o["person_id"] for p in listed for o in p["occupants"]} == {person_b.pk}
    passage_id = listed[0]["id"]
    page = world.client("command").get(f"/checkpoints/passages/{passage_id}/").content.decode()
    assert f"/trajectory/person/{person_b.pk}/" in page


# ------------------------------------------------- (b) another station's ID number typed


@pytest.fixture
def three_a_minute(settings: Any) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "SEARCH_RATE": 3}


@pytest.mark.usefixtures("three_a_minute")
def test_typing_another_stations_id_number_is_counted_and_audited_like_a_search(
    world: World,
) -> None:
    client = world.client("station_a")
    form = {
        "name": "试探",
        "doc_type": "id_card",
        "id_number": world.person_b.id_number,
        "township": world.township_a.pk,
    }
    for _ in range(3):
        page = client.post("/people/new/", form)
        assert "该证件号码已在其他单位辖区登记" in page.content.decode()
    refused = client.post("/people/new/", form)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "查询过于频繁" in text and "该证件号码已在其他单位辖区登记" not in text
    # Each answer "on file elsewhere" is in the trail: who asked, about which record,
    # without the name or the number.
    entries = AuditEntry.objects.filter(action="lookup", actor=world.users["station_a"])
    assert entries.count() == 3
    assert {e.object_id for e in entries} == {str(world.person_b.pk)}
    for e in entries:
        shown = json.dumps([e.object_repr, e.changes], ensure_ascii=False)
        assert "赵丽" not in shown and str(world.person_b.id_number) not in shown
    # The same limit as the search box: the person list's search is refused now too.
    assert client.get("/people/", {"q": "13853801234"}).status_code == 429
    # Another user is not affected.
    assert world.client("command").get("/people/", {"q": "zs"}).status_code == 200


@pytest.mark.usefixtures("three_a_minute")
def test_the_transfer_form_is_no_faster_an_oracle_than_the_search_box(world: World) -> None:
    """Found by the demo attack: 申请移交 answered "该证件号码尚未登记" for a number nobody
    has and made a request for a number on file elsewhere, as often as asked."""
    client = world.client("station_a")
    answers = []
    for n in range(4):
        number = make_id_number("370921", datetime.date(1966, 6, 6), 70 + n, "M")
        response = client.post(
            "/people/transfers/new/",
            {
                "name": "试探", "doc_type": "id_card", "id_number": number,
                "township": world.township_a.pk, "reason": "已迁入本辖区居住",
            },
        )  # fmt: skip
        answers.append((response.status_code, "该证件号码尚未登记" in response.content.decode()))
    assert answers == [(200, True)] * 3 + [(429, False)]


# ------------------------------- (d) the person file's passages at another unit's checkpoint


def test_a_station_sees_its_persons_passages_anywhere_without_the_other_units_officers(
    posts: Posts,  # noqa: F811
) -> None:
    """张三 (堽城's) passed S244, 泗店's checkpoint: 堽城 sees the passage on his file (where
    its own person went is its work) but not who registered him there, and cannot open
    the other unit's passage."""
    world = posts.world
    registrar = world.users["station_b"]  # 泗店's officer, registering at 泗店's S244
    registrar.display_name = "泗店民警孙立"
    registrar.save(update_fields=["display_name"])
    passage, _ = cp_services.passage_register(
        data=PassageInput(
            checkpoint=posts.other, direction="in", vehicle_type="car", plate="鲁J54321",
            occurred_at=datetime.datetime.fromisoformat("2020-01-28T09:00:00+08:00"),
            occupants=[OccupantInput(
                name="张三", id_number=world.person_a.id_number or "", temperature="36.4",
            )],
        ),
        by=registrar,
    )  # fmt: skip
    assert passage.registered_by == registrar
    client = world.client("station_a")
    response = client.get(f"/people/{world.person_a.pk}/")
    html = response.content.decode()
    assert response.context["file"].passages.total == 1
    assert posts.other.name in html and "鲁J54321" in html
    assert "孙立" not in html and "泗店民警" not in html
    assert f"/checkpoints/passages/{passage.pk}/" not in html
    assert client.get(f"/checkpoints/passages/{passage.pk}/").status_code == 403
    api = client.get(f"/api/v1/persons/{world.person_a.pk}").json()
    assert [p["checkpoint"] for p in api["passages"]] == [posts.other.name]
    assert "孙立" not in json.dumps(api, ensure_ascii=False)


# ------------------------------------------------------- (e) old audit entries' names


def test_the_audit_page_shows_no_personal_data_of_old_entries(world: World) -> None:
    """Entries written before the trail masked its labels carry a name, an ID number and a
    phone in full; the administrator reads the trail without the reveal right."""
    person = world.person_a
    number = person.id_number or ""
    audit_record(
        actor=world.users["station_a"], action="update", object_type="people.person",
        object_id=str(person.pk), object_repr=f"张三 {number}",
        changes={
            "name": ["张三", "张三丰"], "phone": ["13853801234", "13900001111"],
            "id_number": [None, number], "address_detail": ["", "东王庄村12号"],
        },
    )  # fmt: skip
    audit_record(
        actor=world.users["checkpoint"], action="create", object_type="checkpoints.passage",
        object_id="1", object_repr=f"鲁J12345 张三 {number} 13853801234",
        changes={"occupant": f"张三 {number} 13853801234"},
    )  # fmt: skip
    page = world.client("auditor").get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    for secret in (number, "13853801234", "13900001111", "张三丰", "12号", number[6:14]):
        assert secret not in html, secret
    assert "张*" in html and "张**" in html


# ------------------------------------------- (f) a contact outside the caller's jurisdiction


def test_a_contact_outside_the_callers_jurisdiction_is_named_by_no_id(
    county: County,  # noqa: F811
) -> None:
    """周五 (泗店's, with an open case there) rode with 张三 (堽城's). 堽城 sees that a contact
    exists, masked, and can refer it; but no id of hers or of her case, in the API, the
    contacts page, its referral form or the chain: an id is the key to everything else."""
    w = county.world
    stranger = resident(w, "周五", 5, b=True)
    case, _ = medical_services.quarantine.case_refer(person=stranger, source="station", by=None)
    county.passage(TODAY - datetime.timedelta(days=1), [w.person_a, stranger])
    client = w.client("station_a")
    secrets = (stranger.name, stranger.id_number or "", stranger.phone)

    body = client.get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()
    [item] = body["items"]
    assert item["visible"] is False and item["name"] == "周*"
    assert item["person_id"] is None and item["case_id"] is None
    assert item["status"] == "outside"  # whether another unit holds a case for her: not said
    shown = json.dumps(body, ensure_ascii=False)
    assert not any(s in shown for s in secrets)

    html = client.get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    assert f"/people/{stranger.pk}/" not in html and f"/cases/{case.pk}/" not in html
    assert f"核查对象 #{case.pk}" not in html and not any(s in html for s in secrets)
    [key] = re.findall(r'name="contact" value="([^"]*)"', html)
    assert str(stranger.pk) not in key.split("-")  # opaque: not her id under any separator

    chain = client.get(f"/people/{w.person_a.pk}/contacts/chain/").content.decode()
    data = json.loads(re.search(r'id="md-chain-data"[^>]*>(.*?)</script>', chain, re.S)[1])
    assert str(stranger.pk) not in {n["id"] for n in data["nodes"]}
    assert not any(s in chain for s in secrets)

    # The old form of the action, her id and relation, refers nobody; the row's key does.
    made_up = client.post(
        f"/people/{w.person_a.pk}/contacts/refer/",
        {"contact": f"{stranger.pk}-vehicle"},
        follow=True,
    )
    assert not ContactLink.objects.exists()
    # Refused naming the field, not said as "none to refer" (the seventh attack).
    page = made_up.content.decode()
    assert "密切接触者：所选的人不在当前名单中" in page and "没有需要转核查" not in page
    # A key from another user's page refers nobody for this one.
    other = w.client("command").get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    [other_key] = re.findall(r'name="contact" value="([^"]*)"', other)
    assert other_key != key
    client.post(f"/people/{w.person_a.pk}/contacts/refer/", {"contact": other_key})
    assert not ContactLink.objects.exists()
    client.post(f"/people/{w.person_a.pk}/contacts/refer/", {"contact": key})
    link = ContactLink.objects.get()
    assert (link.contact_id, link.case_id, link.referred_by) == (
        stranger.pk, case.pk, w.users["station_a"],
    )  # fmt: skip
    # Whoever may open her record (the command centre) gets both ids.
    [item] = w.client("command").get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"]
    assert (item["person_id"], item["case_id"]) == (stranger.pk, case.pk)


def test_a_contact_outside_the_callers_jurisdiction_shows_no_health_status(
    county: County,  # noqa: F811
) -> None:
    """周六 (泗店's) rode with 张三 (堽城's) and has since gone to hospital. 堽城 learns that
    someone reaches her (已转核查: no need to refer her again), not that she is at hospital:
    where a person the caller may not open is, is a health fact of hers (a black-box attack
    on the city demo read 已送医 and 隔离中 of other stations' people off the contacts API)."""
    w = county.world
    stranger = resident(w, "周六", 6, b=True)
    case, _ = medical_services.quarantine.case_refer(person=stranger, source="station", by=None)
    quarantine_services.case_transition(
        case=case, to="hospital", by=w.users["command"], reason="发热送医"
    )
    county.passage(TODAY - datetime.timedelta(days=1), [w.person_a, stranger])

    station = w.client("station_a")
    [item] = station.get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"]
    assert (item["visible"], item["status"]) == (False, "outside")
    html = station.get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    assert "非本辖区" in html and "已送医" not in html and "已转核查" not in html
    chain = station.get(f"/people/{w.person_a.pk}/contacts/chain/").content.decode()
    data = json.loads(re.search(r'id="md-chain-data"[^>]*>(.*?)</script>', chain, re.S)[1])
    assert "hospital" not in {n["status"] for n in data["nodes"]}

    # Whoever may open her record sees where she is.
    command = w.client("command")
    [item] = command.get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"]
    assert (item["visible"], item["status"]) == (True, "hospital")


# ------------------------------------------------ (g) the checkpoint's trajectory link


def test_the_checkpoint_follows_a_trajectory_by_the_passage_not_the_person(
    posts: Posts,  # noqa: F811
) -> None:
    """The passage page's 行程轨迹 link carried the person's record id, so the checkpoint
    lost it (a). It is back, keyed by the passage and the seat: the checkpoint sees where
    it registered that person, masked, under the name it recorded; a passage it may not
    see is refused like the passage itself, and the person's id opens nothing."""
    world = posts.world
    person_b = world.person_b
    client = world.client("checkpoint")
    first = _post_passage(client, person_b)
    second = _post_passage(client, person_b)
    assert first.status_code == second.status_code == 201
    page = client.get(f"/checkpoints/passages/{second.json()['id']}/").content.decode()
    link = f"/checkpoints/passages/{second.json()['id']}/trajectory/0/"
    assert link in page and f"/trajectory/person/{person_b.pk}/" not in page
    trail = client.get(link)
    assert trail.status_code == 200
    html = trail.content.decode()
    assert html.count("/checkpoints/passages/") >= 2  # both of its registrations, linked
    assert f"/checkpoints/passages/{first.json()['id']}/" in html
    number = person_b.id_number or ""
    assert number not in html and number[6:14] not in html and person_b.phone not in html
    assert f"/people/{person_b.pk}/" not in html
    # No such seat; a passage of another checkpoint (S244, 泗店's); the person's id.
    assert client.get(link.replace("/0/", "/1/")).status_code == 404
    assert client.get(link.replace("/0/", "/999999999999999999/")).status_code == 404
    other, _ = cp_services.passage_register(
        data=PassageInput(
            checkpoint=posts.other, direction="in", vehicle_type="car", plate="鲁J54321",
            occurred_at=datetime.datetime.fromisoformat("2020-01-28T09:00:00+08:00"),
            occupants=[OccupantInput(name="赵丽", id_number=number, temperature="36.4")],
        ),
        by=None,
    )  # fmt: skip
    refused = client.get(f"/checkpoints/passages/{other.pk}/trajectory/0/")
    assert refused.status_code == client.get(f"/checkpoints/passages/{other.pk}/").status_code
    assert refused.status_code in (403, 404) and "赵丽" not in refused.content.decode()
    assert client.get(f"/checkpoints/trajectory/person/{person_b.pk}/").status_code == 404
    # The command centre (may open her record) gets the same page by either road.
    command = world.client("command")
    for url in (link, f"/checkpoints/trajectory/person/{person_b.pk}/"):
        shown = command.get(url)
        assert shown.status_code == 200 and "赵丽" in shown.content.decode()
        assert f"/checkpoints/passages/{other.pk}/" in shown.content.decode()


def test_a_contact_outside_the_callers_jurisdiction_shows_only_what_the_caller_holds(
    county: County,  # noqa: F811
) -> None:
    """The city demo's attack: the checkpoint registers 张三 (堽城's) with two co-occupants
    typed as "随便写" but with the ID numbers of 泗店's 李七 (no case) and 史八 (an open case).
    堽城's station read their surnames off 泗店's records (李**, 史**) and found vs referred
    told which of them has an open case. It sees what its own records hold: the name as
    typed at the passage, masked, and one status for both (非本辖区) — and can still refer."""
    w = county.world
    li = resident(w, "李七七", 7, b=True)
    shi = resident(w, "史八八", 8, b=True)
    medical_services.quarantine.case_refer(person=shi, source="station", by=None)
    made = _post_passage(
        w.client("checkpoint"),
        w.person_a,
        also=(("随便写", li), ("随便写", shi)),
        at="2020-02-02T10:15:00+08:00",
    )
    assert made.status_code == 201, made.content
    station = w.client("station_a")

    items = station.get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"]
    assert [(i["name"], i["status"], i["visible"], i["case_id"]) for i in items] == [
        ("随**", "outside", False, None),
        ("随**", "outside", False, None),
    ]
    assert "李" not in json.dumps(items, ensure_ascii=False)
    assert "史" not in json.dumps(items, ensure_ascii=False)

    html = station.get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    rows = re.findall(r'<li class="md-contact">.*?</li>', html, re.S)
    assert len(rows) == 2 and "李" not in html and "史" not in html
    # The two rows differ by their opaque key only: nothing tells the open case apart.
    keys = re.findall(r'name="contact" value="([^"]*)"', html)
    assert rows[0].replace(keys[0], "") == rows[1].replace(keys[1], "")
    assert "随** （非本辖区）" in re.sub(r"<[^>]+>", "", rows[0]).replace("\n", " ")
    assert "已转核查" not in html and "核查对象" not in html

    chain = station.get(f"/people/{w.person_a.pk}/contacts/chain/").content.decode()
    data = json.loads(re.search(r'id="md-chain-data"[^>]*>(.*?)</script>', chain, re.S)[1])
    assert [(n["name"], n["status"]) for n in data["nodes"][1:]] == [("随**", "outside")] * 2
    assert "李" not in chain and "史" not in chain

    # The referral still reaches 史八八's record by the row's opaque key.
    station.post(f"/people/{w.person_a.pk}/contacts/refer/", {"contact": keys[1]})
    link = ContactLink.objects.get()
    assert link.contact_id == shi.pk
    after = station.get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"]
    assert [(i["name"], i["status"], i["referred"]) for i in after] == [
        ("随**", "outside", False),
        ("随**", "outside", True),
    ]
    # The list of referred contacts names her the same way, without her case's state.
    listed = station.get("/medical/contacts/").content.decode()
    assert "随**" in listed and "史" not in listed and "待核查" not in listed
