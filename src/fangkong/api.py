"""The JSON API under /api/v1/, composed of each app's router."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from fangkong.accounts.api import router as accounts_router
from fangkong.checkpoints.api import DeviceTokenAuth
from fangkong.checkpoints.api import router as checkpoints_router
from fangkong.command.api import router as command_router
from fangkong.core import api as core_api
from fangkong.core.disclosure import SearchRateExceeded
from fangkong.core.idempotency import ClientIdConflict
from fangkong.core.reference_api import router as reference_router
from fangkong.honors.api import router as honors_router
from fangkong.logistics.api import router as logistics_router
from fangkong.medical.api import router as medical_router
from fangkong.outreach.api import router as outreach_router
from fangkong.people.api import router as people_router
from fangkong.quarantine.api import router as quarantine_router
from fangkong.quarantine.imports.api import router as imports_router

# Bearer first: session auth checks CSRF before it looks for a session, which would refuse a
# device that has no cookie at all.
CALLERS: list[Callable[[HttpRequest], Any]] = [DeviceTokenAuth(), django_auth]


def _callers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema maps every operation, parameter and bound of the API: for a signed-in
    user or a device token, like the operations themselves (401 for anyone else)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not any(auth(request) for auth in CALLERS):
            return _error(request, 401, core_api.UNAUTHENTICATED)
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="fangkong API",
    version="1",
    description="宁阳县公安局疫情防控指挥平台接口。登录会话或设备令牌（Authorization: Bearer …）认证。",
    auth=CALLERS,
    urls_namespace="api",
    # The docs page is ours (api_docs below): signed in, vendored Swagger UI, the normal CSP.
    docs_url=None,
    docs_decorator=_callers_only,  # wraps the schema's view (/api/v1/openapi.json)
    renderer=core_api.JSONRenderer(),  # every time in Beijing time, +08:00
    parser=core_api.BodyParser(),  # a JSON object holding a key twice is refused
)
# A query parameter an operation does not read is refused, naming it (core/api.py), for
# every operation of every router: as the JSON bodies refuse an unknown field.
api.add_decorator(core_api.refuse_unknown_parameters)
api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", reference_router)
api.add_router("/", logistics_router)
api.add_router("/", honors_router)
api.add_router("/", outreach_router)
api.add_router("/", command_router)
api.add_router("/", imports_router)
api.add_router("/", quarantine_router)
api.add_router("/", checkpoints_router)
api.add_router("/", medical_router)


def _error(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "msg": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": None, "msg": m} for m in exc.messages]
    return _error(request, 422, errors)


@api.exception_handler(ClientIdConflict)
def on_client_id_conflict(request: HttpRequest, exc: ClientIdConflict) -> HttpResponse:
    """A client_id stored before with other content: refused, naming each part that differs
    (core/idempotency.py). 409, so a device knows the record was not stored."""
    errors = [{"field": f, "msg": m} for f, msgs in exc.message_dict.items() for m in msgs]
    return _error(request, 409, errors)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    from fangkong.core.api import schema_errors_in_chinese

    return _error(request, 422, schema_errors_in_chinese(exc.errors))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals, said in the request's language, never in ninja's English.
    if exc.status_code == 400:
        duplicated = core_api.duplicate_key_errors(exc.__cause__)
        if duplicated is not None:  # {"direction":"in","direction":"out"}: naming it
            return _error(request, 422, duplicated)
        # A body that is no JSON at all is bad input like any other: 422.
        return _error(request, 422, core_api.schema_errors_in_chinese([{"type": "json_invalid"}]))
    if exc.status_code == 403 and "CSRF" in str(exc):
        # A signed-in page's call without its X-CSRFToken (ninja's "CSRF check Failed").
        return _error(request, 403, core_api.CSRF_FAILED)
    detail = core_api.STATUS_MESSAGES.get(exc.status_code, core_api.MALFORMED)
    return _error(request, exc.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # A body past FANGKONG_UPLOAD_MAX_MB: 413 naming the bound (Django's answer was a 400).
    return _error(request, 413, core_api.too_large())


@api.exception_handler(MultiPartParserError)
def on_unreadable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A part Django cannot read (a 5,000-character file name passes its header limit): bad
    # input like any other, 422 (Django's own answer was an HTML 400).
    return _error(request, 422, [{"field": None, "msg": core_api.MALFORMED_UPLOAD}])


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, core_api.FORBIDDEN)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, core_api.NOT_FOUND)


@api.exception_handler(SearchRateExceeded)
def on_too_many_searches(request: HttpRequest, exc: SearchRateExceeded) -> HttpResponse:
    response = _error(request, 429, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, core_api.UNAUTHENTICATED)


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """/api/v1/docs: the API's documentation, for signed-in users only, drawn by the
    vendored Swagger UI (static/vendor/swagger-ui) under the site's CSP — the intranet has
    no CDN, and ninja's own page needed one and an exception to the CSP."""
    return render(request, "api_docs.html", {"openapi_url": reverse("api:openapi-json")})
