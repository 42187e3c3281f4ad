"""Reads of the organisation for pages, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from fangkong.accounts.jurisdiction import scope_for, user_area, within_area
from fangkong.accounts.roles import user_can
from fangkong.core.pinyin import search_key
from fangkong.org.filters import OfficerFilter
from fangkong.org.models import Officer, Recall, Unit, WartimeOrder, WorkingGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User


@dataclass(frozen=True)
class UnitNode:
    unit: Unit
    depth: int
    officers: int
    on_post: int


def unit_tree(user: User | AnonymousUser) -> list[UnitNode]:
    """Every unit of the user's area in tree order with its officer counts (one query)."""
    units = (
        within_area(Unit.objects.all(), user, unit_path="")
        .annotate(
            n_officers=Count("officers"),
            n_on_post=Count("officers", filter=Q(officers__status=Officer.Status.ON_POST)),
        )
        .order_by("path")
    )
    return [
        UnitNode(unit=u, depth=u.depth, officers=u.n_officers, on_post=u.n_on_post) for u in units
    ]


def officers_of(user: User | AnonymousUser) -> QuerySet[Officer]:
    """The officers of the user's area (org/areas.py): all of them in a county."""
    return within_area(Officer.objects.all(), user, unit_path="unit__")


def officer_revealable(user: User | AnonymousUser, officer: Officer) -> bool:
    """Whether `user` may see `officer`'s phone in full, by an audited reveal: the right to
    reveal people's full data (people.reveal: the command centre, a station) for the
    officers of their jurisdiction — a station its own unit's, the command centre its
    area's. Editing officers (org.edit) is no right to it."""
    return user_can(user, "people.reveal") and scope_for(user).covers(unit_id=officer.unit_id)


def officer_list(*, user: User | AnonymousUser, f: OfficerFilter) -> QuerySet[Officer]:
    qs = officers_of(user).select_related("unit")
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    key = search_key(f.q)
    if key:
        qs = qs.filter(
            Q(name__contains=f.q.strip())
            | Q(badge_number__iexact=key)
            | Q(name_initials__startswith=key)
            | Q(name_pinyin__startswith=key)
        )
    return qs.order_by("unit__path", "badge_number")


def officer_status_counts(user: User | AnonymousUser) -> dict[str, int]:
    rows = officers_of(user).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in Officer.Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def working_groups(user: User | AnonymousUser, *, area: str = "") -> QuerySet[WorkingGroup]:
    """The working groups of the user's area (a county's inside a city; a city sees every
    county's), narrowed to `area` (a county the user may see, accounts.requested_area)."""
    qs = within_area(WorkingGroup.objects.all(), user, unit_path="")
    if area:
        qs = qs.filter(area_code__startswith=area)
    return (
        qs.select_related("leader__unit")
        .prefetch_related("members__unit")
        .annotate(n_members=Count("members"))
    )


def current_order(user: User | AnonymousUser) -> WartimeOrder | None:
    """The latest order that reaches the user's area or was issued inside it: a county's
    own and its city's; a city's and each of its counties'; never another county's. An
    order's area is the one it was issued for (`WartimeOrder.area_code`)."""
    mine = user_area(user)
    above = [mine[:n] for n in (2, 4, 6) if n <= len(mine)]
    return (
        WartimeOrder.objects.filter(Q(area_code__startswith=mine) | Q(area_code__in=above))
        .order_by("-effective_at")
        .first()
    )


def recalls_of(user: User | AnonymousUser) -> QuerySet[Recall]:
    """The recalls of the officers of the user's area (read and report back)."""
    return within_area(Recall.objects.all(), user, unit_path="officer__unit__")


def order_recalls(order: WartimeOrder, user: User | AnonymousUser) -> QuerySet[Recall]:
    return (
        recalls_of(user)
        .filter(order=order)
        .select_related("officer__unit")
        .order_by("reported_at", "officer__unit__path", "officer__badge_number")
    )


def order_summary(order: WartimeOrder, user: User | AnonymousUser) -> dict[str, int]:
    agg = (
        recalls_of(user)
        .filter(order=order)
        .aggregate(total=Count("id"), reported=Count("id", filter=Q(reported_at__isnull=False)))
    )
    return {
        "total": agg["total"],
        "reported": agg["reported"],
        "waiting": agg["total"] - agg["reported"],
    }
