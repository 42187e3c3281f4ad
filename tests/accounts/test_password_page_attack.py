"""The seventh attack (2026-12-04) on the password page: the old password was an unlimited,
unaudited password-guessing oracle beside the sign-in's lock; a new password with a hidden
character (U+202E) was accepted; the administrators, whose passwords the README says are set
only on the server, could change their own on the web."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.management.commands import changepassword
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from fangkong.accounts.models import PasswordHistory, User
from fangkong.core import clock
from fangkong.core.models import AuditEntry
from tests.conftest import PASSWORD, World, enrol, signed_in

pytestmark = pytest.mark.django_db

NEW = "Ningyang#Safe2021"


def change(client: Client, old: str, new: str = NEW, url: str = "/password/") -> Any:
    return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})


def trail(action: str, user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(user.pk)).order_by("pk"))


def later(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    """The machine's clock (what the lock counts by) `minutes` on."""
    monkeypatch.setattr(clock, "_shift", clock._shift + datetime.timedelta(minutes=minutes))


# --- MEDIUM 3: the old password is a sign-in ------------------------------------------------


def test_wrong_old_passwords_lock_the_account_audited_and_end_the_session(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = world.users["logistics"]  # the attacker's baozhang
    client = world.client("logistics")
    for i in range(4):
        page = change(client, f"Guess#Ningyang{i}")
        assert page.status_code == 200
        assert "你的旧密码不正确" in page.content.decode()
    fifth = change(client, "Guess#Ningyang9")
    assert fifth.status_code == 302 and fifth["Location"] == "/login/"
    shown = client.get("/login/").content.decode()
    assert "旧密码连续输入错误，已退出登录。" in shown and "已锁定15分钟" in shown
    assert "_auth_user_id" not in client.session  # the session is over
    assert client.get("/password/").status_code == 302  # to sign-in
    # On the trail as failed sign-ins of the account, by whoever held the session.
    failed = trail("login_failed", user)
    assert len(failed) == 5
    assert all(e.actor_id == user.pk for e in failed)
    assert failed[0].changes == {"username": "logistics", "reason": "wrong_old_password"}
    assert trail("session_end", user)[-1].changes == {"reason": "locked"}
    audit_page = world.client("auditor").get("/audit/?action=login_failed").content.decode()
    assert "修改密码时旧密码错误" in audit_page
    # The right password does not help until the lock ends: not at sign-in ...
    again = Client().post("/login/", {"username": "logistics", "password": PASSWORD})
    assert again.status_code == 200 and "已锁定15分钟" in again.content.decode()
    # ... nor as the old password of another session from the same machine.
    other = world.client("logistics")
    refused = change(other, PASSWORD)
    assert refused.status_code == 302 and "_auth_user_id" not in other.session
    assert trail("login_failed", user)[-1].changes["refused"].startswith("该账号在本机")
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW)
    # From another machine the owner is not locked out (the sign-in's rule).
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        elsewhere.post("/login/", {"username": "logistics", "password": PASSWORD}).status_code
        == 302
    )
    # When the lock ends, the right password signs in and changes the password.
    later(monkeypatch, 16)
    back = Client()
    assert back.post("/login/", {"username": "logistics", "password": PASSWORD}).status_code == 302
    done = change(back, PASSWORD)
    assert done.status_code == 302 and done["Location"] == "/"
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_wrong_old_passwords_and_wrong_sign_ins_share_one_count(world: World) -> None:
    """One count for the account: wrong passwords at sign-in and on the password page add up."""
    for _ in range(3):
        Client().post("/login/", {"username": "station_a", "password": "wrong"})
    client = world.client("station_a")
    assert change(client, "Guess#Ningyang1").status_code == 200
    assert change(client, "Guess#Ningyang2").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_right_old_password_clears_the_count_as_a_sign_in_does(world: World) -> None:
    client = world.client("station_a")
    for i in range(4):
        assert change(client, f"Guess#Ningyang{i}").status_code == 200
    assert change(client, PASSWORD, "short").status_code == 200  # old right, new refused
    for i in range(4):
        assert change(client, f"Guess#Ningyang{i}").status_code == 200
    assert "_auth_user_id" in client.session


# --- MEDIUM 4: hidden characters in a new password -----------------------------------------


