"""Where in the county: the one home of matching written places to the county's townships
and villages, and of "is this in the county?" (issue 15).

One matcher serves a checkpoint's destination (`checkpoints.services.passage_assess`: page,
API, QR self-registration, bulk) and a pushed list's township, village and address columns
(`quarantine.imports.validate_row`). Its rules:

- **township**, from the township text, else the address: its exact name; else the longest
  full name the text holds ("宁阳县堽城镇东王庄村"); else the longest short name — the name
  without 街道/镇/乡, two characters at least ("堽城", "乡饮") — the text holds;
- **village**, from the village text, else the address, among the township's villages when
  the township is known: its exact name, else the longest name the text holds, else the
  village whose name starts with the text ("东王庄" → 东王庄村); without a township only a
  village name that is unique in the county counts, and it gives the township;
- a village of another township than the one matched is dropped;
- a township name several counties share (两个县都有城关镇) is the one in the checkpoint's
  county, else in the county the texts name ("东平县城关镇"), else in the ID number's
  county; else none (`Place.ambiguous` lists them: a pushed row then routes by its ID
  region or stays in the city's queue), never an arbitrary one.

**In the county** (`in_county`): "the county" is the checkpoint's own area (its unit's,
accounts.jurisdiction.unit_area; `FANGKONG_COUNTY_CODE` only when none is given). A
destination is in the county when the township it matches is one of the county's (a
township of another county of the same city is not: the traveller is that county's to take
in, and a key-area link is 劝返 here, never 居家隔离 in this county's list), or names a
village of the county (even one whose name several townships share); else, when it names
a region (core.regions.resolve_place), when that region is the county or lies in it; else
— nothing written, or nothing anyone can place — when the person's household region (the
first six digits of their ID number) is the county's: a county resident going home. So a
370921… resident in a 鄂A car is a destination in the county (居家隔离), not 劝返.

Offline, static/checkpoints/roadside.js decides "in the county" from `device_rules()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from fangkong.core.regions import resolve_place
from fangkong.core.text import normalize_text
from fangkong.org.models import Township, Village

_SUFFIX = re.compile(r"(街道|镇|乡)$")
_CACHE_MAX = 20_000  # distinct texts remembered per matcher; then it starts again


def county_code() -> str:
    return str(settings.FANGKONG["COUNTY_CODE"])


def short_name(name: str) -> str:
    """A township's name without 街道/镇/乡 ("堽城镇" → "堽城"), '' when under two characters."""
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 and short != name else ""


@dataclass(frozen=True, slots=True)
class Place:
    township: Township | None = None
    village: Village | None = None
    # A name several counties' townships bear, nothing saying which: those townships.
    ambiguous: tuple[Township, ...] = ()

    @property
    def township_id(self) -> int | None:
        return self.township.id if self.township is not None else None

    @property
    def village_id(self) -> int | None:
        return self.village.id if self.village is not None else None


NOWHERE = Place()


class _Hints:
    """The counties that may say which of several same-named townships is meant, in order:
    `area`, the county the texts name (resolved only when asked), the ID number's."""

    def __init__(self, area: str, texts: tuple[str, ...], household_region: str) -> None:
        self.area, self.texts, self.household_region = area, texts, household_region

    def __iter__(self) -> Iterator[str]:
        if self.area:
            yield self.area
        for text in self.texts:
            code = resolve_place(text) if text else ""
            if len(code) >= 6:
                yield code[:6]
        if len(self.household_region) >= 6:
            yield self.household_region[:6]


