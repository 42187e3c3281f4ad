"""Public reference data for devices: what they need to check input offline by the same
rules as the server. Nothing personal is served here."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router

from fangkong.core.regions import known_region_codes

router = Router(tags=["reference"])


def id_rules() -> dict[str, Any]:
    """The rules of core.idnumber.parse_id_number, as data (the one shared table)."""
    return {
        "separators": "[\\s\\-‐‑‒–—―−]+",
        "earliest_birth": "1900-01-01",
        "timezone": "Asia/Shanghai",
        "weights": [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2],
        "check_chars": "10X98765432",
        "regions": _regions(),
        "messages": {
            "required": _("%(field)s不能为空"),
            "invalid_char": _("%(field)s含有非法字符：“%(char)s”"),
            "invalid_length": _("%(field)s位数错误：应为18位或15位，实为%(length)d位"),
            "invalid_x": _("%(field)s只有18位号码的最后一位可以是X"),
            "invalid_birth_date": _("%(field)s出生日期无效：%(digits)s"),
            "birth_too_early": _("%(field)s出生日期不能早于1900年：%(digits)s"),
            "birth_in_future": _("%(field)s出生日期不能晚于今天：%(digits)s"),
            "invalid_region": _("%(field)s前6位地区代码无效：%(region)s"),
            "invalid_checksum": _("%(field)s校验位错误：应为%(digit)s"),
        },
    }


@cache
def _regions() -> list[str]:
    return known_region_codes()


def reference_response(request: HttpRequest, data: Any, *, max_age: int = 86400) -> HttpResponse:
    """Reference data as compact JSON with an ETag (a device asks again for free), gzipped
    when the device accepts it. `max_age=0`: asked again every time it is used (data an
    administrator may change, such as key areas)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    etag = '"' + hashlib.sha256(f"{get_language()}{body}".encode()).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", "").replace("W/", "").split(", "):
        return HttpResponse(status=304)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache"
    GZipMiddleware(lambda _request: response).process_response(request, response)  # in place
    return response


@router.get("/reference/id-rules", auth=None, summary="身份证号校验规则（供设备离线校验）")
def get_id_rules(request: HttpRequest) -> HttpResponse:
    return reference_response(request, id_rules())
