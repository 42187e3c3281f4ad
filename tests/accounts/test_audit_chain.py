"""The audit chain against someone who can write to the database but has not got the key
kept outside it: recomputed hashes, a cut tail with the stored head rewound, a changed
personal part, a record "redacted" without a purge."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from fangkong.core.audit import (
    GENESIS,
    REDACTED,
    audit_rechain,
    audit_verify,
    entry_digest,
    legacy_entry_digest,
    parse_head,
    personal_digest,
)
from fangkong.core.models import AuditChainHead, AuditEntry
from tests.conftest import World
from tests.test_cli import cli_env

pytestmark = pytest.mark.django_db

FANGKONG = Path(sys.executable).with_name("fangkong")
TABLE = AuditEntry._meta.db_table


def _sql(sql: str, params: list[Any]) -> None:
    """What someone editing the database directly does (no model code, no signals)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{t}", connection.ops.quote_name(TABLE)), params)


def _rewind_head_to(entry_id: int) -> None:
    last = AuditEntry.objects.get(pk=entry_id)
    AuditChainHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash)


def _recompute_chain(seal: Any) -> None:
    """Recompute every record's hash in order with `seal(entry, prev) -> hash`, and the head."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("pk"):
        digest = seal(entry, prev)
        _sql("UPDATE {t} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, entry.pk])
        prev = digest
    last = AuditEntry.objects.order_by("-pk").first()
    assert last is not None
    AuditChainHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=prev)


def test_verify_prints_the_head_and_a_cut_tail_with_the_head_rewound_is_found(
    world: World, capsys: Any, settings: Any
) -> None:
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    call_command("audit", "verify", "--no-heads-file")
    out = capsys.readouterr().out
    last = AuditEntry.objects.order_by("-pk").first()
    assert last is not None
    assert f"链头：#{last.pk} {last.hash}" in out
    printed = f"{last.pk}:{last.hash[:16]}"

    # The tail is cut (the reveal and the records before it) and the stored head rewound to
    # the new last record: the chain in the database is consistent again.
    keep = AuditEntry.objects.order_by("-pk")[3]
    AuditEntry.objects.filter(pk__gt=keep.pk).delete()
    _rewind_head_to(keep.pk)
    assert audit_verify().broken_at is None  # the database alone cannot tell

    with pytest.raises(CommandError, match=f"#{last.pk}.*已不在链中"):
        call_command("audit", "verify", "--no-heads-file", "--expect", printed)
    # The head printed by the first verify was also written to the heads file in var/.
    assert f"#{last.pk} {last.hash}" in settings.FANGKONG_AUDIT_HEADS_FILE.read_text()
    with pytest.raises(CommandError, match="已不在链中"):
        call_command("audit", "verify")
    heads = Path(settings.FANGKONG_AUDIT_HEADS_FILE).with_name("printed.txt")
    heads.write_text(f"日报 2020-02-03 审计链：#{last.pk} {last.hash[:16]}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="已不在链中"):
        call_command("audit", "verify", "--no-heads-file", "--heads", str(heads))


def test_an_expected_head_that_still_matches_passes_and_bad_heads_are_refused(
    world: World, capsys: Any
) -> None:
    last = AuditEntry.objects.order_by("-pk").first()
    assert last is not None
    call_command("audit", "verify", "--expect", f"#{last.pk} {last.hash[:16]}")
    assert "与此前记下的 1 个链头相符" in capsys.readouterr().out
    with pytest.raises(CommandError, match="至少须有 12 位"):
        call_command("audit", "verify", "--expect", f"{last.pk}:abc")
    with pytest.raises(CommandError, match="编号:哈希"):
        call_command("audit", "verify", "--expect", "latest")
    wrong = "0" * 16 if not last.hash.startswith("0" * 16) else "1" * 16
    with pytest.raises(CommandError, match="链被重新计算"):
        call_command("audit", "verify", "--no-heads-file", "--expect", f"{last.pk}:{wrong}")


def test_a_chain_recomputed_without_the_key_does_not_verify(world: World) -> None:
    victim = AuditEntry.objects.filter(object_type="people.person").order_by("pk").first()
    assert victim is not None
    _sql("UPDATE {t} SET actor_name = %s WHERE id = %s", ["某人", victim.pk])
    assert audit_verify().broken_at == victim.pk

    # The unkeyed chain fangkong used to have: SHA-256 over the record, recomputed by anyone.
    _recompute_chain(legacy_entry_digest)
    report = audit_verify()
    assert report.broken_at == AuditEntry.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    assert "被修改" in report.reason

    # The same algorithm as fangkong's, with a guessed key (here: the secret key).
    from django.conf import settings

    def sealed_with(key: str) -> Any:
        def seal(entry: AuditEntry, prev: str) -> str:
            with override_settings(FANGKONG_AUDIT_KEY=key):
                entry.personal_digest = personal_digest(entry.object_repr, entry.changes)
                _sql(
                    "UPDATE {t} SET personal_digest = %s WHERE id = %s",
                    [entry.personal_digest, entry.pk],
                )
                return entry_digest(entry, prev)

        return seal

    _recompute_chain(sealed_with(settings.SECRET_KEY))
    report = audit_verify()
    assert report.broken_at is not None and "被修改" in report.reason
    # With the key, the same recomputation verifies: the key is what protects the chain.
    _recompute_chain(sealed_with(settings.FANGKONG_AUDIT_KEY))
    assert audit_verify().broken_at is None


def test_changing_the_personal_part_without_a_purge_is_found(world: World) -> None:
    victim = (
        AuditEntry.objects.filter(object_type="people.person", action="create")
        .order_by("pk")
        .first()
    )
    assert victim is not None and victim.changes["name"] == [None, "张三"]
    changes = {**victim.changes, "name": [None, "李四"]}
    _sql(
        "UPDATE {t} SET changes = %s WHERE id = %s",
        [json.dumps(changes, ensure_ascii=False), victim.pk],
    )
    assert audit_verify().broken_at == victim.pk
    _sql("UPDATE {t} SET changes = %s WHERE id = %s", [json.dumps(victim.changes), victim.pk])
    assert audit_verify().broken_at is None
    _sql("UPDATE {t} SET object_repr = %s WHERE id = %s", ["李*（#1）", victim.pk])
    assert audit_verify().broken_at == victim.pk


def test_a_record_redacted_by_anyone_but_a_purge_is_found(world: World) -> None:
    from fangkong.core.purge import purge_personal_data

    # A real purge (of nobody: everyone is still needed) leaves a purge record to point at.
    purge_personal_data(before=__import__("datetime").date(2000, 1, 1), by=None)
    purge = AuditEntry.objects.get(object_type="core.purge")
    assert audit_verify().broken_at is None
    victim = (
        AuditEntry.objects.filter(action="create", object_type="people.person")
        .order_by("pk")
        .first()
    )
    assert victim is not None
    redacted = dict.fromkeys(victim.changes, REDACTED)
    for by, broken_at, reason in (
        (None, victim.pk, "被修改"),  # the redacted form without a purge behind it
        (purge.pk, purge.pk, "擅自清除"),  # pointing at a purge that did not redact it
    ):
        _sql(
            "UPDATE {t} SET changes = %s, object_repr = %s, redacted_by = %s WHERE id = %s",
            [json.dumps(redacted, ensure_ascii=False), REDACTED, by, victim.pk],
        )
        report = audit_verify()
        assert (report.broken_at, reason in report.reason) == (broken_at, True), report


def test_old_unkeyed_records_are_rechained_once_and_a_break_found_stays_on_record(
    world: World,
) -> None:
    def legacy_chain(break_at: int | None = None) -> None:
        prev = GENESIS
        for entry in AuditEntry.objects.order_by("pk"):
            digest = legacy_entry_digest(entry, prev)
            if entry.pk == break_at:
                digest = hashlib.sha256(b"edited").hexdigest()
            _sql(
                "UPDATE {t} SET prev_hash = %s, hash = %s, personal_digest = '' WHERE id = %s",
                [prev, digest, entry.pk],
            )
            prev = digest
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)

    legacy_chain()
    assert audit_verify().broken_at is not None  # the old form does not pass the new check
    n = AuditEntry.objects.count()
    assert audit_rechain(AuditEntry, AuditChainHead) == "完好"
    assert audit_verify().broken_at is None
    marker = AuditEntry.objects.order_by("-pk").first()
    assert marker is not None and marker.object_type == "accounts.auditchain"
    assert marker.changes["records"] == [None, n]
    assert marker.changes["previous_chain"] == [None, "完好"]

    third = AuditEntry.objects.order_by("pk")[2].pk
    legacy_chain(break_at=third)
    state = audit_rechain(AuditEntry, AuditChainHead)
    assert state == f"在记录 #{third} 处断开（记录内容与哈希不符）"
    assert audit_verify().broken_at is None
    marker = AuditEntry.objects.order_by("-pk").first()
    assert marker is not None and marker.changes["previous_chain"] == [None, state]


def test_parse_head_reads_what_reports_and_verify_print() -> None:
    assert parse_head("#12 3f9a1c2d5e6f7a8b").last_id == 12
    assert parse_head("12:3F9A1C2D5E6F7A8B").last_hash == "3f9a1c2d5e6f7a8b"


def test_the_audit_key_is_made_once_outside_the_database_and_never_the_secret_key(
    tmp_path: Path,
) -> None:
    env = cli_env(
        FANGKONG_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", FANGKONG_VAR_DIR=str(tmp_path)
    )
    env.pop("FANGKONG_AUDIT_KEY", None)
    for args in (["init", "--no-static"], ["createuser", "wang", "--role", "command"]):
        subprocess.run(
            [str(FANGKONG), *args, "--password", "Ningyang#Safe2020"][
                : len(args) + 1 + 2 * (args[0] == "createuser")
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    key = tmp_path / "audit_key"
    assert key.stat().st_mode & 0o777 == 0o600
    first = key.read_text()
    assert len(first) >= 40 and first != (tmp_path / "secret_key").read_text()
    ok = subprocess.run([str(FANGKONG), "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "链头：#" in ok.stdout
    assert key.read_text() == first

    # Another key: the chain written with the first one no longer verifies.
    other = subprocess.run(
        [str(FANGKONG), "audit", "verify"],
        env={**env, "FANGKONG_AUDIT_KEY": "another-key-" + "z" * 40},
        capture_output=True,
        text=True,
    )
    assert other.returncode != 0 and "断开" in other.stderr

    same = subprocess.run(
        [str(FANGKONG), "check"],
        env={**env, "FANGKONG_SECRET_KEY": "k" * 50, "FANGKONG_AUDIT_KEY": "k" * 50},
        capture_output=True,
        text=True,
    )
    assert same.returncode != 0
    assert "FANGKONG_AUDIT_KEY 不能与 FANGKONG_SECRET_KEY 相同" in same.stderr


def test_the_daily_report_prints_the_chain_head_and_a_later_cut_is_found(
    world: World, settings: Any
) -> None:
    import io

    from docx import Document

    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    response = world.client("command").get("/command/report/daily.docx?date=2020-02-03")
    assert response.status_code == 200
    last = AuditEntry.objects.order_by("-pk").first()
    assert last is not None
    lines = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    printed = next(line for line in lines if line.startswith("审计链："))  # above the 版记
    assert printed == f"审计链：#{last.pk} {last.hash[:16]}"
    assert f"#{last.pk} {last.hash} daily-report 2020-02-03" in (
        settings.FANGKONG_AUDIT_HEADS_FILE.read_text()
    )
    call_command("audit", "verify")  # the head written down is still in the chain

    keep = AuditEntry.objects.order_by("-pk")[1]
    AuditEntry.objects.filter(pk__gt=keep.pk).delete()
    _rewind_head_to(keep.pk)
    with pytest.raises(CommandError, match=f"#{last.pk}.*已不在链中"):
        call_command("audit", "verify")
    copied = settings.FANGKONG_AUDIT_HEADS_FILE.with_name("from-report.txt")
    copied.write_text(printed, encoding="utf-8")  # the line as printed on the report
    with pytest.raises(CommandError, match="已不在链中"):
        call_command("audit", "verify", "--no-heads-file", "--heads", str(copied))


def test_after_the_key_is_lost_rechain_says_what_it_found_and_keeps_redactions(
    world: World, settings: Any, capsys: Any
) -> None:
    import datetime

    from fangkong.core.purge import purge_personal_data
    from fangkong.quarantine.models import CaseStatus
    from fangkong.quarantine.services import case_refer, case_transition

    user = world.users["command"]
    case, _ = case_refer(person=world.person_b, source="station", by=user)
    case_transition(case=case, to=CaseStatus.NOT_IN_COUNTY, by=user, reason="已离开本县")
    purge_personal_data(before=datetime.date(2100, 1, 1), by=None)
    assert AuditEntry.objects.exclude(redacted_by=None).exists()
    call_command("audit", "verify")
    old_heads = settings.FANGKONG_AUDIT_HEADS_FILE.read_text()

    settings.FANGKONG_AUDIT_KEY = "a-new-key-after-the-old-one-was-lost-" + "n" * 20
    assert audit_verify().broken_at is not None
    with pytest.raises(CommandError, match="--yes"):
        call_command("audit", "rechain")
    call_command("audit", "rechain", "--yes")
    out = capsys.readouterr().out
    first = AuditEntry.objects.order_by("pk").values_list("pk", flat=True)[0]
    assert f"用当前密钥核对现有的链：在记录 #{first} 处断开" in out
    marker = AuditEntry.objects.order_by("-pk").first()
    assert marker is not None
    assert marker.changes["previous_chain"][1].startswith(f"在记录 #{first} 处断开")
    assert audit_verify().broken_at is None  # redacted records and their purge still agree
    # The heads written under the old hashes are kept aside; verify reads the new file.
    aside = list(settings.FANGKONG_AUDIT_HEADS_FILE.parent.glob("audit-heads.txt.before-*"))
    assert len(aside) == 1 and aside[0].read_text() == old_heads
    call_command("audit", "verify")
