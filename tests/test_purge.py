from __future__ import annotations

import contextlib
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core import clock
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from fangkong.quarantine.services import case_refer, case_transition
from tests.conftest import World

pytestmark = pytest.mark.django_db


def tomorrow() -> str:
    return (clock.today() + datetime.timedelta(days=1)).isoformat()


def _closed_and_open_cases(world: World) -> None:
    user = world.users["command"]
    closed, _ = case_refer(person=world.person_b, source="station", by=user)
    case_transition(case=closed, to=CaseStatus.NOT_IN_COUNTY, by=user, reason="已离开本县")
    case_refer(person=world.person_a, source="station", by=user)  # still open


def test_purge_removes_personal_data_of_closed_cases_and_keeps_counts(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    _closed_and_open_cases(world)
    counts_before = sorted(QuarantineCase.objects.values_list("status", flat=True))
    call_command("purge", closed_before=tomorrow(), yes=True)
    out = capsys.readouterr().out
    assert "people.person: 已清除 1 条" in out
    gone = Person.objects.get(pk=world.person_b.pk)
    assert (gone.name, gone.id_number, gone.phone, gone.address_detail) == (
        "（已清除）",
        None,
        "",
        "",
    )
    assert gone.purged_at is not None
    kept = Person.objects.get(pk=world.person_a.pk)  # open case: still needed
    assert kept.name == "张三" and kept.id_number
    assert sorted(QuarantineCase.objects.values_list("status", flat=True)) == counts_before
    assert AuditEntry.objects.filter(object_type="core.purge").count() == 1


def test_dry_run_changes_nothing(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    _closed_and_open_cases(world)
    call_command("purge", closed_before=tomorrow(), dry_run=True)
    assert "将清除" in capsys.readouterr().out
    assert Person.objects.get(pk=world.person_b.pk).name == "赵丽"


def test_purge_asks_for_confirmation(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _closed_and_open_cases(world)
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="未确认"):
        call_command("purge", closed_before=tomorrow())
    assert Person.objects.get(pk=world.person_b.pk).name == "赵丽"
    with pytest.raises(CommandError, match="须为日期"):
        call_command("purge", closed_before="2020-13-01", yes=True)


# ---------------------------------------------------------------- the audit trail


def _audit_text() -> str:
    """Every column of every audit row as stored, JSON read back (the database may keep
    Chinese as \\u escapes): what someone reading the table directly sees."""
    from django.db import connection

    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        for row in cursor.fetchall():
            for value in row:
                if isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                elif isinstance(value, str) and value[:1] in "[{":
                    with contextlib.suppress(ValueError):
                        value = json.dumps(json.loads(value), ensure_ascii=False)
                parts.append(str(value))
    return "\n".join(parts)


def _a_full_life(world: World, tmp_path: Any) -> dict[str, str]:
    """赵丽 (person_b) through every door that writes about her — a checkpoint, a pushed
    list, a case with its team, follow-ups and alert, a reveal, exports searched by her name
    and ID number — and out of it (case closed). 张三 (person_a) keeps an open case."""
    from fangkong.checkpoints.services import OccupantInput, PassageInput, passage_register
    from fangkong.people.services import person_reveal
    from fangkong.quarantine.imports import list_import_run, list_import_start
    from fangkong.quarantine.models import ListImport
    from fangkong.quarantine.services import MemberInput, followup_record, team_assign
    from tests.checkpoints.conftest import make_posts
    from tests.quarantine.conftest import START, at, quarantine
    from tests.quarantine.import_files import HEADERS, write_xlsx

    p = world.person_b
    posts = make_posts(world)  # its car passes now
    passage_register(
        data=PassageInput(
            checkpoint=posts.g104,
            direction="in",
            vehicle_type="car",
            plate="鲁J12345",
            occupants=[
                OccupantInput(
                    name=p.name, id_number=p.id_number or "", phone=p.phone, temperature="36.6",
                    origin="武汉", decision="pass",
                )
            ],
        ),
        by=world.users["checkpoint"],
    )  # fmt: skip
    case = quarantine(world, p, "station_b", START)
    team_assign(
        case=case,
        by=world.users["station_b"],
        members=[MemberInput(kind="doctor", name="刘医生", phone="13800000003")],
    )
    followup_record(
        case=case, by=world.users["station_b"], temperature="38.5", symptoms=[],
        at_home=True, visited_at=at(START, 15), note="赵丽自述发烧",
    )  # fmt: skip
    path = write_xlsx(
        tmp_path / "推送名单.xlsx",
        [[1, p.name, p.id_number, p.phone, "泗店镇西杨村5组8号", "湖北省武汉市", START, ""]],
        headers=HEADERS,
    )
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=world.users["command"], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    case.refresh_from_db()
    case_transition(
        case=case, to=CaseStatus.NOT_IN_COUNTY, by=world.users["command"], reason="已离开本县"
    )
    person_reveal(person=p, by=world.users["station_b"], purpose="核对赵丽的住址")
    exporter = world.client("command")
    for q in (p.name, p.id_number, p.phone):
        assert exporter.get("/cases/export.xlsx", {"q": q, "status": "all"}).status_code == 200
    case_refer(person=world.person_a, source="station", by=world.users["command"])  # still open
    return {
        "name": p.name,
        "masked name": "赵*",
        "pinyin": "zhaoli",
        "ID number": p.id_number or "",
        "birth date": "1990-07-09",
        "birth digits": "19900709",
        "phone": p.phone,
        "plate": "鲁J12345",
        "temperature": "38.5",
        "team member": "刘医生",
        "file": li.file.name,
    }


def test_purge_reaches_the_audit_trail_and_the_chain_still_verifies(
    world: World, tmp_path: Any, settings: Any, capsys: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from fangkong.core.audit import audit_verify
    from fangkong.quarantine.models import ListEntry

    settings.MEDIA_ROOT = tmp_path / "media"
    secrets = _a_full_life(world, tmp_path)
    upload = Path(settings.MEDIA_ROOT) / secrets.pop("file")
    before = _audit_text()
    # The trail held these before the purge; ID number, phone and birth date never reach it
    # in full (the disclosure rule masks them there as on any page: asserted below too).
    for what in ("name", "masked name", "pinyin", "plate", "temperature", "team member"):
        assert secrets[what] in before, what
    for what in ("ID number", "birth digits", "phone"):
        assert secrets[what] not in before, what
    head = audit_verify().head

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", closed_before=tomorrow(), yes=True)
    out = capsys.readouterr().out
    assert "core.auditentry: 已清除" in out

    after = _audit_text()
    leaks = {what for what, value in secrets.items() if value in after}
    assert not leaks, f"still in the audit trail after the purge: {sorted(leaks)}"
    assert "张三" in after  # the person still needed keeps her records
    report = audit_verify(expect=[head])  # a head printed before the purge still holds
    assert report.broken_at is None, report
    call_command("audit", "verify")
    # The purged records keep their place in the chain: what, when, who — not whose.
    reveal = AuditEntry.objects.filter(action="reveal", object_id=str(world.person_b.pk)).get()
    assert (reveal.object_repr, reveal.actor_id) == ("（已清除）", world.users["station_b"].pk)
    assert set(reveal.changes) == {"fields", "purpose"}
    # The pushed list's rows and its file are gone too.
    assert not ListEntry.objects.exclude(raw=[]).exists()
    assert not upload.exists()


def test_a_dry_run_redacts_nothing(world: World, tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    secrets = _a_full_life(world, tmp_path)
    upload = Path(settings.MEDIA_ROOT) / secrets.pop("file")
    before = _audit_text()
    call_command("purge", closed_before=tomorrow(), dry_run=True)
    assert _audit_text() == before
    assert upload.exists()
