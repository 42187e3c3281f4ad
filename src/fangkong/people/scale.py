"""Persons at scale (core/scale.py): the returnees first, then travellers and residents.

Every row through the services' rules — person_clean (the ID number checked and read for
sex, birth date and household region, the name's pinyin and initials, the phone) and
person_row (the row persons_insert writes) — only written by COPY: a valid 18-digit ID
number from a real region code, a township and village of some county of the province
(the person mostly of that county), a mobile number.
"""

from __future__ import annotations

import datetime
from array import array
from collections.abc import Iterator
from typing import Any

from fangkong.core.demo import mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.core.regions import get_region, known_region_codes
from fangkong.core.scale import ScaleContext
from fangkong.org.models import Township, Village
from fangkong.people.models import Person
from fangkong.people.services import PERSON_COLUMNS, PersonInput, person_clean, person_row

COLUMNS = ("id", *PERSON_COLUMNS, "purged_at")


def county_codes(province: str) -> list[str]:
    """Current county-level codes of a province ("37" Shandong, "42" Hubei)."""
    out = []
    for code in known_region_codes():
        if not code.startswith(province) or code.endswith("00"):
            continue
        region = get_region(code)
        if region is not None and region.current and region.county:
            out.append(code)
    return out


def build(ctx: ScaleContext) -> None:
    size = ctx.size
    if not size.persons:
        return
    rng = ctx.rng
    shandong = county_codes("37")
    hubei = county_codes("42")
    villages: dict[int, list[Village]] = {}
    for v in Village.objects.order_by("id"):
        villages.setdefault(v.township_id, []).append(v)
    # Every county's townships: a person lives in one, and is mostly of its county.
    places = {t.pk: t for t in Township.objects.order_by("code") if t.pk in villages}
    county_of = {pk: t.code[:6] for pk, t in places.items()}
    townships = list(county_of)
    seen = set(Person.objects.exclude(id_number=None).values_list("id_number", flat=True))
    first = ctx.writer.next_id(Person)
    n = size.persons
    returnees = min(size.cases, n)
    # What the other apps need of each person, by position (id = first + position).
    township_of = array("i", bytes(4 * n))
    village_of = array("i", bytes(4 * n))
    codes = list(dict.fromkeys([*county_of.values(), *shandong, *hubei]))
    code_index = {code: k for k, code in enumerate(codes)}
    region_of = array("H", bytes(2 * n))
    address: list[str] = []
    # Each person's name, for the occupants the checkpoints record (as given there): one
    # string per distinct name, shared, so a million people cost a list of pointers.
    names: list[str] = []
    distinct: dict[str, str] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            sex = "M" if rng.random() < 0.51 else "F"
            township = rng.choice(townships)
            home = county_of[township]
            if i < returnees:
                region = rng.choice(hubei) if rng.random() < 0.8 else home
            else:
                # Travellers and residents: half of the county, the rest of the province.
                region = home if rng.random() < 0.5 else rng.choice(shandong)
            while True:
                born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(25_500))
                number = make_id_number(region, born, rng.randrange(100), sex)
                if number not in seen:
                    break
            seen.add(number)
            name = person_name(rng, sex)
            names.append(distinct.setdefault(name, name))
            village = rng.choice(villages[township])
            detail = (
                f"{rng.randint(1, 200)}号"
                if village.kind == "community"
                else f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
            )
            if i < returnees:
                address.append(detail)
            township_of[i] = township
            village_of[i] = village.pk
            region_of[i] = code_index[region]
            seen_on = ctx.start + datetime.timedelta(days=rng.randrange(size.days))
            values = person_clean(
                PersonInput(
                    name=name,
                    id_number=number,
                    phone=mobile(rng),
                    township=places[township],
                    village=village,
                    address_detail=detail,
                )
            )
            values["township_id"], values["village_id"] = township, village.pk
            stamp = ctx.at(seen_on, rng.randrange(24), rng.randrange(60))
            yield (first + i, *person_row(values, at=stamp), None)

    ctx.writer.write(Person, COLUMNS, rows(), label="人员")
    ctx.data["persons"] = {
        "first": first,
        "count": n,
        "returnees": returnees,
        "township": township_of,
        "village": village_of,
        "regions": codes,
        "region": region_of,
        "address": address,
        "name": names,
        "hubei_codes": hubei,
    }
    seen.clear()
