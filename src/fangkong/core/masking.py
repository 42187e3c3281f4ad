"""Masks for personal data shown on lists, exports and audit logs (个人信息去标识化展示).

Masks never raise and never reveal more than the documented characters; anything they do not
recognise is masked with the generic rule of :func:`_mask_other`. Which characters stay, and
why that leaves at least 10,000 candidates for each hidden value, is the disclosure rule
(:mod:`fangkong.core.disclosure`); nothing but that module calls these masks.
"""

from __future__ import annotations

import re

from fangkong.core.pinyin import COMPOUND_SURNAMES
from fangkong.core.text import normalize_text

__all__ = ["mask_address", "mask_date", "mask_id_number", "mask_name", "mask_phone"]

_MOBILE = re.compile(r"1[0-9]{10}")
_LANDLINE = re.compile(r"(?P<area>0[0-9]{2,3})-(?P<local>[0-9]{7,8})")
_DIGIT = re.compile(r"[0-9]")
_STARS = re.compile(r"\*+")

# Words after which the part of an address that identifies a household begins.
_PLACE_MARKERS = re.compile(r"社区|小区|村|街|路|巷|弄|道|组|屯|苑|园|大厦|公寓")
# Characters that describe the structure of a house number and are kept ("12号3单元501").
_HOUSE_NUMBER_WORDS = frozenset("号栋幢座单元楼层室户组排期-#")
# Without a place word, this many leading characters are taken to name the place.
_PLAIN_PREFIX = 4


def _mask_other(value: str) -> str:
    """A number of no known layout (passport, permit, a 15-digit card number): at least six
    characters stay hidden, and the end is shown only when eight or more are.

    ≥ 12 characters: the first two and the last two; 8–11: the first two; shorter: none.
    """
    length = len(value)
    if length >= 12:
        return value[:2] + "*" * (length - 4) + value[-2:]
    if length >= 8:
        return value[:2] + "*" * (length - 2)
    return "*" * length


def mask_id_number(value: str) -> str:
    """'370921199001011234' → '370921**********34': the region and the last two stay.

    Hidden: the birth date and the first two sequence digits (see core.disclosure for why
    the last four may not stay). Other document numbers: :func:`_mask_other`.
    """
    value = value.strip() if value else ""
    if len(value) == 18:
        return value[:6] + "*" * 10 + value[-2:]
    return _mask_other(value)


def mask_phone(value: str) -> str:
    """'13812345678' → '*********78'; '0538-5621234' → '0538-*******'.

    A mobile number's digits 4–7 name its block (号段), which the city one lives in all but
    tells: only the last two digits stay. A landline keeps its area code, not its number.
    """
    value = value.strip() if value else ""
    if _MOBILE.fullmatch(value):
        return "*" * 9 + value[-2:]
    landline = _LANDLINE.fullmatch(value)
    if landline:
        return f"{landline['area']}-{'*' * len(landline['local'])}"
    return _mask_other(value)


def mask_date(value: object) -> str:
    """A birth date, hidden whole: with the region shown it is most of an ID number."""
    return "****-**-**" if value else ""


def mask_address(detail: str) -> str:
    """Keep the part of an address that names a place, mask what identifies the household.

    Rule: every digit becomes '*'. The household part starts after the last place word
    (村, 社区, 街, 路, 小区 …) that comes before the first digit; without such a word, after
    the first four characters or the first digit, whichever is earlier. In the household part
    only house-number words (号, 栋, 单元, 楼, 室 …) stay; all else, e.g. a landlord's name,
    becomes '*', and a run of hidden characters one '*', so that not even the number of
    digits shows. '文庙街道府前街12号3单元501' → '文庙街道府前街*号*单元*'.
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
    return head + _STARS.sub("*", tail)


def mask_name(value: str) -> str:
    """'张三' → '张*'; '欧阳娜娜' → '欧阳**' (compound surnames stay whole); '张' → '*'."""
    name = normalize_text(value) if value else ""
    if len(name) <= 1:
        return "*" * len(name)
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return surname + "*" * (len(name) - len(surname))
