"""The audit log's filters are declared once (accounts/filters.py): the page narrows to the
entries an independent reading of the trail finds for each filter — entries in and out of
it — and is its administrators' only (the trail has no list API and no export)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fangkong.core.audit import audit_record
from fangkong.core.models import AuditEntry
from tests.conftest import ClockAt, World

pytestmark = pytest.mark.django_db

D = datetime.date


def _ids(client: Any, **params: str) -> set[int]:
    page = client.get("/audit/", params)
    assert page.status_code == 200
    assert page.context["page"].paginator.count < 50  # every match on the first page
    return {e.pk for e in page.context["page"].object_list}


def test_the_page_narrows_to_the_entries_of_each_filter(world: World, clock_at: ClockAt) -> None:
    admin = world.client("auditor")  # signed in (an entry of its own) before the days below
    made = {}
    for day, who, action, object_id in (
        (D(2020, 2, 1), "station_a", "update", "7"),
        (D(2020, 2, 1), "station_b", "reveal", "8"),
        (D(2020, 2, 2), "station_a", "reveal", "7"),
    ):
        clock_at("10:00", day)
        made[(day, who, action)] = audit_record(
            actor=world.users[who],
            action=action,
            object_type="quarantine.alert",
            object_id=object_id,
            object_repr="发热",
        ).pk
    first, second, third = made.values()
    everything = set(AuditEntry.objects.values_list("pk", flat=True))
    assert _ids(admin) == everything and len(everything) > 3  # the world's own entries too

    assert _ids(admin, object_type="quarantine.alert") == {first, second, third}
    assert _ids(admin, object_type="quarantine.alert", object_id="7") == {first, third}
    assert _ids(admin, object_type="quarantine.alert", action="reveal") == {second, third}
    assert _ids(admin, actor="station_a", object_type="quarantine.alert") == {first, third}
    assert _ids(admin, date_from="2020-02-01", date_to="2020-02-01") == {first, second}
    assert _ids(admin, date_from="2020-02-02", date_to="2020-02-02") == {third}
    by_b = set(
        AuditEntry.objects.filter(actor=world.users["station_b"]).values_list("pk", flat=True)
    )
    assert second in by_b and _ids(admin, actor="station_b") == by_b
    # A type the trail does not hold is refused beside the field, and filters nothing.
    page = admin.get("/audit/", {"object_type": "no.such"})
    assert "对象类型须从列表中选择" in page.content.decode()
    assert {e.pk for e in page.context["page"].object_list} <= everything

    # The trail is its audit administrator's: the others are refused, filter or not — the
    # system administrator too (separation of duties).
    for who in ("command", "station_a", "admin"):
        assert world.client(who).get("/audit/", {"actor": who}).status_code == 403


def test_a_filter_it_cannot_read_is_named_not_ignored(world: World) -> None:
    """The seventh attack (2026-12-04): /audit/?date_from=2020-02-30 or 0001-01-01 showed
    every record, and object_id=abc an empty list with no word why."""
    admin = world.client("auditor")
    for params, said in (
        ({"date_from": "2020-02-30"}, "起始日期格式不正确"),
        ({"date_from": "0001-01-01"}, "起始日期须在1900-01-01至2100-12-31之间"),
        ({"date_to": "9999-12-31"}, "截止日期须在1900-01-01至2100-12-31之间"),
        ({"object_id": "abc"}, "对象编号须为记录的编号（正整数）"),
        ({"object_id": "-1"}, "对象编号须不小于1"),
        ({"object_id": "9" * 30}, "对象编号须不大于9223372036854775807"),
    ):
        page = admin.get("/audit/", params).content.decode()
        assert f"<li>{said}</li>" in page, params
    # A record's number still narrows to it.
    entry = audit_record(
        actor=world.users["station_a"], action="update", object_type="quarantine.alert",
        object_id="42", object_repr="发热",
    )  # fmt: skip
    assert _ids(admin, object_id="42") == {entry.pk}
