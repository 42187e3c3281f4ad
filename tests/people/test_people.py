from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from fangkong.people.selectors import person_list
from fangkong.people.services import PersonInput, person_register, person_update
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_same_id_number_is_the_same_person(world: World) -> None:
    lower = world.person_a.id_number.lower()  # type: ignore[union-attr]
    spaced = f" {lower[:6]} {lower[6:14]} {lower[14:]} "
    person, created = person_register(
        data=PersonInput(name="张三", id_number=spaced, phone="13853800000"),
        by=world.users["station_a"],
    )
    assert not created
    assert person.pk == world.person_a.pk
    assert Person.objects.filter(name="张三").count() == 1
    person.refresh_from_db()
    assert person.phone == "13853800000"  # the newer number
    assert person.township == world.township_a  # kept


def test_15_digit_number_joins_the_18_digit_person(world: World) -> None:
    number = make_id_number("370921", datetime.date(1965, 4, 5), 31, "M")
    first, created = person_register(data=PersonInput(name="孙强", id_number=number), by=None)
    assert created
    old = number[:6] + number[8:17]
    second, created = person_register(data=PersonInput(name="孙强", id_number=old), by=None)
    assert not created and second.pk == first.pk


def test_id_number_fills_birth_date_sex_and_household_region(world: World) -> None:
    assert world.person_b.sex == "F"
    assert world.person_b.birth_date == datetime.date(1990, 7, 9)
    assert world.person_b.household_region == "420106"


def test_bad_input_names_each_field_and_saves_nothing(world: World) -> None:
    before = Person.objects.count()
    valid = make_id_number("370921", datetime.date(1980, 1, 1), 5, "M")
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        person_register(data=PersonInput(name="", id_number=wrong_check, phone="12345"), by=None)
    errors = info.value.message_dict
    assert errors["name"] == ["姓名不能为空"]
    assert errors["id_number"] == [f"身份证号校验位错误：应为{valid[-1]}"]
    assert errors["phone"][0].startswith("联系电话")
    assert Person.objects.count() == before


def test_form_shows_the_chinese_message_next_to_the_field(world: World) -> None:
    valid = make_id_number("370921", datetime.date(1980, 1, 1), 5, "M")
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    before = Person.objects.count()
    page = (
        world.client("station_a")
        .post("/people/new/", {"name": "王五", "doc_type": "id_card", "id_number": wrong_check})
        .content.decode()
    )
    assert f"身份证号校验位错误：应为{valid[-1]}" in page
    assert "has-error" in page
    assert Person.objects.count() == before


def test_person_without_id_card_needs_a_document_number(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        person_register(data=PersonInput(name="KIM", doc_type="passport"), by=None)
    assert info.value.message_dict["doc_number"] == ["证件号码不能为空"]
    person, created = person_register(
        data=PersonInput(name="KIM", doc_type="passport", doc_number="m1234567"), by=None
    )
    assert created and person.doc_number == "M1234567" and person.id_number is None


def test_stale_edit_is_refused_with_a_clear_message(world: World) -> None:
    stale = world.person_a.version
    person_update(
        person=world.person_a,
        by=world.users["command"],
        data=PersonInput(
            name="张三", id_number=world.person_a.id_number or "", phone="13853801111"
        ),
        expected_version=stale,
    )
    with pytest.raises(ValidationError) as info:
        person_update(
            person=world.person_a,
            by=world.users["station_a"],
            data=PersonInput(name="张三丰", id_number=world.person_a.id_number or ""),
            expected_version=stale,
        )
    assert "已被他人修改" in info.value.messages[0]
    world.person_a.refresh_from_db()
    assert world.person_a.name == "张三"


def test_every_registration_is_audited(world: World) -> None:
    person, _ = person_register(
        data=PersonInput(
            name="钱七",
            id_number=make_id_number("370921", datetime.date(1970, 2, 2), 7, "M"),
            township=world.township_a,  # a station registers people in its own area
        ),
        by=world.users["station_a"],
    )
    entry = AuditEntry.objects.get(
        action="create", object_type="people.person", object_id=str(person.pk)
    )
    assert entry.actor == world.users["station_a"]
    assert entry.changes["id_number"][1].count("*") == 10
    assert entry.changes["birth_date"] == [None, "****-**-**"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张三", ["张三"]),
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("zhangsan", ["张三"]),
        ("13853801234", ["张三"]),
        ("1234", []),  # the end of a phone or ID number finds nothing (core.disclosure)
        ("zl", ["赵丽"]),
        ("zhao", ["赵丽"]),
        ("nobody", []),
    ],
)
def test_search_by_name_pinyin_phone_or_id(world: World, query: str, expected: list[str]) -> None:
    names = [p.name for p in person_list(user=world.users["command"], q=query)]
    assert names == expected


