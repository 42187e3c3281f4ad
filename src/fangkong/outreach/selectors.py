"""Reads of party work, publicity and notices: counts for the figures, lists, read receipts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from fangkong.accounts.jurisdiction import Scope, restrict_to_area, within
from fangkong.outreach.models import (
    Activity,
    CommandoTask,
    CommandoTeam,
    MediaReport,
    Notice,
    NoticeReceipt,
    RoleModel,
    SelfMediaPost,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

HIGH_INTERACTION = 300  # 群众点赞留言都在300条以上
MAINSTREAM = (MediaReport.Level.CENTRAL, MediaReport.Level.PROVINCIAL, MediaReport.Level.MUNICIPAL)


def notice_get(*, user: User | AnonymousUser, pk: int) -> tuple[Notice, NoticeReceipt | None]:
    """A notice and the user's receipt of it, for its recipients and whoever may publish
    notices; Http404 for anyone else, whether it exists or not (the detail page and the
    confirmation alike, so an id is no oracle)."""
    from django.http import Http404

    from fangkong.accounts.roles import user_can

    receipt = (
        NoticeReceipt.objects.select_related("notice__published_by")
        .filter(notice_id=pk, user_id=user.pk or 0)
        .first()
    )
    if receipt is not None:
        return receipt.notice, receipt
    if user_can(user, "notices.publish"):
        notice = notice_list(user).filter(pk=pk).first()
        if notice is not None:
            return notice, None
    raise Http404


def activity_list(*, user: User | AnonymousUser, kind: str = "") -> QuerySet[Activity]:
    qs = restrict_to_area(Activity.objects.select_related("unit", "branch"), user)
    return qs.filter(kind=kind) if kind else qs


def activity_counts(
    day: datetime.date | None = None, *, scope: Scope | None = None
) -> dict[str, int]:
    qs = within(Activity.objects.all(), scope)
    if day is not None:
        qs = qs.filter(day__lte=day)
    rows = dict(qs.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {k: rows.get(k, 0) for k in Activity.Kind.values}


def team_list(user: User | AnonymousUser) -> QuerySet[CommandoTeam]:
    teams = CommandoTeam.objects.select_related("unit", "leader")
    return restrict_to_area(teams, user).prefetch_related(
        "members", Prefetch("tasks", queryset=CommandoTask.objects.order_by("day", "id"))
    )


def team_count(day: datetime.date | None = None, *, scope: Scope | None = None) -> int:
    qs = within(CommandoTeam.objects.all(), scope)
    return (qs.filter(formed_on__lte=day) if day else qs).count()


def media_list(*, user: User | AnonymousUser, level: str = "") -> QuerySet[MediaReport]:
    qs = restrict_to_area(MediaReport.objects.select_related("unit", "officer"), user)
    return qs.filter(level=level) if level else qs


def media_counts(day: datetime.date | None = None, *, scope: Scope | None = None) -> dict[str, int]:
    """Reports by level, and the central+provincial+municipal total, of `scope` (None: all)."""
    qs = within(MediaReport.objects.all(), scope)
    if day is not None:
        qs = qs.filter(day__lte=day)
    rows = dict(qs.values("level").annotate(n=Count("id")).values_list("level", "n"))
    out = {k: rows.get(k, 0) for k in MediaReport.Level.values}
    out["mainstream"] = sum(out[k] for k in MAINSTREAM)
    return out


def post_list(user: User | AnonymousUser) -> QuerySet[SelfMediaPost]:
    """The self-media posts of the user's area (a county's inside a city)."""
    return _posts(restrict_to_area(SelfMediaPost.objects.select_related("unit"), user))


def _posts(qs: QuerySet[SelfMediaPost]) -> QuerySet[SelfMediaPost]:
    return qs.annotate(interactions=F("likes") + F("comments"))


def popular_post_count(day: datetime.date | None = None, *, scope: Scope | None = None) -> int:
    qs = _posts(within(SelfMediaPost.objects.all(), scope))
    qs = qs.filter(interactions__gte=HIGH_INTERACTION)  # type: ignore[misc]
    return (qs.filter(day__lte=day) if day else qs).count()


def role_model_list(user: User | AnonymousUser) -> QuerySet[RoleModel]:
    return restrict_to_area(RoleModel.objects.select_related("unit"), user).prefetch_related(
        "officers__unit", "reports"
    )


def notices_for(user: User | AnonymousUser) -> QuerySet[NoticeReceipt]:
    """The user's own notices, unread first."""
    return (
        NoticeReceipt.objects.filter(user_id=user.pk or 0)
        .select_related("notice__published_by")
        .order_by(F("read_at").asc(nulls_first=True), "-notice__published_at")
    )


def unread_count(user: User | AnonymousUser) -> int:
    return NoticeReceipt.objects.filter(user_id=user.pk or 0, read_at__isnull=True).count()


def notice_list(user: User | AnonymousUser) -> QuerySet[Notice]:
    """For the senders: every notice of their area with its read and unread counts."""
    return restrict_to_area(Notice.objects.select_related("published_by"), user).annotate(
        recipients=Count("receipts"),
        read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
    )


def receipts(notice: Notice, *, read: bool) -> QuerySet[NoticeReceipt]:
    return (
        notice.receipts.filter(read_at__isnull=not read)
        .select_related("user__unit", "user__officer__unit")
        .order_by("user__unit__path", "user__username")
    )


def overview(day: datetime.date | None = None, *, scope: Scope | None = None) -> dict[str, Any]:
    """The publicity figures of `scope` (a county's inside a city; None: all)."""
    return {
        "activities": activity_counts(day, scope=scope),
        "teams": team_count(day, scope=scope),
        "media": media_counts(day, scope=scope),
        "popular_posts": popular_post_count(day, scope=scope),
    }
