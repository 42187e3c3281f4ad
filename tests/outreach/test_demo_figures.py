"""The demo county shows the seed's figures for supplies, commendations, party work and
publicity (FACTS.md), through the same figures the dashboard and daily report use."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from fangkong.core.figures import collect_sections, flat_figures
from fangkong.logistics.models import Donation, Purchase
from fangkong.org.models import WelfareCase
from fangkong.outreach.models import NoticeReceipt

pytestmark = pytest.mark.django_db


def test_demo_has_the_seeds_support_and_morale_figures(demo_county: Any) -> None:
    figures = flat_figures(collect_sections(datetime.date(2020, 2, 3)))
    # 斥资20余万元, at once: one purchase.
    assert Purchase.objects.count() == 1
    assert 200_000 <= figures["logistics.purchase_yuan"] < 300_000
    # 泰安恒昌劳动防护用品有限公司, 2020-01-27, 6万余元.
    hengchang = Donation.objects.get(donor__name="泰安恒昌劳动防护用品有限公司")
    assert hengchang.day == datetime.date(2020, 1, 27)
    assert Decimal(60_000) <= hengchang.estimated_value < Decimal(70_000)
    assert figures["logistics.donation_company_yuan"] == float(hengchang.estimated_value)
    assert 30 <= figures["logistics.donors_citizen"] < 40  # 30余名热心群众
    assert figures["logistics.low_stock"] >= 1
    # 表扬通报3期，1个集体，10名个人.
    assert figures["honors.circulars"] == 3
    assert figures["honors.collectives"] == 1
    assert figures["honors.individuals"] == 10
    assert figures["honors.awaiting_review"] == 2
    assert 0 < figures["honors.median_hours"] < 24  # 快: within a day
    # 宣誓活动40余次, 志愿突击队3个, 中央省市媒体20余篇, 自媒体300条以上.
    assert 40 <= figures["outreach.pledges"] < 50
    assert figures["outreach.commando_teams"] == 3
    assert 20 <= figures["outreach.media_reports"] < 30
    assert figures["outreach.popular_posts"] >= 3
    # 暖警 and a notice with read receipts.
    assert WelfareCase.objects.filter(solved_at__isnull=False).count() >= 3
    assert WelfareCase.objects.filter(solved_at__isnull=True).exists()
    receipts = NoticeReceipt.objects.all()
    assert receipts.filter(read_at__isnull=False).count() == 6
    assert receipts.filter(read_at__isnull=True).exists()
