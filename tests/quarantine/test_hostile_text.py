"""The fourth input attack (docs/security.md, 2026-12-04): a direction mark in a follow-up's
note or a list's name is refused naming the field; nothing of it stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fangkong.people.models import Person
from fangkong.quarantine.models import FollowUp, ListEntry
from tests.conftest import World
from tests.quarantine.conftest import Cases
from tests.quarantine.import_files import ident, write_xlsx
from tests.quarantine.test_imports import messages_of, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_followup_note_with_a_direction_mark_is_422(world: World, cases: Cases) -> None:
    r = world.client("followup").post(
        f"/api/v1/cases/{cases.a.pk}/followups",
        json.dumps(
            {
                "temperature": 36.5,
                "at_home": True,
                "visited_at": "2020-02-03T09:00:00+08:00",
                "note": "\u202e abc",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert {"field": "note", "msg": "备注含有非法字符：“U+202E”"} in r.json()["detail"]
    assert FollowUp.objects.count() == 0


def test_list_name_with_a_direction_mark_is_refused(world: World, tmp_path: Path) -> None:
    li = run(
        world,
        write_xlsx(
            tmp_path / "rtl.xlsx",
            [[1, "\u202e测试丙", ident(31), "13800000031", "堽城镇", "武汉", "", ""]],
        ),
    )
    e = ListEntry.objects.get(list_import=li)
    assert e.level == "error" and "姓名含有非法字符：“U+202E”" in messages_of(e)
    assert not Person.objects.filter(name__contains="测试丙").exists()
