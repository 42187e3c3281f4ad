"""The disclosure rule itself (core.disclosure): the arithmetic behind each mask, what a
digit search may match, and that nothing else in fangkong masks personal data its own way."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from fangkong.core.disclosure import (
    MIN_CANDIDATES,
    search_term_shown,
    shown,
    whole_values,
)
from fangkong.core.idnumber import make_id_number
from fangkong.people.disclosure import person_shown
from tests.conftest import World
from tests.disclosure import id_candidates, phone_candidates

SRC = Path(__file__).resolve().parents[2] / "src" / "fangkong"
NUMBER = make_id_number("370921", datetime.date(1985, 3, 2), 11, "M")


def test_the_arithmetic_of_the_former_and_the_present_id_mask() -> None:
    """The former mask hid exactly the birth date: 1 candidate beside it, ~3,300 alone."""
    former = NUMBER[:6] + "*" * 8 + NUMBER[-4:]
    assert id_candidates(former, birth_dates=[datetime.date(1985, 3, 2)], sex="M") == 1
    assert 3_000 < id_candidates(former, sex="M") < MIN_CANDIDATES
    present = shown("id_number", NUMBER)
    assert present == NUMBER[:6] + "*" * 10 + NUMBER[-2:]
    assert 300_000 < id_candidates(present, sex="M") < 340_000  # 36,524 × 100 / 11
    # What a known year of birth would leave: why no age is shown beside it.
    year = [datetime.date(1985, 1, 1) + datetime.timedelta(days=i) for i in range(365)]
    assert id_candidates(present, birth_dates=year, sex="M") < MIN_CANDIDATES


def test_the_arithmetic_of_the_former_and_the_present_phone_mask() -> None:
    assert phone_candidates("138****5678") < 100  # the city's blocks of prefix 138
    assert phone_candidates("138******78") < MIN_CANDIDATES
    assert phone_candidates(shown("phone", "13853805678")) >= MIN_CANDIDATES
    assert phone_candidates(shown("phone", "0538-5621234")) >= MIN_CANDIDATES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        (None, ""),
        (datetime.date(1985, 3, 2), "****-**-**"),
    ],
)
def test_the_birth_date_is_hidden_whole(value: object, expected: str) -> None:
    assert shown("birth_date", value) == expected
    assert shown("birth_date", value, revealed=True) == value


@pytest.mark.django_db
def test_a_person_is_shown_masked_and_without_birth_date_unless_revealed(world: World) -> None:
    person = world.person_a
    masked = person_shown(person)
    assert (
        masked.document == (person.id_number or "")[:6] + "*" * 10 + (person.id_number or "")[-2:]
    )
    assert masked.phone == "*********34" and masked.birth_date is None
    assert masked.address_detail == "*组*号"
    assert (masked.township, masked.village, masked.sex) == ("堽城镇", "东王庄村", "M")
    full = person_shown(person, revealed=True)
    assert (full.document, full.phone, full.address_detail, full.birth_date) == (
        person.id_number,
        person.phone,
        person.address_detail,
        person.birth_date,
    )


def test_a_digit_term_matches_whole_values_only() -> None:
    assert whole_values(NUMBER).id_number == NUMBER
    assert whole_values(NUMBER[:17]).id_number == NUMBER  # the check character follows
    assert whole_values(NUMBER[:6] + NUMBER[8:17]).id_number == NUMBER  # the 15-digit card
    for part in (NUMBER[:16], NUMBER[-6:], NUMBER[2:]):
        assert whole_values(part).id_number is None, part
    assert whole_values("13853801234").phone == "13853801234"
    assert whole_values("05385621234").phone == "0538-5621234"
    for part in ("3801234", "53801234", "1234"):
        assert whole_values(part).phone is None
        assert whole_values(part).doc_number == part  # a whole document number, exactly


def test_the_audit_trail_keeps_a_search_term_masked() -> None:
    assert search_term_shown(NUMBER) == shown("id_number", NUMBER)
    assert search_term_shown(NUMBER[:17]).count("*") >= 10
    assert search_term_shown("13853801234") == "*********34"
    assert search_term_shown("张三") == "张三"
    # A whole number with a letter after it (the third attack's export filter "…491x"),
    # or run into another: nothing of it kept.
    for term in (NUMBER + "x", NUMBER + "1", "A" + NUMBER + "0", NUMBER + NUMBER):
        kept = str(search_term_shown(term))
        assert NUMBER[6:14] not in kept and NUMBER[:6] not in kept, term


def test_nothing_but_the_rule_calls_the_masks() -> None:
    """One home: pages, API, exports, documents and the audit trail show personal data
    through core.disclosure; a mask called elsewhere is a second rule."""
    masks = re.compile(r"\bmask_(id_number|phone|address|date)\b|\|mask_(id|phone|address)\b")
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*"))
        if path.suffix in (".py", ".html")
        and path.name not in ("masking.py", "disclosure.py")
        and masks.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_page_or_api_shows_a_birth_date_or_an_age_without_the_reveal() -> None:
    """Templates and API schemas are where a birth date or an age would be shown."""
    shows = re.compile(r"birth_date|\bage_on\b|年龄")
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix == ".html" or path.name == "api.py":
            for line in path.read_text(encoding="utf-8").splitlines():
                if shows.search(line) and "shown.birth_date" not in line:
                    offenders.append(f"{path.relative_to(SRC)}: {line.strip()}")
    # The checkpoint's ID check shows what the officer typed, parsed: their own question.
    assert [o for o in offenders if "_id_check.html" not in o] == []