@pytest.mark.parametrize(
    ("new", "shown"),
    [
        ("Good#Pass\u202e2020q", "U+202E"),
        ("Good#Pass\u200b2020q", "U+200B"),
        ("Good#Pass\x1b2020q", "U+001B"),
        ("\ufeffGood#Pass2020q", "U+FEFF"),
        # The second round: whitespace controls, which a text's rule lets through.
        ("Qx7#Lm\u00859Rp2Wz", "U+0085"),
        ("Qx7#Lm\t9Rp2Wz", "U+0009"),
        ("Qx7#Lm\u30009Rp2Wz", "U+3000"),
    ],
)
def test_a_new_password_with_a_hidden_character_is_refused_on_the_page(
    world: World, new: str, shown: str
) -> None:
    page = change(world.client("station_a"), PASSWORD, new)
    assert page.status_code == 200
    assert f"密码含有非法字符：“{shown}”" in page.content.decode()
    assert Client().login(username="station_a", password=PASSWORD)


def test_a_hidden_character_is_refused_in_the_admin_site_and_createuser(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "Good#Pass\u202e2020q"
    target = world.users["station_b"]
    url = f"/admin/accounts/user/{target.pk}/password/"
    page = world.client("admin").post(url, {"password1": bad, "password2": bad})
    assert page.status_code == 200
    assert "密码含有非法字符：“U+202E”" in page.content.decode()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    with pytest.raises(CommandError, match="密码含有非法字符：“U\\+202E”"):
        call_command(
            "createuser", "wangqiang", "--role", "logistics", "--password", bad,
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not User.objects.filter(username="wangqiang").exists()
    # Django's changepassword on the server: the same validators.
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": bad)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("changepassword", "station_b", stdout=io.StringIO(), stderr=err)
    assert "密码含有非法字符：“U+202E”" in err.getvalue()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


# --- LOW: administrators' passwords are set on the server ----------------------------------


@pytest.mark.parametrize("who", ["admin", "security", "auditor"])
def test_administrators_change_no_password_on_the_web(world: World, who: str) -> None:
    user = world.users[who]
    client = world.client(who)
    page = client.get("/password/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "不在网页上修改" in text and f"fangkong changepassword {who}" in text
    assert 'name="old_password"' not in text
    assert change(client, PASSWORD).status_code == 403
    admin_page = client.get("/admin/password_change/", follow=True)
    assert admin_page.redirect_chain[-1][0] == "/password/"
    assert admin_page.status_code == 403
    assert change(client, PASSWORD, url="/admin/password_change/").status_code in (301, 302)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW)
    assert not trail("password", user)
    assert 'href="/password/"' not in client.get("/").content.decode()  # no link offered
    # Everyone else keeps the page and its link.
    officer = world.client("station_a")
    assert 'href="/password/"' in officer.get("/").content.decode()
    assert officer.get("/password/").status_code == 200


def test_an_administrators_expired_password_holds_them_at_a_page_that_says_why(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = world.users["admin"]
    latest = PasswordHistory.objects.filter(user=user).first()
    assert latest is not None
    latest.set_at -= datetime.timedelta(days=91)
    latest.save()
    enrol(user)
    client = signed_in(user)  # force_login: on_login finds the password due
    page = client.get("/admin/", follow=True)
    assert [url for url, _status in page.redirect_chain] == ["/password/"]  # no loop
    text = page.content.decode()
    assert "您的密码已使用超过90天" in text and "fangkong changepassword admin" in text
    assert "在服务器上修改之前，本账号只能退出登录" in text
    # The operator changes it on the server; the next sign-in opens everything.
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW)
    call_command("changepassword", "admin", stdout=io.StringIO())
    assert client.get("/admin/").status_code == 302  # the old session ended
    again = signed_in(User.objects.get(pk=user.pk))
    assert again.get("/admin/").status_code == 200


def test_no_administrator_is_given_a_temporary_password(world: World) -> None:
    with pytest.raises(CommandError, match="不能是临时密码"):
        call_command(
            "createuser", "xitong2", "--role", "admin", "--password", "Xitong#Ningyang1",
            "--temporary", stdout=io.StringIO(),
        )  # fmt: skip
    assert not User.objects.filter(username="xitong2").exists()
    # A flag left over (an account made an administrator later) holds no one in a loop.
    user = world.users["security"]
    User.objects.filter(pk=user.pk).update(password_temporary=True)
    client = signed_in(User.objects.get(pk=user.pk))
    assert client.get("/account/2fa/reset/").status_code == 200


# --- LOW: who resets a lost phone ----------------------------------------------------------


def test_the_second_factor_pages_name_the_security_administrator_for_a_lost_phone(
    world: World,
) -> None:
    user = world.users["station_a"]
    enrol(user)
    settings_page = signed_in(user).get("/account/2fa/").content.decode()
    assert "原手机丢失时请联系安全管理员重置" in settings_page
    step = Client()
    step.post("/login/", {"username": "station_a", "password": PASSWORD})
    verify = step.get("/login/verify/").content.decode()
    assert "请联系安全管理员重置二次验证" in verify
    for page in (settings_page, verify):
        assert "系统管理员重置" not in page
