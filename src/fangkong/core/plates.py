"""Mainland motor vehicle number plates (机动车号牌, GA 36-2018).

A plate is the province's one-character abbreviation, the issuing office's letter and a serial:
5 characters for ordinary plates, 6 for new-energy ones, or 4 followed by a character naming
the kind (学 driving-school car, 警 police, 挂 trailer, 领 consulate, 港/澳 cross-boundary
vehicles from Hong Kong or Macao, always 粤Z). Serials use digits and letters except I and O,
which read as 1 and 0.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from fangkong.core import regions

__all__ = ["PROVINCE_ABBREVIATIONS", "PROVINCE_CODES", "Plate", "parse_plate"]

# Province abbreviation → GB/T 2260 province prefix, in the order of the province keyboard
# that plate pickers show.
PROVINCE_CODES: dict[str, str] = {
    "京": "11",
    "津": "12",
    "沪": "31",
    "渝": "50",
    "冀": "13",
    "豫": "41",
    "云": "53",
    "辽": "21",
    "黑": "23",
    "湘": "43",
    "皖": "34",
    "鲁": "37",
    "新": "65",
    "苏": "32",
    "浙": "33",
    "赣": "36",
    "鄂": "42",
    "桂": "45",
    "甘": "62",
    "晋": "14",
    "蒙": "15",
    "陕": "61",
    "吉": "22",
    "闽": "35",
    "贵": "52",
    "粤": "44",
    "青": "63",
    "藏": "54",
    "川": "51",
    "宁": "64",
    "琼": "46",
}
PROVINCE_ABBREVIATIONS: list[str] = list(PROVINCE_CODES)

# Issuing-office letter → GB/T 2260 code, from the public allocation of plate letters to
# cities by each provincial traffic police. Only letters we are sure of; any other letter falls
# back to the province. "A" is the provincial capital everywhere (capitals are all xx01);
# the four municipalities have no city split and always map to the province. Letters for
# county-level cities administered by the province (鄂M 仙桃 …) map to their 6-digit code.
_CAPITALS = {
    abbr: code + "01"
    for abbr, code in PROVINCE_CODES.items()
    if code not in {"11", "12", "31", "50"}
}
PLATE_CITY_CODES: dict[str, dict[str, str]] = {
    abbr: {"A": capital} for abbr, capital in _CAPITALS.items()
}
PLATE_CITY_CODES["鄂"] = {
    "A": "4201",  # 武汉
    "B": "4202",  # 黄石
    "C": "4203",  # 十堰
    "D": "4210",  # 荆州
    "E": "4205",  # 宜昌
    "F": "4206",  # 襄阳
    "G": "4207",  # 鄂州
    "H": "4208",  # 荆门
    "J": "4211",  # 黄冈
    "K": "4209",  # 孝感
    "L": "4212",  # 咸宁
    "M": "429004",  # 仙桃
    "N": "429005",  # 潜江
    "P": "429021",  # 神农架林区
    "Q": "4228",  # 恩施土家族苗族自治州
    "R": "429006",  # 天门
    "S": "4213",  # 随州
}
PLATE_CITY_CODES["鲁"] = {
    "A": "3701",  # 济南
    "B": "3702",  # 青岛
    "C": "3703",  # 淄博
    "D": "3704",  # 枣庄
    "E": "3705",  # 东营
    "F": "3706",  # 烟台
    "G": "3707",  # 潍坊
    "H": "3708",  # 济宁
    "J": "3709",  # 泰安
    "K": "3710",  # 威海
    "L": "3711",  # 日照
    "M": "3716",  # 滨州
    "N": "3714",  # 德州
    "P": "3715",  # 聊城
    "Q": "3713",  # 临沂
    "R": "3717",  # 菏泽
    "S": "3701",  # 莱芜, part of 济南 since 2019
    "U": "3702",  # 青岛 (second letter)
    "V": "3707",  # 潍坊 (second letter)
    "Y": "3706",  # 烟台 (second letter)
}

_SUFFIX_KINDS = {
    "学": "coach",
    "警": "police",
    "挂": "trailer",
    "领": "consulate",
    "港": "hk_macao",
    "澳": "hk_macao",
}
# Also sent to devices (checkpoints.roadside), which read plates offline.
SEPARATORS = r"[\s·•・.\-‐‑‒–—―−]+"
_SEPARATORS = re.compile(SEPARATORS)
_SERIAL_CHAR = re.compile(r"[0-9A-HJ-NP-Z]")
_CITY_LETTER = re.compile(r"[A-HJ-NP-Z]")
_LOWER_TO_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NEW_ENERGY_SMALL = re.compile(r"[DF][0-9A-HJ-NP-Z][0-9]{4}")
_NEW_ENERGY_LARGE = re.compile(r"[0-9]{5}[DF]")


@dataclass(frozen=True)
class Plate:
    """A checked plate number such as 鄂A12345 or 鲁JD12345 (stored without separators)."""

    number: str
    province_abbr: str
    city_letter: str
    new_energy: bool
    kind: str  # ordinary, new_energy, coach, police, trailer, consulate, hk_macao
    region_code: str  # city prefix ("4201") when the letter is known, else province ("42")
    region_name: str


@functools.lru_cache(maxsize=4096)
def normalize_plate(value: str) -> str:
    """Fold full-width characters, upper-case letters, drop spaces, dots and dashes.
    Memoised: a registration reads its plate twice (parse_plate, the request's digest)."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value)
    # NFKC again, as in text.strip_all_spaces: removing separators can enable a composition.
    compact = unicodedata.normalize("NFKC", _SEPARATORS.sub("", folded))
    return compact.translate(_LOWER_TO_UPPER)


def _shown(char: str) -> str:
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _error(message: str, code: str, field: str | Promise, /, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params={"field": field, **params})


def parse_plate(value: str, *, field: str | Promise = "车牌号") -> Plate:
    """Check a plate number and return it parsed; ValidationError names the exact problem."""
    number = normalize_plate(value)
    if not number:
        raise _error(_("%(field)s不能为空"), "required", field)
    province = number[0]
    if province not in PROVINCE_CODES:
        raise _error(
            _("%(field)s省份简称无效：%(char)s"), "invalid_province", field, char=_shown(province)
        )
    if len(number) not in (7, 8):
        raise _error(
            _("%(field)s位数错误：应为7位（新能源号牌8位），实为%(length)d位"),
            "invalid_length",
            field,
            length=len(number),
        )
    letter = number[1]
    if not _CITY_LETTER.fullmatch(letter):
        raise _error(
            _("%(field)s发牌机关代号无效：%(char)s（应为字母，不用I和O）"),
            "invalid_city_letter",
            field,
            char=_shown(letter),
        )
    suffix = number[-1] if number[-1] in _SUFFIX_KINDS else ""
    serial = number[2:-1] if suffix else number[2:]
    for char in serial:
        if char in "IO":
            raise _error(_("%(field)s不能使用字母I或O"), "invalid_io", field)
        if not _SERIAL_CHAR.fullmatch(char):
            raise _error(
                _("%(field)s含有非法字符：“%(char)s”"), "invalid_char", field, char=_shown(char)
            )
    kind = _kind(number, province, letter, suffix, serial, field)
    region_code = PLATE_CITY_CODES.get(province, {}).get(letter, PROVINCE_CODES[province])
    return Plate(
        number=number,
        province_abbr=province,
        city_letter=letter,
        new_energy=kind == "new_energy",
        kind=kind,
        region_code=region_code,
        region_name=regions.region_name(region_code),
    )


def _kind(
    number: str, province: str, letter: str, suffix: str, serial: str, field: str | Promise
) -> str:
    cross_boundary = province == "粤" and letter == "Z"
    if suffix:
        if len(number) != 7:
            raise _error(
                _("%(field)s位数错误：“%(suffix)s”字号牌应为7位，实为%(length)d位"),
                "invalid_length",
                field,
                suffix=suffix,
                length=len(number),
            )
        if _SUFFIX_KINDS[suffix] == "hk_macao" and not cross_boundary:
            raise _error(
                _("%(field)s“%(suffix)s”字号牌应以粤Z开头"), "invalid_suffix", field, suffix=suffix
            )
        return _SUFFIX_KINDS[suffix]
    if cross_boundary:
        raise _error(_("%(field)s粤Z号牌应以“港”或“澳”结尾"), "invalid_suffix", field)
    if len(serial) == 6:
        if not (_NEW_ENERGY_SMALL.fullmatch(serial) or _NEW_ENERGY_LARGE.fullmatch(serial)):
            raise _error(
                _(
                    "%(field)s新能源号牌格式错误：小型车为D或F加5位（后4位为数字），"
                    "大型车为5位数字加D或F"
                ),
                "invalid_new_energy",
                field,
            )
        return "new_energy"
    return "ordinary"
