from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.phones import is_mobile, parse_phone

pytestmark: list[pytest.MarkDecorator] = []


def _message(value: str, **kwargs: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_phone(value, **kwargs)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers_become_eleven_digits(typed: str) -> None:
    assert parse_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0538-5621234", "0538-5621234"),
        ("(0538)5621234", "0538-5621234"),
        ("（0538）5621234", "0538-5621234"),
        ("05385621234", "0538-5621234"),
        ("0538 562 1234", "0538-5621234"),
        ("010-65123456", "010-65123456"),
        ("02187654321", "021-87654321"),
        ("+86 538 5621234", "0538-5621234"),
    ],
)
def test_landlines_keep_their_area_code(typed: str, stored: str) -> None:
    assert parse_phone(typed) == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "联系电话不能为空"),
        (" ( ) ", "联系电话不能为空"),
        ("138123456７8a", "联系电话含有非法字符：“a”"),
        ("138 1234 567", "联系电话位数错误：手机号应为11位，实为10位"),
        ("12812345678", "联系电话格式错误：手机号第二位应为3至9"),
        ("5621234", "联系电话格式错误：固定电话应带区号，如0538-5621234"),
        ("99999", "联系电话格式错误：手机号应为11位且以1开头"),
        ("0538-56212", "联系电话位数错误：区号0538后应为7或8位，实为5位"),
        ("0538-0621234", "联系电话格式错误：区号后的号码不能以0或1开头"),
        ("00441234567890", "联系电话区号无效：不支持国际号码"),
    ],
)
def test_each_problem_has_its_own_message(value: str, message: str) -> None:
    assert _message(value) == message


def test_message_starts_with_the_field_label() -> None:
    assert _message("", field="紧急联系人电话") == "紧急联系人电话不能为空"


def test_is_mobile() -> None:
    assert is_mobile("+86 13812345678")
    assert not is_mobile("0538-5621234")
    assert not is_mobile("不是电话")
