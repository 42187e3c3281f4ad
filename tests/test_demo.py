"""The demo county has the seed's shape (FACTS.md), built through the services."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from fangkong.accounts.models import AuditEntry, User
from fangkong.accounts.roles import Role
from fangkong.core.demo import DEMO_PASSWORD, build_demo
from fangkong.core.reference import load_reference_data
from fangkong.org.models import Officer, Recall, Township, Unit, WartimeOrder, WorkingGroup
from fangkong.people.models import Person


@pytest.fixture
def demo(db: None):  # type: ignore[no-untyped-def]
    load_reference_data()
    return build_demo(seed=2020, log=lambda _msg: None)


def test_demo_county_has_the_seeds_shape(demo) -> None:  # type: ignore[no-untyped-def]
    assert Unit.objects.get(kind="bureau").name == "宁阳县公安局"
    stations = set(Unit.objects.filter(kind="station").values_list("name", flat=True))
    assert {"堽城派出所", "泗店派出所"} <= stations
    assert len(stations) == 13
    assert Unit.objects.filter(kind="traffic", name="交通警察大队").exists()
    assert Officer.objects.count() >= 120
    assert Officer.objects.filter(kind="police").exists()
    assert Officer.objects.filter(kind="auxiliary").exists()
    assert set(WorkingGroup.objects.values_list("code", flat=True)) == set(WorkingGroup.Code.values)
    assert Township.objects.count() == 13
    assert all(t.station_id for t in Township.objects.all())
    order = WartimeOrder.objects.get()
    assert order.title == "全警停休"
    assert order.effective_at.isoformat() == "2020-01-26T06:00:00+00:00"  # 14:00 Beijing
    recalls = Recall.objects.filter(order=order)
    assert recalls.count() > 10
    assert recalls.filter(reported_at__isnull=True).count() == 2
    assert Officer.objects.filter(status="on_leave").count() == 0
    assert Person.objects.count() >= 300
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert {login[0] for login in demo.logins} >= {"zhihui", "gangcheng", "sidian", "admin"}


def test_demo_is_built_through_audited_services(demo) -> None:  # type: ignore[no-untyped-def]
    from fangkong.accounts.audit import audit_verify

    # Bulk services extend the same hash chain as single writes.
    assert audit_verify().broken_at is None
    assert (
        AuditEntry.objects.filter(object_type="org.officer", action="create").count()
        == Officer.objects.count()
    )
    assert (
        AuditEntry.objects.filter(object_type="people.person", action="create").count()
        == Person.objects.count()
    )


def test_demo_logins_work(demo) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username="gangcheng", password=DEMO_PASSWORD)
    page = client.get("/people/").content.decode()
    assert "第 1 / " in page
    # 堽城 station's list holds only 堽城镇 residents.
    mine = Person.objects.filter(township__name="堽城镇").count()
    assert f"共 {mine} 条" in page


class _Undo(Exception):
    pass


def _build_and_read(seed: int) -> tuple[list[tuple[str, str]], list[str | None]]:
    """Build the demo inside a savepoint, read it, and roll it back."""
    out: tuple[list[tuple[str, str]], list[str | None]] = ([], [])
    try:
        with transaction.atomic():
            load_reference_data()
            build_demo(seed=seed, log=lambda _m: None)
            out = (
                list(Officer.objects.order_by("badge_number").values_list("name", "badge_number")),
                list(Person.objects.order_by("id_number").values_list("id_number", flat=True)),
            )
            raise _Undo
    except _Undo:
        pass
    return out


def test_demo_is_deterministic(db: None) -> None:
    first = _build_and_read(7)
    assert Officer.objects.count() == 0  # rolled back
    assert _build_and_read(7) == first
    assert _build_and_read(8) != first
