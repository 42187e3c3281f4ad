"""Leftovers of issue 14's trust review, each an attack with real in-scope and out-of-scope
records: a passage's person id, another station's ID number typed into the person form,
the person file's passages at another unit's checkpoint, and old audit entries' names."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from fangkong.checkpoints import services as cp_services
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.audit import audit_record
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (the fixture)
from tests.checkpoints.test_api import token_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _post_passage(client: Client, person: Person, **headers: str) -> Any:
    data = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": "G104N",
        "direction": "in",
        "occurred_at": "2020-01-28T10:15:00+08:00",
        "plate": "鲁J12345",
        "vehicle_type": "car",
        "occupants": [
            {"name": person.name, "id_number": person.id_number, "temperature": 36.5},
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
    page = world.client("admin").get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    for secret in (number, "13853801234", "13900001111", "张三丰", "12号", number[6:14]):
        assert secret not in html, secret
    assert "张*" in html and "张**" in html
