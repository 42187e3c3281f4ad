"""Reads of commendations: the work lists of each step, timings and medians, an officer's record."""

from __future__ import annotations

import datetime
import statistics
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from fangkong.accounts.jurisdiction import Scope, restrict_to_area, within
from fangkong.honors.models import Circular, Commendation, Step

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

S = Commendation.Status


def _commendations() -> QuerySet[Commendation]:
    return Commendation.objects.select_related("officer", "unit", "reported_by", "circular")


def commendation_list(
    *, user: User | AnonymousUser, status: str = "", kind: str = ""
) -> QuerySet[Commendation]:
    """The commendations of the user's area (a county's inside a city: accounts/
    jurisdiction.py `restrict_to_area`)."""
    qs = restrict_to_area(_commendations(), user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-reported_at", "-id")


def commendation_get(*, user: User | AnonymousUser, pk: int) -> Commendation:
    """One commendation of the user's area; DoesNotExist for another area's."""
    return restrict_to_area(
        Commendation.objects.select_related(
            "officer", "unit", "reported_by", "reviewed_by", "approved_by", "awarded_by", "circular"
        ),
        user,
    ).get(pk=pk)


def steps(c: Commendation) -> QuerySet[Step]:
    return c.steps.select_related("by").order_by("at", "id")


def awaiting_review_count(
    user: User | AnonymousUser | None = None, *, scope: Scope | None = None
) -> int:
    """Waiting at this step: in the user's area, or in `scope` (user None; None: all)."""
    return _awaiting(S.REPORTED, user, scope)


def awaiting_approval_count(user: User | AnonymousUser | None = None) -> int:
    """Waiting at this step: in the user's area, or in the installation (user None)."""
    return _awaiting(S.REVIEWED, user)


def awaiting_award_count(user: User | AnonymousUser | None = None) -> int:
    """Waiting at this step: in the user's area, or in the installation (user None)."""
    return _awaiting(S.APPROVED, user)


def _awaiting(status: str, user: User | AnonymousUser | None, scope: Scope | None = None) -> int:
    qs = within(Commendation.objects.filter(status=status), scope)
    return (qs if user is None else restrict_to_area(qs, user)).count()


def median_durations(
    day: datetime.date | None = None, *, scope: Scope | None = None
) -> dict[str, datetime.timedelta | None]:
    """The median of each step's time and of report → award, over the awarded cases of
    `scope` (a county's inside a city; None: all)."""
    qs = within(Commendation.objects.filter(status=S.AWARDED), scope)
    if day is not None:
        qs = qs.filter(awarded_at__date__lte=day)
    rows = list(
        qs.values_list("reported_at", "submitted_at", "reviewed_at", "approved_at", "awarded_at")
    )
    out: dict[str, datetime.timedelta | None] = {}
    for key, a, b in (("review", 1, 2), ("approve", 2, 3), ("award", 3, 4), ("total", 0, 4)):
        spans = [
            end - start
            for start, end in ((r[a], r[b]) for r in rows)
            if start is not None and end is not None
        ]
        out[key] = statistics.median(spans) if spans else None  # type: ignore[type-var]
    return out


def hours(span: datetime.timedelta | None) -> float | None:
    return round(span.total_seconds() / 3600, 1) if span is not None else None


def approved_without_circular(user: User | AnonymousUser) -> QuerySet[Commendation]:
    return commendation_list(user=user).filter(
        status__in=[S.APPROVED, S.AWARDED], circular__isnull=True
    )


def circular_list(user: User | AnonymousUser) -> QuerySet[Circular]:
    """The circulars issued in the user's area."""
    return restrict_to_area(Circular.objects.select_related("issued_by"), user).annotate(
        individuals=Count("commendations", filter=Q(commendations__kind="individual")),
        collectives=Count("commendations", filter=Q(commendations__kind="collective")),
    )


def circular_get(*, user: User | AnonymousUser, pk: int) -> Circular:
    """One circular of the user's area; DoesNotExist for another area's."""
    return restrict_to_area(Circular.objects.select_related("issued_by"), user).get(pk=pk)


def circular_commendations(circular: Circular) -> QuerySet[Commendation]:
    return circular.commendations.select_related("officer", "unit").order_by(
        "kind", "unit__path", "id"
    )


def officer_commendations(officer_id: int) -> QuerySet[Commendation]:
    """An officer's record: their own commendations (the unit's collective ones are separate)."""
    return (
        _commendations()
        .filter(officer_id=officer_id)
        .order_by("-reported_at", "-id")
        .exclude(status=S.REJECTED)
    )


def praised_counts(
    day: datetime.date | None = None, *, scope: Scope | None = None
) -> dict[str, Any]:
    """Individuals and collectives in circulars, and circulars issued (up to `day`), of
    `scope` (None: all)."""
    circulars = within(Circular.objects.all(), scope)
    in_circular = within(Commendation.objects.filter(circular__isnull=False), scope)
    if day is not None:
        circulars = circulars.filter(day__lte=day)
        in_circular = in_circular.filter(circular__day__lte=day)
    by_kind = dict(in_circular.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "circulars": circulars.count(),
        "individuals": by_kind.get(Commendation.Kind.INDIVIDUAL, 0),
        "collectives": by_kind.get(Commendation.Kind.COLLECTIVE, 0),
    }
