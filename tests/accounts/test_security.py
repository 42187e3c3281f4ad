from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from fangkong.core.audit import audit_verify
from fangkong.core.models import AuditEntry
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_audit_chain_verifies_and_finds_the_first_tampered_record(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    report = audit_verify()
    assert report.broken_at is None
    assert report.checked == AuditEntry.objects.count() > 10
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out

    victim = AuditEntry.objects.order_by("pk")[5]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:  # what someone editing the database directly would do
        cursor.execute(f"UPDATE {table} SET actor_name = %s WHERE id = %s", ["某人", victim.pk])
    report = audit_verify()
    assert report.broken_at == victim.pk
    assert "被修改" in report.reason
    with pytest.raises(CommandError, match=f"#{victim.pk}"):
        call_command("audit", "verify")


def test_deleting_an_audit_record_breaks_the_chain(world: World) -> None:
    ids = list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True))
    AuditEntry.objects.filter(pk=ids[3]).delete()
    report = audit_verify()
    assert report.broken_at == ids[4]
    assert "删除" in report.reason


def test_deleting_the_last_record_is_noticed(world: World) -> None:
    AuditEntry.objects.order_by("-pk").first().delete()  # type: ignore[union-attr]
    assert audit_verify().broken_at is not None


def test_account_locks_after_five_failures_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(5):
        page = client.post("/login/", {"username": "station_a", "password": "wrong"})
        assert "用户名或密码错误" in page.content.decode()
    page = client.post("/login/", {"username": "station_a", "password": PASSWORD})
    assert page.status_code == 200
    assert "已锁定15分钟" in page.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from another machine is unaffected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/login/", {"username": "station_b", "password": PASSWORD}).status_code == 302


def test_the_admin_sites_own_sign_in_page_keeps_the_lock(world: World) -> None:
    """Found by the attack of issue 19: /admin/login/ checked passwords without the lock, so
    with `admin` locked at an address it still answered which password was right (a 302
    for it, the form again for any other) — unlimited guessing — and its failures did not
    count towards the lock either."""
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(5):
        client.post("/login/", {"username": "admin", "password": "wrong"})
    page = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert page.status_code == 200
    assert "已锁定15分钟" in page.content.decode()
    assert "_auth_user_id" not in client.session
    # Failures on the admin site's page count like any other.
    other = Client(REMOTE_ADDR="10.2.2.3")
    for _ in range(5):
        page = other.post("/admin/login/", {"username": "admin", "password": "wrong"})
        assert page.status_code == 200
    page = other.post("/login/", {"username": "admin", "password": PASSWORD})
    assert "已锁定15分钟" in page.content.decode()
    assert "_auth_user_id" not in other.session
    # From another machine the administrator still signs in there.
    mine = Client(REMOTE_ADDR="10.2.2.4")
    page = mine.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert page.status_code == 302


def test_success_clears_earlier_failures(world: World) -> None:
    client = Client()
    for _ in range(4):
        client.post("/login/", {"username": "station_a", "password": "wrong"})
    assert (
        client.post("/login/", {"username": "station_a", "password": PASSWORD}).status_code == 302
    )
    client.post("/logout/")
    for _ in range(4):
        client.post("/login/", {"username": "station_a", "password": "wrong"})
    assert (
        client.post("/login/", {"username": "station_a", "password": PASSWORD}).status_code == 302
    )


def test_one_address_trying_many_accounts_is_slowed(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "LOCKOUT_IP_FAILURES": 6}
    client = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(6):
        client.post("/login/", {"username": f"guess{i}", "password": "x"})
    page = client.post("/login/", {"username": "command", "password": PASSWORD})
    assert "本机登录失败次数过多" in page.content.decode()


# ------------------------------------------------ addresses and sign-in (issue 14, finding 3)

NGINX = "127.0.0.1"


def _behind_nginx(client_address: str, forwarded: str | None = None) -> Client:
    """A browser at `client_address` reaching us through the documented nginx, which adds
    the address it saw to whatever X-Forwarded-For the browser sent."""
    header = f"{forwarded}, {client_address}" if forwarded else client_address
    return Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=header)


def _ip(rf, remote: str, forwarded: str | None = None) -> str | None:  # type: ignore[no-untyped-def]
    from fangkong.core.client_address import client_ip

    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(rf.get("/", REMOTE_ADDR=remote, **extra))


