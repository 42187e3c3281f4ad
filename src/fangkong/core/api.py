"""Shared pieces of the JSON API: paging, schema errors said in Chinese, and the shape of
every refusal under /api/ (`ErrorOut`), whichever layer refuses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from ninja import Schema

from fangkong.core.bounds import MAX_LIMIT, MAX_OFFSET
from fangkong.core.pagination import COUNT_CAP, capped_count

_MESSAGES = {
    "missing": "必填",
    "string_type": "须为文本",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_parsing_size": "须为整数，且不能过大",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "finite_number": "须为有限的数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "uuid_parsing": "须为UUID",
    "datetime_parsing": "须为ISO 8601时间，如 2020-02-03T08:30:00+08:00",
    "datetime_from_date_parsing": "须为ISO 8601时间，如 2020-02-03T08:30:00+08:00",
    "date_parsing": "须为日期，如 2020-02-03",
    "date_from_datetime_parsing": "须为日期，如 2020-02-03",
    "list_type": "须为列表",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "过长：最多{max_length}个字符",
    "string_too_short": "过短：至少{min_length}个字符",
    "too_long": "过多：最多{max_length}项",
    "greater_than_equal": "过小：不能小于{ge}",
    "greater_than": "过小：须大于{gt}",
    "less_than_equal": "过大：不能大于{le}",
    "less_than": "过大：须小于{lt}",
    "date_out_of_range": "须在{earliest}至{latest}之间",
    "offset_out_of_range": "时区须在{earliest}至{latest}之间",
    "json_invalid": "JSON格式错误",
    "model_attributes_type": "须为对象",
    "dict_type": "须为对象",
}


def schema_errors_in_chinese(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as `{"field", "msg"}` in Chinese, with the bound that was broken
    (core/bounds.py declares them)."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        rule = _MESSAGES.get(str(err.get("type", "")))
        if rule is None:
            rule = str(err.get("msg", "格式错误"))
        else:
            try:
                rule = rule.format(**(err.get("ctx") or {}))
            except (KeyError, IndexError, ValueError):
                rule = rule.split("：")[0]
        out.append({"field": field, "msg": f"{field or '请求'}：{rule}"})
    return out


class FieldError(Schema):
    field: str | None
    msg: str


class ErrorOut(Schema):
    """Every refusal: a sentence (401, 403, 404, 429) or the fields and why (409, 422)."""

    detail: str | list[FieldError]


API_PREFIX = "/api/"
UNAUTHENTICATED = "未登录或令牌无效"
FORBIDDEN = "无权访问"
NOT_FOUND = "未找到"
SERVER_ERROR = "服务器内部错误，请稍后重试"
MALFORMED = "请求：格式错误"
MALFORMED_UPLOAD = "请求：上传内容格式错误（如文件名过长）"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def refusal(status: int, detail: str | list[dict[str, Any]]) -> JsonResponse:
    """A refusal in the schema's shape (`ErrorOut`), for the layers before ninja answers or
    after it gave up: the middleware (?area=, a NUL) and Django's error handlers
    (core/views.py) — so no answer under /api/ is an HTML page."""
    return JsonResponse(
        {"detail": detail}, status=status, content_type="application/json; charset=utf-8"
    )


def malformed(message: str = MALFORMED) -> JsonResponse:
    """Input the API cannot read at all: 422 like every refusal of input (never Django's
    HTML 400)."""
    return refusal(422, [{"field": None, "msg": message}])


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The refusals an operation can answer, for its `response={...}` (so the schema lists
    them and schemathesis can hold the API to them)."""
    return dict.fromkeys(codes, ErrorOut)


class Counted(Schema):
    """A list's count: exact up to COUNT_CAP (10,000) rows; past that `count` is 10,001 and
    `count_capped` true (narrow the filters), as on the pages (core/pagination.py)."""

    count: int
    count_capped: bool


def counted(rows: QuerySet[Any]) -> dict[str, Any]:
    n = capped_count(rows)
    return {"count": n, "count_capped": n > COUNT_CAP}


def page_slice(limit: int, offset: int) -> slice:
    # The schemas bound both (core/bounds.py Limit, Offset); clamped again for any caller.
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    return slice(offset, offset + limit)
