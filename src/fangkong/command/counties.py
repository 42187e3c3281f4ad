"""The demo county's city (issue 18): `fangkong demo --scale city` builds the demo county
(宁阳县) and then the other five counties of 泰安市 beside it, each with its own bureau,
stations, townships, checkpoints, officers and users, and a morning of registrations at
its checkpoints (returnees referred to home quarantine in its townships), all through the
services, so that every level — the city, each county — can be signed in to and compared.

The installation serves the city (`FANGKONG_AREA_CODE=3709`, org/areas.py). Township codes
follow the demo county's pattern (county code + 3 digits, GB/T 10114); their names are the
counties' real subdistricts and towns, a few each.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.demo import mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.org import services as org_services
from fangkong.org.areas import installation_area
from fangkong.org.demo import GROUP_DUTIES, demo_login
from fangkong.org.models import Officer, Township, Unit, WorkingGroup

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
CHECKPOINTS_PER_COUNTY = 2
OFFICERS_PER_COUNTY = 8
PASSAGES_PER_CHECKPOINT = 6
GROUPS = list(WorkingGroup.Code)
HUBEI = ["420102", "420106", "420111", "420902", "421002"]


def build_city(ctx: DemoContext) -> None:
    """The city around the demo county (already built). Needs FANGKONG_AREA_CODE=3709."""
    if installation_area() != CITY[0]:
        raise ValueError(f"--scale city: FANGKONG_AREA_CODE must be {CITY[0]}")
    for rows in (Unit.objects.filter(area_code=""), WorkingGroup.objects.filter(area_code="")):
        org_services.units_assign_area(units=rows, area_code=DEMO_COUNTY, by=None)
    city_bureau = org_services.unit_create(
        name=f"{CITY[1]}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=CITY[0]
    )
    demo_login(ctx, f"{CITY[2]}_zhihui", Role.COMMAND, f"{CITY[1]}（全市各县）", unit=city_bureau)
    for n, county in enumerate(COUNTIES):
        _build_county(ctx, n, county)


def _build_county(
    ctx: DemoContext, n: int, county: tuple[str, str, str, list[tuple[str, str, str]]]
) -> None:
    code, name, login, townships = county
    rng = ctx.rng
    bureau = org_services.unit_create(
        name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
    )
    stations = []
    places = []
    for suffix, township_name, kind in townships:
        station = org_services.unit_create(
            name=f"{name}{township_name.removesuffix('街道').removesuffix('镇')}派出所",
            kind=Unit.Kind.STATION,
            parent=bureau,
            by=None,
        )
        stations.append(station)
        places.append(
            org_services.township_create(
                code=f"{code}{suffix}", name=township_name, kind=kind, station=station, by=None
            )
        )
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
    checkpoints = [
        checkpoint_services.checkpoint_create(
            code=f"{code}-{k}",
            name=f"{name}{k}号检查站",
            road=f"S{100 + 10 * n + k}",
            location=f"{name}{places[k % len(places)].name}入口",
            unit=stations[k % len(stations)],
            lanes=2,
            opened_on=ctx.start,
            by=None,
        )
        for k in range(1, CHECKPOINTS_PER_COUNTY + 1)
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
    guard = demo_login(
        ctx, f"{login}_kk", Role.CHECKPOINT, checkpoints[0].name, officer=officers[2]
    )
    checkpoint_services.checkpoint_post(user=guard, checkpoint=checkpoints[0], by=None)
    _register(ctx, n, checkpoints, places, guard)


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
