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
from tests.quarantine.import_files import ident, write_csv, write_xlsx
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


@pytest.mark.parametrize(
    ("column", "text", "refusal"),
    [
        (4, "堽城镇\u202e东王庄村", "现住址含有非法字符：“U+202E”"),
        (5, "武汉\u200b", "来源地含有非法字符：“U+200B”"),
        (7, "\u2066已核实", "备注含有非法字符：“U+2066”"),
    ],
)
def test_list_free_text_with_a_hidden_mark_is_refused_naming_the_column(
    world: World, tmp_path: Path, column: int, text: str, refusal: str
) -> None:
    """The address, where from and note columns are kept as written: the hidden-character
    rule (core.text.plain_text_error) refuses the row, naming the column, as it does a name."""
    row: list[Any] = [1, "测试丁", ident(32), "13800000032", "堽城镇", "武汉", "", ""]
    row[column] = text
    li = run(world, write_xlsx(tmp_path / "marks.xlsx", [row]))
    e = ListEntry.objects.get(list_import=li)
    assert e.level == "error" and refusal in messages_of(e), messages_of(e)
    assert not Person.objects.filter(name="测试丁").exists()


def test_list_address_or_note_with_a_control_is_refused(world: World, tmp_path: Path) -> None:
    """A CSV can carry a control character (an xlsx cannot; a NUL makes it no text file at
    all: the file is refused whole, tests/quarantine/test_imports.py)."""
    li = run(
        world,
        write_csv(
            tmp_path / "nul.csv",
            [
                [1, "测试戊", ident(33), "13800000033", "堽城镇\x07", "武汉", "", ""],
                [2, "测试己", ident(34), "13800000034", "堽城镇", "武汉", "", "a\x1bb"],
                [3, "测试庚", ident(35), "13800000035", "堽城镇东王庄村 1组", "武汉", "", "已核实"],
            ],
        ),
    )
    got = {e.name: (e.level, messages_of(e)) for e in ListEntry.objects.filter(list_import=li)}
    assert got["测试戊"][0] == "error" and "现住址含有非法字符：“U+0007”" in got["测试戊"][1]
    assert got["测试己"][0] == "error" and "备注含有非法字符：“U+001B”" in got["测试己"][1]
    assert got["测试庚"][0] != "error"  # plain text, a space in it, is kept
    assert list(Person.objects.filter(name__startswith="测试").values_list("name", flat=True)) == [
        "测试庚"
    ]
