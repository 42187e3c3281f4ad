"""Reads of supplies: stock on hand with days of cover, low stock, the ledger, donation totals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from fangkong.accounts.jurisdiction import Scope, restrict_to_area, within
from fangkong.core.clock import work_day
from fangkong.logistics.filters import LedgerFilter
from fangkong.logistics.models import (
    Distribution,
    Donation,
    Donor,
    Item,
    Line,
    Movement,
    Purchase,
    Stock,
    Store,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

RATE_DAYS = 7  # the current rate of use is the last 7 days' outflow


@dataclass
class StockRow:
    item: Item
    on_hand: int
    outflow: int  # distributed in the last RATE_DAYS days
    per_day: float
    days_cover: float | None  # None: nothing used lately, so no end in sight

    @property
    def low(self) -> bool:
        return self.on_hand < self.item.low_threshold


def _on_hand(scope: Scope | None) -> Coalesce:
    """An item's stock across the stores of `scope` (None: every store)."""
    inside = None if scope is None else Q(stocks__in=within(Stock.objects.all(), scope))
    return Coalesce(Sum("stocks__quantity", filter=inside), 0)


def stock_summary(
    day: datetime.date | None = None, *, scope: Scope | None = None
) -> list[StockRow]:
    """Every item with its stock across the stores of `scope` (a county's inside a city;
    None: every store) at the end of `day` (default today) and its days of cover: two
    queries, three for a past day."""
    day = day or work_day()
    items = list(Item.objects.annotate(on_hand=_on_hand(scope)).order_by("sort_order", "id"))
    if day < work_day():
        # The stock then = the stock now less every movement booked after that day. Each
        # kind is named so the (kind, day, item) index reads only the days since.
        later = dict(
            within(Movement.objects.filter(kind__in=Movement.Kind.values, day__gt=day), scope)
            .order_by()
            .values("item")
            .annotate(total=Sum("quantity"))
            .values_list("item", "total")
        )
        for item in items:
            item.on_hand -= int(later.get(item.pk) or 0)
    since = day - datetime.timedelta(days=RATE_DAYS - 1)
    moved = Movement.objects.filter(kind=Movement.Kind.DISTRIBUTION, day__gte=since, day__lte=day)
    outflow = dict(
        within(moved, scope)
        .order_by()
        .values("item")
        .annotate(total=Sum("quantity"))
        .values_list("item", "total")
    )
    rows = []
    for item in items:
        out = -int(outflow.get(item.pk) or 0)
        per_day = out / RATE_DAYS
        cover = round(item.on_hand / per_day, 1) if per_day else None
        rows.append(StockRow(item, item.on_hand, out, round(per_day, 1), cover))
    return rows


def low_stock(day: datetime.date | None = None, *, scope: Scope | None = None) -> list[StockRow]:
    return [row for row in stock_summary(day, scope=scope) if row.low]


def low_stock_count(scope: Scope | None = None) -> int:
    return (
        Item.objects.annotate(on_hand=_on_hand(scope))
        .filter(low_threshold__gt=0)
        .filter(on_hand__lt=F("low_threshold"))
        .count()
    )


def stock_by_store(user: User | AnonymousUser) -> QuerySet[Stock]:
    """The stock of the stores of the user's area (a county's inside a city)."""
    return restrict_to_area(Stock.objects.select_related("store", "item"), user).order_by(
        "store_id", "item__sort_order"
    )


def movement_list(*, user: User | AnonymousUser, f: LedgerFilter) -> QuerySet[Movement]:
    qs = restrict_to_area(Movement.objects.select_related("store", "item", "by"), user)
    if f.item is not None:
        qs = qs.filter(item=f.item)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.start:
        qs = qs.filter(day__gte=f.start)
    if f.end:
        qs = qs.filter(day__lte=f.end)
    return qs.order_by("-at", "-id")


def _lines() -> Prefetch[Any]:
    return Prefetch("lines", queryset=Line.objects.select_related("item"))


def donation_list(user: User | AnonymousUser) -> QuerySet[Donation]:
    return restrict_to_area(
        Donation.objects.select_related("donor", "receiving_unit", "store"), user
    ).prefetch_related(_lines())


def purchase_list(user: User | AnonymousUser) -> QuerySet[Purchase]:
    return restrict_to_area(Purchase.objects.select_related("store"), user).prefetch_related(
        _lines()
    )


def distribution_list(user: User | AnonymousUser) -> QuerySet[Distribution]:
    return restrict_to_area(
        Distribution.objects.select_related("store", "unit"), user
    ).prefetch_related(_lines())


def donation_totals(
    day: datetime.date | None = None, *, scope: Scope | None = None
) -> list[dict[str, Any]]:
    """Per donor type: donors, donations, money and estimated value (up to `day`), of the
    donations received in `scope` (None: all)."""
    qs = within(Donation.objects.all(), scope)
    if day is not None:
        qs = qs.filter(day__lte=day)
    rows = {
        r["donor__kind"]: r
        for r in qs.values("donor__kind").annotate(
            donors=Count("donor", distinct=True),
            donations=Count("id"),
            money=Coalesce(Sum("money"), Decimal(0)),
            value=Coalesce(Sum("estimated_value"), Decimal(0)),
        )
    }
    out = []
    for kind, label in Donor.Kind.choices:
        r = rows.get(kind, {})
        out.append(
            {
                "kind": kind,
                "label": label,
                "donors": r.get("donors", 0),
                "donations": r.get("donations", 0),
                "money": r.get("money", Decimal(0)),
                "value": r.get("value", Decimal(0)),
            }
        )
    return out


def purchase_total(day: datetime.date | None = None, *, scope: Scope | None = None) -> Decimal:
    qs = within(Purchase.objects.all(), scope)
    if day is not None:
        qs = qs.filter(day__lte=day)
    return qs.aggregate(t=Coalesce(Sum("amount"), Decimal(0)))["t"]


def distributed_on(day: datetime.date, *, scope: Scope | None = None) -> int:
    moved = Movement.objects.filter(kind=Movement.Kind.DISTRIBUTION, day=day)
    total = within(moved, scope).aggregate(t=Sum("quantity"))["t"]
    return -int(total or 0)


def distributions_on(day: datetime.date, *, scope: Scope | None = None) -> int:
    return within(Distribution.objects.filter(day=day), scope).count()


def store_list(user: User | AnonymousUser) -> QuerySet[Store]:
    return restrict_to_area(Store.objects.select_related("unit"), user).order_by("name")
