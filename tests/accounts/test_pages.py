"""Every role logs in, lands on a home page of its own work in Chinese, can switch to
English, and is refused the pages outside its role."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts import mfa
from tests.conftest import PASSWORD, World, enrol, next_code

pytestmark = pytest.mark.django_db

ROLE_HOME = {
    "command": ["战时命令与归队", "人员查询"],
    "workgroup": ["工作组", "人员查询"],
    "station_a": ["人员查询", "登记人员"],
    "checkpoint": ["登记通行车辆和人员", "卡口登记台账"],
    "political": ["战时命令与归队", "警力"],
    "logistics": ["警力"],
    "admin": ["单位", "警力"],
    "auditor": ["审计日志"],
    "followup": ["今日随访", "/cases/today/"],
}


@pytest.mark.parametrize("who", sorted(ROLE_HOME))
def test_each_role_logs_in_to_its_home_in_chinese(world: World, who: str) -> None:
    client = Client()
    user = world.users[who]
    needs_code = mfa.mfa_required(user)
    if needs_code:
        enrol(user)
    response = client.post("/login/", {"username": who, "password": PASSWORD}, follow=True)
    if needs_code:  # admin and command: the second step, with the phone's code
        assert response.redirect_chain[-1][0] == "/login/verify/?next=%2F"
        response = client.post(
            "/login/verify/", {"code": next_code(user), "next": "/"}, follow=True
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert 'lang="zh-CN"' in text
    for expected in ROLE_HOME[who]:
        assert expected in text, (who, expected)


def test_login_page_is_chinese_even_for_an_english_browser() -> None:
    text = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/").content.decode()
    assert "登录" in text
    assert "疫情防控指挥平台" in text


def test_bad_password_says_so_in_chinese(world: World) -> None:
    text = Client().post("/login/", {"username": "command", "password": "x"}).content.decode()
    assert "用户名或密码错误" in text


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/people/")


def test_switching_to_english_and_back(world: World) -> None:
    client = world.client("station_a")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get("/").content.decode()
    assert 'lang="en"' in text
    assert "People search" in text
    assert "Sign out" in text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "人员查询" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("station_a", "/audit/"),
        ("followup", "/org/officers/"),
        ("logistics", "/people/"),
        ("political", "/people/"),
        ("workgroup", "/people/new/"),
        ("checkpoint", "/org/officers/"),
        ("station_a", "/org/officers/new/"),
        ("command", "/admin/"),
    ],
)
def test_pages_outside_a_role_are_refused(world: World, who: str, path: str) -> None:
    response = world.client(who).get(path)
    if path.startswith("/admin/"):
        # Django's admin sends non-staff users to its own login.
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


def test_logout_ends_the_session(world: World) -> None:
    client = world.client("command")
    client.post("/logout/")
    assert client.get("/people/").status_code == 302


def test_password_change_requires_the_rules(world: World) -> None:
    client = world.client("command")
    bad = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    ).content.decode()
    assert "密码长度太短" in bad
    ok = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Ningyang#Safe2020",
            "new_password2": "Ningyang#Safe2020",
        },
    )
    assert ok.status_code == 302
    assert Client().login(username="command", password="Ningyang#Safe2020")


def test_security_headers(world: World) -> None:
    response = world.client("command").get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
