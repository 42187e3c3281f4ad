"""Demo checkpoints: the 9 joint checkpoints on the roads into 宁阳县, three shifts a day
from 2020-01-26 held by 120+ officers drawn from headquarters, a few thousand passages a
day (travellers from Hubei flagged, some turned back, referrals opening or joining
quarantine cases), hand counts with two discrepancies, and the officer who held G104 for
seven days and nights in a row."""

from __future__ import annotations

import datetime
import time
import uuid

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.checkpoints import services
from fangkong.checkpoints.models import DutyShift, PassageCount
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core import clock
from fangkong.core.demo import DemoContext, mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.org.models import Officer, Township, Unit

CHECKPOINTS = [
    # (code, name, road, location, unit name, lanes)
    ("G104N", "G104宁阳北检查站", "G104", "104国道宁阳、肥城交界处", "交通警察大队", 4),
    ("G104S", "G104宁阳南检查站", "G104", "104国道宁阳、兖州交界处", "交通警察大队", 4),
    ("G3N", "京台高速宁阳出口检查站", "G3", "京台高速宁阳收费站", "特巡警大队", 3),
    ("S244", "S244磁窑检查站", "S244", "省道244磁窑镇", "治安管理大队", 2),
    ("S104", "S104东疏检查站", "S104", "东疏镇东入口", "刑事侦查大队", 2),
    ("X021", "蒋集检查站", "X021", "蒋集镇西入口", "特巡警大队", 2),
    ("X033", "葛石检查站", "X033", "葛石镇南入口", "治安管理大队", 2),
    ("S331", "S331华丰检查站", "S331", "华丰镇北入口", "刑事侦查大队", 2),
    ("X008", "鹤山检查站", "X008", "鹤山镇东入口", "看守所", 2),
]
FIRST_DAY = datetime.date(2020, 1, 26)
LAST_DAY = datetime.date(2020, 2, 3)
HERO_DAYS = [datetime.date(2020, 1, 28) + datetime.timedelta(days=i) for i in range(7)]
PER_SHIFT = 3

