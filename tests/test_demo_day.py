"""The demo county is one coherent day on the platform's one clock (core.clock): built before
dawn on its day, it holds nothing later than "now"."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from fangkong.core import clock
from fangkong.core.demo import build_demo
from fangkong.core.reference import load_reference_data
from fangkong.core.rollups import NEVER

DEMO_DAY = datetime.date(2020, 2, 3)

# What is planned rather than recorded may lie ahead: a deadline, tonight's shift on the
# roster, a quarantine's last day, a token's expiry, a key area's end of validity.
PLANNED = {
    "deadline",
    "starts_at",
    "ends_at",
    "expires_at",
    "planned_end",
    "valid_until",
    "due_on",
}


def _later_than_now() -> list[str]:
    now, today = clock.now(), clock.today()
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("fangkong."):
            continue  # a library's own stamps (sessions, authenticator devices)
        for f in model._meta.concrete_fields:
            if f.name in PLANNED:
                continue
            if isinstance(f, models.DateTimeField):
                limit: Any = now
            elif isinstance(f, models.DateField):
                limit = today
            else:
                continue
            late = model._default_manager.filter(**{f"{f.name}__gt": limit})
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                late = late.exclude(**{f.name: NEVER})  # a count row's "no date" sentinel
            if n := late.count():
                first = late.order_by(f.name).values_list(f.name, flat=True).first()
                found.append(f"{model._meta.label}.{f.name}: {n} (first {first})")
    return found


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_built_early_on_its_day_holds_nothing_later_than_now(
    settings: Any, clock_at: Any
) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": DEMO_DAY.isoformat()}
    clock_at("06:30", day=DEMO_DAY)
    load_reference_data()
    build_demo(seed=2020, log=lambda _msg: None)
    late = _later_than_now()
    assert not late, "\n".join(late)
    # The night so far happened: cars passed the checkpoints since midnight.
    from fangkong.checkpoints.models import Passage

    midnight = datetime.datetime.combine(DEMO_DAY, datetime.time(), clock.SHANGHAI)
    assert Passage.objects.filter(occurred_at__gte=midnight).exists()
