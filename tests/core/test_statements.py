"""Written-out statements (core/statements.py) store and read times as Django does: the
text SQLite's operations make of an aware time, the aware time they make of a stored one
(in the connection's zone), on the database the suite runs on."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from fangkong.checkpoints.models import DutyShift
from fangkong.core import statements
from fangkong.core.clock import SHANGHAI
from tests.checkpoints.conftest import make_posts
from tests.conftest import World

MOMENTS = [
    datetime.datetime(2020, 1, 28, 10, 15, 0, 123456, tzinfo=SHANGHAI),
    datetime.datetime(2020, 1, 28, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(2019, 12, 31, 23, 59, 59, tzinfo=SHANGHAI),
    datetime.datetime(2020, 1, 28, 10, 15),  # naive: as Django gives it, unchanged
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_time_is_written_as_django_writes_it(moment: datetime.datetime) -> None:
    db = statements.current()
    assert statements.db_datetime(moment, db) == connection.ops.adapt_datetimefield_value(moment)


@pytest.mark.django_db
def test_a_shifts_times_read_back_as_the_orm_reads_them(world: World) -> None:
    posts = make_posts(world)
    begin, end = posts.g104.shift_window(datetime.date(2020, 1, 28), 1)
    made = DutyShift.objects.create(
        checkpoint=posts.g104, day=datetime.date(2020, 1, 28), slot=1, starts_at=begin, ends_at=end
    )
    (fetched,) = statements.fetch(DutyShift, "WHERE id = %s", [made.pk])
    orm = DutyShift.objects.get(pk=made.pk)
    for name in ("starts_at", "ends_at", "counted_at", "day"):
        assert getattr(fetched, name) == getattr(orm, name)
        assert type(getattr(fetched, name)) is type(getattr(orm, name))
    assert fetched.starts_at.utcoffset() == orm.starts_at.utcoffset() == datetime.timedelta(0)
    assert fetched.starts_at == begin
