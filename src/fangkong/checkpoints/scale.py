"""Checkpoints at scale (core/scale.py): the checkpoints of the generated counties (three a
county, made through the services with their county: command/counties.py), their roster (three shifts a day, four groups of three officers, one group resting each day) and
the passages of every day, with their occupants and the pre-aggregated counts.

Each traveller is assessed as a registration assesses them (checkpoints/services/passages.py
· occupant_assess: origin, destination matched in the checkpoint's county, flags of the
day, the recommendation), and the rows are the registration's (passage_row, occupant_row)
and the counts its (passage_tally): returnees from Hubei are flagged and referred to their
case, or persuaded back when they go nowhere in the county; a fever hands a traveller to
medical care. Only the writing differs: rows day by day in time order, as registrations
arrive, through core.scale's writer (COPY, a chunk an audit entry); the PassageCount rows
are summed from the very rows written.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from fangkong.checkpoints.models import (
    Checkpoint,
    Decision,
    DutyAssignment,
    DutyShift,
    Occupant,
    Passage,
    PassageCount,
)
from fangkong.checkpoints.selectors import COUNT_FIELDS
from fangkong.checkpoints.services.passages import (
    OCCUPANT_FIELDS,
    PASSAGE_FIELDS,
    AssessedPassage,
    PassageInput,
    checkpoint_area,
    occupant_assess,
    occupant_row,
    passage_row,
    passage_tally,
)
from fangkong.core.clock import SHANGHAI
from fangkong.core.plates import parse_plate
from fangkong.core.regions import region_name
from fangkong.core.scale import ScaleContext
from fangkong.core.selectors import key_areas
from fangkong.core.temperature import parse_temperature
from fangkong.org.models import Township, Village
from fangkong.org.places import CountyPlaces

OFFICERS_PER_CHECKPOINT = 12  # four groups of three: org/scale.py writes them
SLOT_OF_HOUR = [2] * 8 + [0] * 8 + [1] * 8  # shifts 08–16, 16–24, 00–08
SLOT_HOURS = {0: (8, 16), 1: (16, 24), 2: (0, 8)}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 8, 8, 7, 7, 8, 8, 8, 8, 6, 5, 4, 3, 2, 1]
HOURS = [h for h, w in enumerate(HOUR_WEIGHTS) for _ in range(w)]
KINDS = ["car"] * 70 + ["truck"] * 18 + ["bus"] * 3 + ["motorcycle"] * 6 + ["pedestrian"] * 3
SEATS = [1, 1, 2, 2, 3, 4]
SINGLE = ("truck", "motorcycle", "pedestrian")
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LU_LETTERS = "ABCDEFGHJKLMNPQRSUV"
RETURNEE_SHARE = 0.015  # passages whose driver is a returnee (as at the demo county)
FEVER_SHARE = 0.002

# The rows as written: the ids and what the writer adds around the services' row rules
# (passage_row, occupant_row of checkpoints/services/passages.py).
PASSAGE_COLUMNS = (
    "id",
    "client_id",
    "checkpoint_id",
    "shift_id",
    *PASSAGE_FIELDS,
    "registered_by_id",
    "created_at",
    "request_digest",  # none: generated rows are never retried
)
OCCUPANT_COLUMNS = (
    "id",
    "passage_id",
    "position",
    "person_id",
    "checkpoint_id",
    "day",
    *OCCUPANT_FIELDS,
    "case_id",
)
# The JSON columns of occupant_row, written as text.
JSON_AT = [OCCUPANT_FIELDS.index(name) for name in ("travel_history", "symptoms", "flags")]


def _plate(rng: Any, prefix: str) -> str:
    return prefix + "".join(rng.choice(PLATE_CHARS) for _c in range(5))


def build(ctx: ScaleContext) -> None:
    persons = ctx.data.get("persons")
    ids = [checkpoint for checkpoint, _unit in ctx.data.get("checkpoints", [])]
    if not ids or not persons:
        return
    found = Checkpoint.objects.in_bulk(ids)
    checkpoints = [found[pk] for pk in ids]
    shift_first = _roster(ctx, checkpoints)
    _passages(ctx, checkpoints, shift_first, persons)


def _roster(ctx: ScaleContext, checkpoints: list[Checkpoint]) -> int:
    """Shifts of every day and their officers; returns the first shift id (shifts are laid
    out checkpoint by checkpoint, day by day, slot by slot)."""
    w = ctx.writer
    officers = ctx.data["officers"]
    days = ctx.days
    first = w.next_id(DutyShift)
    first_assignment = w.next_id(DutyAssignment)

    def window(day: datetime.date, slot: int) -> tuple[str, str]:
        begin, end = SLOT_HOURS[slot]
        start = ctx.at(day, begin)
        stop = ctx.at(day + datetime.timedelta(days=1), 0) if end == 24 else ctx.at(day, end)
        return start, stop

    def team(c: int, d: int, slot: int) -> list[int]:
        resting = d % 4
        working = [g for g in range(4) if g != resting]
        base = officers["first"] + c * OFFICERS_PER_CHECKPOINT + working[slot] * 3
        return [base, base + 1, base + 2]

    def shifts() -> Iterator[tuple[Any, ...]]:
        n = first
        for c, cp in enumerate(checkpoints):
            for d, day in enumerate(days):
                for slot in range(3):
                    start, stop = window(day, slot)
                    lead = team(c, d, slot)[0]
                    yield (
                        n,
                        cp.pk,
                        day.isoformat(),
                        slot,
                        start,
                        stop,
                        lead,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                    n += 1

    def assignments() -> Iterator[tuple[Any, ...]]:
        n = first_assignment
        shift = first
        for c, _cp in enumerate(checkpoints):
            for d, day in enumerate(days):
                for slot in range(3):
                    start, stop = window(day, slot)
                    for officer in team(c, d, slot):
                        yield n, shift, officer, start, stop, day.isoformat()
                        n += 1
                    shift += 1

    w.write(
        DutyShift,
        (
            "id",
            "checkpoint_id",
            "day",
            "slot",
            "starts_at",
            "ends_at",
            "leader_id",
            "party_leader_id",
            "counted_vehicles",
            "counted_persons",
            "counted_by_id",
            "counted_at",
        ),
        shifts(),
        label="班次",
    )
    w.write(
        DutyAssignment,
        ("id", "shift_id", "officer_id", "starts_at", "ends_at", "day"),
        assignments(),
        label="执勤安排",
    )
    return first


def _json(value: list[Any]) -> str:
    return json.dumps(value, ensure_ascii=False) if value else "[]"


def _passages(
    ctx: ScaleContext, checkpoints: list[Checkpoint], shift_first: int, persons: dict[str, Any]
) -> None:
    rng = ctx.rng
    w = ctx.writer
    days = ctx.days
    areas = key_areas()
    places = CountyPlaces.load()
    county = {cp.pk: checkpoint_area(cp, None) for cp in checkpoints}
    cases = ctx.data.get("cases", {"first": 0, "count": 0})
    township_name = dict(Township.objects.values_list("pk", "name"))
    village_name = dict(Village.objects.values_list("pk", "name"))
    first_person, n_persons = persons["first"], persons["count"]
    returnees = persons["returnees"]
    township_of, village_of = persons["township"], persons["village"]
    names = persons["name"]
    per_day = ctx.size.passages / (len(checkpoints) * len(days))
    passage_id = w.next_id(Passage)
    occupant_id = w.next_id(Occupant)
    uuid_base = rng.getrandbits(64) << 64

    @functools.cache
    def plate_region(prefix: str) -> str:
        return parse_plate(prefix + "12345").region_code

    @functools.cache
    def origin_name(code: str) -> str:
        return region_name(code)[:60]

    regions, region_index = persons["regions"], persons["region"]
    travellers = n_persons - returnees
    random = rng.random
    # Cars pass again and again: plates from a fleet, Hubei ones driven by returnees.
    fleet = [_plate(rng, "鲁" + rng.choice(LU_LETTERS)) for _ in range(max(1000, travellers // 5))]
    hubei_fleet = [
        _plate(rng, "鄂" + rng.choice("AAKJFD")) for _ in range(max(100, returnees // 5))
    ]
    # Measured as a registration reads them (core.temperature.parse_temperature).
    temperatures = [parse_temperature(f"{t / 10:.1f}", label="体温") for t in range(359, 372)]
    fevers = [parse_temperature(f"{t / 10:.1f}", label="体温") for t in range(373, 387)]
    places_named: dict[int, str] = {}
    counts: dict[tuple[int, str, int, int], list[int]] = defaultdict(
        lambda: [0] * len(COUNT_FIELDS)
    )
    written = {"passages": 0, "occupants": 0}
    for d, day in enumerate(days):
        iso = day.isoformat()
        # (time, passage columns after id and client id, occupants' columns after the ids)
        made: list[tuple[str, tuple[Any, ...], list[tuple[Any, ...]]]] = []
        for c, cp in enumerate(checkpoints):
            n = max(1, int(per_day * (0.85 + 0.3 * random()) + 0.5))
            shift_base = shift_first + (c * len(days) + d) * 3
            area = county[cp.pk]
            for _ in range(n):
                hour = HOURS[int(random() * len(HOURS))]
                slot = SLOT_OF_HOUR[hour]
                minute, second = divmod(int(random() * 3600), 60)
                moment = datetime.datetime.combine(
                    day, datetime.time(hour, minute, second), SHANGHAI
                )
                stamp = ctx.at(day, hour, minute, second)
                kind = KINDS[int(random() * len(KINDS))]
                returnee = returnees > 0 and random() < RETURNEE_SHARE
                if returnee:
                    seats = [int(random() * returnees)]
                else:
                    count = 1 if kind in SINGLE else SEATS[int(random() * len(SEATS))]
                    seats = [returnees + int(random() * travellers) for _s in range(count)]
                    if count > 1:
                        seats = list(dict.fromkeys(seats))
                plate = ""
                if kind != "pedestrian":
                    if returnee and random() < 0.7:
                        plate = hubei_fleet[int(random() * len(hubei_fleet))]
                    else:
                        plate = fleet[int(random() * len(fleet))]
                plate_code = plate_region(plate[:2]) if plate else ""
                back = returnee and random() < 0.15  # going back: says no destination
                items = []
                for pos in seats:
                    fever = random() < FEVER_SHARE
                    if fever:
                        temperature = fevers[int(random() * len(fevers))]
                    else:
                        temperature = temperatures[int(random() * len(temperatures))]
                    home = regions[region_index[pos]]
                    destination = ""
                    if not back:
                        village = village_of[pos]
                        destination = places_named.get(village) or places_named.setdefault(
                            village, (township_name[township_of[pos]] + village_name[village])[:60]
                        )
                    # What a registration of this traveller would assess (the name as given
                    # at the checkpoint, no phone asked, the household region of their ID).
                    items.append(
                        occupant_assess(
                            values={"name": names[pos], "phone": "", "household_region": home},
                            temperature=temperature,
                            origin=origin_name(home),
                            destination=destination,
                            travel_history=[],
                            symptoms=[],
                            decision="",
                            day=day,
                            plate=plate,
                            plate_region=plate_code,
                            places=places,
                            areas=areas,
                            county=area,
                        )
                    )
                assessed = AssessedPassage(
                    data=PassageInput(
                        checkpoint=cp,
                        direction="in" if random() < 0.8 else "out",
                        vehicle_type=kind,
                        occupants=[],
                    ),
                    occurred_at=moment,
                    day=day,
                    plate=plate,
                    plate_region=plate_code,
                    occupants=items,
                )
                occupants = []
                for position, (pos, item) in enumerate(zip(seats, items, strict=True)):
                    row = list(occupant_row(item))
                    for i in JSON_AT:
                        row[i] = _json(row[i])
                    case = (
                        cases["first"] + pos
                        if item.decision == Decision.QUARANTINE and pos < cases["count"]
                        else None
                    )
                    occupants.append((position, first_person + pos, cp.pk, iso, *row, case))
                tally = counts[(cp.pk, iso, slot, hour)]
                for i, value in enumerate(passage_tally(items).values()):
                    tally[i] += value
                passage = (
                    cp.pk,
                    shift_base + slot,
                    *passage_row(assessed, at=stamp),
                    None,  # registered by no one: generated
                    stamp,
                )
                made.append((stamp, passage, occupants))
        # The day's rows in the order they would have arrived: ids follow time.
        made.sort(key=lambda item: item[0])
        passage_rows = []
        occupant_rows = []
        for _stamp, passage, occupants in made:
            passage_rows.append((passage_id, f"{uuid_base + passage_id:032x}", *passage, None))
            for occupant in occupants:
                occupant_rows.append((occupant_id, passage_id, *occupant))
                occupant_id += 1
            passage_id += 1
        written["passages"] += w.write(
            Passage, PASSAGE_COLUMNS, passage_rows, label="通行登记", quiet=True
        )
        written["occupants"] += w.write(
            Occupant, OCCUPANT_COLUMNS, occupant_rows, label="乘车人员", quiet=True
        )
        if d % 10 == 9 or d == len(days) - 1:
            ctx.log(
                f"    {iso}: {written['passages']:,} 通行登记, {written['occupants']:,} 乘车人员"
            )
    count_id = w.next_id(PassageCount)
    w.write(
        PassageCount,
        ("id", "checkpoint_id", "day", "slot", "hour", *COUNT_FIELDS),
        (
            (count_id + i, cp, day, slot, hour, *tally)
            for i, ((cp, day, slot, hour), tally) in enumerate(sorted(counts.items()))
        ),
        label="通行统计",
    )
