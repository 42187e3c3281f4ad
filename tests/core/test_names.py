"""The name rule, one home (core.text.name_error) for every entry point (the fifth attack,
docs/security.md): a name is letters — Han, Latin or any other script — with the
separators real names have (阿依古丽·买买提, Jean-Luc O'Neill, J. R. R. Tolkien); a name
with no letter ("9223372036854775808", "-1", "·") or a character no name has (a digit,
markup) is refused naming the field and the character, on the person form, the list
import, the register page and the checkpoint API, nothing saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from fangkong.checkpoints.models import Passage
from fangkong.core.text import name_error, normalize_text
from fangkong.people.models import Person
from fangkong.quarantine.models import ListEntry
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (fixture)
from tests.checkpoints.test_api import body, post, token_for
from tests.checkpoints.test_pages import form
from tests.conftest import World
from tests.quarantine.import_files import ident, write_xlsx
from tests.quarantine.test_imports import messages_of, run

REAL_NAMES = [
    "张三",
    "欧阳娜娜",
    "阿依古丽·买买提",  # a minority name, the middle dot as most input methods type it
    "买买提•吐尔逊",  # … as others do (U+2022)
    "迪丽热巴・迪力木拉提",  # … and the katakana middle dot (U+30FB)
    "李〇",  # 〇 (U+3007), written as a Han character
    "Jean-Luc Picard",
    "O'Neill",
    "O’Brien",
    "J. R. R. Tolkien",
    "José García",
    "Nguyễn Văn An",
    "Анна Петрова",
    "ئەخمەت",
    "Mary Ann  Smith",  # two spaces: the cleaning makes them one
]

REFUSED_NAMES = [
    ("9223372036854775808", "姓名含有非法字符：“9”"),
    ("-1", "姓名含有非法字符：“1”"),
    ("张三2", "姓名含有非法字符：“2”"),
    ("<script>alert(1)</script>", "姓名含有非法字符：“<”"),
    ("<b>李四</b>", "姓名含有非法字符：“<”"),
    ('=HYPERLINK("x")', "姓名含有非法字符：“=”"),
    ("王五&", "姓名含有非法字符：“&”"),
    ("·", "姓名须含有汉字或字母"),
    ("- . '", "姓名须含有汉字或字母"),
    ("\u202e张三", "姓名含有非法字符：“U+202E”"),
    ("赵" * 51, "姓名过长：最多50个字符"),
]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_pass(name: str) -> None:
    assert name_error(normalize_text(name)) is None


@pytest.mark.parametrize(("name", "refusal"), REFUSED_NAMES)
def test_names_that_no_person_has_are_refused_naming_the_character(name: str, refusal: str) -> None:
    assert name_error(normalize_text(name)) == refusal


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "refusal"), REFUSED_NAMES[:4])
def test_person_form_refuses_the_name(world: World, name: str, refusal: str) -> None:
    before = Person.objects.count()
    page = world.client("station_a").post(
        "/people/new/", {"name": name, "doc_type": "passport", "doc_number": "E12345678"}
    )
    assert page.status_code in (200, 422)
    assert escape(refusal) in page.content.decode()
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_person_form_keeps_a_minority_name(world: World) -> None:
    r = world.client("station_a").post(
        "/people/new/",
        {
            "name": "阿依古丽·买买提",
            "doc_type": "passport",
            "doc_number": "E12345678",
            "township": world.township_a.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[-1500:]
    assert Person.objects.filter(name="阿依古丽·买买提", doc_number="E12345678").exists()


@pytest.fixture
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.usefixtures("_uploads_in_tmp")
def test_list_import_refuses_the_names_by_row(world: World, tmp_path: Path) -> None:
    rows = [
        [1, "9223372036854775808", ident(41), "13800000041", "堽城镇", "武汉", "", ""],
        [2, "-1", ident(42), "13800000042", "堽城镇", "武汉", "", ""],
        [3, "<b>测试</b>", ident(43), "13800000043", "堽城镇", "武汉", "", ""],
        [4, "阿依古丽·买买提", ident(44), "13800000044", "堽城镇", "武汉", "", ""],
    ]
    li = run(world, write_xlsx(tmp_path / "names.xlsx", rows))
    got = {e.name: e for e in ListEntry.objects.filter(list_import=li)}
    for name, refusal in (("9223372036854775808", "“9”"), ("-1", "“1”"), ("<b>测试</b>", "“<”")):
        assert got[name].level == "error", messages_of(got[name])
        assert f"姓名含有非法字符：{refusal}" in messages_of(got[name])
    assert got["阿依古丽·买买提"].level != "error", messages_of(got["阿依古丽·买买提"])
    stored = Person.objects.filter(phone__startswith="1380000004").values_list("name", flat=True)
    assert list(stored) == ["阿依古丽·买买提"]
    # The report names the refused rows as the list wrote them, escaped.
    report = world.client("command").get(f"/imports/{li.pk}/").content.decode()
    assert "&lt;b&gt;测试&lt;/b&gt;" in report and "<b>测试</b>" not in report


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "refusal"), REFUSED_NAMES[:4])
def test_register_page_refuses_the_name(
    posts: Posts,  # noqa: F811
    name: str,
    refusal: str,
) -> None:
    html = (
        posts.world.client("checkpoint")
        .post("/checkpoints/register/", {**form(**{"occ-0-name": name}), "action": "save"})
        .content.decode()
    )
    assert escape(f"第1位乘车人{refusal}") in html
    assert Passage.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "refusal"), REFUSED_NAMES[:4])
def test_checkpoint_api_refuses_the_name(
    posts: Posts,  # noqa: F811
    name: str,
    refusal: str,
) -> None:
    data = body()
    data["occupants"][0]["name"] = name  # type: ignore[index]
    r = post(Client(), data, token_for(posts))
    assert r.status_code == 422, r.content  # type: ignore[attr-defined]
    detail = r.json()["detail"]  # type: ignore[attr-defined]
    assert {"field": "occupants.0.name", "msg": f"第1位乘车人{refusal}"} in detail, detail
    assert Passage.objects.count() == 0
