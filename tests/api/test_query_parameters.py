"""The API's query parameters held as its JSON bodies are (docs/security.md, the seventh
round): a list filter's value outside its choices is refused naming the parameter, the
value and the choices — `GET /api/v1/cases?status=bogus` answered 200 with the whole list,
`/api/v1/passages?decision=bogus` an empty one — and a parameter the operation does not
read is refused naming it (`/api/v1/cases?township=abc`, for `township_id`, answered the
whole list as if filtered). One check for every operation (core.api
.refuse_unknown_parameters, added to the whole API), one type for every choice
(core.api.Choice)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client

from fangkong.api import api
from fangkong.checkpoints.models import Passage
from fangkong.quarantine.models import CaseStatus
from tests.checkpoints.conftest import Posts
from tests.checkpoints.conftest import posts as posts
from tests.checkpoints.test_api import body, post, token_for
from tests.conftest import World
from tests.quarantine.conftest import Cases, cases

pytestmark = pytest.mark.django_db
__all__ = ["cases"]  # the fixture, imported

CASES = "/api/v1/cases"
CASE_PARAMETERS = "q、township_id、station_id、status、qday、overdue、fever、limit、offset"
STATUSES = (
    "pending、verified、quarantined、released、turned_back、hospital、not_in_county、not_found"
)


def _refused(response: object) -> list[dict[str, object]]:
    assert response.status_code == 422, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json; charset=utf-8"  # type: ignore[index]
    return response.json()["detail"]  # type: ignore[attr-defined,no-any-return]


def test_the_attack_a_status_that_is_no_status_is_refused_naming_it(
    world: World, cases: Cases
) -> None:
    client = world.client("command")
    assert client.get(CASES).json()["count"] == 2  # the whole list, as the attack saw it
    assert _refused(client.get(CASES, {"status": "bogus"})) == [
        {"field": "status", "msg": f"状态：不是可选的值“bogus”，可选：{STATUSES}"}
    ]
    # Each of its choices, and none chosen, still filter.
    for status in CaseStatus.values:
        assert client.get(CASES, {"status": status}).status_code == 200, status
    assert client.get(CASES, {"status": "quarantined"}).json()["count"] == 2
    assert client.get(CASES, {"status": "released"}).json()["count"] == 0
    assert client.get(CASES, {"status": ""}).json()["count"] == 2
    # A value is repeated only when a short word (core.text.typed); else not at all.
    detail = _refused(client.get(CASES, {"status": "quarantined\u202e"}))
    assert detail[0]["msg"] == f"状态：不是可选的值，可选：{STATUSES}"  # type: ignore[index]


def test_every_list_filter_by_choice_refuses_what_is_not_one(world: World, posts: Posts) -> None:
    client = world.client("command")
    assert _refused(client.get("/api/v1/passages", {"decision": "bogus"})) == [
        {
            "field": "decision",
            "msg": "处置：不是可选的值“bogus”，可选：pass、quarantine、turn_back、medical",
        }
    ]
    assert _refused(client.get("/api/v1/honors/commendations", {"status": "bogus"})) == [
        {
            "field": "status",
            "msg": "状态：不是可选的值“bogus”，可选：reported、returned、reviewed、approved、awarded、rejected",
        }
    ]
    assert client.get("/api/v1/passages", {"decision": "pass"}).status_code == 200
    assert client.get("/api/v1/honors/commendations", {"status": "awarded"}).status_code == 200


def test_the_schema_lists_each_filters_choices() -> None:
    schema = api.get_openapi_schema()
    parameters = {
        (path, p["name"]): p["schema"]
        for path, ops in schema["paths"].items()
        for op in ops.values()
        for p in op.get("parameters", [])
    }
    assert parameters[("/api/v1/cases", "status")]["enum"] == ["", *CaseStatus.values]
    assert "medical" in parameters[("/api/v1/passages", "decision")]["enum"]
    assert "awarded" in parameters[("/api/v1/honors/commendations", "status")]["enum"]


def test_the_attack_an_unknown_parameter_is_refused_naming_it(world: World, cases: Cases) -> None:
    client = world.client("command")
    assert _refused(client.get(CASES, {"township": "abc"})) == [
        {"field": "township", "msg": f"township：未知参数，此地址可用：{CASE_PARAMETERS}"}
    ]
    # Several, each named; with a known one beside them.
    detail = _refused(client.get(CASES, {"status": "quarantined", "page": "2", "lang": "en"}))
    assert [d["field"] for d in detail] == ["lang", "page"]
    # An operation that reads none says so.
    assert _refused(client.get("/api/v1/me", {"x": "1"})) == [
        {"field": "x", "msg": "x：未知参数，此地址不接受查询参数"}
    ]
    # A name is said as sent: cut, its hidden characters by their code points.
    name = "t\u202e" + "y" * 100
    detail = _refused(client.get(CASES, {name: "1"}))
    assert detail[0]["field"] == name
    assert str(detail[0]["msg"]).startswith("tU+202E" + "y" * 58 + "…：未知参数")


def test_english_on_request(world: World, cases: Cases) -> None:
    client = world.client("command")
    r = client.get(CASES, {"township": "abc", "status": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    # The declared parameters are read first: the bad status is said, then the unknown one.
    assert _refused(r) == [
        {
            "field": "status",
            "msg": f"Status: “bogus” is not one of the choices: {STATUSES}",
        }
    ]
    r = client.get(CASES, {"township": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _refused(r) == [
        {
            "field": "township",
            "msg": f"township: unknown parameter; this address reads: {CASE_PARAMETERS}",
        }
    ]
    r = client.get("/api/v1/me", {"x": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _refused(r)[0]["msg"] == "x: unknown parameter; this address reads no query parameters"


# A value for each query parameter an operation requires.
REQUIRED = {"date": "2020-02-03"}


def _operations() -> list[tuple[str, str]]:
    out = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            required = [
                p["name"]
                for p in op.get("parameters", [])
                if p.get("in") == "query" and p.get("required")
            ]
            query = "".join(f"{name}={REQUIRED[name]}&" for name in required)
            out.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path) + "?" + query))
    return out


def test_every_operation_refuses_an_unknown_parameter(world: World) -> None:
    """Every operation of the schema, reads and writes, a caller who may call it: an
    unknown parameter is refused before anything is read or written."""
    client = world.client("command")
    operations = _operations()
    assert len(operations) >= 20 and ("POST", "/api/v1/passages?") in operations
    wrong = []
    for method, path in operations:
        url = f"{path}nosuch=1"
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, "{}", content_type="application/json")
        fields = (
            [d.get("field") for d in response.json()["detail"]]
            if response.status_code == 422
            else []
        )
        if method == "GET" and fields != ["nosuch"]:
            wrong.append((method, path, response.status_code, response.content[:200]))
        if method == "POST" and response.status_code != 422:
            wrong.append((method, path, response.status_code, response.content[:200]))
    assert wrong == []


def test_a_write_with_an_unknown_parameter_stores_nothing(posts: Posts) -> None:
    r = Client().post(
        "/api/v1/passages?dry_run=1",
        json.dumps(body()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(posts)}",
    )
    assert _refused(r) == [{"field": "dry_run", "msg": "dry_run：未知参数，此地址不接受查询参数"}]
    assert Passage.objects.count() == 0
    # The same body without it is stored.
    assert post(Client(), body(client_id=str(uuid.uuid4())), token_for(posts)).status_code == 201  # type: ignore[attr-defined]


def test_what_every_read_takes_besides_its_own_is_not_refused(world: World, cases: Cases) -> None:
    """`?area=` narrows every read to one area (accounts.middleware.AreaMiddleware): it is
    no operation's own parameter, and not refused."""
    client = world.client("command")
    r = client.get(CASES, {"area": "370921", "status": "quarantined", "limit": "5"})
    assert r.status_code == 200 and r.json()["count"] == 2
    assert client.get("/api/v1/me", {"area": "370921"}).status_code == 200


