"""A document number (a passport's, another certificate's) with a hidden character — BEL,
a direction mark (U+202E) — is refused as a name or an address is (core.text's one rule,
the fifth attack in docs/security.md): by person_clean for the person form, the API and
the roadside, by the list import for a row whose ID cell is no ID number; nothing saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register
from fangkong.quarantine.models import ListEntry
from tests.conftest import World
from tests.quarantine.import_files import write_csv
from tests.quarantine.test_imports import messages_of, run

pytestmark = pytest.mark.django_db

HIDDEN = [("E1234\x075678", "U+0007"), ("E1234\u202e5678", "U+202E"), ("\u200bE12345678", "U+200B")]


@pytest.mark.parametrize(("number", "shown"), HIDDEN)
def test_person_clean_refuses_a_document_number_with_a_hidden_character(
    number: str, shown: str
) -> None:
    with pytest.raises(ValidationError) as info:
        person_register(
            data=PersonInput(name="KIM", doc_type="passport", doc_number=number), by=None
        )
    assert info.value.message_dict["doc_number"] == [f"证件号码含有非法字符：“{shown}”"]
    assert not Person.objects.filter(name="KIM").exists()


@pytest.mark.parametrize(("number", "shown"), HIDDEN[:2])
def test_person_form_refuses_it_naming_the_field(world: World, number: str, shown: str) -> None:
    before = Person.objects.count()
    html = (
        world.client("station_a")
        .post("/people/new/", {"name": "KIM", "doc_type": "passport", "doc_number": number})
        .content.decode()
    )
    assert f"证件号码含有非法字符：“{shown}”" in html
    assert Person.objects.count() == before


def test_a_plain_passport_number_is_kept(world: World) -> None:
    person, created = person_register(
        data=PersonInput(name="KIM", doc_type="passport", doc_number=" e 1234 5678 "), by=None
    )
    assert created and person.doc_number == "E 1234 5678"


@pytest.fixture
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_uploads_in_tmp")
def test_list_row_whose_document_number_holds_a_control_is_refused(
    world: World, tmp_path: Path
) -> None:
    li = run(
        world,
        write_csv(
            tmp_path / "docs.csv",
            [
                [1, "测试甲", "E1234\x075678", "13800000051", "堽城镇", "武汉", "", ""],
                [2, "测试乙", "E1234\u202e5678", "13800000052", "堽城镇", "武汉", "", ""],
                [3, "测试丙", "E12345678", "13800000053", "堽城镇", "武汉", "", ""],
            ],
        ),
    )
    got = {e.name: e for e in ListEntry.objects.filter(list_import=li)}
    for name, shown in (("测试甲", "U+0007"), ("测试乙", "U+202E")):
        assert got[name].level == "error", messages_of(got[name])
        assert f"身份证号含有非法字符：“{shown}”" in messages_of(got[name])
    assert got["测试丙"].level != "error", messages_of(got["测试丙"])
    stored = Person.objects.filter(name__startswith="测试").values_list("name", "doc_number")
    assert list(stored) == [("测试丙", "E12345678")]
