"""A person's address, note and document number past their fields were cut and saved by
person_clean, whatever the entry point (docs/security.md "Input, the fifth round"): refused
now, naming the field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.idnumber import make_id_number
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_clean

NUMBER = make_id_number("370921", datetime.date(1988, 3, 4), 12, "F")


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"address_detail": "东" * 201}, "address_detail", "详细住址过长：最多200个字符"),
        ({"note": "备" * 201}, "note", "备注过长：最多200个字符"),
        (
            {"id_number": "", "doc_type": Person.DocType.PASSPORT, "doc_number": "E" * 41},
            "doc_number",
            "证件号码过长：最多40个字符",
        ),
    ],
)
def test_a_text_past_its_field_is_refused_not_cut(
    given: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        person_clean(PersonInput(**{"name": "张三", "id_number": NUMBER, **given}))
    assert refused.value.message_dict == {field: [message]}


def test_texts_at_their_bounds_are_kept_whole() -> None:
    values = person_clean(
        PersonInput(name="张三", id_number=NUMBER, address_detail="东" * 200, note="备" * 200)
    )
    assert values["address_detail"] == "东" * 200 and values["note"] == "备" * 200
