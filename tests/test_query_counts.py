"""List pages cost a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

import datetime

import pytest

from fangkong.core.idnumber import make_id_number
from fangkong.org import services as org_services
from fangkong.people.services import PersonInput, person_register
from tests.conftest import World, numbered

pytestmark = pytest.mark.django_db


def _more_rows(world: World, n: int) -> None:
    for i in range(n):
        person_register(
            data=PersonInput(
                name=numbered("测试", i),
                id_number=make_id_number("370921", datetime.date(1980, 1, 1 + i), i, "M"),
                phone=f"1385380{i:04d}",
                township=world.township_a,
                village=world.village_a,
            ),
            by=None,
        )
        org_services.officer_create(
            name=numbered("警员", i),
            badge_number=f"37200{i:02d}",
            kind="police",
            unit=world.station_a,
            by=None,
            phone=f"1395380{i:04d}",
        )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("station_a", "/people/"),
        ("command", "/people/?q=zs"),
        ("command", "/org/officers/"),
        ("command", "/org/units/"),
        ("command", "/org/groups/"),
        ("command", "/org/wartime/"),
        ("auditor", "/audit/"),
        ("command", "/"),
    ],
)
def test_list_pages_do_not_grow_with_rows(world: World, who: str, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(who)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_rows(world, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # A search also counts against the user's limit (core.disclosure): a fixed cost, but
    # one that differs when a new minute's window opens between the two requests.
    few_q = [q["sql"] for q in few.captured_queries if "ratecounter" not in q["sql"]]
    many_q = [q["sql"] for q in many.captured_queries if "ratecounter" not in q["sql"]]
    assert len(many_q) == len(few_q), many_q[-5:]
