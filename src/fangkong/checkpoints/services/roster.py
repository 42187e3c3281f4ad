"""The duty roster: shifts, who holds them (no officer in two places at once), a week
copied to the next, the shift leader's hand count."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import in_area, restrict, unit_area
from fangkong.checkpoints.models import Checkpoint, DutyAssignment, DutyShift
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.org.areas import area_name, installation_area
from fangkong.org.models import Officer

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def shift_get_or_create(*, checkpoint: Checkpoint, day: datetime.date, slot: int) -> DutyShift:
    if not 0 <= slot < len(checkpoint.shift_starts):
        raise ValidationError({"slot": _("班次不存在")})
    begin, end = checkpoint.shift_window(day, slot)
    shift, _created = DutyShift.objects.get_or_create(
        checkpoint=checkpoint, day=day, slot=slot, defaults={"starts_at": begin, "ends_at": end}
    )
    return shift


def _outside_area(
    checkpoint: Checkpoint,
    officers: Sequence[Officer],
    leader: Officer | None,
    party_leader: Officer | None,
) -> dict[str, list[str]]:
    """The officers, by field, who are not of the checkpoint's area (one query)."""
    area = unit_area(checkpoint.unit)
    if area == installation_area():
        return {}  # every officer of the installation is of its own area
    named: dict[str, list[Officer | None]] = {
        "officers": list(officers),
        "leader": [leader],
        "party_leader": [party_leader],
    }
    ids = {o.pk for os in named.values() for o in os if o is not None}
    inside = set(
        in_area(Officer.objects.filter(pk__in=ids), area, unit_path="unit__").values_list(
            "pk", flat=True
        )
    )
    where = area_name(area) or area
    errors: dict[str, list[str]] = {}
    for field, who in named.items():
        for o in who:
            if o is not None and o.pk not in inside:
                errors.setdefault(field, []).append(
                    _("%(officer)s不属%(area)s，不能在%(cp)s执勤")
                    % {
                        "officer": o,
                        "area": where,
                        "cp": checkpoint.name,
                    }
                )
    return errors


def _clash_message(officer: Officer, other: DutyAssignment) -> str:
    return _(
        "%(officer)s已安排在%(cp)s %(day)s %(label)s班执勤，与本班时间重叠，不能同时在两处执勤"
    ) % {
        "officer": officer,
        "cp": other.shift.checkpoint.name,
        "day": f"{other.shift.day:%m-%d}",
        "label": other.shift.label,
    }


@transaction.atomic
def shift_assign(
    *,
    shift: DutyShift,
    officers: Sequence[Officer],
    leader: Officer | None,
    party_leader: Officer | None,
    by: User | None,
) -> DutyShift:
    """Set who holds a shift, its leader and its temporary party group's leader.

    Refuses, naming the officer and the field, an officer of another county than the
    checkpoint's (a city's counties plan their own; a checkpoint of the city bureau takes
    the city's), and, naming the clash, anyone already on duty elsewhere at an overlapping
    time; the party group leader must be a party member on this shift."""
    shift = (
        DutyShift.objects.select_for_update(of=("self",))
        .select_related("checkpoint__unit")
        .get(pk=shift.pk)
    )
    officers = list(dict.fromkeys(officers))
    ids = [o.pk for o in officers]
    errors = _outside_area(shift.checkpoint, officers, leader, party_leader)
    if errors:
        raise ValidationError(errors)
    clashes = (
        DutyAssignment.objects.filter(
            officer_id__in=ids, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
        )
        .exclude(shift=shift)
        .select_related("shift__checkpoint", "officer")
    )
    messages = [_clash_message(c.officer, c) for c in clashes]
    if messages:
        errors["officers"] = messages
    if leader is not None and leader.pk not in ids:
        errors["leader"] = [_("带班负责人须是本班执勤人员")]
    if party_leader is not None:
        if not party_leader.party_member:
            errors["party_leader"] = [
                _("临时党小组组长须为党员：%(o)s不是党员") % {"o": party_leader}
            ]
        elif party_leader.pk not in ids:
            errors["party_leader"] = [_("临时党小组组长须是本班执勤人员")]
    if errors:
        raise ValidationError(errors)
    before = sorted(shift.assignments.values_list("officer_id", flat=True))
    shift.assignments.exclude(officer_id__in=ids).delete()
    have = set(shift.assignments.values_list("officer_id", flat=True))
    DutyAssignment.objects.bulk_create(
        [
            DutyAssignment(
                shift=shift,
                officer=o,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                day=shift.day,
            )
            for o in officers
            if o.pk not in have
        ]
    )
    shift.leader = leader
    shift.party_leader = party_leader
    shift.save(update_fields=["leader", "party_leader"])
    audit_record(
        actor=by,
        action="update",
        obj=shift,
        changes={
            "officers": [before, sorted(ids)],
            "leader": [None, leader.pk if leader else None],
            "party_leader": [None, party_leader.pk if party_leader else None],
        },
    )
    return shift


@transaction.atomic
def roster_copy_week(
    *, week_start: datetime.date, by: User | None, checkpoints: Sequence[Checkpoint] | None = None
) -> tuple[int, list[str]]:
    """Copy every shift of the week starting `week_start` to the week after: of the
    checkpoints `by` plans (their jurisdiction: a county's planner, their county's), or of
    `checkpoints`. Shifts that already have officers next week are left alone; each copy is
    checked as a new assignment (shift_assign). Returns (shifts copied, refusals)."""
    qs = DutyShift.objects.filter(
        day__gte=week_start, day__lt=week_start + datetime.timedelta(days=7)
    ).select_related("checkpoint", "leader", "party_leader")
    if checkpoints is not None:
        qs = qs.filter(checkpoint__in=checkpoints)
    if by is not None:
        qs = qs.filter(checkpoint__in=restrict(Checkpoint.objects.all(), by))
    source = list(qs.prefetch_related("assignments__officer"))
    copied, refusals = 0, list[str]()
    for shift in source:
        officers = [a.officer for a in shift.assignments.all()]
        if not officers:
            continue
        target = shift_get_or_create(
            checkpoint=shift.checkpoint, day=shift.day + datetime.timedelta(days=7), slot=shift.slot
        )
        if target.assignments.exists():
            continue
        try:
            with transaction.atomic():
                shift_assign(
                    shift=target,
                    officers=officers,
                    leader=shift.leader,
                    party_leader=shift.party_leader,
                    by=by,
                )
        except ValidationError as exc:
            refusals.extend(f"{target}：{m}" for m in exc.messages)
        else:
            copied += 1
    return copied, refusals


@transaction.atomic
def shift_tally(
    *,
    shift: DutyShift,
    vehicles: int,
    persons: int | None,
    by: User,
    at: datetime.datetime | None = None,
) -> DutyShift:
    """The shift leader's hand count of vehicles (and persons) at the end of the shift."""
    errors = {}
    if vehicles is None or vehicles < 0:
        errors["counted_vehicles"] = [_("人工清点车辆数须为0或正整数")]
    if persons is not None and persons < 0:
        errors["counted_persons"] = [_("人工清点人数须为0或正整数")]
    if errors:
        raise ValidationError(errors)
    shift.counted_vehicles = vehicles
    shift.counted_persons = persons
    shift.counted_by = by
    shift.counted_at = at or clock.now()
    shift.save(update_fields=["counted_vehicles", "counted_persons", "counted_by", "counted_at"])
    audit_record(
        actor=by,
        action="update",
        obj=shift,
        changes={"counted_vehicles": [None, vehicles], "counted_persons": [None, persons]},
    )
    return shift
