"""Masks for personal data shown on lists, exports and audit logs (个人信息去标识化展示).

Masks never raise and never reveal more than the documented characters; anything they do not
recognise is masked with the generic rule of :func:`_mask_middle`.
"""

from __future__ import annotations

import re

from fangkong.core.pinyin import COMPOUND_SURNAMES
from fangkong.core.text import normalize_text

__all__ = ["mask_address", "mask_id_number", "mask_name", "mask_phone"]

_MOBILE = re.compile(r"1[0-9]{10}")
_LANDLINE = re.compile(r"(?P<area>0[0-9]{2,3})-(?P<local>[0-9]{7,8})")
_DIGIT = re.compile(r"[0-9]")

# Words after which the part of an address that identifies a household begins.
_PLACE_MARKERS = re.compile(r"社区|小区|村|街|路|巷|弄|道|组|屯|苑|园|大厦|公寓")
# Characters that describe the structure of a house number and are kept ("12号3单元501").
_HOUSE_NUMBER_WORDS = frozenset("号栋幢座单元楼层室户组排期-#")
# Without a place word, this many leading characters are taken to name the place.
_PLAIN_PREFIX = 4


def _mask_middle(value: str) -> str:
    """Keep the first two and last two characters; short values keep at most the first one."""
    length = len(value)
    if length <= 1:
        return "*" * length
    if length < 6:
        return value[0] + "*" * (length - 1)
    return value[:2] + "*" * (length - 4) + value[-2:]


def mask_id_number(value: str) -> str:
    """'370921199001011234' → '370921********1234': region and last four stay visible.

    Other document numbers (passports, 15-digit IDs) keep the first two and last two.
    """
    value = value.strip() if value else ""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    return _mask_middle(value)


def mask_phone(value: str) -> str:
    """'13812345678' → '138****5678'; '0538-5621234' → '0538-***1234'."""
    value = value.strip() if value else ""
    if _MOBILE.fullmatch(value):
        return value[:3] + "****" + value[-4:]
    landline = _LANDLINE.fullmatch(value)
    if landline:
        local = landline["local"]
        return f"{landline['area']}-{'*' * (len(local) - 4)}{local[-4:]}"
    return _mask_middle(value)


def mask_address(detail: str) -> str:
    """Keep the part of an address that names a place, mask what identifies the household.

    Rule: every digit becomes '*'. The household part starts after the last place word
    (村, 社区, 街, 路, 小区 …) that comes before the first digit; without such a word, after
    the first four characters or the first digit, whichever is earlier. In the household part
    only house-number words (号, 栋, 单元, 楼, 室 …) stay; all else, e.g. a landlord's name,
    becomes '*'. '文庙街道府前街12号3单元501' → '文庙街道府前街**号*单元***'.
    """
    text = normalize_text(detail) if detail else ""
    if not text:
        return ""
    first_digit = _DIGIT.search(text)
    limit = first_digit.start() if first_digit else len(text)
    boundary = 0
    for marker in _PLACE_MARKERS.finditer(text):
        if marker.end() <= limit:
            boundary = marker.end()
    if boundary == 0:
        boundary = min(_PLAIN_PREFIX, limit)
    head = text[:boundary]  # ends before the first digit, so it holds none
    tail = "".join(
        char if char in _HOUSE_NUMBER_WORDS or char == " " else "*" for char in text[boundary:]
    )
    return head + tail


def mask_name(value: str) -> str:
    """'张三' → '张*'; '欧阳娜娜' → '欧阳**' (compound surnames stay whole); '张' → '*'."""
    name = normalize_text(value) if value else ""
    if len(name) <= 1:
        return "*" * len(name)
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return surname + "*" * (len(name) - len(surname))
