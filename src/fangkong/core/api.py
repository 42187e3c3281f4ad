"""Shared pieces of the JSON API: paging, schema errors said in Chinese, and the shape of
every refusal under /api/ (`ErrorOut`), whichever layer refuses."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from ninja import Schema, renderers
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer
from pydantic import Field as SchemaField
from pydantic_core import PydanticCustomError

from fangkong.core.bounds import MAX_LIMIT, MAX_OFFSET, SHORT
from fangkong.core.clock import SHANGHAI
from fangkong.core.pagination import COUNT_CAP, capped_count
from fangkong.core.text import hidden_char, shown_char, typed

# pydantic's error types (pydantic_core's ErrorType), each said as the rule a client broke;
# `{…}` are the error's own context (the bound from core/bounds.py). A type not listed here
# is said as FORMAT, never in pydantic's English.
_RULES: dict[str, Promise] = {
    "missing": gettext_lazy("必填"),
    # Not pydantic's: a NUL anywhere in the request (core.middleware, before any schema).
    "null_character": gettext_lazy("不能含空字符（NUL）"),
    # Not pydantic's: a control or direction character in a text (core.filters.SearchTerm).
    "hidden_character": gettext_lazy("含有非法字符“{char}”"),
    "string_type": gettext_lazy("须为文本"),
    "string_unicode": gettext_lazy("须为文本"),
    "int_parsing": gettext_lazy("须为整数"),
    "int_type": gettext_lazy("须为整数"),
    "int_from_float": gettext_lazy("须为整数"),
    "int_parsing_size": gettext_lazy("须为整数，且不能过大"),
    "float_parsing": gettext_lazy("须为数字"),
    "float_type": gettext_lazy("须为数字（不带引号）"),
    "finite_number": gettext_lazy("须为有限的数字"),
    "decimal_parsing": gettext_lazy("须为数字"),
    "decimal_type": gettext_lazy("须为数字（不带引号）"),
    "bool_parsing": gettext_lazy("须为 true 或 false"),
    "bool_type": gettext_lazy("须为 true 或 false（不带引号）"),
    "uuid_parsing": gettext_lazy("须为UUID，如 123e4567-e89b-12d3-a456-426614174000"),
    "uuid_type": gettext_lazy("须为UUID文本，如 123e4567-e89b-12d3-a456-426614174000"),
    "uuid_version": gettext_lazy("须为UUID，如 123e4567-e89b-12d3-a456-426614174000"),
    "datetime_parsing": gettext_lazy("须为ISO 8601时间，如 2020-02-03T08:30:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("须为ISO 8601时间，如 2020-02-03T08:30:00+08:00"),
    "datetime_type": gettext_lazy("须为ISO 8601时间，如 2020-02-03T08:30:00+08:00"),
    "date_parsing": gettext_lazy("须为日期，如 2020-02-03"),
    "date_from_datetime_parsing": gettext_lazy("须为日期，如 2020-02-03"),
    "date_type": gettext_lazy("须为日期，如 2020-02-03"),
    "list_type": gettext_lazy("须为列表"),
    "enum": gettext_lazy("取值不在允许范围内"),
    "literal_error": gettext_lazy("取值不在允许范围内"),
    "string_too_long": gettext_lazy("过长，最多{max_length}个字符"),
    "string_too_short": gettext_lazy("过短，至少{min_length}个字符"),
    "too_long": gettext_lazy("过多，最多{max_length}项"),
    "too_short": gettext_lazy("过少，至少{min_length}项"),
    "greater_than_equal": gettext_lazy("过小，不能小于{ge}"),
    "greater_than": gettext_lazy("过小，须大于{gt}"),
    "less_than_equal": gettext_lazy("过大，不能大于{le}"),
    "less_than": gettext_lazy("过大，须小于{lt}"),
    "date_out_of_range": gettext_lazy("须在{earliest}至{latest}之间"),
    "offset_out_of_range": gettext_lazy("时区须在{earliest}至{latest}之间"),
    "timezone_aware": gettext_lazy("须带时区，如 {example}"),
    "json_invalid": gettext_lazy("JSON格式错误"),
    "json_type": gettext_lazy("JSON格式错误"),
    "model_type": gettext_lazy("须为对象"),
    "model_attributes_type": gettext_lazy("须为对象"),
    "dict_type": gettext_lazy("须为对象"),
    # A JSON object holding one key twice (BodyParser): refused, never the last one read.
    "duplicate_key": gettext_lazy("重复给出，同一字段只能给出一次"),
    # A field the schema does not declare (Input): refused, never ignored.
    "extra_forbidden": gettext_lazy("未知字段"),
    # A query parameter the operation does not read (refuse_unknown_parameters).
    "unknown_parameter": gettext_lazy("未知参数，此地址可用：{known}"),
    "no_parameters": gettext_lazy("未知参数，此地址不接受查询参数"),
    # ... or one it reads, given twice (`?status=a&status=b`): refused, never the last read.
    "duplicate_parameter": gettext_lazy("重复给出，同一参数只能给出一次"),
    # A value outside a list's choices (Choice).
    "not_a_choice": gettext_lazy("不是可选的值“{value}”，可选：{choices}"),
    # ... a value that is not a short word (core.text.typed): not repeated.
    "not_a_choice_unsaid": gettext_lazy("不是可选的值，可选：{choices}"),
}
FORMAT = gettext_lazy("格式错误")

# The names of the API's input fields, as the pages label them. Each label has one home —
# the model field's verbose_name, the page form's or filter's field, or its app's table — and
# each app's API names its fields from there (label_fields); only the API's own parameters
# are labelled here. tests/api/test_input_messages.py fails on a body field or query
# parameter of the schema without a label.
FIELD_LABELS: dict[str, Promise] = {
    # a write's retry key (core/idempotency.py), and the paging and search of every list
    "client_id": gettext_lazy("登记编号（client_id）"),
    "q": gettext_lazy("查询"),
    "limit": gettext_lazy("每页条数（limit）"),
    "offset": gettext_lazy("起始位置（offset）"),
    # a day (core.bounds.Day) of any list or figures, and an area code of the figures
    "date": gettext_lazy("日期"),
    "area": gettext_lazy("地区"),
}


def verbose_names(model: type[Model], *names: str) -> dict[str, Any]:
    """The labels of a model's fields, as its pages and admin show them."""
    labels = {}
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, Field), name  # a column, not a relation's other side
        labels[name] = field.verbose_name
    return labels


