"""POST /api/v1/passages held to the API's contract (docs/security.md, the fifth attack): a
field the schema does not declare is refused naming it, never ignored; what the register
page's script sends is all declared; a temperature is answered as a JSON number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

import fangkong
from fangkong.api import api
from fangkong.checkpoints.models import Passage
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post, token_for

pytestmark = pytest.mark.django_db

STATIC = Path(fangkong.__file__).parent / "checkpoints" / "static" / "checkpoints"


def _refused(posts: Posts, data: dict[str, object]) -> list[dict[str, object]]:
    r = post(Client(), data, token_for(posts))
    assert r.status_code == 422, r.content  # type: ignore[attr-defined]
    assert Passage.objects.count() == 0
    return r.json()["detail"]  # type: ignore[attr-defined,no-any-return]


def test_an_unknown_field_of_a_passage_is_refused_naming_it(posts: Posts) -> None:
    # A misspelt plate would otherwise register the car without one.
    assert _refused(posts, body(plate_number="鄂A12345")) == [
        {"field": "plate_number", "msg": "plate_number：未知字段"}
    ]


def test_an_unknown_field_of_an_occupant_is_refused_naming_the_seat(posts: Posts) -> None:
    data = body()
    data["occupants"][1]["temprature"] = 38.5  # type: ignore[index]
    assert _refused(posts, data) == [
        {"field": "occupants.1.temprature", "msg": "第2位乘车人temprature：未知字段"}
    ]


def test_an_unknown_fields_name_is_shown_cut_and_without_hidden_characters(
    posts: Posts,
) -> None:
    name = "x\u202e" + "y" * 100
    detail = _refused(posts, body(**{name: 1}))
    assert detail == [{"field": name, "msg": "xU+202E" + "y" * 58 + "…：未知字段"}]


def test_english_on_request(posts: Posts) -> None:
    r = Client().post(
        "/api/v1/passages",
        json.dumps(body(colour="red")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(posts)}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 422
    assert r.json() == {"detail": [{"field": "colour", "msg": "colour: unknown field"}]}


def _sent_by_the_register_page() -> set[str]:
    """The keys of the JSON register.js builds for POST /api/v1/passages (its serialize()),
    and the client_id it adds."""
    script = (STATIC / "register.js").read_text(encoding="utf-8")
    start = script.index("function serialize(form)")
    end = script.index("\n  }\n", start)
    keys = set(re.findall(r"^\s*([a-z_]+):", script[start:end], flags=re.MULTILINE))
    assert {"checkpoint", "occupants", "name", "temperature"} <= keys  # the parse found them
    return keys | {"client_id"}


def test_what_the_roadside_device_sends_is_all_declared() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    declared = set(schemas["PassageIn"]["properties"]) | set(schemas["OccupantIn"]["properties"])
    assert sorted(_sent_by_the_register_page() - declared) == []
    assert schemas["PassageIn"]["additionalProperties"] is False
    assert schemas["OccupantIn"]["additionalProperties"] is False


def test_the_register_pages_own_post_is_stored(posts: Posts) -> None:
    # Every key serialize() writes, as it writes them: stored, nothing refused.
    data = body(selfreg_codes=[])
    blank = {"phone": "", "origin": "", "destination": "", "travel_history": [], "symptoms": []}
    data["occupants"] = [{**data["occupants"][1], **blank}]  # type: ignore[index]
    assert set(data) | set(data["occupants"][0]) == _sent_by_the_register_page()  # type: ignore[index]
    r = post(posts.world.client("checkpoint"), data)
    assert r.status_code == 201, r.content  # type: ignore[attr-defined]


def test_a_temperature_is_answered_as_a_json_number(posts: Posts) -> None:
    r = post(Client(), body(), token_for(posts))
    assert r.status_code == 201  # type: ignore[attr-defined]
    temperatures = [o["temperature"] for o in r.json()["occupants"]]  # type: ignore[attr-defined]
    assert temperatures == [36.6, 36.4, 38.1]
    assert b'"temperature": 36.6' in r.content or b'"temperature":36.6' in r.content  # type: ignore[attr-defined]