HOME_REGIONS = ["370921"] * 10 + ["370902", "370911", "370983", "370830", "370811", "370481"]
HUBEI_REGIONS = ["420102", "420106", "420111", "420902", "421003", "420502", "420117"]
HUBEI_PLACES = ["武汉", "孝感", "黄冈", "荆州", "宜昌", "武汉市洪山区", "湖北省十堰市"]
HOME_PLACES = ["泰安", "济宁", "兖州", "肥城", "济南", "曲阜", "新泰"]
LU_LETTERS = "JJJJJJHHHAF"
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _plate(rng, province: str, letter: str) -> str:
    return (
        province
        + letter
        + "".join(rng.choice("0123456789") for _i in range(2))
        + "".join(rng.choice(PLATE_CHARS) for _i in range(3))
    )


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    began = time.monotonic()
    units = {u.name: u for u in Unit.objects.all()}
    checkpoints = [
        services.checkpoint_create(
            code=code,
            name=name,
            road=road,
            location=loc,
            unit=units.get(unit),
            lanes=lanes,
            opened_on=FIRST_DAY,
            by=None,
        )
        for code, name, road, loc, unit, lanes in CHECKPOINTS
    ]
    g104 = checkpoints[0]
    jc = User.objects.filter(username="jianchazhan").first()
    if jc is not None:
        services.checkpoint_post(user=jc, checkpoint=g104, by=None)

    # Officers: HQ departments and the traffic brigade, on post.
    pool = list(
        Officer.objects.filter(
            unit__kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TRAFFIC], status=Officer.Status.ON_POST
        ).order_by("badge_number")
    )
    hero = next(o for o in pool if o.party_member and o.unit.kind == Unit.Kind.TRAFFIC)
    pool.remove(hero)
    rng.shuffle(pool)
    needed = len(checkpoints) * 3 * PER_SHIFT
    group_size = (needed + 1) // 2 + 1
    pool = pool[: group_size * 3]
    groups = [pool[i::3] for i in range(3)]
    day = FIRST_DAY
    while day <= LAST_DAY:
        index = (day - FIRST_DAY).days
        available = [o for g, members in enumerate(groups) if g != index % 3 for o in members]
        rng.shuffle(available)
        k = 0
        for cp in checkpoints:
            for slot in range(3):
                officers = available[k : k + PER_SHIFT]
                k += PER_SHIFT
                if cp is g104 and slot == 0 and day in HERO_DAYS:
                    officers = [hero, *officers]
                party = next((o for o in officers if o.party_member), None)
                shift = services.shift_get_or_create(checkpoint=cp, day=day, slot=slot)
                services.shift_assign(
                    shift=shift,
                    officers=officers,
                    leader=hero if hero in officers else officers[0],
                    party_leader=party,
                    by=None,
                )
        day += datetime.timedelta(days=1)
    ctx.data["checkpoint_hero"] = hero
    ctx.log(f"    roster {time.monotonic() - began:.1f}s")
    ctx.data["checkpoints"] = checkpoints

    # Travellers: a pool of people who pass again and again, a few from Hubei.
    townships = list(Township.objects.prefetch_related("villages").order_by("code"))
    travellers: list[tuple[str, str, str, bool, str]] = []
    seen: set[str] = set()
    while len(travellers) < 5000:
        hubei = len(travellers) >= 4700
        sex = "M" if rng.random() < 0.55 else "F"
        born = datetime.date(1945, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 60))
        number = make_id_number(
            rng.choice(HUBEI_REGIONS if hubei else HOME_REGIONS), born, rng.randrange(100), sex
        )
        if number in seen:
            continue
        seen.add(number)
        township = rng.choice(townships)
        villages = list(township.villages.all())
        travellers.append(
            (
                person_name(rng, sex),
                number,
                mobile(rng),
                hubei,
                township.name + (rng.choice(villages).name if villages else ""),
            )
        )

    day = FIRST_DAY
    while day <= LAST_DAY:
        # Traffic fell as the county closed in: heavier on the first days.
        per_checkpoint = max(170, 260 - (day - FIRST_DAY).days * 15)
        for cp in checkpoints:
            items = []
            for _n in range(per_checkpoint * 3 // 2 if cp.road == "G104" else per_checkpoint):
                hour = rng.choices(
                    range(24),
                    weights=[
                        1,
                        1,
                        1,
                        1,
                        1,
                        2,
                        4,
                        6,
                        8,
                        8,
                        8,
                        8,
                        7,
                        7,
                        8,
                        8,
                        8,
                        8,
                        6,
                        5,
                        4,
                        3,
                        2,
                        1,
                    ],
                )[0]
                at = ctx.at(day, hour, rng.randrange(60))
                kind = rng.choices(
                    ["car", "truck", "bus", "motorcycle", "pedestrian"], [70, 18, 3, 6, 3]
                )[0]
                count = (
                    1
                    if kind in ("truck", "motorcycle", "pedestrian")
                    else rng.choice([1, 1, 2, 2, 3, 4])
                )
                people = rng.sample(travellers[:4700], count)
                if rng.random() < 0.015:
                    people[0] = rng.choice(travellers[4700:])
                from_hubei = any(p[3] for p in people)
                plate = ""
                if kind != "pedestrian":
                    plate = (
                        _plate(rng, "鄂", rng.choice("AAKJFD"))
                        if from_hubei and rng.random() < 0.7
                        else _plate(rng, "鲁", rng.choice(LU_LETTERS))
                    )
                occupants = []
                for name, number, phone, hubei, home in people:
                    turn_back = hubei and rng.random() < 0.15
                    fever = rng.random() < (0.03 if hubei else 0.002)
                    occupants.append(
                        OccupantInput(
                            name=name,
                            id_number=number,
                            phone=phone,
                            temperature=f"{rng.uniform(37.3, 38.6):.1f}"
                            if fever
                            else f"{rng.uniform(35.9, 37.1):.1f}",
                            origin=rng.choice(HUBEI_PLACES) if hubei else rng.choice(HOME_PLACES),
                            destination="" if turn_back else home,
                            travel_history=[rng.choice(HUBEI_PLACES)]
                            if hubei and rng.random() < 0.5
                            else [],
                            symptoms=["咳嗽"] if fever and rng.random() < 0.5 else [],
                        )
                    )
                if not ctx.happened(at):
                    continue  # later today than the demo's now (its random draws are made)
                items.append(
                    PassageInput(
                        checkpoint=cp,
                        direction="in" if rng.random() < 0.8 else "out",
                        vehicle_type=kind,
                        plate=plate,
                        occurred_at=at,
                        client_id=uuid.UUID(int=rng.getrandbits(128)),
                        occupants=occupants,
                    )
                )
            # Registered as of that day, as the officers did: the platform's clock reads the
            # end of the day (or the demo's now), so passage_assess takes each car as recent
            # (FANGKONG_PASSAGE_LATE_DAYS) and the audit trail dates each batch on its day.
            with clock.held(min(ctx.now, ctx.at(day, 23, 59))):
                services.passages_register_bulk(items=items, by=None)
        day += datetime.timedelta(days=1)

    ctx.log(f"    passages {time.monotonic() - began:.1f}s")
    # Hand counts at the end of each shift of the last three days; two do not match.
    counts: dict[tuple[int, datetime.date, int], int] = {}
    for row in PassageCount.objects.filter(day__gte=LAST_DAY - datetime.timedelta(days=2)):
        key = (row.checkpoint_id, row.day, row.slot)
        counts[key] = counts.get(key, 0) + row.vehicles
    shifts = list(
        DutyShift.objects.filter(day__gte=LAST_DAY - datetime.timedelta(days=2)).order_by(
            "day", "checkpoint__code", "slot"
        )
    )
    off = {shifts[5].pk: 2, shifts[60].pk: -1}
    for shift in shifts:
        if not ctx.happened(shift.ends_at):
            continue  # a shift still on duty hands in its count when it ends
        registered = counts.get((shift.checkpoint_id, shift.day, shift.slot), 0)
        services.shift_tally(
            shift=shift,
            vehicles=registered + off.get(shift.pk, 0),
            persons=None,
            by=None,  # type: ignore[arg-type]
            at=shift.ends_at,
        )
    ctx.logins.append(
        ("(设备令牌)", "检查站", "fangkong token create --checkpoint G104N --user jianchazhan")
    )
