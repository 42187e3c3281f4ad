"""The sixth attack: a second file for another station's person, under another document type.

堽城 (station_a) typed 泗店's 赵丽's resident ID number as 居民身份证: refused ("已在其他单位
辖区登记", in every spelling). Typed as a passport's, a 港澳通行证's or 其他证件's number it was
accepted, and a second file for her was opened in 堽城's area — the transfer rule ("asked for,
never taken") sidestepped. A document number that is a valid resident ID number (however it
is written) is now refused for every other type, in person_clean (people.services
`resident_id_number`), and in a list import's ID column.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.idnumber import make_id_number
from fangkong.people.models import Person
from fangkong.people.services import (
    PersonInput,
    TransferInput,
    person_register,
    resident_id_number,
    transfer_request,
)
from fangkong.quarantine.models import ListEntry
from tests.conftest import World
from tests.quarantine.import_files import write_xlsx
from tests.quarantine.test_imports import messages_of, run

pytestmark = pytest.mark.django_db

REFUSED = "证件号码：该号码是居民身份证号码，证件类型请选择“居民身份证”，在“身份证号”一栏填写"
OTHER_TYPES = [t for t in Person.DocType.values if t != Person.DocType.ID_CARD]


def spellings(number: str) -> list[str]:
    """The ways the attack wrote a resident ID number (and a few more)."""
    fifteen = number[:6] + number[8:17]  # the old 15-digit form (born 19xx)
    full_width = number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    return [
        number,
        number.lower(),
        fifteen,
        full_width,
        f"{number[:6]} {number[6:14]} {number[14:]}",
        f"{number[:6]}-{number[6:14]}-{number[14:]}",
        f"{number[:10]}\u200b{number[10:]}",
        f"{number[:6]}.{number[6:]}",
        f"{number}\u202e",
    ]


def _form(world: World, doc_type: str, doc_number: str) -> dict[str, object]:
    return {
        "name": "赵丽",
        "doc_type": doc_type,
        "doc_number": doc_number,
        "township": world.township_a.pk,
        "village": world.village_a.pk,
        "address_detail": "7组1号",
    }


@pytest.mark.parametrize("doc_type", OTHER_TYPES)
def test_the_attack_another_stations_person_under_another_document_type(
    world: World, doc_type: str
) -> None:
    client = world.client("station_a")
    number = world.person_b.id_number
    assert number is not None
    people = Person.objects.count()
    for spelling in spellings(number):
        answer = client.post("/people/new/", _form(world, doc_type, spelling))
        assert answer.status_code == 200, (doc_type, spelling, answer.get("Location"))
        page = answer.content.decode()
        # Refused on the document number; never the transfer offer, which would say the
        # number is on file elsewhere (the rule does not look the number up).
        assert REFUSED in page or "证件号码含有非法字符" in page, (doc_type, spelling)
        assert "已在其他单位辖区登记" not in page
    assert Person.objects.count() == people
    assert not Person.objects.exclude(doc_number="").filter(name="赵丽").exists()


def test_a_resident_id_number_nobody_has_is_refused_as_another_document_too(
    world: World,
) -> None:
    """The rule is the number's, not whether it is on file: no oracle, no second key."""
    with pytest.raises(ValidationError) as refused:
        person_register(
            data=PersonInput(
                name="新人", doc_type="passport",
                doc_number=make_id_number("370921", datetime.date(1990, 1, 1), 7, "M"),
                township=world.township_a,
            ),
            by=world.users["station_a"],
        )  # fmt: skip
    assert refused.value.message_dict == {"doc_number": [REFUSED]}
    assert not Person.objects.filter(name="新人").exists()


def test_real_documents_of_other_types_are_still_registered(world: World) -> None:
    client = world.client("station_a")
    for doc_type, number in (
        ("passport", "E12345678"),
        ("hk_macao", "H60218835"),
        ("taiwan", "12345678"),
        ("foreign_pr", "USA370921900101"),  # three letters and twelve digits
        ("other", "420502198005120841"),  # the check digit is wrong: no ID number
    ):
        answer = client.post("/people/new/", _form(world, doc_type, number))
        assert answer.status_code == 302, (doc_type, answer.content.decode()[-1500:])
        assert Person.objects.filter(doc_type=doc_type, doc_number=number).exists()
    assert resident_id_number("E12345678") is None


def test_an_edit_to_another_document_type_with_the_id_number_is_refused(world: World) -> None:
    """Editing 张三's own file: his ID number moved into 证件号码 under 其他证件 is refused."""
    client = world.client("station_a")
    person = world.person_a
    page = client.get(f"/people/{person.pk}/edit/")
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not callable(v)}
    data.update(version=person.version, doc_type="other", doc_number=person.id_number, id_number="")
    answer = client.post(f"/people/{person.pk}/edit/", data)
    assert answer.status_code == 200
    assert REFUSED in answer.content.decode()
    person.refresh_from_db()
    assert person.doc_type == "id_card" and person.doc_number == ""


def test_a_transfer_request_names_the_person_by_their_id_number(world: World) -> None:
    number = world.person_b.id_number
    assert number is not None
    with pytest.raises(ValidationError) as refused:
        transfer_request(
            data=TransferInput(
                name="赵丽", doc_type="other", doc_number=number, township=world.township_a,
                reason="已迁入",
            ),
            by=world.users["station_a"],
        )  # fmt: skip
    assert refused.value.message_dict["doc_number"] == [REFUSED]


def test_a_list_rows_id_number_with_a_stray_character_is_refused_not_kept_as_a_document(
    world: World, tmp_path: Path
) -> None:
    """A pushed list's ID column: a number that fails as written keeps its row as 其他证件
    (to be verified) — unless it is a resident ID number once the stray character is gone:
    that row is refused, naming the column, and nobody is stored."""
    number = world.person_b.id_number
    assert number is not None
    rows = [[1, "赵丽", f"{number[:6]}.{number[6:]}", "", "宁阳县堽城镇东王庄村1组", "武汉",
             "2020-01-23", ""]]  # fmt: skip
    people = Person.objects.count()
    li = run(world, write_xlsx(tmp_path / "dot.xlsx", rows))
    entry = ListEntry.objects.get(list_import=li)
    assert entry.level == "error" and not entry.stored
    assert "身份证号含有非法字符：“.”，本行未导入" in messages_of(entry)
    assert Person.objects.count() == people
