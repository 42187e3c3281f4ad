"""Reads of commendations: the work lists of each step, timings and medians, an officer's record."""

from __future__ import annotations

import datetime
import statistics
from typing import Any

from django.db.models import Count, Q, QuerySet

from fangkong.honors.models import Circular, Commendation, Step

S = Commendation.Status


def commendation_list(*, status: str = "", kind: str = "") -> QuerySet[Commendation]:
    qs = Commendation.objects.select_related("officer", "unit", "reported_by", "circular")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-reported_at", "-id")


def commendation_get(pk: int) -> Commendation:
    return Commendation.objects.select_related(
        "officer", "unit", "reported_by", "reviewed_by", "approved_by", "awarded_by", "circular"
    ).get(pk=pk)


def steps(c: Commendation) -> QuerySet[Step]:
    return c.steps.select_related("by").order_by("at", "id")


def awaiting_review_count() -> int:
    return Commendation.objects.filter(status=S.REPORTED).count()


def awaiting_approval_count() -> int:
    return Commendation.objects.filter(status=S.REVIEWED).count()


def awaiting_award_count() -> int:
    return Commendation.objects.filter(status=S.APPROVED).count()


def median_durations(day: datetime.date | None = None) -> dict[str, datetime.timedelta | None]:
    """The median of each step's time and of report → award, over awarded cases."""
    qs = Commendation.objects.filter(status=S.AWARDED)
    if day is not None:
        qs = qs.filter(awarded_at__date__lte=day)
    rows = list(
        qs.values_list("reported_at", "submitted_at", "reviewed_at", "approved_at", "awarded_at")
    )
    out: dict[str, datetime.timedelta | None] = {}
    for key, a, b in (("review", 1, 2), ("approve", 2, 3), ("award", 3, 4), ("total", 0, 4)):
        spans = [r[b] - r[a] for r in rows if r[a] is not None and r[b] is not None]  # type: ignore[operator]
        out[key] = statistics.median(spans) if spans else None  # type: ignore[type-var]
    return out


def hours(span: datetime.timedelta | None) -> float | None:
    return round(span.total_seconds() / 3600, 1) if span is not None else None


def approved_without_circular() -> QuerySet[Commendation]:
    return commendation_list().filter(status__in=[S.APPROVED, S.AWARDED], circular__isnull=True)


def circular_list() -> QuerySet[Circular]:
    return Circular.objects.select_related("issued_by").annotate(
        individuals=Count("commendations", filter=Q(commendations__kind="individual")),
        collectives=Count("commendations", filter=Q(commendations__kind="collective")),
    )


def circular_get(pk: int) -> Circular:
    return Circular.objects.select_related("issued_by").get(pk=pk)


def circular_commendations(circular: Circular) -> QuerySet[Commendation]:
    return circular.commendations.select_related("officer", "unit").order_by(
        "kind", "unit__path", "id"
    )


def officer_commendations(officer_id: int) -> QuerySet[Commendation]:
    """An officer's record: their own commendations (the unit's collective ones are separate)."""
    return commendation_list().filter(officer_id=officer_id).exclude(status=S.REJECTED)


def praised_counts(day: datetime.date | None = None) -> dict[str, Any]:
    """Individuals and collectives in circulars, and circulars issued (up to `day`)."""
    circulars = Circular.objects.all()
    in_circular = Commendation.objects.filter(circular__isnull=False)
    if day is not None:
        circulars = circulars.filter(day__lte=day)
        in_circular = in_circular.filter(circular__day__lte=day)
    by_kind = dict(in_circular.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "circulars": circulars.count(),
        "individuals": by_kind.get(Commendation.Kind.INDIVIDUAL, 0),
        "collectives": by_kind.get(Commendation.Kind.COLLECTIVE, 0),
    }
