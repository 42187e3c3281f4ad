"""A case's life after it is opened: verification, status transitions and release (one at a
time and in bulk), and the quarantine period."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import (
    audit_bulk,
    audit_record,
    id_runs,
)
from fangkong.core.conflicts import stale_error
from fangkong.core.fields import model_field
from fangkong.core.moments import past_day_checked
from fangkong.core.text import plain_text_error, prose
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    CaseStatus,
    CaseTransition,
    QuarantineCase,
)
from fangkong.quarantine.schedule import SHANGHAI
from fangkong.quarantine.services.teams import MemberInput, team_assign

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def quarantine_days() -> int:
    return int(settings.FANGKONG["QUARANTINE_DAYS"])


def _transition_errors(case: QuarantineCase, to: str, reason: str) -> None:
    if to not in TRANSITIONS.get(case.status, ()):
        raise ValidationError(
            _("不能从“%(from)s”变更为“%(to)s”")
            % {"from": case.get_status_display(), "to": CaseStatus(to).label},
            code="transition",
        )
    if not reason:
        raise ValidationError({"reason": [_("原因不能为空")]})
    if refused := plain_text_error(reason, _("原因")):
        raise ValidationError({"reason": [refused]})


def start_too_early(case: QuarantineCase, start: datetime.date | None) -> str | None:
    """A quarantine's start given before the person could have begun it (the seventh
    attack's second round: 2020-01-10 for a person who arrived on 2020-02-03, then released
    at once as 期满): not before the arrival date; with no arrival date on the case, not more
    than a quarantine's length before the case was opened — an earlier return is recorded
    as the arrival date first, where the case's page and its trail show it."""
    if start is None or start == case.start_date:
        return None  # none given, or the case's own start kept (a clinic's outcome)
    if case.arrival_date is not None:
        if start < case.arrival_date:
            return _("隔离开始日期不能早于抵达日期（%(day)s）") % {"day": case.arrival_date}
        return None
    opened = case.opened_on or (case.created_at and timezone.localdate(case.created_at, SHANGHAI))
    if opened is None:
        return None
    earliest = opened - datetime.timedelta(days=quarantine_days())
    if start < earliest:
        return _("隔离开始日期不能早于建档前%(n)d天（%(day)s）：更早返回的，请先登记抵达日期") % {
            "n": quarantine_days(),
            "day": earliest,
        }
    return None


def _apply_transition(
    case: QuarantineCase,
    *,
    to: str,
    at: datetime.datetime,
    measure: str | None,
    start_date: datetime.date | None,
) -> list[str]:
    """Set the fields a transition changes; returns their names. No save. A start given
    is a day the quarantine began: not after today (core.moments.future_day_error), for
    the verify page, the service and the bulk path alike."""
    past_day_checked(QuarantineCase, start_date, field="start_date")
    if refused := start_too_early(case, start_date):
        raise ValidationError({"start_date": [refused]})
    update = ["status", "updated_at", "version"]
    case.status = to
    if measure is not None:
        case.measure = measure
        update.append("measure")
    if to == CaseStatus.QUARANTINED:
        start = start_date or case.arrival_date or timezone.localdate(at, SHANGHAI)
        case.start_date = start
        case.planned_end = start + datetime.timedelta(days=quarantine_days())
        case.measure = case.measure or QuarantineCase.Measure.HOME
        update += ["start_date", "planned_end", "measure"]
    if to not in OPEN_STATUSES:
        case.ended_at = at
        case.ended_on = timezone.localdate(at, SHANGHAI)
        update += ["ended_at", "ended_on"]
    case.version += 1
    return sorted(set(update))


@transaction.atomic
def case_transition(
    *,
    case: QuarantineCase,
    to: str,
    by: User,
    reason: str,
    at: datetime.datetime | None = None,
    measure: str | None = None,
    start_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> QuarantineCase:
    """Move a case to another status, by a named user with a reason."""
    at = at or clock.now()
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()
    reason = (reason or "").strip()
    _transition_errors(locked, to, reason)
    before = locked.status
    update = _apply_transition(locked, to=to, at=at, measure=measure, start_date=start_date)
    locked.save(update_fields=update)
    CaseTransition.objects.create(
        case=locked, from_status=before, to_status=to, at=at, by=by, reason=reason[:200]
    )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={"status": [before, to], "reason": reason[:200]},
    )
    return locked


DEFAULT_RELEASE_REASON = "居家隔离期满，解除隔离"


