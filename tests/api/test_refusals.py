"""Every refusal under /api/ is JSON in the schema's shape (`ErrorOut`: {"detail": …}),
whichever layer refuses: a black-box attack (issue 20) got a full HTML 403 page for
`?area=` of another county (refused by AreaMiddleware, before ninja) and an HTML 400 for an
upload's 5,000-character file name, where the schema promises 422 JSON."""

from __future__ import annotations

import io
import re

import pytest

from fangkong.api import api
from tests.conftest import World
from tests.org.test_levels import Province
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db

DONGPING = "370923"


def _operations_taking_area() -> list[str]:
    out = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            if method == "get" and "area" in names:
                out.append(re.sub(r"\{[^}]+\}", "1", path))
    return out


def test_another_countys_area_is_refused_in_json_by_every_operation(province: Province) -> None:
    paths = _operations_taking_area()
    assert "/api/v1/stats/daily" in paths
    client = province.client("ningyang")
    wrong = []
    for path in paths:
        response = client.get(path, {"area": DONGPING})
        if (
            response.status_code != 403
            or response["Content-Type"] != "application/json; charset=utf-8"
            or response.json() != {"detail": "无权访问"}
        ):
            wrong.append((path, response.status_code, response["Content-Type"]))
    assert wrong == []


def test_an_unknown_area_is_not_found_in_json(province: Province) -> None:
    response = province.client("ningyang").get("/api/v1/stats/daily", {"area": "999999"})
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_a_5000_character_file_name_is_refused_as_422_json(world: World) -> None:
    upload = io.BytesIO(b"PK\x03\x04 not really a list")
    upload.name = "长" * 5000 + ".xlsx"
    response = world.client("station_a").post("/api/v1/imports/returnees", {"file": upload})
    assert response.status_code == 422, response.content[:200]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"] == [
        {"field": None, "msg": "请求：上传内容格式错误（如文件名过长）"}
    ]


def test_a_page_refusal_stays_a_page(province: Province) -> None:
    response = province.client("ningyang").get("/people/", {"area": DONGPING})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "无权访问" in response.content.decode()
