"""Every input of the JSON API is bounded before any work that grows with it (issue 14,
finding 4): the schema itself says how long a string, how large a number, how many items
a list and which dates; an input outside answers 422 naming the field, never a 500.

The first test walks the published OpenAPI schema, so a new operation or field that
forgets its bound fails here; the others attack every parameter of every operation with
the largest integer, the longest string and the dates of year 1 and 9999."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from fangkong.api import api
from tests.conftest import World

pytestmark = pytest.mark.django_db

# Strings bounded by their format: pydantic parses them into a bounded value or refuses.
BOUNDED_FORMATS = {"date", "date-time", "uuid", "binary"}
HUGE_INTS = [str(n) for n in (2**63, 2**64, 10**30, -(2**63) - 1)] + ["9" * 5000]
BAD_DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
LONGEST = "长" * 10_000


def _schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def unbounded(schema: dict[str, Any], node: dict[str, Any], where: str) -> Iterator[str]:
    """Every place under `node` where a string, number or list has no upper bound."""
    node = _resolve(schema, node)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from unbounded(schema, sub, where)
    kind = node.get("type")
    if "enum" in node or "const" in node:
        return
    if kind == "string" and node.get("format") not in BOUNDED_FORMATS:
        if "maxLength" not in node:
            yield f"{where}: string without maxLength"
    elif kind in ("integer", "number"):
        if "maximum" not in node and "exclusiveMaximum" not in node:
            yield f"{where}: {kind} without maximum"
        if "minimum" not in node and "exclusiveMinimum" not in node:
            yield f"{where}: {kind} without minimum"
    elif kind == "array":
        if "maxItems" not in node:
            yield f"{where}: array without maxItems"
        yield from unbounded(schema, node.get("items", {}), f"{where}[]")
    elif kind == "object":
        for name, prop in node.get("properties", {}).items():
            yield from unbounded(schema, prop, f"{where}.{name}")
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            yield from unbounded(schema, extra, f"{where}.*")


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in _schema()["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_every_input_in_the_schema_has_an_upper_bound() -> None:
    schema = _schema()
    missing: list[str] = []
    for method, path, op in operations():
        for param in op.get("parameters", []):
            missing += unbounded(schema, param["schema"], f"{method} {path} {param['name']}")
        for media in op.get("requestBody", {}).get("content", {}).values():
            missing += unbounded(schema, media["schema"], f"{method} {path} body")
    assert missing == []


def _params(kind: str) -> list[tuple[str, str, str, str]]:
    """(method, path, where, name) of every parameter of that JSON type."""
    schema = _schema()
    out = []
    for method, path, op in operations():
        for param in op.get("parameters", []):
            node = _resolve(schema, param["schema"])
            kinds = {_resolve(schema, n).get("type") for n in node.get("anyOf", [node])}
            formats = {_resolve(schema, n).get("format") for n in node.get("anyOf", [node])}
            if (kind == "date" and "date" in formats) or (
                kind in kinds and not (kind == "string" and formats & BOUNDED_FORMATS)
            ):
                out.append((method, path, param["in"], param["name"]))
    return out


def _call(client: Client, method: str, path: str, where: str, name: str, value: Any) -> Any:
    url = path
    for other in ("person_id", "case_id", "import_id"):
        url = url.replace("{" + other + "}", str(value) if other == name else "1")
    query = {name: str(value)} if where == "query" else {}
    if method == "GET":
        return client.get(url, query)
    return client.post(url, "{}", content_type="application/json", query_params=query)


@pytest.fixture
def command(world: World) -> Client:
    return world.client("command")


INT_PARAMS = _params("integer")
STRING_PARAMS = _params("string")
DATE_PARAMS = _params("date")


def test_the_attacks_reach_every_kind_of_parameter() -> None:
    assert {name for *_, name in INT_PARAMS} >= {"limit", "offset", "qday", "person_id", "shift"}
    assert {name for *_, name in STRING_PARAMS} >= {"q", "status", "checkpoint"}
    assert {(p, name) for _m, p, _w, name in DATE_PARAMS} >= {
        ("/api/v1/roster", "date"),
        ("/api/v1/stats/daily", "date"),
    }


@pytest.mark.parametrize(("method", "path", "where", "name"), INT_PARAMS)
def test_largest_integers_answer_422_naming_the_parameter(
    command: Client, method: str, path: str, where: str, name: str
) -> None:
    for value in HUGE_INTS:
        answer = _call(command, method, path, where, name, value)
        assert answer.status_code == 422, (value, answer.content[:300])
        assert name in {d["field"] for d in answer.json()["detail"]}


@pytest.mark.parametrize(("method", "path", "where", "name"), STRING_PARAMS)
def test_longest_strings_answer_422_naming_the_parameter(
    command: Client, method: str, path: str, where: str, name: str
) -> None:
    answer = _call(command, method, path, where, name, LONGEST)
    assert answer.status_code == 422, answer.content[:300]
    assert name in {d["field"] for d in answer.json()["detail"]}


@pytest.mark.parametrize(("method", "path", "where", "name"), DATE_PARAMS)
def test_dates_outside_1900_to_2100_answer_422(
    command: Client, method: str, path: str, where: str, name: str
) -> None:
    for value in BAD_DAYS:
        answer = _call(command, method, path, where, name, value)
        assert answer.status_code == 422, (value, answer.content[:300])
        detail = answer.json()["detail"]
        assert [d["field"] for d in detail] == [name]
        assert "1900-01-01" in detail[0]["msg"] and "2100-12-31" in detail[0]["msg"]
    # The edges themselves are accepted.
    for value in ("1900-01-01", "2100-12-31"):
        assert _call(command, method, path, where, name, value).status_code != 422


def test_a_date_is_written_out_not_a_count_of_seconds(world: World) -> None:
    """pydantic read `?date=0` as 1970-01-01 (seconds since 1970) and answered 200: found
    by schemathesis' negative_data_rejection once its calls were signed in. A date or time
    is ISO 8601 or a 422 naming the field (core/bounds.py Day, Moment)."""
    client = world.client("command")
    for url in ("/api/v1/roster?date=0", "/api/v1/stats/daily?date=1580688000"):
        answer = client.get(url)
        assert answer.status_code == 422, url
        assert answer.json()["detail"][0]["field"] == "date"
    assert client.get("/api/v1/roster?date=2020-02-03").status_code == 200
    body = {"at_home": True, "visited_at": 1580688000, "temperature": 36.5}
    answer = client.post("/api/v1/cases/1/followups", body, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "visited_at"
    # The schema says which years, so a client generating from it stays inside them.
    schema = _schema()
    date = schema["paths"]["/api/v1/roster"]["get"]["parameters"][0]["schema"]
    assert date["pattern"].startswith("^(19")
