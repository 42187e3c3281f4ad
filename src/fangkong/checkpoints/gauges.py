"""What the checkpoints add to /metrics (core.metrics reads each app's gauges)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from fangkong.checkpoints.models import Passage
from fangkong.core import clock


def gauges() -> Iterator[Metric]:
    now = clock.now()
    since = now - datetime.timedelta(minutes=1)
    # (day, occurred_at) is indexed; a registration is entered as it happens.
    days = {since.astimezone(clock.SHANGHAI).date(), now.astimezone(clock.SHANGHAI).date()}
    registrations = GaugeMetricFamily(
        "fangkong_registrations_per_minute",
        "Checkpoint registrations (passages) in the last minute",
    )
    registrations.add_metric(
        [],
        Passage.objects.filter(day__in=days, occurred_at__gt=since, occurred_at__lte=now).count(),
    )
    yield registrations