@transaction.atomic
def case_release(
    *,
    case: QuarantineCase,
    by: User,
    reason: str = "",
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> QuarantineCase:
    """Confirm the end of a quarantine. On or after day 15 (start + QUARANTINE_DAYS) the
    reason may be left to the default; an early end needs a reason of its own."""
    at = at or clock.now()
    reason = (reason or "").strip()
    day = timezone.localdate(at, SHANGHAI)
    early = case.planned_end is None or day < case.planned_end
    if early and (not reason or reason == DEFAULT_RELEASE_REASON):
        raise ValidationError(
            {
                "reason": [
                    _("提前解除须说明原因（计划解除日期：%(end)s）")
                    % {"end": case.planned_end or "—"}
                ]
            }
        )
    return case_transition(
        case=case,
        to=CaseStatus.RELEASED,
        by=by,
        reason=reason or DEFAULT_RELEASE_REASON,
        at=at,
        expected_version=expected_version,
    )


# Verification (核查): what the station found decides where the case goes next.
FINDING_STATUS: dict[str, str] = {
    QuarantineCase.Finding.AT_HOME: CaseStatus.QUARANTINED,
    QuarantineCase.Finding.WRONG_DETAILS: CaseStatus.QUARANTINED,
    QuarantineCase.Finding.NOT_IN_COUNTY: CaseStatus.NOT_IN_COUNTY,
    QuarantineCase.Finding.NOT_FOUND: CaseStatus.NOT_FOUND,
    QuarantineCase.Finding.HOSPITAL: CaseStatus.HOSPITAL,
    QuarantineCase.Finding.TURNED_BACK: CaseStatus.TURNED_BACK,
}
FINDING_MEASURE: dict[str, str] = {
    QuarantineCase.Finding.HOSPITAL: QuarantineCase.Measure.HOSPITAL,
    QuarantineCase.Finding.TURNED_BACK: QuarantineCase.Measure.TURNED_BACK,
}


@transaction.atomic
def case_verify(
    *,
    case: QuarantineCase,
    by: User,
    finding: str,
    measure: str = "",
    note: str = "",
    start_date: datetime.date | None = None,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
    members: list[MemberInput] | None = None,
) -> QuarantineCase:
    """Record a station's verification of a 待核查 case and move it on: at home → 已核查 →
    隔离中 (from the arrival date unless another start is given); otherwise straight to
    不在本县 / 查无此人 / 已送医 / 已劝返."""
    at = at or clock.now()
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()
    errors: dict[str, list[str]] = {}
    if finding not in FINDING_STATUS:
        errors["finding"] = [_("核查结果：请选择")]
    if locked.status != CaseStatus.PENDING:
        errors.setdefault("__all__", []).append(
            _("该对象已核查（当前状态：%(status)s）") % {"status": locked.get_status_display()}
        )
    measure = measure or FINDING_MEASURE.get(finding, "")
    if measure and measure not in QuarantineCase.Measure.values:
        errors["measure"] = [_("管控措施：取值不在允许范围内")]
    target = FINDING_STATUS.get(finding, "")
    if target == CaseStatus.QUARANTINED and measure not in (
        QuarantineCase.Measure.HOME,
        QuarantineCase.Measure.CENTRALISED,
    ):
        errors["measure"] = [_("管控措施：在家的人员须选择居家隔离或集中隔离")]
    note = prose(note, field="note", label=_("核查情况说明"), errors=errors)[:200]
    if errors:
        raise ValidationError(errors)
    reason = QuarantineCase.Finding(finding).label + (f"：{note}" if note else "")
    locked.finding = finding
    locked.verification_note = note
    locked.verified_at = at
    locked.save(update_fields=["finding", "verification_note", "verified_at"])
    if target == CaseStatus.QUARANTINED:
        locked = case_transition(case=locked, to=CaseStatus.VERIFIED, by=by, reason=reason, at=at)
        locked = case_transition(
            case=locked,
            to=CaseStatus.QUARANTINED,
            by=by,
            reason=str(QuarantineCase.Measure(measure).label),
            at=at,
            measure=measure,
            start_date=start_date,
        )
    else:
        locked = case_transition(
            case=locked, to=target, by=by, reason=reason, at=at, measure=measure or None
        )
    if members:
        team_assign(case=locked, by=by, members=members)
    return locked


def _update_rows(objs: list[QuarantineCase], names: list[str]) -> None:
    """bulk_update without its CASE expressions: one executemany of plain UPDATEs."""
    if not objs:
        return
    now = clock.now()
    for obj in objs:
        obj.updated_at = now
    fields = [model_field(QuarantineCase, n) for n in sorted({*names, "updated_at"})]
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(QuarantineCase._meta.db_table)} SET "
        + ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
        + f" WHERE {qn('id')} = %s"
    )
    rows = [
        (*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk)
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def cases_transition_bulk(
    *,
    cases: list[QuarantineCase],
    to: str,
    by: User | None,
    reason: str,
    at: dict[int, datetime.datetime],
    measure: str | None = None,
    start_dates: dict[int, datetime.date] | None = None,
    finding: str = "",
) -> list[QuarantineCase]:
    """case_transition for many cases (the rules, transitions and audit of the single one).
    `at` gives each case's time by id. All or nothing."""
    reason = (reason or "").strip()
    transitions = []
    audits = []
    fields: set[str] = set()
    for case in cases:
        _transition_errors(case, to, reason)
        before = case.status
        when = at[case.pk]
        fields.update(
            _apply_transition(
                case,
                to=to,
                at=when,
                measure=measure,
                start_date=(start_dates or {}).get(case.pk),
            )
        )
        if finding:
            case.finding = finding
            case.verified_at = when
            fields.update({"finding", "verified_at"})
        transitions.append(
            CaseTransition(
                case=case, from_status=before, to_status=to, at=when, by=by, reason=reason[:200]
            )
        )
        audits.append((case, {"status": [before, to], "reason": reason[:200]}))
    _update_rows(cases, sorted(fields))
    CaseTransition.objects.bulk_create(transitions, batch_size=2000)
    _audit_updates_bulk(actor=by, items=audits)
    return cases


def _audit_updates_bulk(
    *, actor: User | None, items: Sequence[tuple[models.Model, dict[str, Any]]]
) -> None:
    audit_bulk(
        actor=actor,
        action="update",
        items=[(o._meta.label_lower, str(o.pk), str(o.pk), ch) for o, ch in items],
    )


def cases_follow_station(*, township: Any, station: Any, by: User | None) -> int:
    """A township handed to another station (org.services.township_set_station): every case
    of the township takes it as its responsible station, as a case is given its township's
    station when opened — the person and their cases stay in one station's charge. One
    statement, one audit entry naming the cases. How many followed."""
    cases = QuarantineCase.objects.filter(township=township)
    cases = cases.exclude(station=station) if station is not None else cases.exclude(station=None)
    rows = list(cases.values_list("pk", "station__name"))
    if not rows:
        return 0
    ids = [pk for pk, _name in rows]
    before = "、".join(sorted({name or "" for _pk, name in rows})) or None
    QuarantineCase.objects.filter(pk__in=ids).update(
        station=station, version=models.F("version") + 1, updated_at=clock.now()
    )
    audit_record(
        actor=by,
        action="update",
        object_type=QuarantineCase._meta.label_lower,
        object_repr=str(township),
        changes={
            "station": [before, str(station) if station is not None else None],
            "ids": id_runs(ids),
            "count": len(ids),
        },
    )
    return len(ids)


def cases_follow_person(*, person: Any, by: User | None) -> int:
    """A person who moved (people.services.person_moved: a transfer accepted, an edit, a
    merge) takes their cases along, so that the station no longer in charge of them keeps
    nothing of them (the seventh attack, finding 1):

    - an open case lives where the person lives now: their township, village and address,
      and that township's station in charge (as a case opened there would be);
    - a closed case stays in the township where it happened (the day's figures counted it
      there) but is the new station's: a station reads cases by their station, so the old
      one reads none of a person it no longer has;
    - a case leaving its township or its station loses its 四包一 team — the old place's
      cadres, officer and doctor, who would read it by being on it — and the new station
      names its own (the team is in the audit entry).

    Each case moved is one audit entry. How many cases moved."""
    from fangkong.org.models import Township
    from fangkong.quarantine.models import TeamMember

    township_id = person.township_id
    station_id = (
        Township.objects.filter(pk=township_id).values_list("station_id", flat=True).first()
        if township_id is not None
        else None
    )
    moved = 0
    cases = (
        QuarantineCase.objects.select_for_update(of=("self",))
        .select_related("station", "township", "village")
        .filter(person_id=person.pk)
        .order_by("pk")
    )
    for case in cases:
        values: dict[str, Any] = {"station_id": station_id}
        if case.is_open:
            values.update(
                township_id=township_id,
                village_id=person.village_id,
                address_detail=person.address_detail,
            )
        changed = {k: v for k, v in values.items() if getattr(case, k) != v}
        if not changed:
            continue
        before = {
            "station": str(case.station) if case.station else None,
            "township": str(case.township) if case.township else None,
            "village": str(case.village) if case.village else None,
            "address_detail": case.address_detail,
        }
        QuarantineCase.objects.filter(pk=case.pk).update(
            **changed, version=models.F("version") + 1, updated_at=clock.now()
        )
        case.refresh_from_db()
        after = {
            "station": str(case.station) if case.station else None,
            "township": str(case.township) if case.township else None,
            "village": str(case.village) if case.village else None,
            "address_detail": case.address_detail,
        }
        changes: dict[str, Any] = {
            k: [before[k], after[k]] for k in before if before[k] != after[k]
        }
        if {"station_id", "township_id"} & changed.keys():
            team = TeamMember.objects.filter(case=case)
            gone = [f"{m.get_kind_display()} {m.name}" for m in team.order_by("kind")]
            if gone:
                team.delete()
                changes["team"] = [gone, []]
        changes["person_moved"] = person.pk
        audit_record(actor=by, action="update", obj=case, changes=changes)
        moved += 1
    return moved
