"""Editing a person: the form shows the full ID number, phone and address, so opening it
is recorded like 显示完整信息; two officers saving from pages opened before either saved:
the second is told who changed what, and nothing is overwritten unseen."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts.services import user_create
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from tests.conftest import PASSWORD, World
from tests.pages import form_data

pytestmark = pytest.mark.django_db


def _page(world: World) -> str:
    return f"/people/{world.person_a.pk}/edit/"


def test_opening_the_edit_form_is_recorded_as_seeing_the_full_details(world: World) -> None:
    html = world.client("station_a").get(_page(world)).content.decode()
    assert str(world.person_a.id_number) in html and "13853801234" in html
    entry = AuditEntry.objects.filter(action="reveal", object_id=str(world.person_a.pk)).get()
    assert entry.actor == world.users["station_a"]
    assert entry.changes["purpose"] == "修改人员信息"


def test_other_stations_and_roles_without_edit_cannot_open_it(world: World) -> None:
    assert world.client("station_b").get(_page(world)).status_code == 404
    assert world.client("followup").get(_page(world)).status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_a_bad_id_number_is_named_and_nothing_is_saved(world: World) -> None:
    client = world.client("station_a")
    data = form_data(client.get(_page(world)).content.decode())
    r = client.post(_page(world), {**data, "id_number": "370921198503021234"})
    assert r.status_code == 200
    assert "身份证号" in r.content.decode() and "校验" in r.content.decode()
    world.person_a.refresh_from_db()
    assert world.person_a.version == 1


def test_a_save_from_a_stale_page_names_what_changed_and_keeps_both(world: World) -> None:
    page = _page(world)
    first = world.client("station_a")
    other = user_create(
        username="station_a2", password=PASSWORD, role="station", unit=world.station_a,
        display_name="刘民警", by=None, check_password=False,
    )  # fmt: skip
    second = Client()
    second.force_login(other)
    mine = form_data(first.get(page).content.decode())
    theirs = form_data(second.get(page).content.decode())
    assert first.post(page, {**mine, "phone": "13900001111"}).status_code == 302
    refused = second.post(page, {**theirs, "address_detail": "4组1号"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert (
        "保存未成功：您打开此页面后，" in html
        and "联系电话由“13853801234”改为“13900001111”" in html
    )
    person = Person.objects.get(pk=world.person_a.pk)
    assert (person.phone, person.address_detail) == ("13900001111", "3组12号")
    # Drawn again: the first officer's phone, the second officer's address.
    again = form_data(html)
    assert (again["phone"], again["address_detail"]) == ("13900001111", "4组1号")
    # the redrawn form shows the first officer's new values in full: seen anew, recorded
    seen = AuditEntry.objects.filter(action="reveal", actor=other, object_id=str(person.pk))
    assert seen.count() == 2
    assert second.post(page, again).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.address_detail) == ("13900001111", "4组1号")
