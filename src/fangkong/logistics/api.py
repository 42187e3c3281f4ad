from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from fangkong.accounts.jurisdiction import figures_scope
from fangkong.accounts.roles import user_can
from fangkong.core.api import errors
from fangkong.logistics import selectors

router = Router(tags=["logistics"])


class StockOut(Schema):
    item: str
    category: str
    grade: str
    unit_of_measure: str
    on_hand: int
    outflow_7d: int
    per_day: float
    days_cover: float | None
    low_threshold: int
    low: bool


class StockPage(Schema):
    items: list[StockOut]
    count: int


@router.get(
    "/logistics/stock",
    response={200: StockPage, **errors(401, 403)},
    summary="防护物资库存及可用天数",
)
def stock_on_hand(request: HttpRequest) -> dict[str, object]:
    if not user_can(request.user, "logistics.view"):
        raise PermissionDenied
    rows = [
        StockOut(
            item=r.item.name,
            category=r.item.category,
            grade=r.item.grade,
            unit_of_measure=r.item.unit_of_measure,
            on_hand=r.on_hand,
            outflow_7d=r.outflow,
            per_day=r.per_day,
            days_cover=r.days_cover,
            low_threshold=r.item.low_threshold,
            low=r.low,
        )
        for r in selectors.stock_summary(scope=figures_scope(request.user))
    ]
    return {"items": rows, "count": len(rows)}
