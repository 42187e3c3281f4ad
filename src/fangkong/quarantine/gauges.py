"""What the list imports add to /metrics (core.metrics reads each app's gauges)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from fangkong.quarantine.models import ListImport


def gauges() -> Iterator[Metric]:
    imports = GaugeMetricFamily(
        "fangkong_imports", "List imports queued or running", labels=["status"]
    )
    for status in (ListImport.Status.QUEUED, ListImport.Status.RUNNING):
        imports.add_metric([status.value], ListImport.objects.filter(status=status).count())
    yield imports
