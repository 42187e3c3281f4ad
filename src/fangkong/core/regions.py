"""GB/T 2260 administrative division codes, read from python-stdnum's ``cn/loc`` database.

stdnum keeps the codes as a two-level tree: a 2-digit province prefix with a ``province``
property and 4-digit suffixes with a ``county`` property. A county value may carry history,
e.g. ``"[-2009]襄樊市,[2010-]襄阳市"`` (a renamed city) or ``"[-2010]崇文区"`` (an abolished
district). Identity cards keep the code of the place where they were issued, so every code that
ever existed counts as known; the name shown is the newest one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from fangkong.core.text import strip_all_spaces

__all__ = [
    "Region",
    "city_code",
    "find_regions",
    "get_region",
    "is_known_region",
    "province_code",
    "region_name",
    "resolve_place",
]

_HISTORY = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.*)$")
_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2}){0,2}")
_WRITTEN_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")

# City-level rows that are filing headings rather than places; a municipality's districts sit
# under "市辖区"/"县", Hubei's and Hainan's directly administered cities under "省直辖…".
_PLACEHOLDER_CITIES = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位", "林区"}
)
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


@dataclass(frozen=True)
class Region:
    """One GB/T 2260 division: a province (``xx0000``), a city (``xxyy00``) or a county."""

    code: str
    province: str
    city: str
    county: str
    # False for codes that were abolished (e.g. 110103 崇文区); they still appear on old IDs.
    current: bool = True

    @functools.cached_property  # a region is made once (_region's memo), named per ID number
    def name(self) -> str:
        """Full name without repeats, e.g. "山东省泰安市宁阳县", "北京市东城区"."""
        parts: list[str] = []
        for part in (self.province, self.city, self.county):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


@dataclass(frozen=True)
class _Entry:
    name: str
    former_names: tuple[str, ...]
    current: bool


def _parse_names(raw: str) -> _Entry:
    """Pick the newest name from a value like "[1983-2019]桥东区,[2020-]襄都区"."""
    candidates: list[tuple[int, str]] = []
    for item in raw.split(","):
        match = _HISTORY.match(item)
        if match is None:
            candidates.append((10_000, item))  # no history marker: in use throughout
        else:
            end = match["end"]
            candidates.append((int(end) if end else 10_000, match["name"]))
    candidates.sort(key=lambda pair: pair[0])
    last_year, name = candidates[-1]
    former = tuple(n for _, n in candidates[:-1] if n != name)
    return _Entry(name=name, former_names=former, current=last_year == 10_000)


@functools.cache
def _entries() -> dict[str, _Entry]:
    """Six-digit code → entry; read once from stdnum's database on first use."""
    from stdnum import numdb  # deferred: keeps Django start-up free of the 7 000-line parse

    entries: dict[str, _Entry] = {}
    for _length, low, high, props, children in numdb.get("cn/loc").prefixes:
        for province in _expand(low, high):
            own_name = props.get("province", "")
            for _sub_length, sub_low, sub_high, sub_props, _ in children:
                county = sub_props.get("county")
                if county is None:
                    continue
                for suffix in _expand(sub_low, sub_high):
                    entries[province + suffix] = _parse_names(county)
            # Hong Kong's and Macao's province rows are in traditional characters; the
            # 0000 row under them has the simplified name, so it wins when present.
            entries.setdefault(province + "0000", _Entry(own_name, (), True))
    return entries


def _expand(low: str, high: str) -> list[str]:
    if low == high:
        return [low]
    width = len(low)
    return [str(n).zfill(width) for n in range(int(low), int(high) + 1)]


def _full_code(code: str) -> str | None:
    """Accept 2, 4 or 6 digits (full-width too) and pad to 6; None for anything else."""
    if len(code) == 6 and code.isascii() and code.isdigit():
        return code  # the common case (an ID number's region): nothing to fold or pad
    compact = strip_all_spaces(code) if code else ""
    if not _CODE.fullmatch(compact):
        return None
    return compact.ljust(6, "0")


def _city_part(code: str, entries: dict[str, _Entry], province_name: str) -> str:
    city = entries.get(code[:4] + "00")
    if city is None or code[2:4] == "00":
        return ""
    if city.name in _PLACEHOLDER_CITIES:
        # a municipality is its own city; directly administered county-level cities have none
        return province_name if code[:2] in _MUNICIPALITIES else ""
    return city.name


