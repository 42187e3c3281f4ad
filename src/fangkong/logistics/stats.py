"""Supplies in the day's figures (core/figures.py): purchases, donations, distribution, low stock."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.figures import Figure, Section, Table
from fangkong.logistics import selectors
from fangkong.logistics.models import Donor, Purchase


def daily_section(day: datetime.date) -> Section | None:
    if not Purchase.objects.exists() and not Donor.objects.exists():
        return None
    totals = {t["kind"]: t for t in selectors.donation_totals(day)}
    rows = selectors.stock_summary(day)
    low = [r for r in rows if r.low]
    section = Section(key="logistics", title=_("警务保障"), order=70)
    section.figures = [
        Figure(
            "logistics.purchase_yuan",
            _("累计采购防护装备"),
            float(selectors.purchase_total(day)),
            url=reverse("logistics_purchases"),
            unit=_("元"),
        ),
        Figure(
            "logistics.donation_company_yuan",
            _("企业捐赠估值"),
            float(totals[Donor.Kind.COMPANY]["value"]),
            url=reverse("logistics_donations"),
            unit=_("元"),
        ),
        Figure(
            "logistics.donors_citizen",
            _("捐赠群众"),
            int(totals[Donor.Kind.CITIZEN]["donors"]),
            url=reverse("logistics_donations"),
            unit=_("人"),
        ),
        Figure(
            "logistics.distributed_today",
            _("当日发放物资"),
            selectors.distributed_on(day),
            url=reverse("logistics_distributions"),
            unit=_("件"),
        ),
        Figure(
            "logistics.low_stock",
            _("低库存物资"),
            len(low),
            url=reverse("logistics_low_stock"),
            tone="danger" if low else "ok",
            unit=_("种"),
        ),
    ]
    if low:
        section.tables.append(
            Table(
                _("低库存物资"),
                [_("物资"), _("库存"), _("预警线"), _("可用天数")],
                [[r.item.name, r.on_hand, r.item.low_threshold, r.days_cover or "—"] for r in low],
            )
        )
    return section
