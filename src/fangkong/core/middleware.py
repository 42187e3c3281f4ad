"""Language and security headers for every response; the answer to too many searches."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from fangkong.core.api import (
    API_PREFIX,
    MALFORMED,
    METHOD_NOT_ALLOWED,
    STATUS_MESSAGES,
    refusal,
)
from fangkong.core.disclosure import SearchRateExceeded

# Scripts and styles come only from fangkong itself (the intranet has no internet), and no
# inline script runs: a stored name like <script> cannot execute even if escaping failed.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English with the switch.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored by the pages: a
    bureau's machines are set up in many ways, and the UI must be Chinese unless asked
    otherwise. The API (/api/) honours its first choice when no switch was set: a device or
    another system that reads English asks for it (`Accept-Language: en`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in self.codes and request.path.startswith(API_PREFIX):
            chosen = self.asked(request.headers.get("Accept-Language", ""))
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    def asked(self, header: str) -> str:
        """The language a machine asked for with Accept-Language, first choice only (the API:
        a device or another system says which it reads; a browser's page keeps the switch)."""
        for code, _quality in parse_accept_lang_header(header[:200])[:1]:
            try:
                return get_supported_language_variant(code)
            except LookupError:
                return ""
        return ""


class ApiRefusalMiddleware:
    """Every refusal under /api/ in the API's shape and language (`{"detail": …}`): one that
    another layer wrote in English or HTML — ninja's "Method not allowed" (405), anything a
    library answers on its own — is said again here in the request's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            detail = METHOD_NOT_ALLOWED % {
                "method": request.method,
                "allowed": "、".join(sorted(m.strip() for m in allowed.split(",") if m.strip())),
            }
        else:
            detail = str(STATUS_MESSAGES.get(response.status_code, MALFORMED))
        said = refusal(response.status_code, detail)
        for header in ("Allow", "Retry-After"):
            if header in response:
                said[header] = response[header]
        return said


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=()")
        return response


class SearchLimitMiddleware:
    """A page whose search went past the user's limit (core.disclosure.search_counted)
    answers 429 with the reason and a way back to the list without the search; the API
    answers the same in JSON (fangkong.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, SearchRateExceeded):
            return None
        response = render(
            request, "429.html", {"message": exc.message, "back": request.path}, status=429
        )
        response["Retry-After"] = str(exc.retry_after)
        return response


class NulRefusalMiddleware:
    """A NUL character (\\0) in a request: PostgreSQL refuses it in any text, so it must not
    reach a query. The pages' forms refuse it field by field (Django's
    ProhibitNullCharactersValidator); here the rest, before any view runs:

    - a path holding one is not found (404): no page has such an address;
    - a page's query string holding one, in any parameter's name or value — even one no
      view reads, since an export's audit entry stores the whole query (issue 20: a 500 on
      PostgreSQL) — answers 400 naming the parameter: the page exists, the request is
      malformed (a 404 would say the page is gone, and send the user looking for it);
    - the API answers 422 naming the query parameter or JSON field that holds one (its
      refusals' shape, core/api.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404
        if request.path.startswith("/api/"):
            field = _nul_field(request)
            if field is not None:
                from fangkong.core.api import refusal, schema_errors_in_chinese

                detail = schema_errors_in_chinese([{"loc": field, "type": "null_character"}])
                return refusal(422, detail)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # A page's query string: refused before its view runs, unless the view says a NUL
        # in what it reads in its own words (says_nul_itself: the ID check names 身份证号).
        if request.path.startswith("/api/") or getattr(view, "says_nul_itself", False):
            return None
        name = _nul_parameter(request)
        if name is None:
            return None
        message = _("查询参数“%(name)s”含有空字符（NUL），请去掉后重试") % {"name": name[:60]}
        return render(request, "400.html", {"message": message, "back": request.path}, status=400)


def says_nul_itself(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a page view that refuses a NUL in the query it reads naming the field, where
    NulRefusalMiddleware would answer its 400 page naming the parameter (an htmx fragment
    shows no 400 page at all). The view must refuse it: it reaches no query."""
    view.says_nul_itself = True  # type: ignore[attr-defined]
    return view


def _nul_parameter(request: HttpRequest) -> str | None:
    """The query parameter whose name or value holds a NUL, without it."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return name.replace("\x00", "")
    return None


def _nul_field(request: HttpRequest) -> list[str] | None:
    """Where a NUL is: a query parameter's name, or the path to a JSON body's string."""
    name = _nul_parameter(request)
    if name is not None:
        return ["query", name]  # where, then the field (core.api.schema_errors_in_chinese)
    if request.content_type != "application/json" or b"\\u0000" not in request.body:
        return None
    try:
        return _nul_in(json.loads(request.body), ["body"])
    except ValueError:
        return None  # not JSON: the API answers that


def _nul_in(value: object, loc: list[str]) -> list[str] | None:
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        items: list[tuple[str, object]] = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return None
    for key, item in items:
        if "\x00" in key:
            return [*loc, key.replace("\x00", "")]
        found = _nul_in(item, [*loc, key])
        if found is not None:
            return found
    return None
