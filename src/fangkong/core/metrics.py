"""`/metrics` in Prometheus' text format, for the bureau's monitoring and nobody else.

What it counts: requests and their latency by route — the URL pattern's name
(`person_detail`, `api:stats_daily`), never the path, so no ID number or plate ever becomes
a label — and, read from the database at each scrape, the task queue's depth, the imports
running and the registrations of the last minute. Nothing personal: counts only.

gunicorn runs several worker processes; each answers a scrape alone. `fangkong serve`
points PROMETHEUS_MULTIPROC_DIR at this instance's own folder (var/run/metrics, emptied at
start), where every worker keeps its counters, and the scrape sums them all. Without it
(runserver, tests) the counters are this process's.

Who may read it: the addresses in FANGKONG_METRICS_ALLOW (default: this host only), or
whoever sends `Authorization: Bearer <FANGKONG_METRICS_TOKEN>`. Anyone else gets a 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from fangkong.core.apps import app_modules
from fangkong.core.client_address import client_ip

# The `_created` series double the output and tell nothing a restart does not.
disable_created_metrics()

REQUESTS = Counter(
    "fangkong_http_requests",
    "HTTP requests answered, by route (URL pattern name), method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "fangkong_http_request_duration_seconds",
    "Time to answer a request, by route (URL pattern name) and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_label(request: HttpRequest) -> str:
    """The URL pattern's name: bounded and free of personal data, unlike the path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path_info.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_label(request)
        method = request.method if request.method in METHODS else "other"
        LATENCY.labels(route, method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        return response


class DatabaseCollector(Collector):
    """Figures every host reads alike from the database (aggregate them with max, not sum)."""

    def collect(self) -> Iterator[Metric]:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        queue = GaugeMetricFamily(
            "fangkong_task_queue_depth", "Background tasks waiting for a worker", labels=[]
        )
        queue.add_metric([], DBTaskResult.objects.filter(status=TaskResultStatus.READY).count())
        yield queue
        running = GaugeMetricFamily(
            "fangkong_tasks_running", "Background tasks a worker is running now"
        )
        running.add_metric([], DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count())
        yield running
        # What the apps count (each app's gauges.py: imports running, registrations a minute).
        for _config, module in app_modules("gauges"):
            yield from module.gauges()


def exposition() -> bytes:
    """The text every scrape gets: this instance's request counters (all its workers') and
    the database's figures."""
    registry = CollectorRegistry()
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=folder)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    extra = CollectorRegistry(auto_describe=False)
    extra.register(DatabaseCollector())
    return text + generate_latest(extra)


def may_read(request: HttpRequest) -> bool:
    token = str(getattr(settings, "FANGKONG_METRICS_TOKEN", "") or "")
    sent = str(request.META.get("HTTP_AUTHORIZATION") or "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:], token):
        return True
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(
        ip in ipaddress.ip_network(allowed, strict=False)
        for allowed in getattr(settings, "FANGKONG_METRICS_ALLOW", [])
    )


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        # Not there, for whoever may not read it: no hint that something is.
        from django.http import Http404

        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
