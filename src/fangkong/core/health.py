"""`/healthz`: may the load balancer send this app host requests?

200 when every check passes, 503 when one fails, JSON either way:
`{"status": "ok", "checks": {"database": "ok", "replica": "ok", "replica_lag_seconds": 0.2,
"worker": "ok", "disk": "ok"}}`. No sign-in (the balancer has none), so it says nothing but
each check's status: no error text, path, host name or count; the reason of a failure goes
to the log.

- database: the primary answers a query.
- replica (only with FANGKONG_DATABASE_REPLICA_URL): reachable and no further behind than
  FANGKONG_REPLICA_MAX_LAG_SECONDS. A failing replica does not stop the host serving (the
  router then reads the primary), so it reports "degraded" with 200, not 503.
- worker: this instance's task worker is alive (core/running.py), unless it runs without
  one (`fangkong serve --no-worker` sets FANGKONG_HEALTH_WORKER=false for its web processes).
- disk: FANGKONG_HEALTH_DISK_MIN_MB free where var/ (database, uploads) lives.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from fangkong.core import replica
from fangkong.core.running import running

logger = logging.getLogger(__name__)

OK = "ok"
FAIL = "fail"


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("healthz: database: %s", exc)
        return FAIL
    return OK


def _replica(checks: dict[str, Any]) -> None:
    if not replica.enabled():
        return
    try:
        lag = replica.replica_lag()
    except DatabaseError as exc:
        logger.error("healthz: replica: %s", exc)
        connections[replica.REPLICA].close()
        checks["replica"] = "degraded"
        return
    checks["replica_lag_seconds"] = round(lag, 1)
    limit = float(getattr(settings, "FANGKONG_REPLICA_MAX_LAG_SECONDS", 30))
    checks["replica"] = OK if lag <= limit else "degraded"


def _worker() -> str:
    if not getattr(settings, "FANGKONG_HEALTH_WORKER", True):
        return "not run here"
    if any(process.role == "worker" for process in running()):
        return OK
    logger.error("healthz: no task worker runs for %s", settings.VAR_DIR)
    return FAIL


def _disk() -> str:
    need = int(getattr(settings, "FANGKONG_HEALTH_DISK_MIN_MB", 1024)) * 1024 * 1024
    free = shutil.disk_usage(settings.VAR_DIR).free
    if free < need:
        logger.error("healthz: %d MB free under %s", free // 2**20, settings.VAR_DIR)
        return FAIL
    return OK


def health() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {"database": _database()}
    _replica(checks)
    checks["worker"] = _worker()
    checks["disk"] = _disk()
    healthy = FAIL not in checks.values()
    return healthy, checks


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health()
    return JsonResponse(
        {"status": OK if healthy else FAIL, "checks": checks}, status=200 if healthy else 503
    )