def label_fields(
    schema: type[BaseModel] | None = None, /, *homes: Mapping[str, Any], **labels: Any
) -> None:
    """Name the API's fields as the pages do: each field of `schema` by the first of `homes`
    that labels it (`verbose_names(Model, ...)`, a form's or a table's labels), and `labels`
    (a path parameter's). One name has one label across the API: a name labelled otherwise
    elsewhere fails at import, naming both."""
    found: dict[str, Any] = dict(labels)
    for name in schema.model_fields if schema is not None else ():
        for home in homes:
            if name in home:
                found[name] = home[name]
                break
    for name, label in found.items():
        known = FIELD_LABELS.setdefault(name, label)
        if known is not label and str(known) != str(label):
            raise ImproperlyConfigured(f"API field {name!r}: labelled {known!s} and {label!s}")


# A list whose items are records, each named by its place: "第1位乘车人".
_ITEM_LABELS: dict[str, Promise] = {"occupants": gettext_lazy("第%(n)s位乘车人")}
_PARTS = ("body", "query", "path", "payload", "form", "file", "header", "cookie")


def field_label(loc: list[str]) -> str:
    """The field a client's input error is about, as the pages name it: `occupants.0.name`
    is "第1位乘车人姓名", `travel_history.2` "14天内到过（第3项）"; a name not in FIELD_LABELS
    stays as the client wrote it."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        following = loc[i + 1] if i + 1 < len(loc) else None
        if part in _ITEM_LABELS and following is not None and following.isdigit():
            parts.append(str(_ITEM_LABELS[part]) % {"n": int(following) + 1})
            i += 2
            continue
        if part.isdigit():
            parts.append(gettext("（第%(n)s项）") % {"n": int(part) + 1})
        elif part in FIELD_LABELS:
            parts.append(str(FIELD_LABELS[part]))
        else:
            parts.append(_as_typed(part))
        i += 1
    label = parts[0] if parts else ""
    for part in parts[1:]:
        # Chinese writes the parts together ("第1位乘车人姓名"), English apart.
        label = gettext("%(whole)s%(part)s") % {"whole": label, "part": part}
    return label


_AS_TYPED = frozenset({"unknown_parameter", "no_parameters"})


def _as_typed(name: str) -> str:
    """A name the API does not know (an unknown field's), as the client wrote it: cut to a
    label's length, a hidden character said by its code point ("U+202E")."""
    shown = "".join(shown_char(c) if hidden_char(c) else c for c in name[:SHORT])
    return shown + ("…" if len(name) > SHORT else "")


def schema_errors_in_chinese(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as `{"field", "msg"}`: `field` the path a client reads
    (`occupants.0.name`), `msg` the field as the pages name it and the rule it broke, in the
    request's language ("第1位乘车人姓名：过长，最多50个字符")."""
    out = []
    for err in errors:
        raw = [str(p) for p in err.get("loc", [])]
        loc = [p for p in raw if p not in _PARTS]
        if not loc and len(raw) == 2 and raw[0] in ("file", "form"):
            # A part named as ninja's source is (the upload's `file`: ("file", "file")): the
            # field, not "请求" (the seventh attack).
            loc = raw[1:]
        field = ".".join(loc) or None
        rule = _RULES.get(str(err.get("type", "")), FORMAT)
        try:
            said = str(rule).format(**(err.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            said = str(rule).split("，")[0]
        if err.get("type") in _AS_TYPED:
            where = _as_typed(".".join(loc))  # a name the API does not know: as sent
        else:
            where = field_label(loc) if loc else gettext("请求")
        out.append(
            {"field": field, "msg": gettext("%(field)s：%(rule)s") % {"field": where, "rule": said}}
        )
    return out


class DuplicateKey(ValueError):
    """A JSON object of the body that holds `key` twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


class BodyParser(Parser):
    """The API's reading of a JSON body: an object that holds a key twice
    (`{"direction":"in","direction":"out"}`) is refused (DuplicateKey, said as 422 naming
    the key by fangkong/api.py), never read as its last value as json.loads does."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body, object_pairs_hook=_no_duplicate_keys)
        return data


def duplicate_key_errors(exc: BaseException | None) -> list[dict[str, Any]] | None:
    """The refusal of a body whose parsing failed on a duplicated key (ninja wraps the
    parser's error in a 400), or None when it failed otherwise."""
    if isinstance(exc, DuplicateKey):
        return schema_errors_in_chinese([{"loc": ["body", exc.key], "type": "duplicate_key"}])
    return None


class Input(Schema):
    """The body of every write: a field the schema does not declare is refused with 422
    naming it ("temprature：未知字段"), never ignored — a misspelt field would otherwise
    store a record without what the client meant to send. The OpenAPI schema says so
    (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


# Query parameters every read takes besides its own: `?area=` narrows every list, export
# and API answer to one area (accounts.middleware.AreaMiddleware reads it before ninja).
READ_PARAMETERS = frozenset({"area"})


def query_parameters(operation: Any) -> list[str]:
    """The query parameters a ninja operation reads, in its schema's order: the flattened
    fields of its Query schemas (limit and offset are their fields), or its plain
    arguments."""
    names: list[str] = []
    for model in operation.models:
        if model.__ninja_param_source__ != "query":
            continue
        flat = getattr(model, "__ninja_flatten_map__", None)
        if flat:
            names += list(flat)
        else:
            names += [f.alias or n for n, f in model.model_fields.items()]
    return names


def refuse_unknown_parameters(view: Callable[..., Any]) -> Callable[..., Any]:
    """A query parameter the operation does not read is refused with 422 naming it
    ("township：未知参数，此地址可用：q、township_id、…"), as an Input refuses a body's unknown
    field, and so is one given twice: a misspelt filter (`?township=` for `?township_id=`) would otherwise answer the
    whole list as if it had been applied. Applied to every operation of the API at once
    (`api.add_decorator`, fangkong/api.py), after the caller is authenticated and the
    declared parameters are read."""
    operation = view._ninja_operation  # type: ignore[attr-defined]
    own = query_parameters(operation)
    known = frozenset(own)

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # No parameter of the API is a list: one given twice is refused, as a JSON key is
        # (BodyParser) and a page form's field (core.forms), not read as its last value.
        twice = sorted(name for name in request.GET if len(request.GET.getlist(name)) > 1)
        if twice:
            raise NinjaValidationError(
                [{"loc": ("query", name), "type": "duplicate_parameter"} for name in twice]
            )
        unknown = set(request.GET) - known
        if request.method in ("GET", "HEAD"):
            unknown -= READ_PARAMETERS
        if unknown:
            if own:
                kind, ctx = "unknown_parameter", {"known": "、".join(own)}
            else:
                kind, ctx = "no_parameters", {}
            raise NinjaValidationError(
                [{"loc": ("query", name), "type": kind, "ctx": ctx} for name in sorted(unknown)]
            )
        return view(request, *args, **kwargs)

    return checked


def Choice(choices: Iterable[Any]) -> Any:  # a type, named as Short or Id are
    """A query parameter that is one of `choices` (a TextChoices' values), or empty for
    any: anything else is refused with 422 naming the parameter, the value sent and the
    choices ("状态：不是可选的值“bogus”，可选：pending、quarantined、…"), never ignored (the
    whole list answered) nor matched (an empty list). The schema lists them (`enum`)."""
    values = tuple(str(c) for c in choices)

    def check(value: str) -> str:
        if value and value not in values:
            choices = "、".join(values)
            # repeated only when a short word (core.text.typed), else not at all
            if typed(value, 1).startswith("“"):
                raise PydanticCustomError(
                    "not_a_choice",
                    "不是可选的值“{value}”，可选：{choices}",
                    {"value": value, "choices": choices},
                )
            raise PydanticCustomError(
                "not_a_choice_unsaid", "不是可选的值，可选：{choices}", {"choices": choices}
            )
        return value

    return Annotated[
        str,
        SchemaField(max_length=SHORT, json_schema_extra={"enum": ["", *values]}),
        AfterValidator(check),
    ]


def refuse_unknown_parts(request: HttpRequest, *known: str) -> None:
    """A multipart body's parts the operation does not read, refused as an Input refuses a
    JSON body's unknown fields (ninja's forms read the parts they know and drop the rest).
    The CSRF token a page's form carries is the request's, not the operation's."""
    parts = set(request.POST) | set(request.FILES)
    unknown = sorted(parts - {*known, "csrfmiddlewaretoken"})
    if unknown:
        raise NinjaValidationError(
            [{"loc": ("form", name), "type": "extra_forbidden"} for name in unknown]
        )


class _ShanghaiTimeEncoder(NinjaJSONEncoder):
    """Every instant the API answers with, in one shape: Beijing time with its offset
    (2020-02-03T13:50:00+08:00), as the pages show it — never UTC's "Z" because a
    serializer was handed a time as read from the database."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and o.tzinfo is not None:
            o = o.astimezone(SHANGHAI)
        return super().default(o)


class JSONRenderer(renderers.JSONRenderer):
    """The API's renderer (fangkong/api.py): the one home of the shape of its times."""

    encoder_class = _ShanghaiTimeEncoder


def _celsius(value: Decimal | float) -> float:
    return round(float(value), 1)


# A body temperature as every answer gives it, from the Decimal a model holds: a JSON number
# in ℃ with its one decimal (36.5), never the text "36.5" a Decimal is written as.
Celsius = Annotated[Decimal | float, PlainSerializer(_celsius, return_type=float)]


class FieldError(Schema):
    field: str | None
    msg: str


class ErrorOut(Schema):
    """Every refusal: a sentence (401, 403, 404, 405, 413, 429) or the fields and why
    (409, 422)."""

    detail: str | list[FieldError]


class Refusal(ErrorOut):
    """A refusal said in one sentence: who may not, what is not there, too many, too large."""

    detail: str


class FieldsRefusal(ErrorOut):
    """A refusal of the input, field by field: the path a program reads, the message a
    person does (the field as the pages label it, and the rule)."""

    detail: list[FieldError]


# The statuses whose refusal names the fields; every other is a sentence.
FIELD_STATUSES = frozenset({409, 422})


API_PREFIX = "/api/"
UNAUTHENTICATED = gettext_lazy("未登录或令牌无效")
FORBIDDEN = gettext_lazy("无权访问")
NOT_FOUND = gettext_lazy("未找到")
SERVER_ERROR = gettext_lazy("服务器内部错误，请稍后重试")
MALFORMED = gettext_lazy("请求：格式错误")
MALFORMED_UPLOAD = gettext_lazy("请求：上传内容格式错误（如文件名过长）")
CSRF_FAILED = gettext_lazy("CSRF校验失败：页面已过期或缺少 X-CSRFToken 请求头，请刷新页面后重试")
METHOD_NOT_ALLOWED = gettext_lazy("请求方法%(method)s不可用于此地址，可用：%(allowed)s")
TOO_LARGE = gettext_lazy("请求：内容过大，上限为%(mb)s MB")
# Answers of a status said by no layer of ours (a refusal another layer wrote in English or
# HTML is said again in these words, core/middleware.ApiRefusalMiddleware).
STATUS_MESSAGES: dict[int, Promise] = {
    400: MALFORMED,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    413: gettext_lazy("请求：内容过大"),
    414: gettext_lazy("请求：地址过长"),
    431: gettext_lazy("请求：请求头过大"),
    500: SERVER_ERROR,
}


def too_large() -> str:
    mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return TOO_LARGE % {"mb": mb}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def refusal(status: int, detail: str | Promise | list[dict[str, Any]]) -> JsonResponse:
    """A refusal in the schema's shape (`ErrorOut`), for the layers before ninja answers or
    after it gave up: the middleware (?area=, a NUL) and Django's error handlers
    (core/views.py) — so no answer under /api/ is an HTML page."""
    if isinstance(detail, Promise):
        detail = str(detail)  # in the request's language
    return JsonResponse(
        {"detail": detail}, status=status, content_type="application/json; charset=utf-8"
    )


def malformed(message: str | Promise = MALFORMED) -> JsonResponse:
    """Input the API cannot read at all: 422 like every refusal of input (never Django's
    HTML 400)."""
    return refusal(422, [{"field": None, "msg": str(message)}])


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The refusals an operation can answer, for its `response={...}`, each in its shape (so
    the schema lists them and schemathesis holds the API to them): the fields for 409 and
    422, a sentence for every other."""
    return {code: FieldsRefusal if code in FIELD_STATUSES else Refusal for code in codes}


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