def test_name_search_finds_a_part_of_a_name_when_others_begin_with_it_elsewhere(
    world: World,
) -> None:
    """A station searching 建国 finds its 王建国 even though 建国华 of another station's
    township begins with 建国 (the names that begin with the term are looked for among the
    people the user may see, not the whole county)."""
    person_register(
        data=PersonInput(
            name="王建国",
            id_number=make_id_number("370921", datetime.date(1971, 5, 6), 31, "M"),
            township=world.township_a,
        ),
        by=None,
    )
    person_register(
        data=PersonInput(
            name="建国华",
            id_number=make_id_number("370921", datetime.date(1972, 5, 6), 41, "M"),
            township=world.township_b,
        ),
        by=None,
    )
    assert [p.name for p in person_list(user=world.users["station_a"], q="建国")] == ["王建国"]
    assert [p.name for p in person_list(user=world.users["station_b"], q="建国")] == ["建国华"]
    # the county has a name that begins with it: only that one (any part only when none does)
    assert [p.name for p in person_list(user=world.users["command"], q="建国")] == ["建国华"]


def test_search_by_full_id_number_with_lowercase_x(world: World) -> None:
    person, _ = person_register(
        data=PersonInput(name="X先生", id_number="11010519491231002x"), by=None
    )
    found = person_list(user=world.users["command"], q="11010519491231002x")
    assert [p.pk for p in found] == [person.pk]


def test_bulk_registration_finds_known_people_and_audits_each_new_one(world: World) -> None:
    from fangkong.people.services import persons_register_bulk

    known = world.person_b
    number = make_id_number("370921", datetime.date(1985, 3, 2), 7, "F")
    people = persons_register_bulk(
        data=[
            PersonInput(name="钱七", id_number=number, phone="13953800007"),
            PersonInput(name="钱七", id_number=number),  # the same person twice in the list
            PersonInput(name="赵丽", id_number=str(known.id_number)),
            PersonInput(name="Tom", doc_type="passport", doc_number="e1234567"),
        ],
        by=world.users["station_a"],
    )
    assert people[0].pk == people[1].pk and people[2].pk == known.pk
    new = Person.objects.get(id_number=number)
    assert (new.name_pinyin, new.sex, new.birth_date) == (
        "qianqi",
        "F",
        datetime.date(1985, 3, 2),
    )
    assert Person.objects.get(doc_number="E1234567").pk == people[3].pk
    for person in (new, people[3]):
        entry = AuditEntry.objects.get(
            object_type="people.person", object_id=str(person.pk), action="create"
        )
        assert entry.actor == world.users["station_a"]
    # the passport holder is found again, not registered twice
    again = persons_register_bulk(
        data=[PersonInput(name="Tom", doc_type="passport", doc_number="E1234567")], by=None
    )
    assert again[0].pk == people[3].pk


@pytest.mark.parametrize("query", ["张三", "zs", "zhangsan", "13853801234", "110105194912310029"])
def test_search_reads_an_index_not_every_person(world: World, query: str) -> None:
    """Among a million people a scan takes seconds: each kind of term must reach an index."""
    from django.db import connection

    qs = person_list(user=world.users["command"], q=query)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN people_person" not in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on people_person" not in plan, plan
