"""Finding 1 (issue 14), as the attacker did it: what a user without the reveal right gets of
a person — the API, the pages, the search box — must leave each hidden value (ID number,
phone) among at least 10,000 candidates; search is no tail oracle and is rate-limited."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from tests.conftest import World
from tests.disclosure import assert_discloses_little, birth_date_renderings, json_text

pytestmark = pytest.mark.django_db


def _persons(client: Client, q: str = "") -> list[dict[str, object]]:
    response = client.get("/api/v1/persons", {"q": q} if q else {})
    assert response.status_code == 200, response.content
    return response.json()["items"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("who", ["workgroup", "station_a", "command"])
def test_the_persons_api_leaves_10000_candidates_for_each_id_and_phone(
    world: World, who: str
) -> None:
    """`GET /api/v1/persons` as gongzuozu gave the birth date beside an ID number masked
    only at the birth digits: every full ID number in two seconds. Users with the reveal
    right get the same masked answer: the API has no audited reveal."""
    items = _persons(world.client(who))
    assert items, "the user sees people"
    for item in items:
        person = Person.objects.get(pk=item["id"])
        text = json_text(item)
        assert_discloses_little(text, person)
        assert "birth_date" not in item and "age" not in item
        detail = world.client(who).get(f"/api/v1/persons/{person.pk}").json()
        assert_discloses_little(json_text(detail), person)


@pytest.mark.parametrize("who", ["workgroup", "station_a", "command"])
def test_person_pages_leave_10000_candidates_until_an_audited_reveal(
    world: World, who: str
) -> None:
    client = world.client(who)
    person = world.person_a
    listing = client.get("/people/").content.decode()
    assert person.name in listing
    assert_discloses_little(listing, person)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert person.name in page
    assert_discloses_little(page, person)
    assert person.birth_date is not None
    assert not any(r in page for r in birth_date_renderings(person.birth_date))
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_audited_reveal_shows_the_birth_date_too(world: World) -> None:
    person = world.person_a
    revealed = world.client("station_a").post(f"/people/{person.pk}/reveal/").content.decode()
    assert person.id_number in revealed and person.phone in revealed
    assert person.birth_date is not None
    assert f"{person.birth_date:%Y-%m-%d}" in revealed
    entry = AuditEntry.objects.get(action="reveal")
    assert "birth_date" in entry.changes["fields"]


def test_the_audit_trail_does_not_hold_the_birth_date_beside_the_masked_id(
    world: World,
) -> None:
    """The admin reads the audit trail without the reveal right: a person's creation
    recorded the birth date in full next to the masked ID number."""
    page = world.client("auditor").get("/audit/", {"object_type": "people.person"})
    text = page.content.decode()
    for person in (world.person_a, world.person_b):
        assert person.birth_date is not None
        assert not any(r in text for r in birth_date_renderings(person.birth_date)), text
        assert_discloses_little(text, person)
    entry = AuditEntry.objects.filter(
        object_type="people.person", object_id=str(world.person_a.pk), action="create"
    ).get()
    assert_discloses_little(json_text(entry.changes), world.person_a)


# ---------------------------------------------------------------- search


def test_a_digit_search_is_no_tail_oracle(world: World) -> None:
    """One digit before the shown last four of a phone: a match told the hidden digit,
    one digit per ~10 searches."""
    client = world.client("workgroup")
    phone = world.person_a.phone  # 13853801234
    id_number = world.person_a.id_number or ""
    assert _persons(client, phone[-5:]) == []
    assert _persons(client, phone[-4:]) == []
    assert _persons(client, phone[-8:]) == []
    assert _persons(client, id_number[-6:]) == []
    assert _persons(client, id_number[-4:]) == []
    page = client.get("/people/", {"q": phone[-5:]}).content.decode()
    assert "没有找到符合条件的人员" in page


def test_an_id_prefix_shorter_than_17_finds_nothing(world: World) -> None:
    client = world.client("workgroup")
    id_number = world.person_a.id_number or ""
    for length in (6, 14, 16):
        assert _persons(client, id_number[:length]) == [], length


def test_whole_values_are_found(world: World) -> None:
    client = world.client("workgroup")
    person = world.person_a
    id_number = person.id_number or ""
    old_form = id_number[:6] + id_number[8:17]  # the 15-digit number of a card before 1999
    for q in (id_number, id_number.lower(), id_number[:17], old_form, person.phone):
        assert [p["id"] for p in _persons(client, q)] == [person.pk], q


def test_a_whole_document_number_is_found(world: World) -> None:
    from fangkong.people.services import PersonInput, person_register

    passport, _ = person_register(
        data=PersonInput(
            name="KIM",
            doc_type="passport",
            doc_number="E12345678",
            township=world.township_a,
        ),
        by=None,
    )
    client = world.client("workgroup")
    assert [p["id"] for p in _persons(client, "E12345678")] == [passport.pk]
    assert [p["id"] for p in _persons(client, "e12345678")] == [passport.pk]
    assert _persons(client, "12345678") == []
    assert _persons(client, "5678") == []


def test_users_with_the_reveal_right_get_no_tail_oracle_either(world: World) -> None:
    """Their result list is masked too: a tail match would leak unaudited."""
    client = world.client("command")
    assert _persons(client, world.person_a.phone[-5:]) == []
    assert _persons(client, (world.person_b.id_number or "")[-6:]) == []


@pytest.fixture
def three_a_minute(settings: object) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "SEARCH_RATE": 3}  # type: ignore[attr-defined]


@pytest.mark.usefixtures("three_a_minute")
def test_searches_are_rate_limited_per_user(world: World) -> None:
    client = world.client("workgroup")
    for i in range(3):
        assert client.get("/api/v1/persons", {"q": f"1385380{i:04d}"}).status_code == 200
    refused = client.get("/api/v1/persons", {"q": "13853801234"})
    assert refused.status_code == 429
    assert "查询过于频繁" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    page = client.get("/people/", {"q": "13853801234"})
    assert page.status_code == 429
    text = page.content.decode()
    assert "查询过于频繁" in text and world.person_a.name not in text
    # Lists without a search term still open; another user is not affected.
    assert client.get("/people/").status_code == 200
    other = world.client("command")
    assert other.get("/api/v1/persons", {"q": "13853801234"}).status_code == 200


@pytest.mark.usefixtures("three_a_minute")
def test_every_search_box_counts_against_the_same_limit(world: World) -> None:
    client = world.client("workgroup")
    assert client.get("/people/", {"q": "zs"}).status_code == 200
    assert client.get("/cases/", {"q": "zs"}).status_code == 200
    assert client.get("/checkpoints/passages/", {"q": "zs"}).status_code == 200
    assert client.get("/api/v1/cases", {"q": "zs"}).status_code == 429
    assert client.get("/checkpoints/passages/", {"q": "zs"}).status_code == 429
    assert client.get("/cases/", {"q": "zs"}).status_code == 429


def test_a_15_digit_search_finds_the_upgraded_number(world: World) -> None:
    import datetime

    from fangkong.people.services import PersonInput, person_register

    number = make_id_number("370921", datetime.date(1965, 4, 5), 31, "M")
    person, _ = person_register(
        data=PersonInput(name="孙强", id_number=number, township=world.township_a), by=None
    )
    client = world.client("station_a")
    assert [p["id"] for p in _persons(client, number[:6] + number[8:17])] == [person.pk]
