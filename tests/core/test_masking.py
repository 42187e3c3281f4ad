from __future__ import annotations

import pytest

from fangkong.core.masking import mask_address, mask_id_number, mask_name, mask_phone

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        # The region and the last two: the birth date and two sequence digits hidden.
        ("370921199001011234", "370921**********34"),
        ("11010519491231002X", "110105**********2X"),
        # Other numbers: the ends only with at least eight characters hidden.
        ("110105491231002", "11***********02"),
        ("E12345678", "E1*******"),
        ("1234567", "*******"),
        ("AB12", "****"),
        ("A", "*"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        # Digits 4–7 name the block the city all but tells: only the last two stay.
        ("13812345678", "*********78"),
        # A landline: its area code; the number within it, none.
        ("0538-5621234", "0538-*******"),
        ("010-65123456", "010-********"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        # Not even the number of digits of a house number shows.
        ("文庙街道府前街12号3单元501", "文庙街道府前街*号*单元*"),
        ("葛石镇东皋村3组15号", "葛石镇东皋村*组*号"),
        ("葛石镇东皋村3组5号", "葛石镇东皋村*组*号"),
        ("李家村王二麻子家", "李家村*"),  # a name after the village is hidden too
        ("阳光花园12号楼2单元", "阳光花园*号楼*单元"),
        ("东关大槐树底下", "东关大槐*"),  # no place word: the first four characters stay
        ("府前街１２号", "府前街*号"),
        ("", ""),
    ],
)
def test_mask_address(value: str, masked: str) -> None:
    assert mask_address(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("张", "*"),
        ("", ""),
    ],
)
def test_mask_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked
