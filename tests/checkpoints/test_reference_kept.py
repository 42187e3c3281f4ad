"""Townships, villages and key areas are kept in memory between registrations
(core/refcache.py) and read again as soon as they change, however they were changed; so
are the duty shifts' ids, read again as soon as a shift is made, removed or moved."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.checkpoints.models import DutyShift, Passage
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


def _shift_reads(queries: list[dict[str, str]]) -> int:
    return sum("checkpoints_dutyshift" in q["sql"] for q in queries)


@pytest.mark.django_db
def test_a_shift_is_not_looked_up_again_while_no_shift_is_made_or_moved(posts: Posts) -> None:
    first = register(posts, occ())[0]  # the shift is made
    with CaptureQueriesContext(connection) as second:
        register(posts, occ(), plate="鲁J22222")
    with CaptureQueriesContext(connection) as third:
        passage = register(posts, occ(), plate="鲁J33333")[0]
    assert _shift_reads(second.captured_queries) == 1  # found, and kept
    assert _shift_reads(third.captured_queries) == 0
    assert passage.shift.pk == first.shift.pk and passage.shift.label == "08–16"
    assert Passage.objects.get(pk=passage.pk).shift_id == first.shift.pk


@pytest.mark.django_db
def test_a_shift_moved_away_is_not_the_next_cars_shift(posts: Posts) -> None:
    """However it was changed: here from the database shell."""
    first = register(posts, occ())[0]
    register(posts, occ(), plate="鲁J22222")  # the shift's id kept
    with connection.cursor() as cursor:
        cursor.execute("UPDATE checkpoints_dutyshift SET slot = 9 WHERE id = %s", [first.shift.pk])
    passage = register(posts, occ(), plate="鲁J33333")[0]
    assert passage.shift.pk != first.shift.pk
    stored = Passage.objects.select_related("shift").get(pk=passage.pk)
    assert (stored.shift.day, stored.shift.slot) == (first.shift.day, first.shift.slot)
    assert stored.shift.label == "08–16"


@pytest.mark.django_db
def test_a_shift_removed_and_made_again_is_the_next_cars_shift(posts: Posts) -> None:
    first = register(posts, occ())[0]
    register(posts, occ(), plate="鲁J22222")  # the shift's id kept
    shift = first.shift
    with connection.cursor() as cursor:  # its passages moved to a shift made in its place
        cursor.execute(
            "INSERT INTO checkpoints_dutyshift (checkpoint_id, day, slot, starts_at, ends_at) "
            "SELECT checkpoint_id, day, 8, starts_at, ends_at FROM checkpoints_dutyshift "
            "WHERE id = %s",
            [shift.pk],
        )
        cursor.execute("SELECT id FROM checkpoints_dutyshift WHERE slot = 8")
        (stand_in,) = cursor.fetchone()
        cursor.execute(
            "UPDATE checkpoints_passage SET shift_id = %s WHERE shift_id = %s", [stand_in, shift.pk]
        )
        cursor.execute("DELETE FROM checkpoints_dutyshift WHERE id = %s", [shift.pk])
    passage = register(posts, occ(), plate="鲁J33333")[0]
    assert passage.shift.pk not in (shift.pk, stand_in)
    assert Passage.objects.get(pk=passage.pk).shift.slot == shift.slot


@pytest.mark.django_db
def test_a_kept_shift_reads_its_leader_as_stored_now(posts: Posts) -> None:
    """A leader or hand count entered does not move the shifts' version: what a kept shift
    gives of them is read when used, never remembered."""
    first = register(posts, occ())[0]
    register(posts, occ(), plate="鲁J22222")  # the shift's id kept
    DutyShift.objects.filter(pk=first.shift.pk).update(leader=posts.officers[0], counted_vehicles=7)
    passage = register(posts, occ(), plate="鲁J33333")[0]
    assert passage.shift.pk == first.shift.pk
    assert passage.shift.leader == posts.officers[0]
    assert passage.shift.counted_vehicles == 7
