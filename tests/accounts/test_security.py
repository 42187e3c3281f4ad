from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from fangkong.accounts.audit import audit_verify
from fangkong.accounts.models import AuditEntry
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


def test_next_after_a_form_never_leaves_the_site(rf) -> None:  # type: ignore[no-untyped-def]
    from fangkong.core.views import safe_next

    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        request = rf.post("/x/", {"next": evil}, HTTP_HOST="127.0.0.1")
        assert safe_next(request, "/home/") == "/home/"
    request = rf.post("/x/", {"next": "/cases/12/"}, HTTP_HOST="127.0.0.1")
    assert safe_next(request, "/home/") == "/cases/12/"
