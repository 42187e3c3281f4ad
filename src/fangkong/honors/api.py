from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from fangkong.accounts.jurisdiction import figures_scope
from fangkong.accounts.roles import user_can
from fangkong.core.api import Choice, errors, label_fields, page_slice, verbose_names
from fangkong.core.bounds import Limit, Offset
from fangkong.honors import selectors
from fangkong.honors.models import Commendation

router = Router(tags=["honors"])


class CommendationOut(Schema):
    id: int
    kind: str
    honoree: str
    unit: str
    level: str
    tier: str
    status: str
    reported_at: datetime.datetime
    awarded_at: datetime.datetime | None
    total_hours: float | None
    circular: str | None


class CommendationPage(Schema):
    items: list[CommendationOut]
    count: int
    median_total_hours: float | None


if TYPE_CHECKING:
    CommendationStatus = str
else:
    CommendationStatus = Choice(Commendation.Status.values)


class CommendationFilter(Schema):
    status: CommendationStatus = ""
    limit: Limit = 50
    offset: Offset = 0


label_fields(CommendationFilter, verbose_names(Commendation, "status"))


@router.get(
    "/honors/commendations",
    response={200: CommendationPage, **errors(401, 403, 422)},
    summary="战时表彰及用时",
)
def commendations(request: HttpRequest, filters: Query[CommendationFilter]) -> dict[str, object]:
    if not user_can(request.user, "honors.view"):
        raise PermissionDenied
    qs = selectors.commendation_list(user=request.user, status=filters.status)
    count = qs.count()
    rows = qs[page_slice(filters.limit, filters.offset)]
    items = [
        CommendationOut(
            id=c.pk,
            kind=c.kind,
            honoree=c.honoree,
            unit=c.unit.name,
            level=c.level,
            tier=c.tier,
            status=c.status,
            reported_at=c.reported_at,
            awarded_at=c.awarded_at,
            total_hours=selectors.hours(c.timings()["total"]),
            circular=c.circular.number if c.circular else None,
        )
        for c in rows
    ]
    durations = selectors.median_durations(scope=figures_scope(request.user))
    median = selectors.hours(durations["total"])
    return {"items": items, "count": count, "median_total_hours": median}
