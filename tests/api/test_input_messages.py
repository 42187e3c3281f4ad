"""Refusals under /api/v1 said in the API's one shape and the request's language (docs/
security.md "Input, the fifth round"): ninja's English ("CSRF check Failed", "Method not
allowed"), Django's English CSRF page, a body past the upload bound."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from fangkong.api import api
from fangkong.core.api import FIELD_LABELS
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_every_input_field_of_the_api_has_its_label() -> None:
    schema = api.get_openapi_schema()
    names = set()
    for ops in schema["paths"].values():
        for op in ops.values():
            names |= {p["name"] for p in op.get("parameters", [])}
            for content in op.get("requestBody", {}).get("content", {}).values():
                names |= set(content["schema"].get("properties", {}))
    for model in ("PassageIn", "OccupantIn", "FollowUpIn"):
        names |= set(schema["components"]["schemas"][model]["properties"])
    assert sorted(names - set(FIELD_LABELS)) == []


def test_a_wrong_method_is_405_in_json(world: World) -> None:
    r = world.client("command").delete("/api/v1/passages")
    assert r.status_code == 405
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"detail": "请求方法DELETE不可用于此地址，可用：GET、POST"}
    assert r["Allow"]
    r = world.client("command").delete("/api/v1/passages", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json() == {"detail": "Method DELETE is not allowed here; allowed: GET、POST"}


def test_a_session_call_without_its_csrf_token_is_told_in_chinese(world: World) -> None:
    client = world.client("checkpoint")
    client.handler.enforce_csrf_checks = True
    r = client.post("/api/v1/passages", json.dumps({}), content_type="application/json")
    assert r.status_code == 403
    assert r.json() == {
        "detail": "CSRF校验失败：页面已过期或缺少 X-CSRFToken 请求头，请刷新页面后重试"
    }
    r = client.post(
        "/api/v1/passages", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert r.json()["detail"].startswith("CSRF check failed:")


def test_a_page_posted_without_its_csrf_token_says_so_in_the_sites_page(world: World) -> None:
    client = world.client("checkpoint")
    client.handler.enforce_csrf_checks = True
    r = client.post("/checkpoints/register/", {"action": "save"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "页面已过期，未提交" in html and "内容没有保存" in html
    assert 'lang="zh-CN"' in html and "CSRF verification failed" not in html


def test_unknown_api_paths_and_callers_in_english_on_request() -> None:
    r = Client().get("/api/v1/nothing-here", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()) == (404, {"detail": "Not found"})
    r = Client().get("/api/v1/passages", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()) == (401, {"detail": "Not signed in, or the token is invalid"})
    r = Client().get("/api/v1/passages")
    assert (r.status_code, r.json()) == (401, {"detail": "未登录或令牌无效"})
    # A page stays Chinese for an English browser (only the switch changes it).
    assert "登录" in Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_past_the_bound_is_413_naming_it(world: World) -> None:
    r = world.client("checkpoint").post(
        "/api/v1/passages", json.dumps({"x": "y" * 2_000_000}), content_type="application/json"
    )
    assert r.status_code == 413, r.content[:300]
    assert r.json() == {"detail": "请求：内容过大，上限为1 MB"}
