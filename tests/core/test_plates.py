from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.plates import (
    PLATE_CITY_CODES,
    PROVINCE_ABBREVIATIONS,
    PROVINCE_CODES,
    Plate,
    parse_plate,
)
from fangkong.core.regions import get_region

pytestmark: list[pytest.MarkDecorator] = []


def _message(value: str, **kwargs: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_plate(value, **kwargs)
    return caught.value.messages[0]


def test_ordinary_plate() -> None:
    assert parse_plate("鄂A12345") == Plate(
        number="鄂A12345",
        province_abbr="鄂",
        city_letter="A",
        new_energy=False,
        kind="ordinary",
        region_code="4201",
        region_name="湖北省武汉市",
    )


@pytest.mark.parametrize(
    "typed", ["鲁JD12345", "鲁J D12345", "鲁J·D12345", "鲁j-d12345", "鲁ＪＤ１２３４５"]
)
def test_small_new_energy_plate(typed: str) -> None:
    plate = parse_plate(typed)

    assert plate.number == "鲁JD12345"
    assert plate.new_energy is True
    assert plate.kind == "new_energy"
    assert (plate.region_code, plate.region_name) == ("3709", "山东省泰安市")


def test_large_new_energy_plate_has_the_letter_last() -> None:
    plate = parse_plate("鲁J12345F")

    assert plate.kind == "new_energy"


def test_ordinary_plate_may_start_its_serial_with_f() -> None:
    # Seven characters make an ordinary plate even when the serial starts with D or F.
    plate = parse_plate("鄂AF1234")

    assert (plate.kind, plate.new_energy) == ("ordinary", False)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("鲁J1234学", "coach"),
        ("鲁J1234警", "police"),
        ("鲁J1234挂", "trailer"),
        ("沪A1234领", "consulate"),
        ("粤Z1234港", "hk_macao"),
        ("粤Z·AB12澳", "hk_macao"),
    ],
)
def test_plates_with_a_kind_character(value: str, kind: str) -> None:
    assert parse_plate(value).kind == kind


def test_cross_boundary_plate_belongs_to_guangdong() -> None:
    plate = parse_plate("粤Z1234港")

    assert (plate.region_code, plate.region_name) == ("44", "广东省")


@pytest.mark.parametrize(
    ("value", "code", "name"),
    [
        ("鄂M12345", "429004", "湖北省仙桃市"),
        ("鄂Q12345", "4228", "湖北省恩施土家族苗族自治州"),
        ("鲁S12345", "3701", "山东省济南市"),  # 莱芜, part of 济南 since 2019
        ("鲁A12345", "3701", "山东省济南市"),
        ("冀A12345", "1301", "河北省石家庄市"),
        ("鄂Z12345", "42", "湖北省"),  # letter not in the table: the province
        ("京N12345", "11", "北京市"),
    ],
)
def test_region_of_the_issuing_office(value: str, code: str, name: str) -> None:
    plate = parse_plate(value)

    assert (plate.region_code, plate.region_name) == (code, name)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "车牌号不能为空"),
        ("XA12345", "车牌号省份简称无效：X"),
        ("使A12345", "车牌号省份简称无效：使"),
        ("京I12345", "车牌号发牌机关代号无效：I（应为字母，不用I和O）"),
        ("京112345", "车牌号发牌机关代号无效：1（应为字母，不用I和O）"),
        ("鄂A1234", "车牌号位数错误：应为7位（新能源号牌8位），实为6位"),
        ("鄂A1234567", "车牌号位数错误：应为7位（新能源号牌8位），实为9位"),
        ("鄂A12O45", "车牌号不能使用字母I或O"),
        ("鄂A12#45", "车牌号含有非法字符：“#”"),
        ("鄂A12学45", "车牌号含有非法字符：“学”"),
        ("鄂A12345警", "车牌号位数错误：“警”字号牌应为7位，实为8位"),
        ("京A1234港", "车牌号“港”字号牌应以粤Z开头"),
        ("粤Z12345", "车牌号粤Z号牌应以“港”或“澳”结尾"),
        (
            "鲁JD1234A",
            "车牌号新能源号牌格式错误：小型车为D或F加5位（后4位为数字），大型车为5位数字加D或F",
        ),
    ],
)
def test_each_problem_has_its_own_message(value: str, message: str) -> None:
    assert _message(value) == message


def test_message_starts_with_the_field_label() -> None:
    assert _message("XA12345", field="挂车号牌") == "挂车号牌省份简称无效：X"


def test_province_table_is_complete() -> None:
    assert (
        "".join(PROVINCE_ABBREVIATIONS)
        == "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
    )
    for abbreviation in PROVINCE_ABBREVIATIONS:
        region = get_region(PROVINCE_CODES[abbreviation])
        assert region is not None and region.current, abbreviation


def test_every_city_letter_maps_to_a_current_region() -> None:
    for abbreviation, letters in PLATE_CITY_CODES.items():
        for letter, code in letters.items():
            region = get_region(code)
            assert region is not None and region.current, (abbreviation, letter)
            assert code.startswith(PROVINCE_CODES[abbreviation])
    # every province outside the municipalities has its capital under "A"
    assert len([table for table in PLATE_CITY_CODES.values() if "A" in table]) == 27
