from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fangkong.accounts.models import AuditEntry
from fangkong.people.models import Person
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from fangkong.quarantine.services import case_refer, case_transition
from tests.conftest import World

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _closed_and_open_cases(world: World) -> None:
    user = world.users["command"]
    closed, _ = case_refer(person=world.person_b, source="station", by=user)
    case_transition(case=closed, to=CaseStatus.NOT_IN_COUNTY, by=user, reason="已离开本县")
    case_refer(person=world.person_a, source="station", by=user)  # still open


def test_purge_removes_personal_data_of_closed_cases_and_keeps_counts(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    _closed_and_open_cases(world)
    counts_before = sorted(QuarantineCase.objects.values_list("status", flat=True))
    call_command("purge", closed_before=TOMORROW, yes=True)
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
    call_command("purge", closed_before=TOMORROW, dry_run=True)
    assert "将清除" in capsys.readouterr().out
    assert Person.objects.get(pk=world.person_b.pk).name == "赵丽"


def test_purge_asks_for_confirmation(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _closed_and_open_cases(world)
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="未确认"):
        call_command("purge", closed_before=TOMORROW)
    assert Person.objects.get(pk=world.person_b.pk).name == "赵丽"
    with pytest.raises(CommandError, match="须为日期"):
        call_command("purge", closed_before="2020-13-01", yes=True)
