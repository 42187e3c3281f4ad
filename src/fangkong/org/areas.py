"""Levels of the administrative hierarchy (issue 18): province → city → county → township →
village, by GB/T 2260 codes (python-stdnum's table, core/regions.py) and the project's own
township reference data (9 digits: county + 3; villages are rows under a township).

An installation serves one area, `FANGKONG_AREA_CODE`: a county ("370921", the default,
from `FANGKONG_COUNTY_CODE`), a city ("3709") or a province ("37"). Inside it:

- a unit belongs to the area of its `area_code` (empty: the installation's area), so a
  county bureau and its stations carry their county's code, a city bureau the city's;
- a township belongs to the county its code starts with;
- a checkpoint belongs to its unit's area; a person to the county of their township (their
  current address); a person no township claims belongs to the installation only.

Who sees which of these is accounts/jurisdiction.py's (`area_scope`, `user_area`); this
module only names and lists the areas.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from fangkong.core.regions import get_region
from fangkong.org.models import Township, Unit

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
# Length of a code at each level; a county's townships are its code + 3 digits.
LENGTHS = {2: PROVINCE, 4: CITY, 6: COUNTY, 9: TOWNSHIP, 12: VILLAGE}
LEVEL_LABELS = {
    PROVINCE: _("省"),
    CITY: _("市"),
    COUNTY: _("县（市、区）"),
    TOWNSHIP: _("乡镇街道"),
    VILLAGE: _("村居"),
}


def installation_area() -> str:
    """The code of the area this installation serves ("370921", "3709" or "37")."""
    return str(settings.FANGKONG["AREA_CODE"])


def level_of(code: str) -> str:
    """ "37" → province, "3709" → city, "370921" → county, 9 digits → township; '' else."""
    return LENGTHS.get(len(code), "") if code.isdigit() else ""


def is_multi_county() -> bool:
    """Whether the installation serves a city or a province (several counties)."""
    return len(installation_area()) < 6


def area_name(code: str) -> str:
    """The short name at the code's own level: 泰安市, 宁阳县, 堽城镇; '' when unknown."""
    if len(code) == 9:
        return Township.objects.filter(code=code).values_list("name", flat=True).first() or ""
    region = get_region(code)
    if region is None:
        return ""
    return {2: region.province, 4: region.city or region.province, 6: region.county}.get(
        len(code), ""
    )


@dataclass(frozen=True)
class Area:
    code: str
    name: str

    @property
    def level(self) -> str:
        return level_of(self.code)


def child_areas(code: str) -> list[Area]:
    """The areas one level down from a city or a province that hold units or townships in
    this installation (a city's counties, a province's cities), in code order; [] for a
    county and below (a county's townships have their own tables)."""
    if len(code) not in (2, 4):
        return []
    width = len(code) + 2
    codes = {
        c[:width]
        for c in Unit.objects.filter(area_code__startswith=code).values_list("area_code", flat=True)
        if len(c) >= width
    }
    codes |= {
        c[:width]
        for c in Township.objects.filter(code__startswith=code).values_list("code", flat=True)
    }
    return [Area(c, area_name(c) or c) for c in sorted(codes)]


def county_of(
    *,
    township: Township | None,
    household_region: str = "",
    counties: Collection[str] | None = None,
) -> str:
    """The county a row of a pushed list goes to (issue 18 item 4, called by the import):
    its township's county when its address names one, else its ID number's county when
    that county is one of the installation's; '' when no county claims it (it stays at
    the city, in a queue of its own). `counties`: the installation's (`installation_counties`,
    read once by a caller routing many rows), else looked up."""
    if township is not None:
        return township.code[:6]
    code = household_region[:6]
    if len(code) != 6 or code == installation_area():
        return ""
    if counties is not None:
        return code if code in counties else ""
    # known_area: inside the installation, below it, holding units or townships.
    return code if known_area(code) else ""


def installation_counties() -> frozenset[str]:
    """The counties of a city or province installation: those holding units or townships
    (one query each); for a county installation, the county."""
    top = installation_area()
    if len(top) >= 6:
        return frozenset([top[:6]])
    codes = {
        c[:6]
        for c in Unit.objects.filter(area_code__startswith=top).values_list("area_code", flat=True)
        if len(c) >= 6
    }
    codes |= {
        c[:6] for c in Township.objects.filter(code__startswith=top).values_list("code", flat=True)
    }
    return frozenset(codes)


