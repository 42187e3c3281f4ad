"""The areas around the demo county (issue 18), each county of its own through the
services — bureau, stations, townships and villages, checkpoints, officers, users — so that
every level can be signed in to and compared:

- `fangkong demo --scale city` (`build_city`): the demo county (宁阳县) and the other five
  counties of 泰安市 beside it, with a morning of registrations at their checkpoints
  (returnees referred to home quarantine in their townships). The installation serves the
  city (`FANGKONG_AREA_CODE=3709`).
- `fangkong demo --scale province` (`build_province`): 山东省's 16 cities and their counties
  (GB/T 2260, python-stdnum's table: core/regions.py), the province's bureau and one
  commander a city and a county; the volume (people, cases, passages) is then written in
  bulk by each app's `scale.py` into these counties (core/scale.py). The installation serves
  the province (`FANGKONG_AREA_CODE=37`).

Township codes follow the demo county's pattern (county code + 3 digits, GB/T 10114). 泰安's
counties have a few of their real subdistricts and towns; elsewhere the townships are three
made-up ones a county (城东街道, 城西街道, 中心镇, named with their county), each with three
villages.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.demo import mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.core.pinyin import name_pinyin
from fangkong.core.regions import get_region, known_region_codes
from fangkong.org import services as org_services
from fangkong.org.areas import installation_area
from fangkong.org.demo import GROUP_DUTIES, demo_login
from fangkong.org.models import Officer, Township, Unit, Village, WorkingGroup

if TYPE_CHECKING:
    from fangkong.core.demo import DemoContext

CITY = ("3709", "泰安市", "taian")
DEMO_COUNTY = "370921"
# (code, name, login prefix, [(township suffix, name, kind)]): the city's other counties.
COUNTIES: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "370902",
        "泰山区",
        "taishan",
        [("001", "泰前街道", "subdistrict"), ("002", "财源街道", "subdistrict"),
         ("101", "省庄镇", "town")],
    ),
    (
        "370911",
        "岱岳区",
        "daiyue",
        [("001", "粥店街道", "subdistrict"), ("002", "天平街道", "subdistrict"),
         ("101", "满庄镇", "town")],
    ),
    (
        "370923",
        "东平县",
        "dongping",
        [("001", "东平街道", "subdistrict"), ("002", "州城街道", "subdistrict"),
         ("101", "老湖镇", "town")],
    ),
    (
        "370982",
        "新泰市",
        "xintai",
        [("001", "青云街道", "subdistrict"), ("002", "新汶街道", "subdistrict"),
         ("101", "楼德镇", "town")],
    ),
    (
        "370983",
        "肥城市",
        "feicheng",
        [("001", "新城街道", "subdistrict"), ("002", "老城街道", "subdistrict"),
         ("101", "石横镇", "town")],
    ),
]  # fmt: skip
CHECKPOINTS_PER_COUNTY = 2  # a city's counties: a morning of registrations at each
PROVINCE = ("37", "山东省", "shandong")
PROVINCE_CHECKPOINTS = 3  # a province's counties: their passages come in bulk (scale.py)
OFFICERS_PER_COUNTY = 8
PASSAGES_PER_CHECKPOINT = 6
GROUPS = list(WorkingGroup.Code)
HUBEI = ["420102", "420106", "420111", "420902", "421002"]
# A county outside 泰安市: three made-up townships (named with their county), three villages each.
MADE_UP = [("001", "城东街道", "subdistrict"), ("002", "城西街道", "subdistrict"),
           ("101", "中心镇", "town")]  # fmt: skip
VILLAGES = [("东村", Village.Kind.VILLAGE), ("西村", Village.Kind.VILLAGE),
            ("新村社区", Village.Kind.COMMUNITY)]  # fmt: skip


@dataclass(frozen=True)
class CountyPlan:
    code: str
    name: str  # as shown: 泰山区 (济南市中区 where two cities have a 市中区)
    login: str  # its users: <login>_zhihui, <login>_pcs, <login>_kk
    townships: Sequence[tuple[str, str, str]]  # (code suffix, name, kind)


@dataclass(frozen=True)
class CityPlan:
    code: str
    name: str
    login: str
    counties: Sequence[CountyPlan]


@dataclass
class BuiltCounty:
    plan: CountyPlan
    city: str
    city_name: str
    bureau: Unit
    stations: list[Unit]
    townships: list[Township]
    checkpoints: list[Checkpoint] = field(default_factory=list)
    guard: User | None = None  # the user posted at its first checkpoint


def build_city(ctx: DemoContext) -> list[BuiltCounty]:
    """The city around the demo county (already built). Needs FANGKONG_AREA_CODE=3709."""
    if installation_area() != CITY[0]:
        raise ValueError(f"--scale city: FANGKONG_AREA_CODE must be {CITY[0]}")
    built = _build_area(ctx, [_taian()], checkpoints=CHECKPOINTS_PER_COUNTY)
    for n, county in enumerate(built):
        assert county.guard is not None
        _register(ctx, n, county.checkpoints, county.townships, county.guard)
    return built


def build_province(ctx: DemoContext, *, cities: int = 0, per_city: int = 0) -> list[BuiltCounty]:
    """The province around the demo county (already built): its 16 cities (`cities`: the
    first so many, 泰安 always among them), each with its counties (`per_city`: at most so
    many, besides the demo county; 0: all). Needs FANGKONG_AREA_CODE=37."""
    if installation_area() != PROVINCE[0]:
        raise ValueError(f"--scale province: FANGKONG_AREA_CODE must be {PROVINCE[0]}")
    plans = province_plan(cities=cities, per_city=per_city)
    province = org_services.unit_create(
        name=f"{PROVINCE[1]}公安厅", kind=Unit.Kind.BUREAU, parent=None, by=None,
        area_code=PROVINCE[0],
    )  # fmt: skip
    demo_login(
        ctx, f"{PROVINCE[2]}_zhihui", Role.COMMAND, f"{PROVINCE[1]}（全省各市）", unit=province
    )
    return _build_area(ctx, plans, checkpoints=PROVINCE_CHECKPOINTS)


def _build_area(ctx: DemoContext, cities: list[CityPlan], *, checkpoints: int) -> list[BuiltCounty]:
    """Each city's bureau and commander, then each of its counties; the demo county's units
    (built without an area) are its county's."""
    for rows in (Unit.objects.filter(area_code=""), WorkingGroup.objects.filter(area_code="")):
        org_services.units_assign_area(units=rows, area_code=DEMO_COUNTY, by=None)
    built: list[BuiltCounty] = []
    for city in cities:
        bureau = org_services.unit_create(
            name=f"{city.name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None,
            area_code=city.code,
        )  # fmt: skip
        demo_login(
            ctx, f"{city.login}_zhihui", Role.COMMAND, f"{city.name}（全市各县）", unit=bureau
        )
        for county in city.counties:
            built.append(_build_county(ctx, len(built), county, city, checkpoints))
    return built


