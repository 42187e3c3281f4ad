"""Shared pieces of the JSON API: paging, and schema errors said in Chinese."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Schema

from fangkong.core.pagination import COUNT_CAP, capped_count

_MESSAGES = {
    "missing": "必填",
    "string_type": "须为文本",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "uuid_parsing": "须为UUID",
    "datetime_parsing": "须为ISO 8601时间，如 2020-02-03T08:30:00+08:00",
    "datetime_from_date_parsing": "须为ISO 8601时间，如 2020-02-03T08:30:00+08:00",
    "date_parsing": "须为日期，如 2020-02-03",
    "date_from_datetime_parsing": "须为日期，如 2020-02-03",
    "list_type": "须为列表",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "json_invalid": "JSON格式错误",
    "model_attributes_type": "须为对象",
    "dict_type": "须为对象",
}


def schema_errors_in_chinese(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        rule = _MESSAGES.get(str(err.get("type", "")), str(err.get("msg", "格式错误")))
        out.append({"field": field, "msg": f"{field or '请求'}：{rule}"})
    return out


class ErrorOut(Schema):
    """An error answer: {"detail": "…"} (403, 404, 429) or a list of {field, msg} (422)."""

    detail: Any


class Counted(Schema):
    """A list's count: exact up to COUNT_CAP (10,000) rows; past that `count` is 10,001 and
    `count_capped` true (narrow the filters), as on the pages (core/pagination.py)."""

    count: int
    count_capped: bool


def counted(rows: QuerySet[Any]) -> dict[str, Any]:
    n = capped_count(rows)
    return {"count": n, "count_capped": n > COUNT_CAP}


def page_slice(limit: int, offset: int) -> slice:
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return slice(offset, offset + limit)
