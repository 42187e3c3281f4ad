"""Reads of quarantine cases: the filtered list (page, API and export share it), a case's
timeline, the verification queue, the follow-up worker's list for a day, overdue cases,
alerts and cases proposed for release. Always within the user's jurisdiction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from fangkong.accounts.jurisdiction import get_in_scope, restrict
from fangkong.core.disclosure import search_counted
from fangkong.people.selectors import search_filter
from fangkong.quarantine import schedule
from fangkong.quarantine.filters import AlertFilter, CaseFilter
from fangkong.quarantine.models import (
    Alert,
    CaseStatus,
    FollowUp,
    QuarantineCase,
    TeamMember,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

    AnyUser = User | AnonymousUser


def _followup_exists(day: datetime.date, slot: str) -> Exists:
    return Exists(FollowUp.objects.filter(case=OuterRef("pk"), day=day, slot=slot))


def overdue_q(now: datetime.datetime) -> Q:
    """Cases under quarantine that missed the last closed follow-up window (schedule.py)."""
    day, slot = schedule.last_closed_window(now)
    return Q(status=CaseStatus.QUARANTINED, start_date__lte=day) & ~Q(_followup_exists(day, slot))


def open_alert_exists(*kinds: str) -> Exists:
    qs = Alert.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return Exists(qs)


def _last_temperature() -> Subquery:
    return Subquery(
        FollowUp.objects.filter(case=OuterRef("pk"))
        .order_by("-day", "-slot", "-visited_at")
        .values("temperature")[:1]
    )


def temperature(value: Any) -> Decimal | None:
    """A temperature read through a subquery (SQLite gives a float) as Decimal('37.9')."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def case_list(
    *, user: AnyUser, filters: CaseFilter | None = None, now: datetime.datetime | None = None
) -> QuerySet[QuarantineCase]:
    f = filters or CaseFilter()
    now = now or schedule.work_now()
    day = now.astimezone(schedule.SHANGHAI).date()
    qs = restrict(
        QuarantineCase.objects.select_related("person", "township", "village", "station"), user
    )
    if f.q.strip():
        search_counted(user)
        flt = search_filter(f.q)
        if flt is not None:
            person_ids = restrict_people_ids(flt)
            qs = qs.filter(person_id__in=person_ids)
    if f.township_id:
        qs = qs.filter(township_id=f.township_id)
    if f.station_id:
        qs = qs.filter(station_id=f.station_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.qday:
        qs = qs.filter(
            status=CaseStatus.QUARANTINED,
            start_date=day - datetime.timedelta(days=f.qday - 1),
        )
    if f.overdue:
        qs = qs.filter(overdue_q(now))
    if f.fever:
        qs = qs.filter(open_alert_exists(Alert.Kind.FEVER))
    if f.alert:
        qs = qs.filter(open_alert_exists())
    if f.proposed:
        qs = qs.filter(status=CaseStatus.QUARANTINED, planned_end__lte=day)
    if f.opened:
        qs = qs.filter(opened_on=f.opened)
    if f.ended:
        qs = qs.filter(ended_on=f.ended)
    return qs.annotate(
        has_open_alert=open_alert_exists(),
        has_fever=open_alert_exists(Alert.Kind.FEVER),
        last_temperature=_last_temperature(),
    ).order_by("-created_at", "-id")


def restrict_people_ids(flt: Q) -> QuerySet[Any]:
    from fangkong.people.models import Person

    return Person.objects.filter(flt).values("pk")


def township_counts(qs: QuerySet[QuarantineCase]) -> list[dict[str, Any]]:
    """Cases per township of a (filtered) list: one grouped query."""
    rows = (
        qs.order_by()
        .values("township_id", "township__name")
        .annotate(n=Count("pk"))
        .order_by("township__code")
    )
    return [
        {"id": r["township_id"], "name": r["township__name"] or "—", "count": r["n"]} for r in rows
    ]


def with_day(cases: Any, day: datetime.date) -> list[QuarantineCase]:
    """Set `qday` (day N of the quarantine on `day`) on each case of a page."""
    out = list(cases)
    for case in out:
        case.qday = case.quarantine_day(day) if case.status == CaseStatus.QUARANTINED else None
    return out


def visible_case_ids(user: AnyUser, cases: Iterable[int | None]) -> set[int]:
    """Which of these cases `user` may open (quarantine.view and their jurisdiction). Any
    other case is named by no id (a passage's referral into another county's case, a
    checkpoint's, a device's): the id is the key to the person's record."""
    from fangkong.accounts.roles import user_can

    ids = list({pk for pk in cases if pk is not None})
    if not ids or not user_can(user, "quarantine.view"):
        return set()
    return set(
        restrict(QuarantineCase.objects.filter(pk__in=ids), user).values_list("pk", flat=True)
    )


def case_get(*, user: AnyUser, pk: int) -> QuarantineCase:
    return get_in_scope(
        QuarantineCase.objects.select_related(
            "person", "township", "village", "station", "created_by"
        ).prefetch_related(
            Prefetch("team_members", queryset=TeamMember.objects.select_related("user"))
        ),
        user,
        pk=pk,
    )


@dataclass
class TimelineEvent:
    at: datetime.datetime
    kind: str  # referral, transition, followup, alert, resolution
    title: str
    detail: str = ""
    by: str = ""
    tone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def case_timeline(case: QuarantineCase, *, viewer: AnyUser) -> list[TimelineEvent]:
    """Referrals, transitions, follow-ups and alerts (and their resolution), in time order;
    who did each named as `viewer` may read it (doer_shown: another area's by their unit)."""
    from django.utils.translation import gettext as _

    from fangkong.accounts.jurisdiction import doer_shown

    def who(doer: Any) -> str:
        return doer_shown(viewer, doer)

    doer = ("by__unit", "by__township")
    events: list[TimelineEvent] = []
    for r in case.referrals.select_related(*doer):
        events.append(
            TimelineEvent(r.at, "referral", str(r.get_source_display()), r.note, who(r.by))
        )
    for t in case.transitions.select_related(*doer):
        title = (
            f"{CaseStatus(t.from_status).label} → {t.get_to_status_display()}"
            if t.from_status
            else str(t.get_to_status_display())
        )
        events.append(TimelineEvent(t.at, "transition", title, t.reason, who(t.by)))
    for fu in case.followups.select_related(*doer):
        parts = [f"{fu.temperature}℃" if fu.temperature is not None else _("未测体温")]
        parts.append(_("在家") if fu.at_home else _("不在家"))
        if fu.symptoms:
            parts.append(fu.symptoms_label)
        events.append(
            TimelineEvent(
                fu.visited_at,
                "followup",
                _("随访（%(slot)s）") % {"slot": fu.get_slot_display()},
                " · ".join(str(p) for p in parts),
                who(fu.by),
                "danger" if not fu.at_home or fu.symptoms else "",
            )
        )
    for a in case.alerts.select_related("resolved_by__unit", "resolved_by__township"):
        events.append(
            TimelineEvent(
                a.raised_at,
                "alert",
                _("预警：%(kind)s") % {"kind": a.get_kind_display()},
                a.detail,
                "",
                "danger" if a.resolved_at is None else "warn",
            )
        )
        if a.resolved_at:
            events.append(
                TimelineEvent(
                    a.resolved_at,
                    "resolution",
                    _("预警已处置：%(kind)s") % {"kind": a.get_kind_display()},
                    a.resolution,
                    who(a.resolved_by),
                    "ok",
                )
            )
    order = {"referral": 0, "transition": 1, "followup": 2, "alert": 3, "resolution": 4}
    return sorted(events, key=lambda e: (e.at, order[e.kind]))


def verify_queue(*, user: AnyUser) -> QuerySet[QuarantineCase]:
    return (
        restrict(QuarantineCase.objects.select_related("person", "township", "village"), user)
        .filter(status=CaseStatus.PENDING)
        .order_by("created_at", "id")
    )


@dataclass
class DueRow:
    case: QuarantineCase
    qday: int | None
    morning: str  # schedule.window_state
    evening: str
    last_temperature: Any
    has_open_alert: bool

    @property
    def due(self) -> list[str]:
        return [
            slot
            for slot, state in ((schedule.MORNING, self.morning), (schedule.EVENING, self.evening))
            if state != "done"
        ]

    def next_window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """The window of the next visit to make: this day's first one still open or to
        come, else the next morning."""
        for slot, state in ((schedule.MORNING, self.morning), (schedule.EVENING, self.evening)):
            if state in ("due", "upcoming"):
                return schedule.window_opens(day, slot), schedule.window_closes(day, slot)
        tomorrow = day + datetime.timedelta(days=1)
        return (
            schedule.window_opens(tomorrow, schedule.MORNING),
            schedule.window_closes(tomorrow, schedule.MORNING),
        )


def followup_cases(*, user: AnyUser, day: datetime.date) -> QuerySet[QuarantineCase]:
    """The cases under quarantine on `day` that the user answers for as a 四包一 member."""
    return (
        restrict(
            QuarantineCase.objects.select_related("person", "village", "township", "station"),
            user,
        )
        .filter(
            Exists(TeamMember.objects.filter(case=OuterRef("pk"), user_id=user.pk or 0)),
            status=CaseStatus.QUARANTINED,
            start_date__lte=day,
        )
        .annotate(
            am_done=_followup_exists(day, schedule.MORNING),
            pm_done=_followup_exists(day, schedule.EVENING),
            has_open_alert=open_alert_exists(),
            last_temperature=_last_temperature(),
        )
        .order_by("village__name", "person__name", "id")
    )


def due_list(
    *, user: AnyUser, day: datetime.date, now: datetime.datetime | None = None
) -> list[DueRow]:
    """Today's list: what is due for each case on `day` (morning and evening), one query."""
    now = now or schedule.work_now()
    rows = []
    for case in followup_cases(user=user, day=day):
        rows.append(
            DueRow(
                case=case,
                qday=case.quarantine_day(day),
                morning=schedule.window_state(day, schedule.MORNING, now, case.am_done),  # type: ignore[attr-defined]
                evening=schedule.window_state(day, schedule.EVENING, now, case.pm_done),  # type: ignore[attr-defined]
                last_temperature=temperature(case.last_temperature),  # type: ignore[attr-defined]
                has_open_alert=case.has_open_alert,  # type: ignore[attr-defined]
            )
        )
    # What needs doing first: overdue, then due now, then the rest.
    rank = {"overdue": 0, "due": 1, "upcoming": 2, "done": 3}
    rows.sort(key=lambda r: (min(rank[r.morning], rank[r.evening]), r.case.village_id or 0))
    return rows


def overdue_cases(
    *, user: AnyUser, now: datetime.datetime | None = None
) -> QuerySet[QuarantineCase]:
    now = now or schedule.work_now()
    return (
        restrict(QuarantineCase.objects.select_related("person", "township", "village"), user)
        .filter(overdue_q(now))
        .prefetch_related(Prefetch("team_members", queryset=TeamMember.objects.order_by("kind")))
        .order_by("township__code", "village__name", "id")
    )


def overdue_by_team(cases: list[QuarantineCase]) -> list[dict[str, Any]]:
    """Overdue cases grouped by the team member answerable (a person may be in several)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for case in cases:
        for m in case.team_members.all():
            key = (m.kind, m.name)
            g = groups.setdefault(
                key, {"kind": m.get_kind_display(), "name": m.name, "phone": m.phone, "cases": []}
            )
            g["cases"].append(case)
    return sorted(groups.values(), key=lambda g: (-len(g["cases"]), g["name"]))


def alert_list(*, user: AnyUser, f: AlertFilter | None = None) -> QuerySet[Alert]:
    f = f or AlertFilter()
    qs = restrict(
        Alert.objects.select_related(
            "case", "case__person", "case__township", "case__village", "resolved_by"
        ),
        user,
    )
    if f.open_only:
        qs = qs.filter(resolved_at__isnull=True)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("-raised_at", "-id")


def alert_get(*, user: AnyUser, pk: int) -> Alert:
    return get_in_scope(Alert.objects.select_related("case"), user, pk=pk)


def release_proposed(*, user: AnyUser, day: datetime.date) -> QuerySet[QuarantineCase]:
    """Cases on day 15 or later of their quarantine (start + QUARANTINE_DAYS): to confirm."""
    return (
        restrict(QuarantineCase.objects.select_related("person", "township", "village"), user)
        .filter(status=CaseStatus.QUARANTINED, planned_end__lte=day)
        .annotate(has_open_alert=open_alert_exists())
        .order_by("planned_end", "township__code", "id")
    )
