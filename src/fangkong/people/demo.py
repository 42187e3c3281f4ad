"""Demo residents: people of the county found in its townships, some of them from Hubei.

The quarantine and checkpoint demos add the returnees and travellers; this gives the
people pages and search something real-shaped to show from the start.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from fangkong.core.demo import DemoContext, mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.org.models import Township
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register

HOME_REGIONS = ["370921"] * 12 + ["370902", "370911", "370982", "370983", "370830"]
HUBEI_REGIONS = ["420102", "420103", "420106", "420111", "420115", "420902", "421003", "420502"]
STREETS = ["府前街", "文化路", "金阳大街", "复圣路", "东关街", "西关街", "建设路", "七贤路"]


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    townships = list(Township.objects.prefetch_related("villages").order_by("code"))
    seen: set[str] = set()
    count = 0
    while count < 300:
        sex = "M" if rng.random() < 0.5 else "F"
        region = rng.choice(HUBEI_REGIONS if rng.random() < 0.1 else HOME_REGIONS)
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 70))
        number = make_id_number(region, born, rng.randrange(100), sex)
        if number in seen:
            continue
        seen.add(number)
        township = rng.choice(townships)
        village = rng.choice(list(township.villages.all()))
        detail = (
            f"{rng.choice(STREETS)}{rng.randint(1, 200)}号"
            if village.kind == "community"
            else f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        )
        person_register(
            data=PersonInput(
                name=person_name(rng, sex),
                id_number=number,
                phone=mobile(rng),
                township=township,
                village=village,
                address_detail=detail,
            ),
            by=None,
        )
        count += 1
    # A few without a citizen ID: a Hong Kong visitor and a foreign engineer.
    person_register(
        data=PersonInput(
            name="陈家豪",
            doc_type=Person.DocType.HK_MACAO,
            doc_number="H60218835",
            phone=mobile(rng),
            township=townships[0],
        ),
        by=None,
    )
    person_register(
        data=PersonInput(
            name="KIM MINJUN",
            doc_type=Person.DocType.PASSPORT,
            doc_number="M12345678",
            township=townships[1],
        ),
        by=None,
    )