class CountyPlaces:
    """The county's townships and villages, matched in written places. Built once per
    import, kept for registrations (checkpoints.services.passages._reference); read only but for its
    memo of texts already matched."""

    def __init__(self, townships: list[Township], villages: list[Village]) -> None:
        by_pk = {t.pk: t for t in townships}
        # Two counties of a city may share a name (城关镇): each name keeps every township.
        self.named: dict[str, list[Township]] = {}
        for t in townships:
            self.named.setdefault(t.name, []).append(t)
        # Longest first: "东疏镇" before a shorter name it holds.
        self.full = sorted(((t.name, t) for t in townships), key=lambda kv: -len(kv[0]))
        self.short = sorted(
            ((short_name(t.name), t) for t in townships if short_name(t.name)),
            key=lambda kv: -len(kv[0]),
        )
        self.short_named: dict[str, list[Township]] = {}
        for short, t in self.short:
            self.short_named.setdefault(short, []).append(t)
        self.township_codes = {t.pk: t.code for t in townships}
        self._area_villages: dict[str, frozenset[str]] = {}
        self.villages: dict[int, list[Village]] = {}
        self.village_names: dict[str, list[Village]] = {}
        for v in villages:
            if v.township_id in by_pk:
                v.township = by_pk[v.township_id]  # no query when a match gives its township
            self.villages.setdefault(v.township_id, []).append(v)
            self.village_names.setdefault(v.name, []).append(v)
        # Each township's villages with their names, as the matcher reads them for every
        # address of a list (the model's attribute read per village and per row).
        self._named_villages: dict[int, list[tuple[str, Village]]] = {
            pk: [(v.name, v) for v in pool] for pk, pool in self.villages.items()
        }
        self._memo: dict[tuple[str, str, str, str, str], Place] = {}
        self._places: dict[tuple[int, int], Place] = {}

    @classmethod
    def load(cls) -> CountyPlaces:
        return cls(list(Township.objects.all()), list(Village.objects.all()))

    def match(
        self,
        *,
        township: str = "",
        village: str = "",
        address: str = "",
        area: str = "",
        household_region: str = "",
    ) -> Place:
        """The township and village the texts name (normalised first). Of townships of the
        same name in several counties, the one in `area` (a checkpoint's county), else in
        the county the texts name, else in the county of `household_region` (the ID
        number's); none when still several (`Place.ambiguous` lists them)."""
        key = (township, village, address, area, household_region[:6])
        found = self._memo.get(key)
        if found is None:
            found = self._match(
                normalize_text(township),
                normalize_text(village),
                normalize_text(address),
                area,
                household_region,
            )
            if len(self._memo) >= _CACHE_MAX:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _match(
        self, township: str, village: str, address: str, area: str, household_region: str
    ) -> Place:
        if not (township or village or address):
            return NOWHERE
        named: tuple[Township, ...] = ()
        t: Township | None = None
        for text in (township, address):
            candidates = self._candidates(text)
            if len(candidates) == 1:
                t = candidates[0]
                break
            if candidates:
                # Which county, when a name is several counties': the checkpoint's, else
                # the county the texts name ("东平县城关镇"), else the ID number's.
                t = self._pick(candidates, _Hints(area, (township, address), household_region))
                named = () if t is not None else tuple(candidates)
                break
        v = self._village(village, t) or self._village(address, t)
        if t is None and v is not None:
            t, named = v.township, ()
        if v is not None and t is not None and v.township_id != t.id:
            v = None
        if named:
            return Place(township=t, village=v, ambiguous=named)
        # Places are values: one for each township and village matched, shared by the
        # texts that name them (an import makes one a row, its addresses differ).
        key = (id(t), id(v))  # this matcher's own townships and villages, kept for its life
        place = self._places.get(key)
        if place is None:
            place = self._places[key] = Place(township=t, village=v)
        return place

    def _candidates(self, text: str) -> list[Township]:
        """The townships the text names: its exact name, else the longest full name it holds,
        else the longest short name — every township of that name, one per county."""
        if not text:
            return []
        if text in self.named:
            return self.named[text]
        for name, _t in self.full:
            if name in text:
                return self.named[name]
        for short, _t in self.short:
            if short in text:
                return self.short_named[short]
        return []

    @staticmethod
    def _pick(candidates: list[Township], hints: _Hints) -> Township | None:
        """The one township meant; None when several counties have it and nothing says which
        (never an arbitrary one)."""
        if len(candidates) == 1:
            return candidates[0]
        for county in hints:
            inside = [t for t in candidates if t.code.startswith(county)]
            if len(inside) == 1:
                return inside[0]
        return None

    def _village(self, text: str, township: Township | None) -> Village | None:
        if not text:
            return None
        if township is not None:
            inside = [nv for nv in self._named_villages.get(township.id, ()) if nv[0] in text]
            if len(inside) == 1:
                return inside[0][1]
            if inside:
                return max(inside, key=lambda nv: len(nv[0]))[1]  # the first of the longest
            if len(text) >= 2:
                pool = self.villages.get(township.id, [])
                return next((v for v in pool if v.name.startswith(text)), None)
            return None
        unique = [vs[0] for name, vs in self.village_names.items() if len(vs) == 1 and name in text]
        return max(unique, key=lambda v: len(v.name)) if unique else None

    def _villages_of(self, area: str) -> frozenset[str]:
        """The names of the villages of the area's townships."""
        names = self._area_villages.get(area)
        if names is None:
            names = frozenset(
                name
                for name, vs in self.village_names.items()
                if any(self.township_codes.get(v.township_id, "").startswith(area) for v in vs)
            )
            self._area_villages[area] = names
        return names

    def in_county(
        self, place: Place, *, text: str = "", household_region: str = "", area: str = ""
    ) -> bool:
        """Whether a destination (`text`, matched as `place`) is in the county `area` (the
        checkpoint's; `FANGKONG_COUNTY_CODE` when not given); see above."""
        area = area or county_code()
        if place.township is not None:
            return place.township.code.startswith(area)
        text = normalize_text(text)
        if text and any(name in text for name in self._villages_of(area)):
            return True
        region = resolve_place(text) if text else ""
        if region:
            return region.startswith(area)
        return bool(household_region) and household_region.startswith(area)

    def device_rules(self) -> dict[str, Any]:
        """What a device needs to decide "in the county" offline, by the rules above: every
        township's names and every village's with the township's code, in the order the
        matcher tries them; the device passes its checkpoint's area (default county_code)."""
        unique = [vs[0] for vs in self.village_names.values() if len(vs) == 1]
        return {
            "county_code": county_code(),
            "townships": [[name, t.code] for name, t in self.full],
            "township_short_names": [[short, t.code] for short, t in self.short],
            # Longest first, then as loaded: the first held is the one max() picks above.
            "unique_villages": [
                [v.name, self.township_codes.get(v.township_id, "")]
                for v in sorted(unique, key=lambda v: -len(v.name))
            ],
            "villages": sorted(
                {
                    (name, self.township_codes.get(v.township_id, ""))
                    for name, vs in self.village_names.items()
                    for v in vs
                }
            ),
        }
