"""The demo county's returnees: 4000+, every one accounted for on 2020-02-03, with the day's
figures agreeing with the lists behind them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from fangkong.accounts.models import User
from fangkong.core.demo import DEMO_PASSWORD
from fangkong.core.figures import collect_sections, collect_trends, flat_figures
from fangkong.core.models import AuditEntry
from fangkong.medical.models import ContactLink
from fangkong.quarantine.models import Alert, CaseStatus, FollowUp, QuarantineCase, TeamMember
from tests.conftest import next_code

DAY = datetime.date(2020, 2, 3)


@pytest.mark.django_db
def test_demo_returnees_are_all_accounted_for(demo_county: Any) -> None:
    figures = flat_figures(collect_sections(DAY))
    total = figures["quarantine.returnees_total"]
    assert total >= 4000 and total == QuarantineCase.objects.count()
    statuses = {s.value: figures[f"quarantine.status.{s.value}"] for s in CaseStatus}
    assert sum(statuses.values()) == total  # every one is somewhere
    assert statuses["quarantined"] == figures["quarantine.under_quarantine"] > 2000
    assert statuses["released"] == figures["quarantine.released_total"] > 1000
    assert statuses["pending"] > 0 and statuses["turned_back"] > 0
    assert 0 < figures["quarantine.released_today"] < statuses["released"]
    assert 0 < figures["quarantine.overdue"] < 50  # a few
    assert figures["quarantine.fever_open"] >= 1
    # Most come from Hubei, most of those from Wuhan.
    # (Checkpoints also refer people, e.g. with a fever, from anywhere: not counted here.)
    # Nor are the contacts of confirmed cases, referred by a station from wherever they live.
    listed = QuarantineCase.objects.exclude(source=QuarantineCase.Source.CHECKPOINT).exclude(
        pk__in=ContactLink.objects.exclude(case=None).values("case")
    )
    came = list(listed.values_list("came_from_code", flat=True))
    assert [c for c in came if not c.startswith("42")] == []
    assert sum(c.startswith("4201") for c in came) > len(came) / 2
    arrivals = listed.values_list("arrival_date", flat=True)
    assert min(arrivals) >= datetime.date(2020, 1, 10) and max(arrivals) <= datetime.date(
        2020, 2, 2
    )
    # Each one under quarantine has a four-to-one team (police from the station when it has one).
    quarantined = QuarantineCase.objects.filter(status=CaseStatus.QUARANTINED)
    assert not quarantined.exclude(team_members__kind="village_cadre").exists()
    assert not quarantined.exclude(team_members__kind="doctor").exists()
    # Two follow-ups a day; released on day 15.
    # (A listed returnee's: contacts and hand-offs quarantined by the medical demo in its
    # last days have their team, not yet their days of follow-ups.)
    case = (
        quarantined.filter(pk__in=listed.values("pk"))
        .exclude(team_members__user__username="suifang")
        .order_by("pk")
        .first()
    )
    assert case is not None and case.start_date is not None
    days = (min(DAY, case.planned_end) - case.start_date).days + 1  # type: ignore[operator]
    assert FollowUp.objects.filter(case=case).count() in (2 * days, 2 * days - 3)
    released = QuarantineCase.objects.filter(status=CaseStatus.RELEASED)
    assert not released.filter(ended_on__lt=datetime.date(2020, 1, 24)).exists()
    assert all(c.ended_on == c.planned_end for c in released[:50])
    assert Alert.objects.filter(resolved_at__isnull=False).exists()
    # The same services' audit trail.
    assert AuditEntry.objects.filter(object_type="quarantine.followup").count() == (
        FollowUp.objects.count()
    )
    # suifang answers for 20 people in 堽城镇 whose follow-ups today are still to do.
    mine = TeamMember.objects.filter(user__username="suifang")
    assert mine.count() == 20
    assert {m.case.township.name for m in mine} == {"堽城镇"}  # type: ignore[union-attr]
    client = Client()
    assert client.login(username="suifang", password=DEMO_PASSWORD)
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        page = client.get("/cases/today/").content.decode()
    assert page.count("录入随访") == 20
    # The figures' links lead to lists with the same numbers.
    station = Client()
    assert station.login(username="zhihui", password=DEMO_PASSWORD)
    # zhihui's role signs in with a second factor: the demo's authenticator code.
    station.post("/login/verify/", {"code": next_code(User.objects.get(username="zhihui"))})
    page = station.get("/cases/?status=quarantined").content.decode()
    assert f"共 {figures['quarantine.under_quarantine']} 条" in page
    trends = {t.key: dict(t.points) for t in collect_trends(datetime.date(2020, 1, 10), DAY)}
    assert trends["quarantine.under_quarantine"][DAY] == figures["quarantine.under_quarantine"]
    assert sum(trends["quarantine.new"].values()) == total
    assert sum(trends["quarantine.released"].values()) == figures["quarantine.released_total"]
