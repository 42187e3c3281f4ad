"""The fifth input attack (docs/security.md "Input, the fifth round"): what the attacker sent
to /api/v1/passages, the register page and the public QR page, and what a client now sees —
the field as the pages name it and the rule, in Chinese (English on request), nothing saved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fangkong.checkpoints.models import Passage, SelfRegistration
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post, token_for
from tests.checkpoints.test_hostile_text import qr
from tests.checkpoints.test_pages import form

pytestmark = pytest.mark.django_db


def _refused(posts: Posts, data: Any, **headers: str) -> list[dict[str, Any]]:
    r = Client().post(
        "/api/v1/passages",
        data if isinstance(data, str) else json.dumps(data),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(posts)}",
        **headers,
    )
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert Passage.objects.count() == 0
    return r.json()["detail"]  # type: ignore[no-any-return]


def _occupant(**kw: object) -> dict[str, object]:
    data = body()
    data["occupants"][0].update(kw)  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_occupant(name=123), "occupants.0.name", "第1位乘车人姓名：须为文本"),
        (_occupant(name=None), "occupants.0.name", "第1位乘车人姓名：须为文本"),
        (_occupant(temperature="36.5"), "occupants.0.temperature", "第1位乘车人体温：须为数字（不带引号）"),
        (_occupant(temperature=True), "occupants.0.temperature", "第1位乘车人体温：须为数字（不带引号）"),
        (_occupant(temperature=10**400), "occupants.0.temperature", "第1位乘车人体温：过大，不能大于100"),
        (_occupant(travel_history=["武汉", 5]), "occupants.0.travel_history.1", "第1位乘车人14天内到过（第2项）：须为文本"),
        (body(occupants="x"), "occupants", "乘车人员：须为列表"),
        (body(client_id=5), "client_id", "登记编号（client_id）：须为UUID文本，如 123e4567-e89b-12d3-a456-426614174000"),
        (body(occurred_at="yesterday"), "occurred_at", "通行时间：须为ISO 8601时间，如 2020-02-03T08:30:00+08:00"),
        ("{", None, "请求：JSON格式错误"),
    ],
)  # fmt: skip
def test_a_wrong_type_is_named_by_its_label(
    posts: Posts, data: Any, field: str | None, message: str
) -> None:
    detail = _refused(posts, data)
    assert {"field": field, "msg": message} in detail, detail


def test_a_missing_name_is_required_by_its_label(posts: Posts) -> None:
    data = body()
    del data["occupants"][0]["name"]  # type: ignore[index]
    assert _refused(posts, data) == [{"field": "occupants.0.name", "msg": "第1位乘车人姓名：必填"}]


def test_the_messages_in_english_on_request(posts: Posts) -> None:
    detail = _refused(posts, _occupant(temperature="36.5"), HTTP_ACCEPT_LANGUAGE="en")
    assert detail == [
        {
            "field": "occupants.0.temperature",
            "msg": "Passenger 1 Temperature: must be a number (without quotes)",
        }
    ]


def test_the_longest_name_is_refused_naming_it(posts: Posts) -> None:
    detail = _refused(posts, _occupant(name="中" * 10_000))
    assert detail == [{"field": "occupants.0.name", "msg": "第1位乘车人姓名：过长，最多50个字符"}]


def test_an_origin_past_its_field_is_refused_not_cut(posts: Posts) -> None:
    """The service cut origin and destination to 60 characters, places to 40, whatever the
    entry point: the API's 200-character origin was saved cut."""
    detail = _refused(posts, _occupant(origin="武" * 61, travel_history=["汉" * 41]))
    assert {
        "field": "occupants.0.origin",
        "msg": "第1位乘车人从何处来过长：最多60个字符",
    } in detail
    assert {
        "field": "occupants.0.travel_history",
        "msg": "第1位乘车人14天内到过过长：最多40个字符",
    } in detail


def test_more_than_ten_places_are_refused_not_cut(posts: Posts) -> None:
    places = [f"地{i}" for i in range(11)]
    assert _refused(posts, _occupant(travel_history=places)) == [
        {"field": "occupants.0.travel_history", "msg": "第1位乘车人14天内到过：最多10个地名"}
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("origin", "武" * 100, "第1位乘车人从何处来过长：最多60个字符"),
        ("destination", "堽" * 100, "第1位乘车人到县内何处过长：最多60个字符"),
        ("travel", "武汉、" + "汉" * 41, "第1位乘车人14天内到过过长：最多40个字符"),
        ("travel", "武" * 300, "第1位乘车人14天内到过过长：最多200个字符"),
    ],
)
def test_qr_page_refuses_a_place_past_its_field(
    posts: Posts, field: str, value: str, message: str
) -> None:
    r = Client().post("/q/G104N/", qr(**{f"occ-0-{field}": value}))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert SelfRegistration.objects.count() == 0


def test_register_page_refuses_an_origin_past_its_field(posts: Posts) -> None:
    client = posts.world.client("checkpoint")
    html = client.post(
        "/checkpoints/register/", {**form(**{"occ-0-origin": "武" * 61}), "action": "save"}
    ).content.decode()
    assert "第1位乘车人从何处来过长：最多60个字符" in html
    assert Passage.objects.count() == 0


def test_another_checkpoints_code_answers_as_an_unknown_one(posts: Posts) -> None:
    """An oracle: S244 (another unit's) answered 403, a code no checkpoint has an empty 200."""
    client = posts.world.client("checkpoint")
    post(client, body())
    other = client.get("/api/v1/passages", {"checkpoint": "S244"})
    unknown = client.get("/api/v1/passages", {"checkpoint": "NOPE"})
    assert (other.status_code, other.json()) == (unknown.status_code, unknown.json())
    assert other.json() == {"items": [], "count": 0, "count_capped": False}
    assert client.get("/api/v1/passages", {"checkpoint": "G104N"}).json()["count"] == 1
