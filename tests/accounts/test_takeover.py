"""The fifth attack's takeover (2026-12-04): the system administrator set a command account's
password on the admin site, reset its second factor on the reset page, signed in as it and
enrolled a phone of their own — and read every person of the county. Attacked as it was,
with the real roles: the second-factor reset is the security administrator's alone
(may_reset_mfa), a password someone else sets is temporary (its owner chooses their own at
the next sign-in before anything else, and every open session of the account ends), and the
system administrator sets no posting when making an account."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.models import AuditEntry
from tests.conftest import PASSWORD, World, enrol

pytestmark = pytest.mark.django_db

NEW = "Lanqiu#Shouji2020"  # the password the system administrator chooses


def set_password(client: Client, target: User, password: str = NEW) -> Any:
    return client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def entries(action: str, target: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(target.pk)).order_by("pk"))


# --- the second-factor reset: the security administrator's alone -------------------------


def test_the_system_administrator_resets_no_second_factor(world: World) -> None:
    target = world.users["command"]
    enrol(target)
    admin = world.client("admin")
    assert admin.get("/account/2fa/reset/").status_code == 403
    assert admin.get(f"/account/2fa/reset/{target.pk}/").status_code == 403
    refused = admin.post(f"/account/2fa/reset/{target.pk}/", {"reason": "手机丢失"})
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not entries("mfa_reset", target)
    # Neither the menu nor the home page offers it to them; the security administrator's do.
    assert "/account/2fa/reset/" not in admin.get("/").content.decode()
    security_home = world.client("security").get("/").content.decode()
    assert "二次验证重置" in security_home and 'href="/account/2fa/reset/"' in security_home


def test_createuser_temporary_gives_the_owner_a_password_to_replace(world: World) -> None:
    """`fangkong createuser --temporary`: the operator makes a station's account and hands its
    password over; its owner reaches only the password page until they choose their own,
    and the trail says the password was temporary."""
    out = io.StringIO()
    call_command(
        "createuser", "liqiang", "--role", "station", "--unit", "堽城派出所",
        "--password", "Gangcheng#Kaihu2020", "--temporary", stdout=out,
    )  # fmt: skip
    assert "临时密码，本人首次登录时须先修改" in out.getvalue()
    user = User.objects.get(username="liqiang")
    assert user.password_temporary
    created = entries("create", user)[-1]
    assert created.changes["password_temporary"] == [None, True]
    client = sign_in("liqiang", "Gangcheng#Kaihu2020")
    assert client.get("/people/")["Location"] == "/password/"
    assert client.get("/api/v1/persons").status_code == 401
    chosen = "Gangcheng#Ziji2021"
    client.post(
        "/password/",
        {"old_password": "Gangcheng#Kaihu2020", "new_password1": chosen, "new_password2": chosen},
    )
    assert client.get("/people/").status_code == 200


@pytest.mark.parametrize("whose", ["security", "admin", "auditor"])
def test_the_security_administrator_resets_neither_their_own_nor_an_administrators(
    world: World, whose: str
) -> None:
    target = world.users[whose]
    enrol(target)
    security = world.client("security")
    assert security.get(f"/account/2fa/reset/{target.pk}/").status_code == 403
    assert (
        security.post(f"/account/2fa/reset/{target.pk}/", {"reason": "手机丢失"}).status_code == 403
    )
    assert (
        f"/account/2fa/reset/{target.pk}/"
        not in security.get("/account/2fa/reset/", {"q": whose}).content.decode()
    )
    assert TOTPDevice.objects.filter(user=target).exists()
    # The operator's command line still resets it, audited with the system account.
    call_command("otp", "reset", target.username, "--reason", "本人到场确认", stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert entries("mfa_reset", target)[-1].changes["via"] == "cli"


# --- a password someone else sets is temporary --------------------------------------------


def test_the_takeover_ends_at_the_password_page_and_the_victims_sessions_end(
    world: World,
) -> None:
    """The attack on a command account, step by step, with what the attacker sees."""
    victim = world.users["command"]
    enrol(victim)
    victims_session = world.client("command")
    assert victims_session.get("/people/").status_code == 200
    admin = world.client("admin")
    assert set_password(admin, victim).status_code == 302
    victim.refresh_from_db()
    assert victim.password_temporary
    # Every open session of the account is over at once.
    assert victims_session.get("/people/")["Location"].startswith("/login/")
    # Step two, the second-factor reset, is refused: the attacker's sign-in with the
    # password stops at the authenticator's code, which only the owner's phone shows.
    assert admin.post(f"/account/2fa/reset/{victim.pk}/", {"reason": "x"}).status_code == 403
    attacker = sign_in("command", NEW)
    for path in ("/people/", f"/people/{world.person_a.pk}/", "/password/", "/admin/"):
        assert attacker.get(path)["Location"].startswith("/login/verify/"), path
    assert attacker.get("/api/v1/persons").status_code == 401
    # The trail holds each step, who took it and what it did.
    (password,) = entries("password", victim)
    assert password.actor_id == world.users["admin"].pk
    assert password.changes["password_temporary"] == [None, True]
    assert entries("login", victim)[-1].actor_id == victim.pk
    trail = world.client("auditor").get("/audit/", {"action": "password"}).content.decode()
    assert "临时密码" in trail and "管理员 (admin)" in trail


def test_a_temporary_password_opens_only_the_password_page(world: World) -> None:
    """An account with no second factor yet (a station's, or one whose phone was reset):
    whoever signs in with the password the administrator chose reaches nothing but the
    page that replaces it — no person, no API, no admin site — and the owner's own
    password no longer works, so the owner sees it."""
    victim = world.users["station_a"]
    admin = world.client("admin")
    assert set_password(admin, victim).status_code == 302
    assert not Client().login(username="station_a", password=PASSWORD)
    attacker = sign_in("station_a", NEW)
    for path in (
        "/",
        "/people/",
        f"/people/{world.person_a.pk}/",
        f"/people/{world.person_a.pk}/reveal/",
        "/cases/",
        "/account/2fa/",
        "/admin/",
    ):
        response = attacker.get(path)
        assert response.status_code == 302 and response["Location"] == "/password/", path
    page = attacker.get("/people/", follow=True).content.decode()
    assert "您的密码是管理员设置的临时密码，请先设置您自己的密码再继续。" in page
    for api in ("/api/v1/me", "/api/v1/persons", f"/api/v1/persons/{world.person_a.pk}"):
        assert attacker.get(api).status_code == 401, api
    assert not AuditEntry.objects.filter(action="reveal").exists()  # nothing shown
    # Their own password, chosen on the page, is theirs: the rest opens.
    chosen = "Gangcheng#Ziji2020"
    response = attacker.post(
        "/password/", {"old_password": NEW, "new_password1": chosen, "new_password2": chosen}
    )
    assert response.status_code == 302
    assert attacker.get("/people/").status_code == 200
    victim.refresh_from_db()
    assert not victim.password_temporary
    assert Client().login(username="station_a", password=chosen)
    assert entries("password", victim)[-1].actor_id == victim.pk


def test_a_command_account_binds_its_phone_then_replaces_the_password(world: World) -> None:
    """A command account the system administrator gave a password and that has no phone
    bound: the second step comes first (binding), then the password page, then the rest."""
    victim = world.users["command"]
    assert set_password(world.client("admin"), victim).status_code == 302
    client = sign_in("command", NEW)
    assert client.get("/people/")["Location"].startswith("/account/2fa/enrol/")
    secret = re.search(
        r'data-testid="mfa-secret">([A-Z2-7 ]+)<',
        client.get("/account/2fa/enrol/").content.decode(),
    )
    assert secret is not None
    key = mfa.base64.b32decode(secret.group(1).replace(" ", "")).hex()
    assert client.post("/account/2fa/enrol/", {"code": mfa.totp_code(key)}).status_code == 200
    assert client.get("/people/")["Location"] == "/password/"
    assert client.get("/api/v1/persons").status_code == 401


def test_the_owners_own_change_and_the_operators_accounts_are_not_temporary(
    world: World,
) -> None:
    station = world.users["station_b"]
    client = world.client("station_b")
    chosen = "Sidian#Ziji2020x"
    client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": chosen, "new_password2": chosen}
    )
    station.refresh_from_db()
    assert station.check_password(chosen) and not station.password_temporary
    # The operator's command line and the demo builder (user_create, by nobody).
    call_command(
        "createuser", "wangqiang", "--role", "logistics", "--password", "Baozhang#Ningyang1",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert not User.objects.get(username="wangqiang").password_temporary
    assert sign_in("wangqiang", "Baozhang#Ningyang1").get("/logistics/").status_code == 200


@pytest.mark.parametrize("whose", ["security", "admin", "auditor"])
def test_the_system_administrator_sets_no_administrators_password(world: World, whose: str) -> None:
    """An administrator's password (a superuser's: the system administrator's role) is the
    command line's; their own is the password page's, with the old one."""
    target = world.users[whose]
    before = target.password
    assert set_password(world.client("admin"), target).status_code == 403
    target.refresh_from_db()
    assert target.password == before and not target.password_temporary


def test_only_the_system_administrator_sets_a_password(world: World) -> None:
    target = world.users["station_b"]
    for who in ("security", "auditor", "command", "station_a"):
        response = set_password(world.client(who), target)
        assert response.status_code in (302, 403), who
        if response.status_code == 302:  # the admin site's sign-in page, for the others
            assert response["Location"].startswith("/admin/login/"), who
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.password_temporary


# --- the posting at creation: the security administrator's --------------------------------


def test_the_system_administrators_new_account_has_no_role_nor_posting(world: World) -> None:
    admin = world.client("admin")
    form = admin.get("/admin/accounts/user/add/").content.decode()
    for field in ("role", "unit", "township", "officer"):
        assert f'name="{field}"' not in form, field
    response = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "xin.zhanghao",
            "usable_password": "true",
            "password1": NEW,
            "password2": NEW,
            "display_name": "新账号",
            "kind": "officer",
            "role": "station",
            "unit": world.station_a.pk,
            "township": world.township_a.pk,
            "officer": world.officer_a.pk,
        },
    )
    assert response.status_code == 302
    made = User.objects.get(username="xin.zhanghao")
    assert (made.role, made.unit, made.township, made.officer) == ("", None, None, None)
    assert made.password_temporary
    created = entries("create", made)[-1]
    assert created.actor_id == world.users["admin"].pk
    assert created.changes["password_temporary"] == [None, True]
    assert "unit" not in created.changes and "role" not in created.changes
    # Its first sign-in: the password page before anything else.
    assert sign_in("xin.zhanghao", NEW).get("/")["Location"] == "/password/"


# --- usernames ----------------------------------------------------------------------------


RULE = "用户名只能由英文字母、数字和“.”“_”“-”组成"


@pytest.mark.parametrize(
    "username",
    ["gаngcheng", "gang cheng", "gang\u200bcheng", "堽城", "gang@cheng", "gang+1"],
)
def test_a_look_alike_username_is_refused_everywhere(world: World, username: str) -> None:
    admin = world.client("admin")
    page = admin.post(
        "/admin/accounts/user/add/",
        {"username": username, "usable_password": "true", "password1": NEW, "password2": NEW,
         "kind": "officer"},
    )  # fmt: skip
    # An invisible character is refused by the admin site's hidden-character rule first
    # (core.admin.checked), naming it; the command line by the username's.
    said = RULE if username.isprintable() else "用户名含有非法字符：“U+200B”"
    assert page.status_code == 200 and said in page.content.decode()
    with pytest.raises(CommandError, match=RULE):
        call_command(
            "createuser", username, "--role", "logistics", "--password", NEW, stdout=io.StringIO()
        )
    with pytest.raises(ValidationError) as refused:
        user_create(username=username, password=NEW, role=Role.LOGISTICS, by=None)
    assert RULE in refused.value.message_dict["username"][0]
    # A rename on the change form is refused the same way.
    target = world.users["logistics"]
    from tests.accounts.test_admin import _change_form

    path = f"/admin/accounts/user/{target.pk}/change/"
    data = _change_form(admin, path)
    renamed = admin.post(path, {**data, "username": username})
    assert renamed.status_code == 200 and said in renamed.content.decode()
    assert not User.objects.filter(username=username).exists()


def test_full_width_letters_are_refused_or_folded_to_ascii(world: World) -> None:
    with pytest.raises(CommandError, match=RULE):
        call_command(
            "createuser", "ｇａｎｇ", "--role", "logistics", "--password", NEW, stdout=io.StringIO()
        )
    # Django's admin form folds full-width letters to ASCII (NFKC) before the rule reads
    # them: the account is "gang", a look-alike of nothing.
    page = world.client("admin").post(
        "/admin/accounts/user/add/",
        {"username": "ｇａｎｇ", "usable_password": "true", "password1": NEW, "password2": NEW,
         "kind": "officer"},
    )  # fmt: skip
    assert page.status_code == 302
    assert list(
        User.objects.filter(username__endswith="ang").values_list("username", flat=True)
    ) == ["gang"]


def test_a_username_that_differs_only_in_case_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        user_create(username="Station_A", password=NEW, role=Role.LOGISTICS, by=None)
    assert "与已有账号“station_a”只有大小写不同" in refused.value.message_dict["username"][0]
    made = user_create(username="li.ming_2-x", password=NEW, role=Role.LOGISTICS, by=None)
    assert made.username == "li.ming_2-x"


def test_the_audit_trail_shows_the_username_beside_the_name(world: World) -> None:
    admin = world.client("admin")
    set_password(admin, world.users["station_b"])
    page = world.client("auditor").get("/audit/", {"action": "password"}).content.decode()
    assert "管理员 (admin)" in page


# --- the sign-in lock's entry -------------------------------------------------------------


@pytest.mark.parametrize(("typed", "shown"), [("station_a", "station_a"), ("Mima#2020x", "*" * 10)])
def test_the_lock_entry_masks_what_is_no_username_as_a_failure_does(
    world: World, settings: Any, typed: str, shown: str
) -> None:
    client = Client()
    for _attempt in range(int(settings.FANGKONG["LOCKOUT_FAILURES"]) + 1):
        client.post("/login/", {"username": typed, "password": "wrong-password"})
    trail = AuditEntry.objects.filter(action="login_failed").order_by("pk")
    failed, locked = trail.first(), trail.last()
    assert failed is not None and locked is not None and "refused" in locked.changes
    assert failed.object_repr == locked.object_repr == shown
    assert locked.changes["username"] == shown
    assert not AuditEntry.objects.filter(object_repr__contains="Mima").exists()


# --- the admin site's add-user and password pages, in Chinese ------------------------------


def test_the_add_and_password_pages_speak_chinese(world: World) -> None:
    """Django's zh_Hans catalogue lacks a few strings Django 5 added (the add page's
    "After you’ve created a user…", the title's "Error:"): our zh_Hans overrides carry
    them; our own notes say the password is temporary."""
    admin = world.client("admin")
    add = admin.get("/admin/accounts/user/add/").content.decode()
    assert "新建账号后，可以再修改该账号的其他信息。" in add and "After you" not in add
    assert "这里设置的密码是临时密码" in add
    target = world.users["station_b"]
    page = admin.get(f"/admin/accounts/user/{target.pk}/password/").content.decode()
    assert "这里设置的是临时密码：保存后该账号的所有登录立即结束" in page
    refused = set_password(admin, target, "short").content.decode()
    title = re.search(r"<title>(.*?)</title>", refused, re.S)
    assert title is not None and title.group(1).startswith("错误：")
    assert not re.search(r"\b(Error|Password|Username|Enabled)\b", refused)
