"""Written-out statements (core/statements.py) store and read times as Django does: the
text SQLite's operations make of an aware time, the aware time they make of a stored one
(in the connection's zone), on the database the suite runs on."""

from __future__ import annotations

import datetime
from typing import Any

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


@pytest.mark.django_db
def test_rows_are_written_as_the_orm_writes_them(world: World) -> None:
    """statements.insert_rows (a car's referrals: rows nobody reads back) stores what the
    ORM stores for the same values: the time as Django writes it, text, keys, a NULL."""
    from fangkong.quarantine.models import CaseReferral
    from fangkong.quarantine.services import case_refer
    from fangkong.quarantine.services.referrals import REFERRAL_FIELDS

    case, _opened = case_refer(person=world.person_b, source="station", by=None)
    user = world.users["checkpoint"]
    rows = [
        (
            case.pk,
            "checkpoint",
            MOMENTS[0],
            "备注：湖北 %s %%",
            "checkpoints.occupant",
            "7",
            user.pk,
        ),
        (case.pk, "pushed_list", MOMENTS[1], "", "", "", None),
    ]
    before = set(CaseReferral.objects.values_list("pk", flat=True))
    statements.insert_rows(CaseReferral, REFERRAL_FIELDS, rows)
    for row in rows:
        CaseReferral.objects.create(**dict(zip(REFERRAL_FIELDS, row, strict=True)))
    made = CaseReferral.objects.exclude(pk__in=before).order_by("pk")
    ours = [tuple(getattr(r, f) for f in REFERRAL_FIELDS) for r in made[:2]]
    orms = [tuple(getattr(r, f) for f in REFERRAL_FIELDS) for r in made[2:]]
    assert ours == orms == rows


@pytest.mark.django_db
def test_a_row_read_in_part_reads_the_rest_when_used(
    world: World, django_assert_num_queries: Any
) -> None:
    """fetch(only=…) gives the columns asked for as the ORM reads them (an empty date stays
    empty, a time is aware) and the others deferred: read from the database when used, as
    QuerySet.only leaves them — never a wrong value in place of one not read."""
    from fangkong.quarantine.models import QuarantineCase
    from fangkong.quarantine.services import case_refer

    case, _opened = case_refer(
        person=world.person_b, source="station", by=None, came_from_code="420106"
    )
    orm = QuarantineCase.objects.get(pk=case.pk)
    (whole,) = statements.fetch(QuarantineCase, "WHERE id = %s", [case.pk])
    for f in QuarantineCase._meta.concrete_fields:
        assert getattr(whole, f.attname) == getattr(orm, f.attname), f.name
    assert whole.arrival_date is None and whole.created_at.utcoffset() is not None
    only = ("person_id", "arrival_date", "updated_at")
    with django_assert_num_queries(1):
        (part,) = statements.fetch(QuarantineCase, "WHERE id = %s", [case.pk], only=only)
        assert (part.pk, part.person_id, part.arrival_date) == (case.pk, orm.person_id, None)
        assert part.updated_at == orm.updated_at
    assert "came_from_code" in part.get_deferred_fields()
    with django_assert_num_queries(1):
        assert part.came_from_code == "420106"
    with pytest.raises(ValueError):
        statements.fetch(QuarantineCase, "WHERE id = %s", [case.pk], only=("person",))
