"""Mainland telephone numbers: mobiles (11 digits) and landlines with their area code.

Numbers arrive as typed into forms and spreadsheets: with spaces, dashes, brackets around the
area code, a +86 country code, full-width digits. Mobiles are stored as the bare 11 digits,
landlines as "area-local" ("0538-5621234") so that the area code stays readable.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

__all__ = ["is_mobile", "parse_phone"]

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−()]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_DIGIT = re.compile(r"[0-9]")
# Three-digit area codes (Beijing 010 and the 02x cities); every other area code has four.
_SHORT_AREA = re.compile(r"0(?:10|2[0-9])")


def _shown(char: str) -> str:
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _error(message: str, code: str, field: str | Promise, /, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params={"field": field, **params})


def _strip_country_code(digits: str) -> str:
    """Drop +86 / 0086 / 86; a landline written internationally also lost its leading 0."""
    for prefix in ("+86", "0086"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and rest:
            return rest if rest.startswith(("0", "1")) else "0" + rest
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        return digits[2:]
    return digits


def parse_phone(value: str, *, field: str | Promise = "联系电话") -> str:
    """Check a phone number and return it normalised: "13812345678" or "0538-5621234"."""
    if value and _MOBILE.fullmatch(value):
        return value  # already a bare mobile number: the common case
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)) if value else ""
    if not compact:
        raise _error(_("%(field)s不能为空"), "required", field)
    number = _strip_country_code(compact)
    bad = next((char for char in number if not _DIGIT.fullmatch(char)), None)
    if bad is not None:
        raise _error(
            _("%(field)s含有非法字符：“%(char)s”"), "invalid_char", field, char=_shown(bad)
        )
    if not number:
        raise _error(_("%(field)s不能为空"), "required", field)
    if number.startswith("1"):
        if len(number) != 11:
            raise _error(
                _("%(field)s位数错误：手机号应为11位，实为%(length)d位"),
                "invalid_length",
                field,
                length=len(number),
            )
        if not _MOBILE.fullmatch(number):
            raise _error(_("%(field)s格式错误：手机号第二位应为3至9"), "invalid_mobile", field)
        return number
    if number.startswith("0"):
        return _landline(number, field)
    if len(number) in (7, 8):
        raise _error(
            _("%(field)s格式错误：固定电话应带区号，如0538-5621234"), "missing_area_code", field
        )
    raise _error(_("%(field)s格式错误：手机号应为11位且以1开头"), "invalid_format", field)


def _landline(number: str, field: str | Promise) -> str:
    if number.startswith("00"):
        raise _error(_("%(field)s区号无效：不支持国际号码"), "invalid_area_code", field)
    area_length = 3 if _SHORT_AREA.match(number) else 4
    area, local = number[:area_length], number[area_length:]
    if len(local) not in (7, 8):
        raise _error(
            _("%(field)s位数错误：区号%(area)s后应为7或8位，实为%(length)d位"),
            "invalid_length",
            field,
            area=area,
            length=len(local),
        )
    if local[0] in "01":
        raise _error(_("%(field)s格式错误：区号后的号码不能以0或1开头"), "invalid_landline", field)
    return f"{area}-{local}"


def is_mobile(value: str) -> bool:
    """Whether the value is a valid mainland mobile number."""
    try:
        return len(parse_phone(value)) == 11
    except ValidationError:
        return False