def test_client_address_without_a_trusted_list_is_the_peer(rf, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": []}
    # Nobody is trusted: whatever X-Forwarded-For says, the peer is the client.
    assert _ip(rf, NGINX, "10.8.0.5") == NGINX
    assert _ip(rf, "10.66.0.1", "10.8.0.5") == "10.66.0.1"
    assert _ip(rf, "::ffff:10.8.0.5") == "10.8.0.5"


def test_client_address_through_trusted_proxies(rf, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": [NGINX, "10.250.0.0/16"]}
    assert _ip(rf, NGINX, "10.8.0.5") == "10.8.0.5"
    assert _ip(rf, NGINX) == NGINX  # no header: the proxy itself
    # A forged address on the left is what the browser sent; nginx added the real one.
    assert _ip(rf, NGINX, "1.2.3.4, 10.8.0.5") == "10.8.0.5"
    # Two trusted hops (a front proxy in 10.250/16, then nginx): read past both.
    assert _ip(rf, NGINX, "6.6.6.6, 10.8.0.5, 10.250.1.9") == "10.8.0.5"
    # An untrusted peer's header is not believed at all.
    assert _ip(rf, "10.66.0.1", "10.8.0.5") == "10.66.0.1"
    assert _ip(rf, "10.66.0.1", NGINX) == "10.66.0.1"
    # Garbage where nginx's entry should be: the proxy is all we know.
    assert _ip(rf, NGINX, "10.8.0.5, not-an-address") == NGINX
    assert _ip(rf, NGINX, "") == NGINX
    assert _ip(rf, NGINX, "[2001:db8::7]:5123") == "2001:db8::7"
    # A header of thousands of hops costs nothing more than one of sixteen.
    assert _ip(rf, NGINX, ", ".join(["10.250.0.1"] * 5000)) == "10.250.0.1"


def test_audit_records_the_client_behind_the_proxy(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": [NGINX]}
    browser = _behind_nginx("10.8.0.5", forwarded="1.2.3.4")
    assert (
        browser.post("/login/", {"username": "station_a", "password": PASSWORD}).status_code == 302
    )
    assert AuditEntry.objects.filter(action="login").latest("pk").ip == "10.8.0.5"
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": []}
    browser = _behind_nginx("10.8.0.6")
    assert (
        browser.post("/login/", {"username": "station_b", "password": PASSWORD}).status_code == 302
    )
    assert AuditEntry.objects.filter(action="login").latest("pk").ip == NGINX


def test_random_username_failures_lock_out_nobody_else(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    """30 failed sign-ins with random usernames, and 5 more on a real account, from one
    machine behind nginx: that machine is refused; the real user at their own machine,
    through the same nginx, signs in."""
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": [NGINX], "TODAY": "2020-02-03"}
    attacker = _behind_nginx("10.66.0.1")
    for i in range(30):
        attacker.post("/login/", {"username": f"nobody{i:03d}x", "password": "guess"})
    for _ in range(5):
        attacker.post("/login/", {"username": "station_a", "password": "guess"})
    refused = attacker.post("/login/", {"username": "command", "password": PASSWORD})
    assert "本机登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    for who in ("station_a", "command", "station_b"):
        user = _behind_nginx("10.8.0.5")
        answer = user.post("/login/", {"username": who, "password": PASSWORD})
        assert answer.status_code == 302, who


def test_failures_on_an_account_elsewhere_do_not_lock_its_owner(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": [NGINX]}
    for n in range(1, 7):  # six machines, five failures each, all on station_a
        guesser = _behind_nginx(f"10.66.0.{n}")
        for _ in range(5):
            guesser.post("/login/", {"username": "station_a", "password": "guess"})
        page = guesser.post("/login/", {"username": "station_a", "password": PASSWORD})
        assert "已锁定15分钟" in page.content.decode()
    owner = _behind_nginx("10.8.0.5")
    assert owner.post("/login/", {"username": "station_a", "password": PASSWORD}).status_code == 302
    # Signing in clears the owner's own failures only: the guessers stay locked.
    again = _behind_nginx("10.66.0.1").post(
        "/login/", {"username": "station_a", "password": PASSWORD}
    )
    assert "已锁定15分钟" in again.content.decode()


def test_a_forged_forwarded_header_from_an_untrusted_address_changes_nothing(
    world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    """Straight at the app server (not through nginx), an attacker sends a new
    X-Forwarded-For with every attempt: still one address, still refused after 30."""
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": [NGINX]}
    for i in range(30):
        Client(REMOTE_ADDR="10.66.0.1", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").post(
            "/login/", {"username": f"nobody{i:03d}x", "password": "guess"}
        )
    attacker = Client(REMOTE_ADDR="10.66.0.1", HTTP_X_FORWARDED_FOR="10.9.99.1")
    page = attacker.post("/login/", {"username": "command", "password": PASSWORD})
    assert "本机登录失败次数过多" in page.content.decode()
    assert set(AuditEntry.objects.filter(action="login_failed").values_list("ip", flat=True)) == {
        "10.66.0.1"
    }


def test_a_refused_sign_in_is_audited(world: World) -> None:
    """Issue 14, finding 8: a sign-in refused by a lock wrote no audit record."""
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(5):
        client.post("/login/", {"username": "station_a", "password": "wrong"})
    before = AuditEntry.objects.filter(action="login_failed").count()
    client.post("/login/", {"username": "station_a", "password": PASSWORD})
    refused = AuditEntry.objects.filter(action="login_failed").latest("pk")
    assert AuditEntry.objects.filter(action="login_failed").count() == before + 1
    assert refused.ip == "10.1.2.3"
    assert refused.changes["username"] == "station_a"
    assert "已锁定" in refused.changes["refused"]


def test_next_after_a_form_never_leaves_the_site(rf) -> None:  # type: ignore[no-untyped-def]
    from fangkong.core.views import safe_next

    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        request = rf.post("/x/", {"next": evil}, HTTP_HOST="127.0.0.1")
        assert safe_next(request, "/home/") == "/home/"
    request = rf.post("/x/", {"next": "/cases/12/"}, HTTP_HOST="127.0.0.1")
    assert safe_next(request, "/home/") == "/cases/12/"
