from __future__ import annotations

import pytest

from fangkong.core.regions import (
    Region,
    city_code,
    find_regions,
    get_region,
    is_known_region,
    province_code,
    region_name,
)

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("420100", "湖北省武汉市"),
        ("4201", "湖北省武汉市"),
        ("42", "湖北省"),
        ("370921", "山东省泰安市宁阳县"),
        ("3709", "山东省泰安市"),
        ("110101", "北京市东城区"),
        ("110000", "北京市"),
        ("500229", "重庆市城口县"),
        ("429004", "湖北省仙桃市"),  # administered by the province, no city in between
        ("420600", "湖北省襄阳市"),  # renamed from 襄樊市 in 2010: the current name wins
        ("810000", "香港特别行政区"),
        ("３７０９２１", "山东省泰安市宁阳县"),
    ],
)
def test_region_names(code: str, name: str) -> None:
    assert region_name(code) == name


def test_region_parts() -> None:
    assert get_region("370921") == Region(
        code="370921", province="山东省", city="泰安市", county="宁阳县", current=True
    )
    assert get_region("110101") == Region(
        code="110101", province="北京市", city="北京市", county="东城区", current=True
    )


def test_abolished_code_is_known_but_not_current() -> None:
    region = get_region("110103")

    assert region is not None
    assert region.name == "北京市崇文区"
    assert region.current is False


@pytest.mark.parametrize(
    "code", ["", "9", "990000", "999", "37092", "3709210", "abcdef", "37 09 21 1"]
)
def test_unknown_or_malformed_codes(code: str) -> None:
    assert get_region(code) is None
    assert region_name(code) == ""
    assert not is_known_region(code)


def test_prefixes() -> None:
    assert province_code("370921") == "37"
    assert city_code("370921") == "3709"
    assert city_code("37") == "3700"
    assert province_code("x") == ""
    assert city_code("") == ""


def test_find_regions_by_part_of_the_name() -> None:
    wuhan = find_regions("武汉")

    assert wuhan[0].code == "420100"
    assert all(region.code.startswith("4201") for region in wuhan)
    assert [region.code for region in find_regions("宁阳")] == ["370921"]


def test_find_regions_by_former_name_and_abolished_codes() -> None:
    assert [region.code for region in find_regions("襄樊")] == ["420600"]
    assert [region.code for region in find_regions("宁阳", include_abolished=True)] == [
        "370921",
        "372624",  # 泰安地区宁阳县, before 1985
    ]


def test_find_regions_with_empty_term() -> None:
    assert find_regions("") == []
    assert find_regions("   ") == []
