"""Reads that may go to the PostgreSQL streaming replica, and everything that must not.

With `FANGKONG_DATABASE_REPLICA_URL` set (settings.py adds the `replica` alias), the pages
that only read and read much — the dashboard, the big screen, the daily report, the search
and list pages and their API twins (`REPLICA_VIEWS`) — read from the replica; every other
page, every write, every transaction and every migration stays on the primary.

A replica is a little behind the primary (docs/scaling.md measures how much). A user must
never miss what they have just written, so:
- a request that writes reads the primary from its first write on (the router sees it);
- a request that writes (or posts) stamps a signed cookie, and the same browser's requests
  read the primary for `FANGKONG_REPLICA_STICKY_SECONDS` after it;
- inside `transaction.atomic()` reads stay on the primary (a service reads what it locks);
- a replica that is unreachable or further behind than `FANGKONG_REPLICA_MAX_LAG_SECONDS`
  is left alone until it is back (checked at most every few seconds per process).
Writes that keep the books of a read (the session, the search counter, the audit entry of
a disclosure) do not count as the user's writes: otherwise every search would end on the
primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "fk_primary"
SALT = "fangkong.core.replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The read pages (URL pattern names, `api:` for the API) whose queries may go to the
# replica: the figures, the reports and the searches. A page that writes is never here.
REPLICA_VIEWS = frozenset(
    {
        "dashboard",
        "bigscreen",
        "report_docx",
        "report_xlsx",
        "person_list",
        "case_list",
        "case_export",
        "passage_list",
        "api:stats_daily",
        "api:list_persons",
    }
)

# Bookkeeping written while reading: not the user's own writes (see the module's doc).
BOOKKEEPING = frozenset(
    {
        "sessions.session",
        "core.ratecounter",
        "core.auditentry",
        "core.auditchainhead",
    }
)


@dataclass
class _Request:
    allowed: bool = False  # a read page, and no recent write by this browser
    wrote: bool = False


_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "fangkong_replica_request", default=None
)


def enabled() -> bool:
    return bool(getattr(settings, "FANGKONG_READ_REPLICA", False)) and REPLICA in settings.DATABASES


def replica_lag() -> float:
    """Seconds the replica is behind the primary (0 when it has replayed all it received,
    or is no standby at all); raises DatabaseError when it cannot be reached. Measured on
    the replica: the age of the last transaction it replayed, unless nothing waits. After a
    quiet spell that overstates it for the moment the next transaction takes to replay (the
    standby cannot date what it has not replayed): the router then reads the primary for a
    few seconds, which is harmless. The primary's pg_stat_replication.replay_lag is exact
    but needs pg_monitor rights fangkong's role should not have."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
            " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


class _Health:
    """Whether the replica may be read, checked at most every CHECK seconds per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = -1e9
        self.usable = False

    def __call__(self) -> bool:
        every = float(getattr(settings, "FANGKONG_REPLICA_CHECK_SECONDS", 5))
        if time.monotonic() - self.checked < every:
            return self.usable
        with self.lock:
            if time.monotonic() - self.checked >= every:
                self.usable = self._check()
                self.checked = time.monotonic()
        return self.usable

    @staticmethod
    def _check() -> bool:
        limit = float(getattr(settings, "FANGKONG_REPLICA_MAX_LAG_SECONDS", 30))
        try:
            lag = replica_lag()
        except DatabaseError as exc:
            logger.warning("replica unreachable, reading the primary: %s", exc)
            connections[REPLICA].close()
            return False
        if lag > limit:
            logger.warning("replica %.1f s behind (limit %.0f s), reading the primary", lag, limit)
            return False
        return True

    def forget(self) -> None:
        self.checked = -1e9


replica_usable = _Health()


class ReplicaRouter:
    """DATABASE_ROUTERS: reads of the marked pages to the replica; all else to the primary."""

    # Without a replica the router has no opinion (None): Django's own choice stands, so a
    # tool that reads another alias on purpose (bench/samework.py's copies) keeps it.

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not enabled():
            return None
        state = _current.get()
        if state is None or not state.allowed or state.wrote:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA if replica_usable() else PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        state = _current.get()
        if state is not None and model._meta.label_lower not in BOOKKEEPING:
            state.wrote = True
        # Even a row read from the replica is saved on the primary.
        return PRIMARY if enabled() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


def _sticky(request: HttpRequest) -> bool:
    seconds = int(getattr(settings, "FANGKONG_REPLICA_STICKY_SECONDS", 10))
    return request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=seconds) is not None


@contextlib.contextmanager
def request_scope() -> Iterator[_Request]:
    """One request's routing state: reads stay on the primary until `allowed` is set, and
    from the first write of the user's on."""
    state = _Request()
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


class ReplicaReadsMiddleware:
    """Decides per request whether its reads may go to the replica, and stamps the cookie
    that keeps a browser on the primary for a few seconds after it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope() as state:
            response = self.get_response(request)
        if enabled() and (state.wrote or request.method not in SAFE_METHODS):
            seconds = int(getattr(settings, "FANGKONG_REPLICA_STICKY_SECONDS", 10))
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        state = _current.get()
        match = request.resolver_match
        if (
            state is not None
            and enabled()
            and request.method in SAFE_METHODS
            and match is not None
            and match.view_name in REPLICA_VIEWS
            and not _sticky(request)
        ):
            state.allowed = True
        return None