def area_unit(code: str) -> Unit | None:
    """The unit at the head of an area (its bureau: the unit of that area nearest the root),
    what a user "of the area" belongs to; None for the installation's own area when no unit
    carries its code (its users see the whole installation without one)."""
    code = code.strip()
    unit = (
        Unit.objects.filter(area_code=code).order_by(Length("path"), "path").first()
        if code.isdigit()
        else None
    )
    if unit is None and code != installation_area():
        raise Unit.DoesNotExist(_("区划 %(code)s：本系统中没有该区划的单位") % {"code": code})
    return unit


class AmbiguousName(ValueError):
    """A unit or township name several areas of the installation bear, nothing saying which."""


def unit_named(name: str, area: str = "") -> Unit:
    """The unit called `name` (`fangkong createuser --unit`), within `area` when given: names
    are unique per area only (two counties may each have a 城关派出所). Unit.DoesNotExist when
    none; AmbiguousName, listing each with its area code, when several."""
    top = installation_area()
    units = [
        u
        for u in Unit.objects.filter(name=name).order_by("area_code", "path")
        if (u.area_code or top).startswith(area)
    ]
    return _the_one(units, name, area, lambda u: u.area_code or top, Unit.DoesNotExist, _("单位"))


def township_named(name: str, area: str = "") -> Township:
    """The township called `name`, within `area` when given (names are unique per county);
    Township.DoesNotExist when none, AmbiguousName when several."""
    towns = list(Township.objects.filter(name=name, code__startswith=area).order_by("code"))
    return _the_one(towns, name, area, lambda t: t.code[:6], Township.DoesNotExist, _("乡镇街道"))


def _the_one(
    found: list[Any],
    name: str,
    area: str,
    area_of: Callable[[Any], str],
    missing: type[Exception],
    what: Any,
) -> Any:
    if len(found) == 1:
        return found[0]
    if not found:
        where = _("区划 %(area)s 中") % {"area": area} if area else _("本系统中")
        raise missing(
            _("%(where)s没有名为“%(name)s”的%(what)s")
            % {"where": where, "name": name, "what": what}
        )
    listed = "、".join(f"{area_name(area_of(o)) or area_of(o)}（{area_of(o)}）" for o in found)
    raise AmbiguousName(
        _("名为“%(name)s”的%(what)s有%(n)d个：%(listed)s；请用 --area 区划代码 指明是哪一个")
        % {"name": name, "what": what, "n": len(found), "listed": listed}
    )


def record_area(
    *, township: Township | None = None, county: str = "", unit: Unit | None = None
) -> str:
    """The area a record is of, for the bureau that signs its documents: its township's
    county, else the county it was routed to (a case routed by ID region), else its unit's
    area; '' (the installation's) when none says."""
    if township is not None:
        return township.code[:6]
    return county or (unit.area_code if unit is not None else "")


def bureau_name(area: str = "") -> str:
    """The bureau that speaks for an area, in the header and on its documents: the
    installation's own area (or none) is `FANGKONG_BUREAU_NAME`; a county or city inside it
    is its bureau's name (the BUREAU-kind unit of that area nearest the root: 宁阳县公安局),
    else the installation's."""
    code = (area or "").strip()
    if code and code != installation_area():
        name = (
            Unit.objects.filter(area_code=code, kind=Unit.Kind.BUREAU)
            .order_by(Length("path"), "path")
            .values_list("name", flat=True)
            .first()
        )
        if name:
            return name
    return str(settings.FANGKONG["BUREAU_NAME"])


def issuing_office(area: str = "") -> str:
    """The office named in a document's 印发 line: `FANGKONG_ISSUING_OFFICE` for the
    installation's own area, else the area's bureau's 办公室."""
    code = (area or "").strip()
    if not code or code == installation_area():
        return str(settings.FANGKONG["ISSUING_OFFICE"])
    return _("%(b)s办公室") % {"b": bureau_name(code)}


def known_area(code: str) -> bool:
    """Whether `code` is the installation's area or an area inside it that holds units or
    townships (what ?area= may name)."""
    top = installation_area()
    if code == top:
        return True
    if not code.startswith(top) or len(code) not in (2, 4, 6) or len(code) <= len(top):
        return False
    return (
        Unit.objects.filter(area_code__startswith=code).exists()
        or Township.objects.filter(code__startswith=code).exists()
    )
