"""The demo's checkpoints have the seed's shape, and their counts agree with the rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Count, Sum

from fangkong.checkpoints.models import Checkpoint, DutyAssignment, Occupant, Passage, PassageCount
from fangkong.checkpoints.selectors import fatigue_flags, tally_rows
from fangkong.checkpoints.stats import _Everyone, daily_section

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_checkpoints(demo_county: Any) -> None:
    ctx = demo_county
    day = datetime.date(2020, 2, 3)
    assert Checkpoint.objects.count() == 9
    assert Checkpoint.objects.filter(road="G104", name="G104宁阳北检查站").exists()
    assert DutyAssignment.objects.values("officer").distinct().count() >= 120
    hero = ctx.data["checkpoint_hero"]
    flags = fatigue_flags(day)
    assert [(f.officer, f.value) for f in flags] == [(hero, 7)]
    per_day = Passage.objects.values("day").annotate(n=Count("id"))
    assert all(row["n"] >= 1500 for row in per_day) and len(per_day) == 9
    totals = PassageCount.objects.aggregate(v=Sum("vehicles"), p=Sum("persons"))
    assert totals["v"] == Passage.objects.count()
    assert totals["p"] == Occupant.objects.count()
    referred = Occupant.objects.filter(decision__in=["quarantine", "medical"])
    assert referred.count() > 100 and not referred.filter(case__isnull=True).exists()
    flagged = Occupant.objects.filter(flagged=True)
    assert flagged.filter(person__household_region__startswith="42").count() * 2 > flagged.count()
    assert Occupant.objects.filter(decision="turn_back").exists()
    assert len(tally_rows(user=_Everyone())) == 2  # type: ignore[arg-type]
    section = daily_section(day)
    assert section is not None
    assert section.figure("checkpoints.fatigue").value == 1  # type: ignore[union-attr]
    assert section.figure("checkpoints.tally_mismatches").value == 1  # type: ignore[union-attr]
