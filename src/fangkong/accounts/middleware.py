"""Puts the request's client address and path where the audit service can read them, and
narrows a signed-in user's jurisdiction to the area a read asks for (?area=…)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fangkong.accounts.jurisdiction import narrow_to_area
from fangkong.core import audit
from fangkong.core.client_address import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.request_context.set(
            audit.RequestContext(ip=client_ip(request), path=request.path[:200])
        )
        try:
            return self.get_response(request)
        finally:
            audit.request_context.reset(token)


class AreaMiddleware:
    """?area=370921 on a read (a city's dashboard links each county's figures so): every
    list, export and API answer of the request holds that area's rows only
    (accounts.jurisdiction.narrow_to_area: 403 outside the user's area)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        requested = request.GET.get("area") if request.method in ("GET", "HEAD") else None
        if requested is not None and request.user.is_authenticated:
            narrow_to_area(request.user, requested)
        return self.get_response(request)
