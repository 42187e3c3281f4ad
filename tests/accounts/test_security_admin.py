"""三权分立 (等保2.0 level 3, 访问控制 d): the security administrator (安全管理员) alone sets
an account's role and its posting (unit, township, officer: what decides what it sees);
the system administrator makes accounts — with no role, so no right, until the security
administrator gives one — and keeps the reference data; the audit administrator keeps
the trail. Attacked as each administrator, by every path that could set a role: the
admin site's forms, a POST with the role field hidden, the reset page, the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role, role_perms
from fangkong.core.models import AuditEntry
from fangkong.org.models import Unit
from tests.accounts.test_admin import _change_form
from tests.conftest import PASSWORD, World, enrol, signed_in
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db


def test_the_role_table_splits_the_three_administrators() -> None:
    security = role_perms(Role.SECURITY)
    assert security == {"admin.site", "accounts.roles", "accounts.mfa_reset", "org.jurisdiction"}
    # The password from one, the second factor from the other (the fifth attack).
    assert "accounts.mfa_reset" not in role_perms(Role.ADMIN)
    assert "org.jurisdiction" not in role_perms(Role.ADMIN)
    assert "accounts.roles" not in role_perms(Role.ADMIN)
    assert "accounts.manage" in role_perms(Role.ADMIN) and "accounts.manage" not in security
    for role in (Role.ADMIN, Role.SECURITY, Role.AUDITOR):
        held = role_perms(role)
        assert not any(p.startswith(("people.", "quarantine.")) for p in held), role
        assert "checkpoints.passages" not in held and ("audit.view" in held) == (
            role == Role.AUDITOR
        )


def test_the_system_administrator_sets_no_role(world: World) -> None:
    admin = world.client("admin")
    target = world.users["logistics"]
    path = f"/admin/accounts/user/{target.pk}/change/"
    page = admin.get(path).content.decode()
    assert 'name="role"' not in page and 'name="unit"' not in page
    data: dict[str, Any] = _change_form(admin, path)
    assert not {"role", "unit", "township", "officer"} & set(data)
    # The role (and the posting) posted anyway, as hidden fields: ignored; the rest saved.
    answer = admin.post(
        path,
        {**data, "display_name": "保障干部甲", "role": "command", "unit": world.command_centre.pk,
         "township": world.township_a.pk},
    )  # fmt: skip
    assert answer.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.LOGISTICS and target.display_name == "保障干部甲"
    assert (target.unit, target.township) == (None, None)
    # A new account has no role, whatever is posted: it opens nothing until given one.
    made = admin.post(
        "/admin/accounts/user/add/",
        {"username": "newclerk", "usable_password": "true", "password1": "Ningyang#Safe2020",
         "password2": "Ningyang#Safe2020", "kind": "officer", "role": "command",
         "unit": world.command_centre.pk},
    )  # fmt: skip
    assert made.status_code == 302
    new = User.objects.get(username="newclerk")
    # Nor a posting (the fifth attack): the unit posted beside it is no field of the form.
    assert new.role == "" and new.unit is None and not role_perms(new.role)
    assert (
        "角色和所属单位由安全管理员设定" in admin.get("/admin/accounts/user/add/").content.decode()
    )
    newcomer = signed_in(new)
    # Its password is the administrator's, temporary: the owner's own first, then nothing.
    assert newcomer.get("/people/")["Location"] == "/password/"
    own = "Xinwenyuan#Ziji2020"
    newcomer.post(
        "/password/",
        {"old_password": "Ningyang#Safe2020", "new_password1": own, "new_password2": own},
    )
    assert newcomer.get("/people/").status_code == 403
    assert newcomer.get("/api/v1/persons").status_code == 403
    assert newcomer.get("/admin/")["Location"].startswith("/admin/login/")
    # The second-factor reset page (the security administrator's) with a role posted beside
    # the reason: the reset only.
    enrol(target)
    reset = world.client("security").post(
        f"/account/2fa/reset/{target.pk}/", {"reason": "手机丢失", "role": "command"}
    )
    assert reset.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.LOGISTICS and not mfa.has_second_factor(target)
    # The API has no way to write an account.
    for method in ("post", "put", "patch"):
        answer = getattr(admin, method)(
            "/api/v1/me", {"role": "command"}, content_type="application/json"
        )
        assert answer.status_code in (404, 405), method
    assert User.objects.get(pk=target.pk).role == Role.LOGISTICS


def test_the_security_administrator_sets_roles_and_nothing_else(world: World) -> None:
    security = world.client("security")
    new = User.objects.create(username="newclerk", role="")
    path = f"/admin/accounts/user/{new.pk}/change/"
    page = security.get(path)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert set(form.fields) == {"role", "unit", "township", "officer"}
    offered = {value for value, _label in form.fields["role"].choices}
    assert not {"admin", "auditor", "security"} & offered and "command" in offered
    data = _change_form(security, path)
    answer = security.post(
        path, {**data, "role": "station", "unit": world.station_a.pk, "username": "renamed",
               "is_active": "", "display_name": "改名"},
    )  # fmt: skip
    assert answer.status_code == 302
    new.refresh_from_db()
    assert (new.role, new.unit, new.username, new.is_active) == (
        Role.STATION,
        world.station_a,
        "newclerk",
        True,
    )
    entry = AuditEntry.objects.filter(
        action="update", object_type="accounts.user", object_id=str(new.pk)
    ).get()
    assert entry.actor_id == world.users["security"].pk and entry.changes["role"] == ["", "station"]
    # A station's role with no unit (it would see nothing): refused, as user_create does.
    data = _change_form(security, path)
    answer = security.post(path, {**data, "role": "station", "unit": ""})
    assert answer.status_code == 200 and "派出所角色须指定所属单位" in answer.content.decode()
    # A forged administrator's role: refused.
    data = _change_form(security, path)
    for role in ("admin", "auditor", "security"):
        refused = security.post(path, {**data, "role": role})
        assert refused.status_code == 200 and refused.context["adminform"].form.errors, role
    assert User.objects.get(pk=new.pk).role == Role.STATION
    # Not a password, an account made or deleted (a second factor it resets: test_takeover).
    target = world.users["logistics"]
    assert security.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"usable_password": "true", "password1": "Taken#Over2020", "password2": "Taken#Over2020"},
    ).status_code == 403  # fmt: skip
    assert security.post(
        "/admin/accounts/user/add/",
        {"username": "shadow", "usable_password": "true", "password1": "Ningyang#Safe2020",
         "password2": "Ningyang#Safe2020", "kind": "officer"},
    ).status_code == 403  # fmt: skip
    assert security.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403  # fmt: skip
    assert not User.objects.filter(username="shadow").exists()
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)
    # Of the reference data, only what decides who sees people (tests/org/
    # test_jurisdiction_fields.py); no personal data, nor the trail.
    for path in ("/admin/org/unit/", "/admin/org/township/",
                 "/admin/medical/medicalinstitution/"):  # fmt: skip
        assert security.get(path).status_code == 200, path
    for path in ("/admin/core/keyarea/", "/admin/org/village/", "/admin/org/workinggroup/"):
        assert security.get(path).status_code == 403, path
    assert security.get("/admin/").status_code == 200
    home = security.get("/").content.decode()
    assert "账号角色" in home and "/admin/accounts/user/" in home
    for path in ("/people/", "/audit/", "/org/units/", "/checkpoints/passages/"):
        assert security.get(path).status_code == 403, path


def test_the_security_administrator_changes_no_administrator_nor_their_own_role(
    world: World,
) -> None:
    security = world.client("security")
    me = world.users["security"]
    for who in ("admin", "auditor", "security"):
        target = world.users[who]
        path = f"/admin/accounts/user/{target.pk}/change/"
        page = security.get(path)
        assert page.status_code == 200 and 'name="role"' not in page.content.decode(), who
        answer = security.post(path, {"username": target.username, "role": "command"})
        assert answer.status_code == 403, who
        assert User.objects.get(pk=target.pk).role == target.role, who
    # A second security administrator (the command line's) cannot change the first's.
    second = _user("security2", Role.SECURITY)
    enrol(second)
    path = f"/admin/accounts/user/{me.pk}/change/"
    assert signed_in(second).post(path, {"username": me.username, "role": "command"}).status_code == 403  # fmt: skip
    assert User.objects.get(pk=me.pk).role == Role.SECURITY
    # Nor does the system administrator reach a security administrator's account.
    admin = world.client("admin")
    assert admin.post(path, {"username": me.username, "is_active": ""}).status_code == 403
    assert admin.post(
        f"/admin/accounts/user/{me.pk}/password/",
        {"usable_password": "true", "password1": "Taken#Over2020", "password2": "Taken#Over2020"},
    ).status_code == 403  # fmt: skip
    assert admin.post(f"/account/2fa/reset/{me.pk}/", {"reason": "手机丢失"}).status_code == 403


def test_the_security_administrator_signs_in_with_a_second_factor(world: World) -> None:
    user = world.users["security"]
    assert mfa.mfa_required(user)
    client = Client()
    client.post("/login/", {"username": "security", "password": PASSWORD})
    # No authenticator yet: the password alone opens only the binding page.
    assert client.get("/admin/accounts/user/")["Location"].startswith("/account/2fa/enrol/")
    enrol(user)
    client = Client()
    client.post("/login/", {"username": "security", "password": PASSWORD})
    assert client.get("/admin/accounts/user/")["Location"].startswith("/login/verify/")
    # The admin site's own sign-in page: the password, then the same second step.
    client = Client()
    signed = client.post("/admin/login/", {"username": "security", "password": PASSWORD})
    assert signed.status_code == 302
    assert client.get("/admin/accounts/user/")["Location"].startswith("/login/verify/")


def test_a_security_administrator_is_made_on_the_command_line(db: None) -> None:
    out = io.StringIO()
    call_command(
        "createuser", "anquan2", "--role", "security", "--name", "安全员", "--password", PASSWORD,
        stdout=out,
    )  # fmt: skip
    user = User.objects.get(username="anquan2")
    assert user.role == Role.SECURITY and mfa.mfa_required(user)
    # Staff (the admin site's own sign-in page admits it), never superuser (no Django
    # permission beyond what the account form grants it).
    assert (user.is_staff, user.is_superuser) == (True, False)


def _county(province: Province, username: str, role: str, code: str) -> Client:
    user = _user(username, role, unit=province.counties[code].bureau)
    enrol(user)
    province.users[username] = user
    return signed_in(user)


def test_a_countys_security_administrator_keeps_to_the_county(province: Province) -> None:
    ny, dp = province.counties["370921"], province.counties["370923"]
    security = _county(province, "ningyang_security", Role.SECURITY, "370921")
    listed = security.get("/admin/accounts/user/").content.decode()
    assert "ningyang_station" in listed and ">dongping<" not in listed and ">taian<" not in listed
    theirs = province.users["dongping"]
    assert security.get(f"/admin/accounts/user/{theirs.pk}/change/").status_code == 302
    assert security.post(
        f"/admin/accounts/user/{theirs.pk}/change/", {"username": "dongping", "role": "station"}
    ).status_code in (302, 404)  # fmt: skip
    assert User.objects.get(pk=theirs.pk).role == Role.COMMAND
    # Their own county's account: not moved to the city's bureau or another county's unit.
    mine = province.users["ningyang_station"]
    path = f"/admin/accounts/user/{mine.pk}/change/"
    data = _change_form(security, path)
    for unit in (Unit.objects.get(name="泰安市公安局"), dp.station):
        answer = security.post(path, {**data, "role": "command", "unit": unit.pk})
        assert answer.status_code == 200 and answer.context["adminform"].form.errors, unit
    mine.refresh_from_db()
    assert (mine.role, mine.unit) == (Role.STATION, ny.station)
    # Within the county, the role is theirs to set.
    # (a working group's member at the bureau: no station's account holds a county role)
    answer = security.post(path, {**data, "role": "workgroup", "unit": ny.bureau.pk})
    assert answer.status_code == 302
    assert User.objects.get(pk=mine.pk).role == Role.WORKGROUP
