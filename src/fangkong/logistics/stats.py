"""Supplies in the day's figures (core/figures.py): purchases, donations, distribution, low stock."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Scope, within
from fangkong.core.clock import work_day
from fangkong.core.figures import MONEY, Figure, Section, Table, format_number
from fangkong.logistics import selectors
from fangkong.logistics.models import Donor, Purchase, Store


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section | None:
    """Supplies of `scope`'s stores (a county's inside a city; None: every store)."""
    if scope is None:
        if not Purchase.objects.exists() and not Donor.objects.exists():
            return None
    elif not within(Store.objects.all(), scope).exists():
        return None
    totals = {t["kind"]: t for t in selectors.donation_totals(day, scope=scope)}
    rows = selectors.stock_summary(day, scope=scope)
    low = [r for r in rows if r.low]
    section = Section(key="logistics", title=_("警务保障"), order=70)
    section.figures = [
        Figure(
            "logistics.purchase_yuan",
            _("累计采购防护装备"),
            float(selectors.purchase_total(day, scope=scope)),
            url=reverse("logistics_purchases"),
            unit=_("元"),
            style=MONEY,
            headline=True,
            cumulative=True,
        ),
        Figure(
            "logistics.donation_company_yuan",
            _("企业捐赠估值"),
            float(totals[Donor.Kind.COMPANY]["value"]),
            url=reverse("logistics_donations"),
            unit=_("元"),
            style=MONEY,
            headline=True,
            cumulative=True,
        ),
        Figure(
            "logistics.donors_citizen",
            _("捐赠群众"),
            int(totals[Donor.Kind.CITIZEN]["donors"]),
            url=reverse("logistics_donations"),
            unit=_("人"),
            headline=True,
            cumulative=True,
        ),
        Figure(
            "logistics.distributed_today",
            _("当日发放物资"),
            selectors.distributed_on(day, scope=scope),
            url=reverse("logistics_distributions"),
            unit=_("件"),
            headline=True,
        ),
        Figure(
            "logistics.low_stock",
            _("低库存物资"),
            len(low),
            # A past day's stock is on the stock page of that day (the low-stock list is now).
            url=reverse("logistics_low_stock")
            if day >= work_day()
            else f"{reverse('logistics_stock')}?day={day.isoformat()}",
            tone="danger" if low else "ok",
            unit=_("种"),
        ),
    ]
    for r in low:
        section.problems.append(
            _("%(item)s库存%(n)s%(uom)s，低于预警线%(limit)s%(uom)s")
            % {
                "item": r.item.name,
                "n": format_number(r.on_hand),
                "limit": format_number(r.item.low_threshold),
                "uom": r.item.unit_of_measure,
            }
        )
    if low:
        section.tables.append(
            Table(
                _("低库存物资"),
                [_("物资"), _("库存"), _("预警线"), _("可用天数")],
                [[r.item.name, r.on_hand, r.item.low_threshold, r.days_cover or "—"] for r in low],
            )
        )
    return section
