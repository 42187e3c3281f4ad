"""Townships, villages and key areas are kept in memory between registrations
(core/refcache.py) and read again as soon as they change, however they were changed."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.core.idnumber import make_id_number
from fangkong.core.models import KeyArea
from fangkong.org.services import villages_create
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import occ, register

HANGZHOU = make_id_number("330106", datetime.date(1982, 4, 5), 51, "M")


def _tables_read(queries: list[dict[str, str]]) -> set[str]:
    return {
        t for q in queries for t in ("org_township", "org_village", "core_keyarea") if t in q["sql"]
    }


@pytest.mark.django_db
def test_a_key_area_added_flags_the_next_car_from_there(posts: Posts) -> None:
    first = register(posts, occ(id_number=HANGZHOU, name="钱江"))[0].occupants.get()
    assert first.flags == []  # 杭州 is not a key area yet
    KeyArea.objects.create(prefix="3301", name="杭州市", valid_from=datetime.date(2020, 1, 20))
    later = register(posts, occ(id_number=HANGZHOU, name="钱江"), plate="鲁J22222")[0]
    assert [f["code"] for f in later.occupants.get().flags] == ["household"]
    assert "杭州市" in later.occupants.get().flags[0]["reason"]


@pytest.mark.django_db
def test_a_village_added_or_renamed_is_the_next_destination_found(posts: Posts) -> None:
    where = {"destination": "堽城镇新建村"}
    assert register(posts, occ(**where))[0].occupants.get().destination_township == (
        posts.world.township_a
    )
    (village,) = villages_create(
        township=posts.world.township_a, names=[("新建村", "village")], by=None
    )
    # (Someone new to the county: a person on file keeps the village their station keeps.)
    first_seen = make_id_number("370921", datetime.date(1991, 6, 7), 71, "F")
    person = (
        register(posts, occ(id_number=first_seen, name="周敏", **where), plate="鲁J22222")[0]
        .occupants.get()
        .person
    )
    assert person.village == village
    # A change made outside fangkong's pages (the sqlite3 or psql shell) is seen too.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_village SET name = %s WHERE id = %s", ["新建社区", village.pk])
    newcomer = make_id_number("370921", datetime.date(1990, 6, 7), 61, "F")
    moved = register(
        posts, occ(id_number=newcomer, name="孙悦", destination="堽城镇新建社区"), plate="鲁J33333"
    )[0]
    assert moved.occupants.get().person.village_id == village.pk


@pytest.mark.django_db
def test_unchanged_places_and_key_areas_are_not_read_again(posts: Posts) -> None:
    with CaptureQueriesContext(connection) as first:
        register(posts, occ())
    with CaptureQueriesContext(connection) as second:
        register(posts, occ(), plate="鲁J22222")
    assert _tables_read(first.captured_queries) == {"org_township", "org_village", "core_keyarea"}
    assert _tables_read(second.captured_queries) == set()
