"""Properties that must hold for any input a person could type or paste."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import numdb

from fangkong.core.idnumber import make_id_number, normalize_id_number, parse_id_number
from fangkong.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from fangkong.core.phones import parse_phone
from fangkong.core.pinyin import name_pinyin, search_key
from fangkong.core.plates import normalize_plate, parse_plate
from fangkong.core.regions import find_regions, get_region
from fangkong.core.text import normalize_text, strip_all_spaces
from tests.disclosure import MIN_CANDIDATES, id_candidates, phone_candidates

pytestmark: list[pytest.MarkDecorator] = []


@functools.cache
def _stdnum_region_codes() -> list[str]:
    """Every 6-digit code in stdnum's database, read independently of fangkong.core.regions."""
    codes: list[str] = []
    for _length, province, _high, _props, children in numdb.get("cn/loc").prefixes:
        codes.extend(province + suffix for _l, suffix, _h, _p, _c in children)
    return sorted(codes)


_FULL_WIDTH = "".join(chr(0xFF10 + i) for i in range(10)) + "ＸｘＡＺａｚ－　（）＋·"
_TYPED = "0123456789Xx -()+·" + _FULL_WIDTH + "京鲁鄂粤学警港澳张三单村号\u3000\x00\x07\u200b"
texts = st.one_of(
    st.text(),
    st.text(alphabet=_TYPED),
    st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF)),
)
regions = st.sampled_from(_stdnum_region_codes())
birth_dates = st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31))
sexes = st.sampled_from(["M", "F"])
seqs = st.integers(0, 99)
# The first call loads pypinyin's dictionaries and the region table; that is not slowness.
no_deadline = settings(deadline=None)


def _raises_only_validation_error(parse: Callable[..., object], value: str, field: str) -> None:
    try:
        parse(value, field=field)
    except ValidationError as error:
        assert all(message.startswith(field) for message in error.messages)


@no_deadline
@given(texts)
def test_parsers_raise_nothing_but_validation_error(value: str) -> None:
    _raises_only_validation_error(parse_id_number, value, "身份证号")
    _raises_only_validation_error(parse_plate, value, "车牌号")
    _raises_only_validation_error(parse_phone, value, "联系电话")


@no_deadline
@given(texts)
def test_helpers_never_raise(value: str) -> None:
    for helper in (
        mask_id_number,
        mask_phone,
        mask_address,
        mask_name,
        name_pinyin,
        search_key,
        get_region,
        find_regions,
    ):
        helper(value)


@no_deadline
@given(texts)
def test_normalisers_are_idempotent(value: str) -> None:
    for normalise in (
        normalize_text,
        strip_all_spaces,
        normalize_id_number,
        normalize_plate,
        search_key,
    ):
        once = normalise(value)
        assert normalise(once) == once


@no_deadline
@given(regions, birth_dates, seqs, sexes)
def test_generated_numbers_parse_and_round_trip(
    region: str, birth: datetime.date, seq: int, sex: str
) -> None:
    number = make_id_number(region, birth, seq, sex)

    parsed = parse_id_number(number)

    assert (parsed.number, parsed.region_code, parsed.birth_date, parsed.sex) == (
        number,
        region,
        birth,
        sex,
    )
    assert parsed.region_name
    assert parse_id_number(parsed.number) == parsed


@no_deadline
@given(regions, st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)), seqs, sexes)
def test_fifteen_digit_form_upgrades_to_the_same_number(
    region: str, birth: datetime.date, seq: int, sex: str
) -> None:
    number = make_id_number(region, birth, seq, sex)
    old_form = number[:6] + number[8:17]

    parsed = parse_id_number(old_form)

    assert parsed.number == number
    assert parsed.upgraded is True


@no_deadline
@given(regions, birth_dates, seqs, sexes, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_single_character_mutation_is_rejected(
    region: str, birth: datetime.date, seq: int, sex: str, position: int, replacement: str
) -> None:
    number = make_id_number(region, birth, seq, sex)
    if number[position] == replacement:
        replacement = "0" if replacement != "0" else "1"
    mutated = number[:position] + replacement + number[position + 1 :]

    with pytest.raises(ValidationError) as caught:
        parse_id_number(mutated)

    assert caught.value.code in {
        "invalid_checksum",
        "invalid_birth_date",
        "invalid_region",
        "invalid_x",
    }
    assert caught.value.messages[0].startswith("身份证号")


@settings(deadline=None, max_examples=25)  # each count walks a hundred years of days
@given(regions, birth_dates, seqs, sexes)
def test_id_mask_leaves_10000_candidates(
    region: str, birth: datetime.date, seq: int, sex: str
) -> None:
    number = make_id_number(region, birth, seq, sex)

    masked = mask_id_number(number)

    assert masked == number[:6] + "*" * 10 + number[-2:]
    assert id_candidates(masked, sex=sex) >= MIN_CANDIDATES


@no_deadline
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_phone_mask_leaves_10000_candidates(mobile: str) -> None:
    masked = mask_phone(parse_phone(mobile))

    assert masked == "*" * 9 + mobile[-2:]
    assert phone_candidates(masked) >= MIN_CANDIDATES


@no_deadline
@given(texts)
def test_masks_hide_every_digit_of_an_address(value: str) -> None:
    masked = mask_address(value)

    assert not any(char in "0123456789" for char in masked)


@no_deadline
@given(texts)
def test_id_mask_reveals_only_the_documented_characters(value: str) -> None:
    stripped = value.strip()

    masked = mask_id_number(value)

    assert len(masked) == len(stripped)
    revealed = [i for i, char in enumerate(masked) if char != "*"]
    assert all(masked[i] == stripped[i] for i in revealed)
    if len(stripped) == 18:
        assert masked[6:16] == "*" * 10
    else:
        assert all(i < 2 or i >= len(stripped) - 2 for i in revealed)
        # At least six characters stay hidden (all of a shorter value).
        assert len(stripped) - len(revealed) >= min(len(stripped), 6)


@no_deadline
@given(texts)
def test_name_mask_reveals_at_most_the_surname(value: str) -> None:
    masked = mask_name(value)

    assert sum(char != "*" for char in masked) <= 2
