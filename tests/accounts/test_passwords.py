"""The password policy (等保2.0 第三级 身份鉴别: 口令复杂度): 12 characters or more of three
kinds, not the username, none of the last five — on every way a password is set: the
password page, the admin site, `fangkong createuser`."""

from __future__ import annotations

import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from fangkong.accounts.models import PasswordHistory, User
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def change(client: Client, old: str, new: str) -> str:
    response = client.post(
        "/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )
    return "" if response.status_code == 302 else response.content.decode()


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short#2020", "密码长度太短"),
        ("station_a-Pass-2020", "密码不能包含用户名“station_a”"),
        ("STATION_A-pass-2020", "密码不能包含用户名“station_a”"),
        ("ningyangningyang", "至少3种"),
        ("ningyang20202020", "至少3种"),
        (PASSWORD, "不能与最近5次使用过的密码相同"),
        # Long, three kinds, and still guessed at once: runs of one or consecutive characters.
        (
            "aaaaaaaaaaaA1",
            "密码不能包含4个及以上重复或连续的字符（如 aaaa、1234、abcd），当前密码含“aaaa”",
        ),
        ("Ningyang#1234", "当前密码含“1234”"),
        ("Ningyang#9876", "当前密码含“9876”"),
        ("Wxyz#Ningyang2", "当前密码含“Wxyz”"),
    ],
)
def test_the_password_page_names_the_rule_broken(world: World, new: str, message: str) -> None:
    page = change(world.client("station_a"), PASSWORD, new)
    assert message in page
    assert Client().login(username="station_a", password=PASSWORD)


def test_none_of_the_last_five_passwords_comes_back(world: World) -> None:
    client = world.client("station_a")
    passwords = [PASSWORD] + [f"Ningyang#Safe202{i}" for i in range(1, 6)]
    for old, new in itertools.pairwise(passwords[:5]):
        assert change(client, old, new) == ""
    # Now Safe2024; the four before it and the first are the last five.
    for reused in passwords[:4]:
        assert "不能与最近5次使用过的密码相同" in change(client, passwords[4], reused)
    assert change(client, passwords[4], passwords[5]) == ""
    # Six changes back: the first may be used again.
    assert change(client, passwords[5], PASSWORD) == ""
    history = PasswordHistory.objects.filter(user=world.users["station_a"])
    assert history.count() == 5
    assert all(h.password.startswith("md5$") for h in history)  # hashes (tests' hasher)
    assert not history.filter(password__contains="Safe").exists()


def test_the_admin_sites_password_form_applies_the_policy(world: World) -> None:
    target = world.users["station_b"]
    admin = world.client("admin")
    url = f"/admin/accounts/user/{target.pk}/password/"
    for new, message in (
        ("station_b#Pass2020", "密码不能包含用户名"),
        (PASSWORD, "不能与最近5次使用过的密码相同"),
    ):
        page = admin.post(url, {"password1": new, "password2": new}).content.decode()
        assert message in page
    ok = admin.post(url, {"password1": "Sidian#Station2020", "password2": "Sidian#Station2020"})
    assert ok.status_code == 302
    assert Client().login(username="station_b", password="Sidian#Station2020")


def test_createuser_applies_the_policy(world: World) -> None:
    with pytest.raises(CommandError, match="密码不能包含用户名"):
        call_command(
            "createuser", "wangqiang", "--role", "logistics", "--password", "Wangqiang#2020x",
            stdout=io.StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="至少3种"):
        call_command(
            "createuser", "wangqiang", "--role", "logistics", "--password", "ningyangbaozhang",
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not User.objects.filter(username="wangqiang").exists()
    call_command(
        "createuser", "wangqiang", "--role", "logistics", "--password", "Baozhang#Ningyang1",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Client().login(username="wangqiang", password="Baozhang#Ningyang1")


def age_password(user: User, days: int) -> None:
    """As if the user's password had been set `days` ago."""
    latest = PasswordHistory.objects.filter(user=user).first()
    assert latest is not None
    latest.set_at -= datetime.timedelta(days=days)
    latest.save()


def test_a_password_older_than_ninety_days_is_changed_before_anything_else(
    world: World,
) -> None:
    age_password(world.users["station_a"], 91)
    client = Client()
    client.post("/login/", {"username": "station_a", "password": PASSWORD})
    response = client.get("/people/", follow=True)
    assert response.redirect_chain[-1][0] == "/password/"
    assert "您的密码已使用超过90天，请先修改密码再继续。" in response.content.decode()
    assert client.get("/api/v1/me").status_code == 401
    assert change(client, PASSWORD, "Ningyang#Safe2021") == ""
    assert client.get("/people/").status_code == 200
    # A password younger than the limit is not asked for.
    fresh = Client()
    fresh.post("/login/", {"username": "station_b", "password": PASSWORD})
    assert fresh.get("/people/").status_code == 200


def test_password_age_is_a_setting_and_zero_turns_it_off(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "PASSWORD_DAYS": 0}
    age_password(world.users["station_a"], 400)
    client = Client()
    client.post("/login/", {"username": "station_a", "password": PASSWORD})
    assert client.get("/people/").status_code == 200
