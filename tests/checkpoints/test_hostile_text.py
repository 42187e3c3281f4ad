"""The fourth input attack (docs/security.md, 2026-12-04): a NUL, a direction mark or a
combining mark in a traveller's free text, an overlong name, an unknown symptom — refused
naming the field, on the public QR page, the register page and the API, nothing saved."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.checkpoints.models import Passage, SelfRegistration
from fangkong.people.models import Person
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post, token_for
from tests.checkpoints.test_pages import form

pytestmark = pytest.mark.django_db


def qr(**kw: str) -> dict[str, str]:
    data = {**form(**kw), "action": "submit"}
    del data["occ-0-temperature"]
    return data


def nothing_saved() -> None:
    assert SelfRegistration.objects.count() == 0 and Passage.objects.count() == 0
    assert not Person.objects.filter(name__contains="南").exists()


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("name", "姓名"),
        ("origin", "从何处来"),
        ("destination", "到县内何处"),
        ("travel", "14天内到过"),
    ],
)
def test_qr_page_refuses_a_nul_naming_the_field(posts: Posts, field: str, label: str) -> None:
    r = Client().post("/q/G104N/", qr(**{f"occ-0-{field}": "济\x00南"}))
    assert r.status_code == 200
    html = r.content.decode()
    assert f"第1位乘车人{label}含有非法字符：“U+0000”" in html, html[
        html.find("fk-errors") - 300 :
    ][:900]
    nothing_saved()


def test_register_page_refuses_a_direction_mark(posts: Posts) -> None:
    client = posts.world.client("checkpoint")
    html = client.post(
        "/checkpoints/register/", {**form(**{"occ-0-name": "\u202e赵敏"}), "action": "save"}
    ).content.decode()
    assert "第1位乘车人姓名含有非法字符：“U+202E”" in html
    assert Passage.objects.count() == 0


def test_qr_page_refuses_an_overlong_name(posts: Posts) -> None:
    html = Client().post("/q/G104N/", qr(**{"occ-0-name": "x" * 100_000})).content.decode()
    assert "第1位乘车人姓名过长：最多50个字符" in html
    assert SelfRegistration.objects.count() == 0


def test_qr_page_refuses_an_unknown_symptom(posts: Posts) -> None:
    html = Client().post("/q/G104N/", qr(**{"occ-0-symptoms": "foo"})).content.decode()
    assert "第1位乘车人症状：未知症状“foo”" in html
    assert SelfRegistration.objects.count() == 0


def _occupant_422(posts: Posts, **occupant: object) -> list[dict[str, str]]:
    data = body()
    data["occupants"][0].update(occupant)  # type: ignore[index]
    r = post(Client(), data, token_for(posts))
    assert r.status_code == 422, r.content  # type: ignore[attr-defined]
    assert Passage.objects.count() == 0
    return r.json()["detail"]  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    ("occupant", "field", "message"),
    [
        ({"name": "\u202e张三"}, "occupants.0.name", "第1位乘车人姓名含有非法字符：“U+202E”"),
        (
            {"name": "张\u0301\u0301\u0301\u0301三"},
            "occupants.0.name",
            "第1位乘车人姓名含有非法字符：“U+0301”",
        ),
        (
            {"origin": "武\u200b汉"},
            "occupants.0.origin",
            "第1位乘车人从何处来含有非法字符：“U+200B”",
        ),
        (
            {"travel_history": ["武汉\u202e"]},
            "occupants.0.travel_history",
            "第1位乘车人14天内到过含有非法字符：“U+202E”",
        ),
        (
            {"symptoms": ["咳嗽\u202e"]},
            "occupants.0.symptoms",
            "第1位乘车人症状：未知症状（第1项）",
        ),
        ({"symptoms": ["foo"]}, "occupants.0.symptoms", "第1位乘车人症状：未知症状“foo”"),
        # The seventh attack: a direction override or markup is never repeated, named by
        # its place instead (core.text.typed).
        (
            {"symptoms": ["咳嗽", "\u202e"]},
            "occupants.0.symptoms",
            "第1位乘车人症状：未知症状（第2项）",
        ),
        ({"symptoms": ["<b>"]}, "occupants.0.symptoms", "第1位乘车人症状：未知症状（第1项）"),
        ({"symptoms": ["x" * 30]}, "occupants.0.symptoms", "第1位乘车人症状：未知症状（第1项）"),
    ],
)
def test_api_refuses_hidden_marks_and_unknown_symptoms(
    posts: Posts, occupant: dict[str, object], field: str, message: str
) -> None:
    detail = _occupant_422(posts, **occupant)
    assert {"field": field, "msg": message} in detail, detail


def test_a_latin_name_with_its_accents_is_kept(posts: Posts) -> None:
    data = body()
    data["occupants"][0]["name"] = "Jose\u0301 N\u0303un\u0303ez"  # type: ignore[index]
    r = post(Client(), data, token_for(posts))
    assert r.status_code == 201, r.content  # type: ignore[attr-defined]
    assert Person.objects.filter(name="José Ñuñez").exists()


REPEATED = "同一栏只能填写一个值，却提交了多个（1栏），未保存：请重新打开此页面填写"


def test_the_second_round_a_field_sent_twice_is_refused_on_both_pages(posts: Posts) -> None:
    """The seventh attack's second round: `occ-0-name=王明&occ-0-name=李四` on the public QR
    page stored 李四 (the last one read) and the officer's page read it so too. Either page
    refuses a field of one value sent twice; nothing is saved. A row's symptoms are several."""
    from urllib.parse import urlencode

    data = qr(**{"occ-0-name": "王明"})
    sent = urlencode([*data.items(), ("occ-0-name", "李四")])
    kind = "application/x-www-form-urlencoded"
    html = Client().post("/q/G104N/", sent, content_type=kind).content.decode()
    assert REPEATED in html
    assert SelfRegistration.objects.count() == 0
    officer = posts.world.client("checkpoint")
    page = {**form(**{"occ-0-name": "王明"}), "action": "save"}
    sent = urlencode([*page.items(), ("occ-0-name", "李四")])
    html = officer.post("/checkpoints/register/", sent, content_type=kind).content.decode()
    assert REPEATED in html
    assert Passage.objects.count() == 0
    # Two symptoms of one row are two values, as the page's boxes send them.
    two = urlencode([*qr(**{"occ-0-symptoms": "cough"}).items(), ("occ-0-symptoms", "fatigue")])
    html = Client().post("/q/G104N/", two, content_type=kind).content.decode()
    assert "同一栏只能填写一个值" not in html
