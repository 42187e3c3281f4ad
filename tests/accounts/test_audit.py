from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from fangkong.core.models import AuditEntry
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_viewing_a_full_id_number_leaves_an_audit_record(world: World) -> None:
    client = world.client("station_a")
    page = client.get(f"/people/{world.person_a.pk}/").content.decode()
    full = world.person_a.id_number
    assert full not in page  # masked by default
    assert f"{full[:6]}**********{full[-2:]}" in page
    assert not AuditEntry.objects.filter(action="reveal").exists()

    revealed = client.post(f"/people/{world.person_a.pk}/reveal/").content.decode()
    assert full in revealed
    assert world.person_a.phone in revealed
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == world.users["station_a"]
    assert entry.object_type == "people.person"
    assert entry.object_id == str(world.person_a.pk)
    assert entry.object_repr == f"张*（#{world.person_a.pk}）"  # no full name in the trail


def test_roles_without_reveal_cannot_unmask(world: World) -> None:
    client = world.client("workgroup")
    page = client.get(f"/people/{world.person_a.pk}/").content.decode()
    assert world.person_a.id_number not in page
    assert "显示完整信息" not in page
    assert client.post(f"/people/{world.person_a.pk}/reveal/").status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_a_write_records_which_fields_changed_masked(world: World) -> None:
    response = edit_person_a(world, name="张三", phone="13853809999")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="update", object_type="people.person").latest("id")
    assert entry.actor == world.users["station_a"]
    assert set(entry.changes) == {"phone"}
    assert entry.changes["phone"] == ["*********34", "*********99"]


def edit_person_a(world: World, **values: str) -> HttpResponse:
    """Station A's officer saves person A's edit form with these values changed."""
    person = world.person_a
    form = {
        "name": person.name,
        "doc_type": "id_card",
        "id_number": person.id_number,
        "phone": person.phone,
        "township": world.township_a.pk,
        "village": world.village_a.pk,
        "address_detail": "3组12号",
        "version": person.version,
        **values,
    }
    return world.client("station_a").post(f"/people/{person.pk}/edit/", form)  # type: ignore[return-value]


def test_sign_in_and_failed_sign_in_are_audited(world: World) -> None:
    client = Client()
    client.post("/login/", {"username": "station_a", "password": "wrong"})
    client.post("/login/", {"username": "station_a", "password": PASSWORD})
    actions = list(
        AuditEntry.objects.filter(action__in=["login", "login_failed"]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["login", "login_failed"]


def test_audit_page_is_for_admins_only_and_filters(world: World) -> None:
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    assert world.client("station_a").get("/audit/").status_code == 403
    assert world.client("command").get("/audit/").status_code == 403
    page = world.client("auditor").get("/audit/", {"action": "reveal"}).content.decode()
    assert "查看完整个人信息" in page
    assert f"张*（#{world.person_a.pk}）" in page
    assert "新增" not in page.split("<tbody>")[1]


def test_audit_entries_cannot_be_changed_in_admin(world: World) -> None:
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    entry = AuditEntry.objects.get(action="reveal")
    admin = world.client("admin")
    # Not in the admin at all: the trail is read on /audit/ and changed nowhere.
    assert admin.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 404
    response = admin.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 404
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_deferred_entries_join_the_chain_at_the_end_and_vanish_with_a_failure(
    world: World,
) -> None:
    from django.db import transaction

    from fangkong.core.audit import audit_deferred, audit_record, audit_verify

    before = AuditEntry.objects.count()
    with transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="create", object_type="test.thing", object_id="1")
        audit_record(actor=None, action="update", object_type="test.thing", object_id="1")
        assert AuditEntry.objects.count() == before  # held until the block ends
    assert list(
        AuditEntry.objects.filter(object_type="test.thing").order_by("pk").values_list("action")
    ) == [("create",), ("update",)]
    assert audit_verify().broken_at is None
    with pytest.raises(RuntimeError), transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="create", object_type="test.thing", object_id="2")
        raise RuntimeError
    assert not AuditEntry.objects.filter(object_type="test.thing", object_id="2").exists()
    assert audit_verify().broken_at is None


def test_a_failed_sign_in_keeps_an_unknown_username_as_its_length(world: World) -> None:
    """The third attack found "用户名：Fangkong@2020Secret" in the trail: a password typed
    into the username box. A name no account has is kept as stars, one per character."""
    from django.contrib.auth import authenticate

    assert authenticate(username="Fangkong@2020Secret", password="x") is None
    assert authenticate(username="admin", password="x") is None
    kept = list(
        AuditEntry.objects.filter(action="login_failed")
        .order_by("pk")
        .values_list("object_repr", "changes")
    )
    assert kept[-2:] == [
        ("*" * 19, {"username": "*" * 19}),
        ("admin", {"username": "admin"}),
    ]
    assert not AuditEntry.objects.filter(object_repr__contains="2020Secret").exists()
