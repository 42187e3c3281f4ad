"""The web server's worker (`fangkong serve`): gunicorn's threaded worker, whose own refusals
are said as the site says every other one.

gunicorn refuses a request line past its limit (414) and headers past theirs (431) before
Django sees the request, with an English HTML page of its own. This worker answers them in
the site's language and shape instead: under /api/ the API's JSON (`{"detail": "请求：地址
过长"}`, core/api.py), elsewhere the site's error page. The limits stay gunicorn's
(core/management/commands/serve.py names them): they bound what a worker reads into memory
before anything else runs, so they are not lifted for Django to enforce.

Loaded only by gunicorn (`--worker-class fangkong.core.server.Worker`): Django is set up in
the worker by the time a request is refused, so this module imports it only when answering.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.http import message
from gunicorn.http import parser as http_parser
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

# Enough of the request line to read the address's start ("GET /api/v1/…").
HEAD = 64
REASONS = {414: "URI Too Long", 431: "Request Header Fields Too Large"}


class HeadKeepingRequest(message.Request):
    """gunicorn's request, keeping the first bytes it read: a refusal raised while the line
    or the headers are read still knows which address was asked for."""

    head = b""

    def read_into(self, unreader: Any, buf: bytearray, stop: bool = False) -> None:
        super().read_into(unreader, buf, stop)
        if len(self.head) < HEAD:
            self.head = bytes(buf[:HEAD])

    def parse(self, unreader: Any) -> Any:
        try:
            return super().parse(unreader)
        except (LimitRequestLine, LimitRequestHeaders) as exc:
            exc.head = self.head
            raise


def refusal(status: int, head: bytes) -> tuple[bytes, str]:
    """The body and content type of a 414 or 431 for a request that began with `head`:
    JSON in the API's shape under /api/, the site's error page elsewhere, in the site's
    language (the request's own choice is in headers never read)."""
    from django.conf import settings
    from django.db import close_old_connections
    from django.http import HttpRequest
    from django.template.loader import render_to_string
    from django.utils import translation

    from fangkong.core.api import API_PREFIX, STATUS_MESSAGES

    parts = head.split(b" ", 2)
    path = parts[1] if len(parts) > 1 else b""
    with translation.override(settings.LANGUAGE_CODE):
        said = str(STATUS_MESSAGES[status])
        if path.startswith(API_PREFIX.encode()):
            body = json.dumps({"detail": said}, ensure_ascii=False)
            return body.encode(), "application/json; charset=utf-8"
        # A request of no one, for the site's context (its bureau's name in the header).
        request = HttpRequest()
        request.method, request.path = "GET", "/"
        request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        try:
            page = render_to_string("400.html", {"message": said, "back": "/"}, request=request)
        finally:
            close_old_connections()  # no request_finished here to close what it opened
        return page.encode(), "text/html; charset=utf-8"


def answer(status: int, head: bytes) -> bytes:
    """The whole HTTP answer: status line, headers as the site's (its CSP too), body."""
    from fangkong.core.middleware import CSP

    body, content_type = refusal(status, head)
    lines = [
        f"HTTP/1.1 {status} {REASONS[status]}",
        "Connection: close",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Content-Language: zh-hans",
        f"Content-Security-Policy: {CSP}",
        "X-Content-Type-Options: nosniff",
        "X-Frame-Options: DENY",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Worker(ThreadWorker):
    """gunicorn's gthread worker, its 414 and 431 said as the site's (module docstring)."""

    def init_process(self) -> None:
        # This process serves fangkong alone: every request it reads keeps its head.
        http_parser.RequestParser.mesg_class = HeadKeepingRequest
        super().init_process()

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        if isinstance(exc, LimitRequestLine):
            status = 414
        elif isinstance(exc, LimitRequestHeaders):
            status = 431
        else:
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, answer(status, getattr(exc, "head", b"")))
        except Exception:
            self.log.debug("Failed to send error message.")
