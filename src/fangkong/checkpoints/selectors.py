"""Reads of the checkpoints app: passage lists and search, trajectories, the roster grid,
who is on duty now, fatigue, hand counts that disagree, and the counts behind the figures."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import in_area, restrict, scope_for
from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.models import (
    Checkpoint,
    CheckpointPost,
    DutyAssignment,
    DutyShift,
    Occupant,
    Passage,
    PassageCount,
    PassageDayCount,
)
from fangkong.core import clock
from fangkong.core.clock import SHANGHAI, work_day, work_now
from fangkong.core.disclosure import search_counted, shown
from fangkong.core.exports import Sheet
from fangkong.core.fields import model_field
from fangkong.core.masking import mask_name
from fangkong.core.plates import normalize_plate
from fangkong.org.models import Officer
from fangkong.people.selectors import SearchFields, search_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

COUNT_FIELDS = ("vehicles", "persons", "flagged", "turned_back", "referred", "medical")


def checkpoint_list(*, user: User | AnonymousUser) -> QuerySet[Checkpoint]:
    return restrict(Checkpoint.objects.select_related("unit"), user).order_by("code")


# A user is posted to a checkpoint by a posting (CheckpointPost) or by the roster (a shift
# there now). posted_checkpoint_ids answers it for a user; posted_here for a device token
# row, in the query that reads the token (no query more per request).


def units_checkpoint_ids(unit_ids: Any) -> list[int]:
    """The checkpoints these units run: an area's checkpoints (jurisdiction.area_scope)."""
    return list(Checkpoint.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", flat=True))


def posted_checkpoint_ids(user: Any) -> list[int]:
    """Checkpoints a checkpoint-role user is posted to (jurisdiction resolver)."""
    if not getattr(user, "pk", None):
        return []
    ids = list(
        CheckpointPost.objects.filter(user_id=user.pk).values_list("checkpoint_id", flat=True)
    )
    if user.officer_id:
        now = clock.now()
        ids += list(
            DutyAssignment.objects.filter(
                officer_id=user.officer_id, starts_at__lte=now, ends_at__gt=now
            ).values_list("shift__checkpoint_id", flat=True)
        )
    return ids


def posted_here(user_ref: str, checkpoint_ref: str, officer_ref: str) -> Q:
    """For a query over rows naming a user and a checkpoint (by these paths): the user is
    posted there now, as posted_checkpoint_ids has it."""
    now = clock.now()
    return Q(
        Exists(
            CheckpointPost.objects.filter(
                user_id=OuterRef(user_ref), checkpoint_id=OuterRef(checkpoint_ref)
            )
        )
    ) | Q(
        Exists(
            DutyAssignment.objects.filter(
                officer_id=OuterRef(officer_ref),
                shift__checkpoint_id=OuterRef(checkpoint_ref),
                starts_at__lte=now,
                ends_at__gt=now,
            )
        )
    )


def user_checkpoint(user: User | AnonymousUser) -> Checkpoint | None:
    """The checkpoint a user registers at: their posting, else where the roster has them now."""
    ids = sorted(scope_for(user).checkpoint_ids)
    if not ids:
        return None
    post = (
        CheckpointPost.objects.filter(user_id=user.pk or 0)
        .select_related("checkpoint__unit")
        .first()
    )
    if post is not None:
        return post.checkpoint
    return Checkpoint.objects.select_related("unit").filter(pk__in=ids).first()


def was_on_duty(
    *, user: User | AnonymousUser, checkpoint: Checkpoint, at: datetime.datetime
) -> bool:
    """Whether the user's officer held a shift at the checkpoint at that moment."""
    officer_id = getattr(user, "officer_id", None)
    if not officer_id:
        return False
    if timezone.is_naive(at):
        at = timezone.make_aware(at, SHANGHAI)
    return DutyAssignment.objects.filter(
        officer_id=officer_id, shift__checkpoint=checkpoint, starts_at__lte=at, ends_at__gt=at
    ).exists()


def current_shift(checkpoint: Checkpoint, at: datetime.datetime | None = None) -> DutyShift | None:
    day, slot = checkpoint.shift_at(at or clock.now())
    return (
        DutyShift.objects.filter(checkpoint=checkpoint, day=day, slot=slot)
        .select_related("leader", "party_leader")
        .prefetch_related("assignments__officer")
        .first()
    )


# ---------------------------------------------------------------- passages


# An occupant is searched in what the checkpoint recorded, never in the person's record.
OCCUPANT_FIELDS = SearchFields(
    name="name",
    phone="phone",
    id_number="person__id_number",
    doc_number="person__doc_number",
    pinyin="person__name_pinyin",
    initials="person__name_initials",
    pinyin_of="person__name",
)


def _occupant_q(q: str, among: QuerySet[Occupant]) -> Q | None:
    """A search term as a filter on occupants: plate-shaped terms search plates, anything
    else what the checkpoint recorded of each occupant, the way the people pages search
    people (whole ID number or phone, name, pinyin) — see SearchFields."""
    text = q.strip()
    if not text:
        return None
    plate = normalize_plate(text)
    if plate and not plate[0].isascii() and any(c.isdigit() for c in plate) and len(plate) >= 3:
        return Q(passage__plate__startswith=plate)
    return search_filter(text, among=among, fields=OCCUPANT_FIELDS)


def passage_list(*, user: User | AnonymousUser, f: PassageFilter) -> QuerySet[Passage]:
    qs = restrict(Passage.objects.all(), user)
    if f.checkpoint:
        qs = qs.filter(checkpoint_id=f.checkpoint)
    if f.day:
        qs = qs.filter(day=f.day)
    if f.slot is not None:
        qs = qs.filter(shift__slot=f.slot)
    occ = Occupant.objects.filter(passage=OuterRef("pk"))
    filtered = False
    if f.decision:
        occ = occ.filter(decision=f.decision)
        filtered = True
    if f.flag == "any":
        qs = qs.filter(flagged=True)
    elif f.flag == "none":
        qs = qs.filter(flagged=False)
    elif f.flag:
        occ = occ.filter(flag_codes__contains=f",{f.flag},")
        filtered = True
    if f.q.strip():
        search_counted(user)
    term = _occupant_q(f.q, among=restrict(Occupant.objects.all(), user))
    if term is not None:
        occ = occ.filter(term)
        filtered = True
    if filtered:
        qs = qs.filter(Exists(occ))
    return (
        qs.select_related("checkpoint", "shift")
        .prefetch_related(
            Prefetch(
                "occupants",
                queryset=Occupant.objects.select_related("person").order_by("position"),
            )
        )
        .order_by("-occurred_at", "-id")
    )


def passage_get(*, user: User | AnonymousUser, pk: int) -> Passage:
    from fangkong.accounts.jurisdiction import get_in_scope

    return get_in_scope(
        Passage.objects.select_related("checkpoint", "shift", "registered_by").prefetch_related(
            Prefetch(
                "occupants",
                queryset=Occupant.objects.select_related("person", "case").order_by("position"),
            )
        ),
        user,
        pk=pk,
    )


def occupant_rows(*, user: User | AnonymousUser, f: PassageFilter) -> QuerySet[Occupant]:
    """The day's register (卡口登记台账): one row per person, for the Excel export."""
    passages = passage_list(user=user, f=f).values("pk")
    return (
        Occupant.objects.filter(passage__in=passages)
        .select_related("passage", "passage__shift", "person", "checkpoint")
        .order_by("passage__occurred_at", "passage_id", "position")
    )


REGISTER_HEADERS = [
    "通行时间", "检查站", "班次", "方向", "车牌号", "车辆类型", "姓名", "身份证号", "联系电话",
    "体温", "从何处来", "到何处去", "14天行程", "症状", "预警", "处置",
]  # fmt: skip


def register_sheet(rows: QuerySet[Occupant], *, reveal: bool) -> Sheet:
    """卡口登记台账 as a sheet: one row per person (occupant_rows), read as plain values in
    chunks while it is written (no model objects: five per row; labels looked up once);
    masked unless `reveal`. Name and phone as given at the checkpoint (the occupant's),
    not the person's record."""
    checkpoints = {c.pk: c for c in Checkpoint.objects.all()}
    labels = {
        key: {v: str(label) for v, label in model_field(model, name).flatchoices}
        for key, model, name in (
            ("direction", Passage, "direction"),
            ("vehicle", Passage, "vehicle_type"),
            ("decision", Occupant, "decision"),
        )
    }
    columns = (
        "passage__occurred_at", "checkpoint_id", "passage__shift__slot", "passage__direction",
        "passage__plate", "passage__vehicle_type", "name", "person__id_number",
        "phone", "temperature", "origin", "destination", "travel_history", "symptoms",
        "flags", "decision",
    )  # fmt: skip

    def cells() -> Iterator[list[Any]]:
        for (
            occurred_at, checkpoint_id, slot, direction, plate, vehicle, name, id_number,
            phone, temperature, origin, destination, travel, symptoms, flags, decision,
        ) in rows.values_list(*columns).iterator(chunk_size=2000):  # fmt: skip
            checkpoint = checkpoints[checkpoint_id]
            yield [
                timezone.localtime(occurred_at),
                checkpoint.name,
                checkpoint.shift_label(slot),
                labels["direction"].get(direction, direction),
                plate,
                labels["vehicle"].get(vehicle, vehicle),
                name if reveal else mask_name(name),
                shown("id_number", id_number or "", revealed=reveal),
                shown("phone", phone, revealed=reveal),
                temperature,
                origin,
                destination,
                "、".join(travel),
                "、".join(symptoms),
                "；".join(fl["reason"] for fl in flags),
                labels["decision"].get(decision, decision),
            ]

    return Sheet("卡口登记台账", REGISTER_HEADERS, cells())


def person_trajectory(*, user: User | AnonymousUser, person_id: int) -> QuerySet[Occupant]:
    """A person's occupancies the user may see (a checkpoint: its own registrations)."""
    return (
        restrict(Occupant.objects.filter(person_id=person_id), user)
        .select_related("passage", "checkpoint", "case", "person")
        .order_by("passage__occurred_at")
    )


def recorded_here(*, user: User | AnonymousUser, id_number: str) -> Occupant | None:
    """The last occupant with this ID number among the user's own registrations (their
    checkpoint's): what the roadside may be reminded of, as it recorded it."""
    return (
        restrict(Occupant.objects.filter(person__id_number=id_number), user)
        .only("pk", "person_id", "name", "phone")
        .order_by("-passage_id")
        .first()
    )


def plate_trajectory(*, user: User | AnonymousUser, plate: str) -> QuerySet[Passage]:
    return (
        restrict(Passage.objects.filter(plate=normalize_plate(plate)), user)
        .select_related("checkpoint")
        .order_by("occurred_at")
    )


# ---------------------------------------------------------------- counts


def counts_by(
    *,
    start: datetime.date,
    end: datetime.date,
    by: Iterable[str] = (),
    checkpoint_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Sums of the pre-aggregated counts over days [start, end], grouped by the given
    columns (checkpoint, day, slot, hour): from the per-day rows when the grouping allows,
    so that totals since the first day cost one row per checkpoint and day."""
    group = list(by)
    model = PassageDayCount if set(group) <= {"checkpoint", "day"} else PassageCount
    qs = model.objects.filter(day__gte=start, day__lte=end)
    if checkpoint_ids is not None:
        qs = qs.filter(checkpoint_id__in=list(checkpoint_ids))
    if group:
        qs = qs.values(*group).order_by(*group)
    else:
        totals = qs.aggregate(**{f: Sum(f) for f in COUNT_FIELDS})
        return [{f: totals[f] or 0 for f in COUNT_FIELDS}]
    return [
        {**row, **{f: row[f] or 0 for f in COUNT_FIELDS}}
        for row in qs.annotate(**{f"{f}": Sum(f) for f in COUNT_FIELDS})
    ]


# ---------------------------------------------------------------- roster


def _assignments() -> Prefetch[Any]:
    return Prefetch(
        "assignments",
        queryset=DutyAssignment.objects.select_related("officer").order_by("officer__badge_number"),
    )


@dataclass
class RosterCell:
    shift: DutyShift | None
    day: datetime.date
    slot: int
    label: str = ""
    officers: list[Officer] = field(default_factory=list)
    fatigued: list[Officer] = field(default_factory=list)


def week_days(start: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range(7)]


def roster_week(
    *, user: User | AnonymousUser, start: datetime.date
) -> tuple[list[Checkpoint], list[datetime.date], dict[tuple[int, datetime.date, int], RosterCell]]:
    """The planner grid: checkpoints × days × shifts, with officers and fatigue marks."""
    checkpoints = list(checkpoint_list(user=user))
    days = week_days(start)
    shifts = (
        DutyShift.objects.filter(checkpoint__in=checkpoints, day__gte=days[0], day__lte=days[-1])
        .select_related("leader", "party_leader")
        .prefetch_related(_assignments())
    )
    tired: dict[datetime.date, set[int]] = {
        d: {f.officer.pk for f in flags}
        for d, flags in fatigue_flags_range(days[0], days[-1]).items()
    }
    grid: dict[tuple[int, datetime.date, int], RosterCell] = {}
    for cp in checkpoints:
        for d in days:
            for slot in range(len(cp.shift_starts)):
                grid[(cp.pk, d, slot)] = RosterCell(
                    shift=None, day=d, slot=slot, label=cp.shift_label(slot)
                )
    for shift in shifts:
        officers = [a.officer for a in shift.assignments.all()]
        grid[(shift.checkpoint_id, shift.day, shift.slot)] = RosterCell(
            shift=shift,
            day=shift.day,
            slot=shift.slot,
            label=grid[(shift.checkpoint_id, shift.day, shift.slot)].label,
            officers=officers,
            fatigued=[o for o in officers if o.pk in tired.get(shift.day, set())],
        )
    return checkpoints, days, grid


def roster_rows(
    *, user: User | AnonymousUser, start: datetime.date, end: datetime.date
) -> QuerySet[DutyAssignment]:
    return (
        restrict(DutyAssignment.objects.all(), user)
        .filter(day__gte=start, day__lte=end)
        .select_related(
            "shift__checkpoint", "shift__leader", "shift__party_leader", "officer__unit"
        )
        .order_by("day", "shift__checkpoint__code", "shift__slot", "officer__badge_number")
    )


@dataclass
class RosterLine:
    shift: DutyShift
    officers: list[Officer]
    mine: bool


def own_roster(
    *, user: User | AnonymousUser, checkpoint: Checkpoint, start: datetime.date, days: int = 3
) -> list[RosterLine]:
    """The shifts of the officer's checkpoint, and their own shifts anywhere, from `start`
    for `days` days: what they look up at the roadside (the register page keeps it offline)."""
    officer_id = getattr(user, "officer_id", None)
    where = Q(checkpoint=checkpoint)
    if officer_id:
        where |= Q(assignments__officer_id=officer_id)
    shifts = (
        DutyShift.objects.filter(
            where, day__gte=start, day__lt=start + datetime.timedelta(days=days)
        )
        .distinct()
        .select_related("checkpoint", "leader")
        .prefetch_related(_assignments())
        .order_by("starts_at", "checkpoint__code")
    )
    lines = []
    for shift in shifts:
        officers = [a.officer for a in shift.assignments.all()]
        lines.append(
            RosterLine(
                shift, officers, bool(officer_id) and any(o.pk == officer_id for o in officers)
            )
        )
    return lines


@dataclass
class BoardRow:
    """One checkpoint on the on-duty board, with its shifts that have officers on them."""

    checkpoint: Checkpoint
    shifts: list[DutyShift]


def on_duty_board(
    *,
    user: User | AnonymousUser,
    at: datetime.datetime | None = None,
    day: datetime.date | None = None,
) -> list[BoardRow]:
    """Every checkpoint the user sees that is open then, with the shifts on duty at `at`
    (default now) or, given `day`, every shift of that day's roster. A checkpoint with no
    staffed shift has an empty list: the board says 未排班 there instead of leaving it out."""
    if day is None:
        at = at or work_now()
        on = at.astimezone(SHANGHAI).date()
        shifts = DutyShift.objects.filter(
            day__gte=on - datetime.timedelta(days=1), starts_at__lte=at, ends_at__gt=at
        )
    else:
        on = day
        shifts = DutyShift.objects.filter(day=day)
    checkpoints = list(
        checkpoint_list(user=user)
        .filter(opened_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    )
    by_checkpoint: dict[int, list[DutyShift]] = defaultdict(list)
    for shift in (
        shifts.filter(checkpoint__in=[c.pk for c in checkpoints])
        .select_related("checkpoint", "leader", "party_leader")
        .prefetch_related(_assignments())
        .order_by("starts_at")
    ):
        if shift.assignments.all():
            by_checkpoint[shift.checkpoint_id].append(shift)
    return [BoardRow(c, by_checkpoint.get(c.pk, [])) for c in checkpoints]


# ---------------------------------------------------------------- fatigue


@dataclass(frozen=True)
class FatigueFlag:
    officer: Officer
    kind: str  # "days" or "hours"
    value: int
    reason: str


def fatigue_limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "FANGKONG_FATIGUE_DAYS", 5)),
        int(getattr(settings, "FANGKONG_FATIGUE_HOURS", 16)),
    )


def _fatigue_candidates(start: datetime.date, end: datetime.date) -> set[int]:
    """Officers who may be flagged on some day in [start, end], found in SQL so that the
    cost follows the officers on duty in those days, not the roster's whole history.

    A streak of N duty days ending on day d means N distinct duty days in [d-N+1, d]; more
    than H hours within 24 hours ending on d (in the 48 hours before d ends) needs at least
    ceil((H+1)/S) shifts there, S the longest shift of any checkpoint. Shifts start on their
    own day and last at most 24 hours, so those shifts started on d-2 at the earliest.
    """
    days_limit, hours_limit = fatigue_limits()
    streaks = (
        DutyAssignment.objects.filter(
            day__gte=start - datetime.timedelta(days=days_limit - 1), day__lte=end
        )
        .values("officer_id")
        .annotate(days=Count("day", distinct=True))
        .filter(days__gte=days_limit)
        .values_list("officer_id", flat=True)
    )
    configs = {tuple(s) for s in Checkpoint.objects.values_list("shift_starts", flat=True)}
    longest = max(
        (
            Checkpoint(shift_starts=list(starts)).shift_hours(slot)
            for starts in configs
            for slot in range(len(starts))
        ),
        default=24,
    )
    shifts_needed = max(1, -(-(hours_limit + 1) // longest))
    window_start = datetime.datetime.combine(
        start - datetime.timedelta(days=1), datetime.time(), SHANGHAI
    )
    window_end = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(), SHANGHAI
    )
    busy = (
        DutyAssignment.objects.filter(
            day__gte=start - datetime.timedelta(days=2),
            day__lte=end,
            starts_at__lt=window_end,
            ends_at__gt=window_start,
        )
        .values("officer_id")
        .annotate(shifts=Count("id"))
        .filter(shifts__gte=shifts_needed)
        .values_list("officer_id", flat=True)
    )
    return set(streaks) | set(busy)


def fatigue_flags_range(
    start: datetime.date, end: datetime.date
) -> dict[datetime.date, list[FatigueFlag]]:
    """fatigue_flags for every day in [start, end]: candidates first, then their duties."""
    days_limit, hours_limit = fatigue_limits()
    lookback = start - datetime.timedelta(days=60)
    candidates = _fatigue_candidates(start, end)
    rows = (
        list(
            DutyAssignment.objects.filter(
                officer_id__in=candidates, day__gte=lookback, day__lte=end
            )
            .select_related("officer")
            .order_by("officer_id", "starts_at")
            .only(
                "officer", "day", "starts_at", "ends_at", "officer__name", "officer__badge_number"
            )
        )
        if candidates
        else []
    )
    by_officer: dict[int, list[DutyAssignment]] = defaultdict(list)
    for a in rows:
        by_officer[a.officer_id].append(a)
    out: dict[datetime.date, list[FatigueFlag]] = {}
    day = start
    while day <= end:
        flags: list[FatigueFlag] = []
        for duties in by_officer.values():
            flag = _fatigue(duties, day, days_limit, hours_limit)
            if flag:
                flags.append(flag)
        out[day] = sorted(flags, key=lambda f: (-f.value, f.officer.badge_number))
        day += datetime.timedelta(days=1)
    return out


def fatigue_flags(on: datetime.date) -> list[FatigueFlag]:
    """Officers whom the roster has worn out as of `on`: on duty on N consecutive days
    ending that day, or more than H hours within some 24 hours that end that day
    (FANGKONG_FATIGUE_DAYS, FANGKONG_FATIGUE_HOURS; defaults 5 and 16)."""
    return fatigue_flags_range(on, on)[on]


def _fatigue(
    duties: list[DutyAssignment], on: datetime.date, days_limit: int, hours_limit: int
) -> FatigueFlag | None:
    days = {a.day for a in duties if a.day <= on}
    if on not in days:
        return None
    officer = duties[0].officer
    streak = 0
    d = on
    while d in days:
        streak += 1
        d -= datetime.timedelta(days=1)
    if streak >= days_limit:
        first = on - datetime.timedelta(days=streak - 1)
        return FatigueFlag(
            officer,
            "days",
            streak,
            f"{officer.name}自{first.month}月{first.day}日起连续{streak}天在岗",
        )
    day_end = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    window = [
        a
        for a in duties
        if a.starts_at < day_end and a.ends_at > day_end - datetime.timedelta(hours=48)
    ]
    for a in window:
        if a.day != on:
            continue
        for anchor in (a.starts_at, a.ends_at - datetime.timedelta(hours=24)):
            lo, hi = anchor, anchor + datetime.timedelta(hours=24)
            seconds = sum(
                max(0.0, (min(b.ends_at, hi) - max(b.starts_at, lo)).total_seconds())
                for b in window
            )
            hours = int(seconds // 3600)
            if hours > hours_limit:
                return FatigueFlag(
                    officer,
                    "hours",
                    hours,
                    f"{officer.name}在24小时内执勤{hours}小时（超过{hours_limit}小时）",
                )
    return None


# ---------------------------------------------------------------- tallies


@dataclass
class TallyRow:
    shift: DutyShift
    vehicles: int
    persons: int

    @property
    def vehicle_gap(self) -> int:
        return (self.shift.counted_vehicles or 0) - self.vehicles

    @property
    def person_gap(self) -> int | None:
        if self.shift.counted_persons is None:
            return None
        return self.shift.counted_persons - self.persons


def tally_rows(
    *,
    user: User | AnonymousUser,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    only_differing: bool = True,
) -> list[TallyRow]:
    """Shifts whose leader entered a hand count, with what was registered (from counts)."""
    shifts = restrict(DutyShift.objects.filter(counted_vehicles__isnull=False), user)
    if start:
        shifts = shifts.filter(day__gte=start)
    if end:
        shifts = shifts.filter(day__lte=end)
    shifts = shifts.select_related("checkpoint", "leader").order_by(
        "-day", "checkpoint__code", "slot"
    )
    shift_list = list(shifts)
    if not shift_list:
        return []
    days = [s.day for s in shift_list]
    sums = {
        (r["checkpoint"], r["day"], r["slot"]): r
        for r in counts_by(
            start=min(days),
            end=max(days),
            by=("checkpoint", "day", "slot"),
            checkpoint_ids={s.checkpoint_id for s in shift_list},
        )
    }
    rows = []
    for s in shift_list:
        got = sums.get((s.checkpoint_id, s.day, s.slot), {})
        row = TallyRow(s, got.get("vehicles", 0), got.get("persons", 0))
        if not only_differing or row.vehicle_gap or row.person_gap:
            rows.append(row)
    return rows


def local_today() -> datetime.date:
    return work_day()


def passage_get_any(*, pk: int) -> Passage:
    """A passage just stored by the caller (no jurisdiction: they registered it)."""
    return (
        Passage.objects.select_related("checkpoint", "shift")
        .prefetch_related(
            Prefetch(
                "occupants",
                queryset=Occupant.objects.select_related("person").order_by("position"),
            )
        )
        .get(pk=pk)
    )


def shifts_on(*, user: User | AnonymousUser, day: datetime.date) -> list[DutyShift]:
    return list(
        restrict(DutyShift.objects.filter(day=day), user)
        .select_related("checkpoint", "leader", "party_leader")
        .prefetch_related(_assignments())
        .order_by("checkpoint__code", "slot")
    )


# ---------------------------------------------------------------- roster editor


@dataclass
class PickerOfficer:
    officer: Officer
    chosen: bool
    away: str  # 休假, 病休 … when not on post, else ""
    tired: str  # the fatigue reason on that day, else ""


@dataclass
class PickerUnit:
    unit: str
    officers: list[PickerOfficer]


def roster_picker(*, day: datetime.date, chosen: set[int], area: str) -> list[PickerUnit]:
    """Every officer of the area (the checkpoint's), grouped by unit in the bureau's order,
    with what the planner must see before putting them on a shift: leave, fatigue that day,
    party membership."""
    tired = {flag.officer.pk: flag.reason for flag in fatigue_flags(day)}
    groups: dict[int, PickerUnit] = {}
    officers = in_area(Officer.objects.select_related("unit"), area, unit_path="unit__")
    for officer in officers.order_by("unit__path", "badge_number"):
        group = groups.setdefault(officer.unit_id, PickerUnit(officer.unit.name, []))
        away = "" if officer.status == Officer.Status.ON_POST else officer.get_status_display()
        group.officers.append(
            PickerOfficer(officer, officer.pk in chosen, str(away), tired.get(officer.pk, ""))
        )
    return list(groups.values())


def shift_warnings(officers: Sequence[Officer], party_leader: Officer | None) -> list[str]:
    """What a shift still lacks: a 民警 (an auxiliary may not hold a checkpoint alone) and a
    temporary party group (a party member on the shift, and its leader named)."""
    if not officers:
        return []
    warnings = []
    if not any(o.kind == Officer.Kind.POLICE for o in officers):
        warnings.append(str(_("本班没有民警：辅警不能单独执勤，请至少安排一名民警")))
    if not any(o.party_member for o in officers):
        warnings.append(str(_("本班没有党员，不能成立临时党小组")))
    elif party_leader is None:
        warnings.append(str(_("本班尚未指定临时党小组组长")))
    return warnings
