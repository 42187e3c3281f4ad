"""The same-work floor of the benchmarks (bench/samework.py) is fangkong's own database work:
replaying what a registration or an import sent, through the bare driver, on a copy of the
database taken before, leaves that copy with exactly the rows fangkong left. If fangkong's
write paths change and the recorder stops seeing part of their work (a statement past
Django's cursor, a commit, a COPY), the floor would silently shrink: this test catches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bench import samework
from django.db import connection, connections

from fangkong.accounts.models import User
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.checkpoints.services import passage_register
from fangkong.core.reference import load_reference_data
from fangkong.people.models import Person
from fangkong.quarantine.models import QuarantineCase
from tests.conftest import ClockAt

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def floor_copy(tmp_path: Path) -> Any:
    """Yields `take()`, copying the test database as it is now, and `open_copy()`, opening a
    new bare driver connection to the copy (with fangkong's connection settings)."""
    opened: list[Any] = []
    settings_dict = dict(connection.settings_dict)
    target = ""

    def take() -> None:
        nonlocal target
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = samework.clone(
                settings_dict, str(tmp_path / "floor.sqlite3"), source=connection.connection
            )
        else:
            # The source of a template copy must have no connections: this thread's (every
            # alias: the replica mirror too), and those earlier tests' threads left open.
            connections.close_all()
            samework.disconnect_others(settings_dict)
            target = samework.clone(settings_dict, f"{settings_dict['NAME']}_floor")

    def open_copy() -> Any:
        floor = samework.bare_connection(settings_dict, name=target)
        opened.append(floor)
        return floor.connection

    yield take, open_copy
    for floor in opened:
        floor.close()
    if target:
        samework.drop(settings_dict, target)


_RANDOM = "core_referenceversion"


def _same_rows(floor: Any) -> None:
    """The copy (read through a connection of its own: what was committed) holds exactly
    the rows of the database fangkong wrote to."""
    connection.ensure_connection()
    ours = samework.table_contents(connection.connection, connection.vendor)
    theirs = samework.table_contents(floor, connection.vendor)
    # On SQLite the triggers that move the kept data's versions (core/refcache.py: a shift
    # made) set a random one on each side: which version rows there are is compared.
    for rows in (ours, theirs):
        rows[_RANDOM] = sorted(row.split(",")[0] for row in rows[_RANDOM])
    assert set(ours) == set(theirs)
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert differ == [], {name: (ours[name][-2:], theirs[name][-2:]) for name in differ[:3]}


def test_replayed_registrations_leave_the_rows_fangkong_left(
    floor_copy: Any, clock_at: ClockAt
) -> None:
    # The bench's cars are the demo day's, from 08:00 (registration_bench.py runs its server
    # on that day too): registered that evening, as passage_assess takes only recent cars.
    clock_at("23:00", samework.DAY)
    take, open_copy = floor_copy
    load_reference_data()
    samework.prepare(known=6, joining=6)
    checkpoint = Checkpoint.objects.get(code=samework.CHECKPOINT)
    user = User.objects.get(username="bench")
    cars = {
        kind: samework.car_specs(kind, 5, seed=1, hour=8 + 2 * i, pool=6)
        for i, kind in enumerate(samework.KINDS)
    }
    before = (Passage.objects.count(), Person.objects.count(), QuarantineCase.objects.count())
    take()

    recorder = samework.Recorder(connection)
    with recorder:
        for kind, specs in cars.items():
            for spec in specs:
                recorder.item(kind)
                passage_register(data=samework.passage_input(spec, checkpoint), by=user)
    # The path did its work: 15 cars, 15 new people (the new cars) and their 15 cases.
    assert (Passage.objects.count(), Person.objects.count(), QuarantineCase.objects.count()) == (
        before[0] + 15,
        before[1] + 15,
        before[2] + 15,
    )
    # Every car was recorded with its transaction's end; new people go through savepoints.
    assert [label for label, _ops in recorder.items] == [k for k in cars for _ in range(5)]
    for _label, ops in recorder.items:
        assert ("c",) in ops
    assert all(any(map(samework.is_savepoint, ops)) for lab, ops in recorder.items if lab == "new")

    floor = open_copy()
    for _label, ops in recorder.items:
        samework.replay(floor, connection.vendor, ops)
    _same_rows(open_copy())


def test_replayed_import_leaves_the_rows_fangkong_left(
    floor_copy: Any, tmp_path: Path, settings: Any
) -> None:
    from bench.import_bench import VILLAGES, generate

    from fangkong.org.models import Township, Village
    from fangkong.quarantine.imports import list_import_run, list_import_start

    take, open_copy = floor_copy
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "名单.xlsx"
    generate(path, 60)
    load_reference_data()
    Village.objects.bulk_create(
        [Village(township=t, name=v) for t in Township.objects.all() for v in VILLAGES]
    )
    take()

    recorder = samework.Recorder(connection)
    with recorder, path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=None, enqueue=False)
        li = list_import_run(list_import_id=li.pk)
    assert li.counts["rows"] == 60
    assert QuarantineCase.objects.count() > 40

    # The bench keeps the recording on disk and replays it in other processes: replayed
    # from the file, it leaves the same rows.
    kept = tmp_path / "recording.pickle"
    samework.save(recorder.items[0][1], kept)
    floor = open_copy()
    samework.replay(floor, connection.vendor, samework.load(kept))
    _same_rows(open_copy())
