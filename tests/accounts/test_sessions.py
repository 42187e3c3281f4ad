"""Sessions end (等保2.0 第三级: 登录连接超时自动退出): after FANGKONG_IDLE_MINUTES without the
user's own request, and FANGKONG_SESSION_HOURS after sign-in however active. Time passes in
these tests the way it does for a session: its stored last-request time moves back."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts.signin import SEEN, STARTED
from fangkong.core.models import AuditEntry
from tests.conftest import World

pytestmark = pytest.mark.django_db


def age(client: Client, key: str, seconds: int) -> None:
    """Move the session's clock back: as if `seconds` had passed since that moment."""
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_a_session_idle_past_the_limit_ends_with_a_message(world: World) -> None:
    client = world.client("station_a")
    assert client.get("/people/").status_code == 200
    age(client, SEEN, 31 * 60)
    response = client.get("/people/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpeople%2F%3Fq%3Dx"
    page = client.get(response["Location"]).content.decode()
    assert "已超过30分钟未操作，为保护数据已自动退出，请重新登录。" in page
    assert client.get("/people/")["Location"].startswith("/login/")
    entry = AuditEntry.objects.filter(action="session_end").get()
    assert entry.actor_id == world.users["station_a"].pk
    assert entry.changes["reason"] == "idle" and entry.changes["idle_seconds"] >= 31 * 60


def test_the_api_answers_401_once_the_session_is_idle(world: World) -> None:
    client = world.client("command")
    assert client.get("/api/v1/me").status_code == 200
    age(client, SEEN, 31 * 60)
    assert client.get("/api/v1/me").status_code == 401


def test_activity_within_the_limit_keeps_the_session(world: World) -> None:
    client = world.client("station_a")
    client.get("/people/")
    age(client, SEEN, 29 * 60)
    assert client.get("/people/").status_code == 200  # the user's own request: counts
    age(client, SEEN, 29 * 60)  # another 29 minutes after that one
    assert client.get("/people/").status_code == 200


def test_the_limit_is_a_setting(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "IDLE_MINUTES": 5}
    client = world.client("station_a")
    client.get("/")
    age(client, SEEN, 6 * 60)
    response = client.get("/", follow=True)
    assert "已超过5分钟未操作" in response.content.decode()


def test_automatic_refreshes_do_not_keep_a_session_alive(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": ""}
    client = world.client("command")
    screen = client.get("/command/screen/").content.decode()
    # The big screen refreshes itself each minute, marked as a refresh, not as activity.
    assert 'data-refresh="60" data-refresh-url="/command/screen/?fk_poll=1"' in screen
    age(client, SEEN, 20 * 60)
    for _minute in range(3):
        assert client.get("/command/screen/?fk_poll=1").status_code == 200
    age(client, SEEN, 11 * 60)  # 31 minutes since the last thing the user did
    assert client.get("/command/screen/?fk_poll=1")["Location"].startswith("/login/")


def test_a_busy_session_still_ends_after_its_lifetime(world: World) -> None:
    client = world.client("station_a")
    client.get("/")
    age(client, STARTED, 12 * 3600 + 60)
    response = client.get("/", follow=True)
    assert "本次登录已超过12小时，请重新登录。" in response.content.decode()
    assert AuditEntry.objects.get(action="session_end").changes["reason"] == "lifetime"


def test_signing_in_again_after_the_timeout_works(world: World) -> None:
    from tests.conftest import PASSWORD

    client = world.client("station_a")
    client.get("/")
    age(client, SEEN, 40 * 60)
    client.get("/")
    response = client.post(
        "/login/", {"username": "station_a", "password": PASSWORD, "next": "/people/"}
    )
    assert response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
