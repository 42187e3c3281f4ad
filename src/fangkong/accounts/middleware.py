"""Puts the request's client address and path where the audit service can read them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