def _taian() -> CityPlan:
    return CityPlan(
        CITY[0],
        CITY[1],
        CITY[2],
        [CountyPlan(code, name, login, townships) for code, name, login, townships in COUNTIES],
    )


def province_plan(*, cities: int = 0, per_city: int = 0) -> list[CityPlan]:
    """山东省's cities and their current counties from GB/T 2260 (python-stdnum's table),
    in code order, without the demo county (built already) and the cities' 市辖区 entries
    (a code for a city's districts together, not a county)."""
    counties: dict[str, list[str]] = {}
    for code in sorted(known_region_codes()):
        region = get_region(code)
        if (
            not code.startswith(PROVINCE[0])
            or code.endswith("00")
            or region is None
            or not region.current
            or not region.county
            or region.county == "市辖区"
            or code == DEMO_COUNTY
        ):
            continue
        counties.setdefault(code[:4], []).append(code)
    codes = sorted(counties, key=lambda c: (c != CITY[0], c))  # the demo county's city first
    codes = sorted(codes[: cities or len(codes)])
    seen_names: dict[str, int] = {}
    for city in codes:
        for code in counties[city]:
            region = get_region(code)
            assert region is not None
            seen_names[region.county] = seen_names.get(region.county, 0) + 1
    taian = {plan.code: plan for plan in _taian().counties}
    used: set[str] = {PROVINCE[2]}
    plans = []
    for city in codes:
        region = get_region(f"{city}00")
        city_name = region.city if region and region.city else city
        city_login = _login(city_name.removesuffix("市"), city, used)
        county_plans = []
        for code in counties[city][: per_city or None]:
            if code in taian:
                used.add(taian[code].login)
                county_plans.append(taian[code])
                continue
            county = get_region(code).county  # type: ignore[union-attr]
            name = county
            if seen_names[county] > 1:  # 市中区 of 济南 and of 枣庄
                name = f"{city_name.removesuffix('市')}{county}"
            short = county[:-1] if len(county) > 2 else county
            townships = [(suffix, f"{name}{t}", kind) for suffix, t, kind in MADE_UP]
            county_plans.append(CountyPlan(code, name, _login(short, code, used), townships))
        plans.append(CityPlan(city, city_name, city_login, county_plans))
    return plans