@functools.lru_cache(maxsize=16_384)  # bounded: lookups of arbitrary codes must not pile up
def _region(code: str) -> Region | None:
    entries = _entries()
    entry = entries.get(code)
    if entry is None:
        return None
    province = entries.get(code[:2] + "0000")
    province_name = province.name if province else ""
    city = _city_part(code, entries, province_name)
    if code[4:] != "00":
        county = entry.name
    elif code[2:4] != "00" and not city:
        county = "" if entry.name in _PLACEHOLDER_CITIES else entry.name
    else:
        county = ""
    return Region(
        code=code, province=province_name, city=city, county=county, current=entry.current
    )


def get_region(code: str) -> Region | None:
    """The region for a 2-, 4- or 6-digit code ("37", "3709", "370921"), None if unknown."""
    full = _full_code(code)
    return _region(full) if full else None


def region_name(code: str) -> str:
    """Full name of the region, '' when the code is unknown or malformed."""
    region = get_region(code)
    return region.name if region else ""


def is_known_region(code: str) -> bool:
    """Whether the code is, or ever was, a GB/T 2260 division."""
    return get_region(code) is not None


def province_code(code: str) -> str:
    """The 2-digit province prefix of a code ("370921" → "37"); '' when malformed."""
    full = _full_code(code)
    return full[:2] if full else ""


def city_code(code: str) -> str:
    """The 4-digit city prefix of a code ("370921" → "3709"); '' when malformed."""
    full = _full_code(code)
    return full[:4] if full else ""


def find_regions(name: str, *, include_abolished: bool = False) -> list[Region]:
    """Regions whose full or former name contains ``name`` ("武汉", "襄樊"), ordered by code.

    Abolished codes (e.g. 372624, 宁阳县 before 泰安地区 became a city) are left out unless
    asked for, because pickers offer today's divisions; they then come after the current ones.
    """
    needle = strip_all_spaces(name) if name else ""
    if not needle:
        return []
    found: list[Region] = []
    for code, entry in _entries().items():
        region = _region(code)
        if region is None or not (region.current or include_abolished):
            continue
        if needle in region.name or any(needle in former for former in entry.former_names):
            found.append(region)
    found.sort(key=lambda region: (not region.current, region.code))
    return found


@functools.lru_cache(maxsize=4096)
def resolve_place(text: str) -> str:
    """The region code a place written by a person names ("武汉", "湖北省孝感市", "湖北孝感",
    "武汉市洪山区", "420100"), '' when it names none: the one rule for an origin, a travel
    history, a destination and a pushed list's 来源地 (issue 15). In order:

    1. a 2-, 4- or 6-digit code names itself when it is known;
    2. the first region, in code order (the widest), whose full or former name holds the text;
    3. a province's short name before the rest ("湖北孝感"): the rest, in that province;
    4. the longest start of the text that names a region ("武汉市洪山区珞瑜路" → 武汉市).

    static/checkpoints/roadside.js applies the same steps to region_table() offline."""
    text = (text or "").strip()
    if not text:
        return ""
    if _WRITTEN_CODE.match(text):
        return text if get_region(text) else ""
    found = find_regions(text)
    for cut in (2, 3):
        if found or len(text) < cut + 2:
            break
        found = [r for r in find_regions(text[cut:]) if r.province.startswith(text[:cut])]
    if not found:
        for end in range(len(text) - 1, 1, -1):
            found = find_regions(text[:end])
            if found:
                break
    return found[0].code if found else ""


def known_region_codes() -> list[str]:
    """Every six-digit code that ever existed: the table ID numbers are checked against,
    also sent to devices so that they check numbers offline by the same rule."""
    return sorted(_entries())


@functools.cache
def region_table() -> list[list[str]]:
    """Every code, in code order, as ``[code, full name, "1" if current else "", *former
    names]``: what ``region_name`` and ``find_regions`` read, as data for devices that
    resolve places offline by the same rules."""
    table = []
    for code in sorted(_entries()):
        region = _region(code)
        if region is None:
            continue
        entry = _entries()[code]
        table.append([code, region.name, "1" if region.current else "", *entry.former_names])
    return table
