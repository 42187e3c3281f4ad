"""Every refusal an operation can give is in the published schema (issue 14): 401 for every
operation that needs a session or a token, 403 where a permission or jurisdiction is
checked, 404 where a path names a record, 422 wherever there is input, 409 where a client_id
makes a write idempotent — each with its error body (core/api.py): the fields for 409 and
422 (FieldsRefusal), a sentence for every other (Refusal). A new operation that
forgets one fails here; schemathesis then holds the answers to the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fangkong.api import api
from tests.conftest import World

PUBLIC = {"/api/v1/reference/id-rules", "/api/v1/reference/checkpoint-rules"}
NO_PERMISSION_CHECK = {("GET", "/api/v1/me")}  # any signed-in user may ask who they are


def _ops() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]


def _body_has_client_id(op: dict[str, Any]) -> bool:
    schema = api.get_openapi_schema()
    for media in op.get("requestBody", {}).get("content", {}).values():
        ref = media["schema"].get("$ref", "")
        props = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties")
        if props and "client_id" in props:
            return True
    return False


def test_every_operation_documents_its_refusals() -> None:
    missing = []
    for method, path, op in _ops():
        if path in PUBLIC:
            continue
        codes = {str(code) for code in op["responses"]}
        wanted = {"401"}
        if (method, path) not in NO_PERMISSION_CHECK:
            wanted.add("403")
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            wanted.add("404")
        if op.get("parameters") or op.get("requestBody"):
            wanted.add("422")
        if _body_has_client_id(op):
            wanted.add("409")
        if wanted - codes:
            missing.append((method, path, sorted(wanted - codes)))
        for code in codes - {"200", "201", "202"}:
            answer = op["responses"].get(int(code)) or op["responses"][code]
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            shape = "/FieldsRefusal" if code in {"409", "422"} else "/Refusal"
            assert ref.endswith(shape), (method, path, code)
    assert missing == []


@pytest.mark.django_db
def test_a_body_that_is_no_json_is_422(world: World) -> None:
    answer = world.client("checkpoint").post(
        "/api/v1/passages", "{not json", content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json() == {"detail": [{"field": None, "msg": "请求：JSON格式错误"}]}


@pytest.mark.django_db
def test_refusals_have_the_documented_body(world: World) -> None:
    assert Client().get("/api/v1/cases").json() == {"detail": "未登录或令牌无效"}
    assert world.client("logistics").get("/api/v1/cases").json() == {"detail": "无权访问"}
    assert world.client("command").get("/api/v1/cases/999999").json() == {"detail": "未找到"}
    body = world.client("command").get("/api/v1/cases?limit=0").json()
    assert body == {"detail": [{"field": "limit", "msg": "每页条数（limit）：过小，不能小于1"}]}
