from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from fangkong.core import clock
from fangkong.core.idnumber import (
    IdNumber,
    is_valid_id_number,
    make_id_number,
    normalize_id_number,
    parse_id_number,
)

pytestmark: list[pytest.MarkDecorator] = []


def _message(value: str, **kwargs: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(value, **kwargs)
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_valid_number_is_parsed() -> None:
    parsed = parse_id_number("11010519491231002X")

    assert parsed == IdNumber(
        number="11010519491231002X",
        birth_date=datetime.date(1949, 12, 31),
        sex="F",
        region_code="110105",
        region_name="北京市朝阳区",
        upgraded=False,
    )


def test_county_name_is_complete() -> None:
    number = make_id_number("370921", datetime.date(1990, 1, 1), 3, "M")

    parsed = parse_id_number(number)

    assert parsed.region_name == "山东省泰安市宁阳县"
    assert parsed.sex == "M"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        " 110105 19491231 002X ",
        "110105-19491231-002X",
    ],
)
def test_typed_variants_are_stored_canonically(typed: str) -> None:
    assert parse_id_number(typed).number == "11010519491231002X"


def test_fifteen_digit_number_is_upgraded() -> None:
    parsed = parse_id_number("110105491231002")

    assert parsed.number == "11010519491231002X"
    assert parsed.upgraded is True
    assert parsed.birth_date == datetime.date(1949, 12, 31)


def test_wrong_check_digit_names_the_right_one() -> None:
    assert _message("110105194912310021") == "身份证号校验位错误：应为X"


def test_impossible_birth_date_is_reported_even_with_a_correct_check_digit() -> None:
    number = _with_check_digit("37092119900230123")

    assert _message(number) == "身份证号出生日期无效：19900230"


def test_birth_date_before_1900_is_rejected() -> None:
    number = make_id_number("370921", datetime.date(1899, 12, 31), 1, "M")

    assert _message(number) == "身份证号出生日期不能早于1900年：18991231"


def test_birth_date_in_the_future_is_rejected() -> None:
    tomorrow = clock.today() + datetime.timedelta(days=2)
    number = make_id_number("370921", tomorrow, 1, "M")

    assert _message(number) == f"身份证号出生日期不能晚于今天：{tomorrow:%Y%m%d}"


def test_unknown_region_is_rejected() -> None:
    number = make_id_number("990000", datetime.date(1990, 1, 1), 1, "F")

    assert _message(number) == "身份证号前6位地区代码无效：990000"


def test_abolished_county_is_still_accepted() -> None:
    # 崇文区 was merged into 东城区 in 2010; cards issued there keep 110103 for life.
    number = make_id_number("110103", datetime.date(2015, 6, 1), 7, "F")

    parsed = parse_id_number(number)

    assert parsed.region_name == "北京市崇文区"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "身份证号不能为空"),
        ("  -  ", "身份证号不能为空"),
        ("1101051949123100２A", "身份证号含有非法字符：“A”"),
        ("11010519491231002\x07", "身份证号含有非法字符：“U+0007”"),
        ("张三", "身份证号含有非法字符：“张”"),
        ("11010519491231002", "身份证号位数错误：应为18位或15位，实为17位"),
        ("1101051949123100200", "身份证号位数错误：应为18位或15位，实为19位"),
        ("1101051949123100X2", "身份证号只有18位号码的最后一位可以是X"),
        ("11010549123100X", "身份证号只有18位号码的最后一位可以是X"),
    ],
)
def test_each_problem_has_its_own_message(value: str, message: str) -> None:
    assert _message(value) == message


def test_message_starts_with_the_field_label() -> None:
    assert _message("", field="监护人身份证号") == "监护人身份证号不能为空"
    assert _message("110105194912310021", field="证件号码") == "证件号码校验位错误：应为X"


def test_error_codes_are_stable() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_id_number("110105194912310021")

    assert caught.value.code == "invalid_checksum"


def test_is_valid_id_number() -> None:
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("")


def test_normalize_does_not_validate() -> None:
    assert normalize_id_number(" ３７０９２１-1990x ") == "3709211990X"
    assert normalize_id_number("") == ""


@pytest.mark.parametrize(
    ("sex", "seq", "sequence"),
    [("M", 0, "001"), ("F", 0, "002"), ("M", 99, "199"), ("F", 99, "200")],
)
def test_make_id_number_encodes_sex_in_the_sequence(sex: str, seq: int, sequence: str) -> None:
    number = make_id_number("370921", datetime.date(1985, 7, 9), seq, sex)

    assert number[:17] == "37092119850709" + sequence
    assert parse_id_number(number).sex == sex


@pytest.mark.parametrize(
    "args",
    [
        ("3709", datetime.date(1985, 7, 9), 1, "M"),
        ("370921", datetime.date(1985, 7, 9), 100, "M"),
        ("370921", datetime.date(1985, 7, 9), 1, "男"),
    ],
)
def test_make_id_number_rejects_bad_arguments(args: tuple[str, datetime.date, int, str]) -> None:
    with pytest.raises(ValueError):
        make_id_number(*args)


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2020, 2, 28), 19),
        (datetime.date(2020, 2, 29), 20),
        (datetime.date(2021, 2, 28), 20),  # born on 29 February: a year older on 1 March
        (datetime.date(2021, 3, 1), 21),
    ],
)
def test_age_on(on: datetime.date, age: int) -> None:
    parsed = parse_id_number(make_id_number("370921", datetime.date(2000, 2, 29), 4, "F"))

    assert parsed.age_on(on) == age


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",
        " ３７０９２１-19900101-0016 ",
        "110105491231002",
        "110105194912310021",  # wrong check digit
        "110105194913310021",  # no 13th month
        "999999194912310021",  # unknown region
        "11010519491231002",
    ],
)
def test_a_number_not_remembered_is_checked_the_same(value: str) -> None:
    """A pushed list's numbers are checked without the memo of valid numbers
    (remember=False): the same answer, the same message naming the field."""
    from fangkong.core.idnumber import _valid

    def answer(remember: bool) -> IdNumber | tuple[str, str]:
        try:
            return parse_id_number(value, field="身份证号码", remember=remember)
        except ValidationError as exc:
            return (str(exc.code), exc.messages[0])

    _valid.cache_clear()
    assert answer(False) == answer(True)
    _valid.cache_clear()
    answer(False)
    assert _valid.cache_info().currsize == 0