def _login(name: str, code: str, used: set[str]) -> str:
    """The pinyin of an area's short name (lixia), else with its code when taken."""
    login = name_pinyin(name)[0] or code
    if login in used:
        login = f"{login}{code}"
    used.add(login)
    return login


def _build_county(
    ctx: DemoContext, n: int, plan: CountyPlan, city: CityPlan, checkpoints: int
) -> BuiltCounty:
    code, name, login = plan.code, plan.name, plan.login
    rng = ctx.rng
    bureau = org_services.unit_create(
        name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
    )
    stations = []
    places = []
    for suffix, township_name, kind in plan.townships:
        short = township_name.removeprefix(name).removesuffix("街道").removesuffix("镇")
        station = org_services.unit_create(
            name=f"{name}{short}派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
        )
        stations.append(station)
        township = org_services.township_create(
            code=f"{code}{suffix}", name=township_name, kind=kind, station=station, by=None
        )
        org_services.villages_create(
            township=township,
            names=[(f"{short}{v}", v_kind) for v, v_kind in VILLAGES],
            by=None,
        )
        places.append(township)
    officers = [
        org_services.officer_create(
            name=person_name(rng, "M" if rng.random() < 0.85 else "F"),
            badge_number=f"T{code}{i:02d}",
            kind=Officer.Kind.POLICE if i % 2 == 0 else Officer.Kind.AUXILIARY,
            unit=stations[i % len(stations)] if i else bureau,
            by=None,
            phone=mobile(rng),
            position="局长" if i == 0 else "",
        )
        for i in range(OFFICERS_PER_COUNTY)
    ]
    made = [
        checkpoint_services.checkpoint_create(
            code=f"{code}-{k}",
            name=f"{name}{k}号检查站",
            road=f"S{100 + (10 * n + k) % 900}",
            location=f"{name}{places[k % len(places)].name.removeprefix(name)}入口",
            unit=stations[k % len(stations)],
            lanes=2,
            opened_on=ctx.start,
            by=None,
        )
        for k in range(1, checkpoints + 1)
    ]
    for k, group in enumerate(GROUPS):  # the county's task force, led by its officers
        org_services.working_group_set(
            code=group,
            leader=officers[k % len(officers)],
            members=officers[k % 3 :: 3],
            duties=GROUP_DUTIES[group].replace("9个联合检查站", "本县检查站"),
            by=None,
            area_code=code,
        )
    demo_login(
        ctx, f"{login}_zhihui", Role.COMMAND, f"{name}（本县）", unit=bureau, officer=officers[0]
    )
    demo_login(
        ctx,
        f"{login}_pcs",
        Role.STATION,
        stations[0].name,
        unit=stations[0],
        officer=officers[1],
    )
    guard = demo_login(ctx, f"{login}_kk", Role.CHECKPOINT, made[0].name, officer=officers[2])
    checkpoint_services.checkpoint_post(user=guard, checkpoint=made[0], by=None)
    return BuiltCounty(plan, city.code, city.name, bureau, stations, places, made, guard)


def _register(
    ctx: DemoContext, n: int, checkpoints: list[Checkpoint], places: list[Township], by: User
) -> None:
    """A morning at each checkpoint: cars with one traveller each, some back from Hubei
    (flagged, referred to home quarantine in the county: a case), the rest local."""
    rng = ctx.rng
    for k, cp in enumerate(checkpoints):
        for i in range(PASSAGES_PER_CHECKPOINT):
            at = ctx.at(ctx.today, 7 + i, 10 * k + n)
            if not ctx.happened(at):
                continue
            from_hubei = i % 3 == 0
            region = rng.choice(HUBEI) if from_hubei else cp.code[:6]
            sex = "M" if rng.random() < 0.6 else "F"
            born = datetime.date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1)
            township = places[(i + k) % len(places)]
            occupant = checkpoint_services.OccupantInput(
                name=person_name(rng, sex),
                id_number=make_id_number(region, born, rng.randrange(100), sex),
                phone=mobile(rng),
                temperature="36.5",
                origin="湖北省武汉市" if from_hubei else "",
                destination=f"{township.name}",
            )
            checkpoint_services.passage_register(
                data=checkpoint_services.PassageInput(
                    checkpoint=cp,
                    direction="in",
                    vehicle_type="car",
                    plate=f"鲁J{rng.randrange(10**5):05d}",
                    occurred_at=at,
                    client_id=uuid.UUID(int=rng.getrandbits(128)),
                    occupants=[occupant],
                ),
                by=by,
            )
