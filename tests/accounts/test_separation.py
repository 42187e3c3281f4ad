"""Separation of administrative duties (三权分立, 等保2.0 访问控制 d): the system administrator
manages accounts and reference data but cannot read the audit trail, nor take over the
audit administrator's account to read it; the audit administrator reads the trail — the
administrator's own changes included — and nothing else."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.models import AuditEntry
from tests.accounts.test_admin import _change_form
from tests.conftest import PASSWORD, World, enrol

pytestmark = pytest.mark.django_db


def test_the_administrator_cannot_read_the_trail_by_page_menu_or_admin_site(world: World) -> None:
    admin = world.client("admin")
    assert admin.get("/audit/").status_code == 403
    assert admin.get("/audit/", {"action": "reveal"}).status_code == 403
    assert "审计日志" not in admin.get("/").content.decode()
    # Nor by the admin site: the trail is not registered there at all.
    entry = AuditEntry.objects.create(action="login", object_type="accounts.user", object_id="1")
    assert admin.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 404
    assert admin.get("/admin/core/auditentry/").status_code == 404


def test_the_audit_administrator_reads_the_trail_and_nothing_else(world: World) -> None:
    auditor = world.client("auditor")
    assert auditor.get("/audit/").status_code == 200
    home = auditor.get("/").content.decode()
    assert "审计日志" in home
    for path in (
        "/people/",
        f"/people/{world.person_a.pk}/",
        "/org/units/",
        "/org/officers/",
        "/checkpoints/passages/",
        "/account/2fa/reset/",
    ):
        assert auditor.get(path).status_code == 403, path
    # Not staff: the admin site sends it to its own sign-in.
    assert auditor.get("/admin/accounts/user/")["Location"].startswith("/admin/login/")
    assert auditor.get("/api/v1/persons").status_code == 403


def test_the_administrator_cannot_take_over_the_audit_administrators_account(
    world: World,
) -> None:
    admin = world.client("admin")
    auditor = world.users["auditor"]
    enrol(auditor)
    # Not its password, its role, its second factor, nor delete it.
    password = admin.post(
        f"/admin/accounts/user/{auditor.pk}/password/",
        {"usable_password": "true", "password1": "Taken#Over2020", "password2": "Taken#Over2020"},
    )
    assert password.status_code == 403
    page = admin.get(f"/admin/accounts/user/{auditor.pk}/change/")
    assert page.status_code == 200  # shown, read only
    assert 'name="role"' not in page.content.decode()
    changed = admin.post(
        f"/admin/accounts/user/{auditor.pk}/change/",
        {"username": auditor.username, "role": "admin", "is_active": "on"},
    )
    assert changed.status_code == 403
    assert admin.post(f"/admin/accounts/user/{auditor.pk}/delete/", {"post": "yes"}).status_code == 403  # fmt: skip
    assert admin.get(f"/account/2fa/reset/{auditor.pk}/").status_code == 403
    assert (
        admin.post(f"/account/2fa/reset/{auditor.pk}/", {"reason": "手机丢失"}).status_code == 403
    )
    # Nor does the security administrator, who resets second factors.
    security = world.client("security")
    enrol(world.users["logistics"])  # the list links a reset only where there is a device
    listed = security.get("/account/2fa/reset/", {"q": "auditor"}).content.decode()
    assert f"/account/2fa/reset/{auditor.pk}/" not in listed
    assert (
        f"/account/2fa/reset/{world.users['logistics'].pk}/"
        in security.get("/account/2fa/reset/", {"q": "logistics"}).content.decode()
    )
    assert (
        security.post(f"/account/2fa/reset/{auditor.pk}/", {"reason": "手机丢失"}).status_code
        == 403
    )
    # "Delete selected" with the auditor among the rows: refused as a whole.
    bulk = admin.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [auditor.pk], "post": "yes"},
    )
    assert (
        bulk.status_code == 200
        and "perms_lacking" in bulk.context
        and bulk.context["perms_lacking"]
    )
    fresh = User.objects.get(pk=auditor.pk)
    assert fresh.role == Role.AUDITOR and fresh.is_active and fresh.check_password(PASSWORD)
    assert mfa.has_second_factor(fresh)


def test_the_administrator_cannot_give_the_auditor_role_or_change_their_own(
    world: World,
) -> None:
    admin = world.client("admin")
    me = world.users["admin"]
    # No role is offered on another account's form (the security administrator sets roles:
    # tests/accounts/test_security_admin.py), and a forged value is ignored.
    target = world.users["logistics"]
    path = f"/admin/accounts/user/{target.pk}/change/"
    data: dict[str, Any] = _change_form(admin, path)
    assert 'value="auditor"' not in admin.get(path).content.decode()
    data["role"] = "auditor"
    admin.post(path, data)
    assert User.objects.get(pk=target.pk).role == Role.LOGISTICS
    # Nor on the add form: the account is made with no role.
    added = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "shadow",
            "usable_password": "true",
            "password1": "Ningyang#Safe2020",
            "password2": "Ningyang#Safe2020",
            "kind": "officer",
            "role": "auditor",
        },
    )
    assert added.status_code == 302
    assert User.objects.get(username="shadow").role == ""
    # Their own role is read only: a posted role is ignored.
    own = f"/admin/accounts/user/{me.pk}/change/"
    data = _change_form(admin, own)
    assert "role" not in data
    admin.post(own, {**data, "role": "command"})
    assert User.objects.get(pk=me.pk).role == Role.ADMIN


def test_a_role_change_by_the_security_administrator_is_read_by_the_auditor(
    world: World,
) -> None:
    security = world.client("security")
    target = world.users["logistics"]
    path = f"/admin/accounts/user/{target.pk}/change/"
    data = _change_form(security, path)
    data["role"] = "command"
    assert security.post(path, data).status_code == 302
    entry = AuditEntry.objects.get(
        action="update", object_type="accounts.user", object_id=str(target.pk)
    )
    assert entry.actor_id == world.users["security"].pk
    assert entry.changes["role"] == ["logistics", "command"]
    page = world.client("auditor").get("/audit/", {"object_type": "accounts.user"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "警务保障" in text and "局领导/指挥中心" in text


def test_the_audit_administrator_is_made_and_repaired_on_the_command_line(db: None) -> None:
    out = io.StringIO()
    call_command(
        "createuser", "shenji2", "--role", "auditor", "--name", "审计员", "--password", PASSWORD,
        stdout=out,
    )  # fmt: skip
    user = User.objects.get(username="shenji2")
    assert user.role == Role.AUDITOR and mfa.mfa_required(user)
    enrol(user)
    call_command("otp", "reset", "shenji2", "--reason", "手机丢失，本人到场确认", stdout=out)
    assert not mfa.has_second_factor(User.objects.get(pk=user.pk))
    entry = AuditEntry.objects.filter(action="mfa_reset", object_id=str(user.pk)).get()
    assert entry.actor_id is None and entry.changes["via"] == "cli"
    assert (
        Client().post("/login/", {"username": "shenji2", "password": PASSWORD}).status_code == 302
    )