def test_anyone_not_signed_in_is_told_that_first(world: World) -> None:
    """The check runs after authentication: an anonymous caller learns no parameter name."""
    r = Client().get(CASES, {"township": "abc"})
    assert (r.status_code, r.json()) == (401, {"detail": "未登录或令牌无效"})


def test_the_list_pages_say_a_bad_filter_beside_its_field(world: World, cases: Cases) -> None:
    """The same filters on their pages (one declaration, core/filters.py): the page's form
    says the value is none of its choices, beside the field."""
    client = world.client("command")
    page = client.get("/cases/", {"status": "bogus"}).content.decode()
    assert '<ul class="fk-errors" role="alert"><li>状态须从列表中选择</li></ul>' in page
    page = client.get("/checkpoints/passages/", {"decision": "bogus"}).content.decode()
    assert '<ul class="fk-errors" role="alert"><li>处置须从列表中选择</li></ul>' in page


def test_the_seventh_attack_a_hidden_character_in_a_search_is_refused_as_nul_is(
    world: World, cases: Cases
) -> None:
    """`?q=%E2%80%AE韦` answered 200 (a NUL 422): a search term holding a control or
    direction character is refused naming 查询 (core.filters.SearchTerm), on the page too."""
    client = world.client("command")
    for term in ("\u202e韦", "韦\u200b", "\x07"):
        assert _refused(client.get(CASES, {"q": term})) == [
            {"field": "q", "msg": f"查询：含有非法字符“U+{ord(term.strip('韦')):04X}”"}
        ], term
    assert client.get(CASES, {"q": "韦"}).status_code == 200
    page = client.get("/cases/", {"q": "\u202e韦"}).content.decode()
    assert "含有非法字符" in page and "U+202E" in page


def test_the_second_round_a_parameter_given_twice_is_refused_naming_it(
    world: World, cases: Cases
) -> None:
    """The seventh attack's second round: `?fever=true&fever=false` answered as
    `fever=false` (402 rows), the other order 0; `?limit=1&limit=2` two items;
    `/api/v1/stats/daily?date=…&date=2019-01-01` the day sent last. A parameter given twice
    is refused naming it, whichever order, as a JSON key given twice is."""
    client = world.client("command")
    for query in (
        "fever=true&fever=false",
        "fever=false&fever=true",
        "status=pending&status=released",
        "limit=1&limit=2",
    ):
        detail = _refused(client.get(f"{CASES}?{query}"))
        name = query.split("=")[0]
        assert [d["field"] for d in detail] == [name], query
        assert "重复给出，同一参数只能给出一次" in str(detail[0]["msg"])
    detail = _refused(client.get("/api/v1/stats/daily?date=2020-02-03&date=2019-01-01"))
    assert [d["field"] for d in detail] == ["date"]
    # Once each, they still filter.
    assert client.get(f"{CASES}?fever=false&limit=1").status_code == 200
