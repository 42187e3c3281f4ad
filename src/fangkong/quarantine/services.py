"""Every write to quarantine cases: referral (open or join), verification, the 四包一
team, status transitions and release, follow-ups and their alerts — and the bulk forms of
these the demo county and large lists use (same rules, same audit)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fangkong.accounts.audit import (
    audit_batch,
    audit_bulk,
    audit_chain_lock,
    audit_create,
    audit_create_bulk,
    audit_record,
    audit_rows_created,
    diff,
    snapshot,
)
from fangkong.core import clock, idempotency
from fangkong.core.bulk import insert_rows, insert_values, reserve_ids
from fangkong.core.conflicts import stale_error
from fangkong.core.moments import is_future
from fangkong.core.phones import parse_phone
from fangkong.core.regions import region_name
from fangkong.core.temperature import is_fever, parse_temperature
from fangkong.core.text import clean_prose, normalize_text
from fangkong.org.models import Township
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    CASE_ROLLUP,
    OPEN_STATUSES,
    TRANSITIONS,
    Alert,
    CaseReferral,
    CaseStatus,
    CaseTransition,
    FollowUp,
    QuarantineCase,
    Symptom,
    TeamMember,
)
from fangkong.quarantine.schedule import SHANGHAI, slot_of

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Village


def quarantine_days() -> int:
    return int(settings.FANGKONG["QUARANTINE_DAYS"])


@dataclass
class Referral:
    """One person referred for verification, with what the referrer knows of them."""

    person: Person
    came_from_code: str = ""
    came_from: str = ""
    arrival_date: datetime.date | None = None
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    note: str = ""
    ref_type: str = ""
    ref_id: str = ""
    needs_review: list[str] | None = None


def case_refer(
    *,
    person: Person,
    source: str,
    by: User | None,
    at: datetime.datetime | None = None,
    **known: Any,
) -> tuple[QuarantineCase, bool]:
    """Refer a person for verification: join their open case, or open a new one in the
    待核查 queue of the station responsible for their township. Returns (case, opened).
    `known`: what the referrer knows of them, by the names of Referral's fields.

    Every referral is kept on the case (its timeline), whoever made it.
    """
    return cases_refer([Referral(person=person, **known)], source=source, by=by, at=at)[0]


@transaction.atomic(savepoint=False)  # no partial undo: a failure fails the caller
def cases_refer(
    referrals: Sequence[Referral],
    *,
    source: str,
    by: User | None,
    at: datetime.datetime | None = None,
) -> list[tuple[QuarantineCase, bool]]:
    """case_refer for several people at once (a car's occupants): their open cases found
    and locked with one query, the referrals stored with one INSERT. Two referrals of one
    person in the list join the same case.

    Rows are locked in one order whatever the order of the list — open cases by id, new
    cases (and the count rows their triggers add to) by township, then person — so two
    cars referring the same people in other orders wait for each other instead of
    deadlocking on PostgreSQL (seen under 8 concurrent registrations)."""
    at = at or clock.now()
    people = {r.person.pk for r in referrals}
    open_cases = {
        c.person_id: c
        for c in QuarantineCase.objects.select_for_update()
        .filter(person_id__in=people, status__in=OPEN_STATUSES)
        .order_by("pk")
    }
    places = [_referral_place(r) for r in referrals]
    results: list[tuple[QuarantineCase, bool]] = [None] * len(referrals)  # type: ignore[list-item]

    def lock_order(i: int) -> tuple[int, int]:
        township = places[i][0]
        return (township.pk if township is not None else 0, referrals[i].person.pk)

    order = sorted(range(len(referrals)), key=lock_order)
    for i in order:
        r, (township, village) = referrals[i], places[i]
        case = open_cases.get(r.person.pk)
        opened = False
        if case is None:
            case, opened = _case_open(r, source, by, at, township, village)
            open_cases[r.person.pk] = case
        if not opened:
            _case_fill(case, r, township, village)
        results[i] = (case, opened)
    by_id = by.pk if by is not None and by.pk else None
    referrals_insert(
        [
            (case.pk, source, at, r.note, r.ref_type, r.ref_id, by_id)
            for r, (case, _opened) in zip(referrals, results, strict=True)
        ]
    )
    return results


def _referral_place(r: Referral) -> tuple[Township | None, Village | None]:
    """The township and village a referral puts the case in: what the referrer said, else
    where the person lives."""
    person = r.person
    township = r.township or (r.village.township if r.village else None) or person.township
    village = r.village
    if village is None and township is not None and person.village_id:
        village = person.village if person.village.township_id == township.pk else None  # type: ignore[union-attr]
    return township, village


def _case_open(
    r: Referral,
    source: str,
    by: User | None,
    at: datetime.datetime,
    township: Township | None,
    village: Village | None,
) -> tuple[QuarantineCase, bool]:
    """A new case in the 待核查 queue — or, when another referral opened the person's case a
    moment ago, that case (opened False)."""
    case = QuarantineCase(
        **case_opening(
            person_id=r.person.pk,
            source=source,
            at=at,
            by_id=by.pk if by is not None else None,
            came_from_code=r.came_from_code,
            came_from=r.came_from,
            arrival_date=r.arrival_date,
            township_id=township.pk if township is not None else None,
            village_id=village.pk if village is not None else None,
            station_id=township.station_id if township is not None else None,
            address_detail=r.address_detail or r.person.address_detail,
            needs_review=r.needs_review or (),
        )
    )
    # The related rows are the caller's (no queries for them, in the audit label either).
    case.person, case.township, case.village = r.person, township, village
    # The related rows were just read (no existence queries); one open case per
    # person is the database's rule: a second one raises IntegrityError below.
    case.full_clean(
        exclude=["person", "township", "village", "station", "created_by"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # Another referral opened the person's case a moment ago: join it.
        return (
            QuarantineCase.objects.select_for_update().get(
                person=r.person, status__in=OPEN_STATUSES
            ),
            False,
        )
    CaseTransition.objects.create(
        case=case,
        from_status="",
        to_status=CaseStatus.PENDING,
        at=at,
        by=by,
        reason=_opening_reason(source),
    )
    audit_create(actor=by, obj=case)
    return case, True


# The columns of a new case, in the order cases_insert writes them.
CASE_FIELDS = (
    "person_id",
    "source",
    "status",
    "measure",
    "came_from_code",
    "came_from",
    "arrival_date",
    "township_id",
    "village_id",
    "address_detail",
    "station_id",
    "finding",
    "verification_note",
    "opened_on",
    "needs_review",
    "created_at",
    "created_by_id",
    "updated_at",
    "version",
)


def case_opening(
    *,
    person_id: int,
    source: str,
    at: datetime.datetime,
    by_id: int | None,
    came_from_code: str = "",
    came_from: str = "",
    arrival_date: datetime.date | None = None,
    township_id: int | None = None,
    village_id: int | None = None,
    station_id: int | None = None,
    address_detail: str = "",
    needs_review: Sequence[str] = (),
) -> dict[str, Any]:
    """A new case in the 待核查 queue, as values of CASE_FIELDS: the one rule for opening a
    case — a referral one at a time (`cases_refer`), the demo's (`cases_open_bulk`) and a
    pushed list's rows (the import). The words of where they came from are the referrer's,
    else the name of the region; it is opened on the local day of `at`; the station is the
    township's (the caller's look-up)."""
    return {
        "person_id": person_id,
        "source": source,
        "status": CaseStatus.PENDING,
        "measure": "",
        "came_from_code": came_from_code,
        "came_from": came_from or region_name(came_from_code),
        "arrival_date": arrival_date,
        "township_id": township_id,
        "village_id": village_id,
        "address_detail": address_detail,
        "station_id": station_id,
        "finding": "",
        "verification_note": "",
        "opened_on": timezone.localdate(at, SHANGHAI),
        "needs_review": sorted(set(needs_review)),
        "created_at": at,
        "created_by_id": by_id,
        "updated_at": at,
        "version": 1,
    }


def _opening_reason(source: str) -> str:
    return _("建档：%(source)s") % {"source": QuarantineCase.Source(source).label}


_TRANSITION_FIELDS = ("case_id", "from_status", "to_status", "at", "by_id", "reason")


def cases_insert(
    *,
    values: Sequence[dict[str, Any]],
    by: User | None,
    labels: Sequence[str] | None = None,
    batch: tuple[str, dict[str, Any]] | None = None,
) -> list[int]:
    """Write new cases (case_opening's values; the caller knows each person has no open
    case) with one insert, their first transition with another; returns their ids. The one
    bulk path for cases: `cases_open_bulk` and the list import end here.

    The case counts are kept by CASE_ROLLUP. Audit: one entry per case, as audit_create
    writes it, with `labels` (each case's audit label); or, with `batch` — (what the batch
    is, its details) — one entry naming every id (audit_batch)."""
    if not values:
        return []
    rows = [tuple(v[name] for name in CASE_FIELDS) for v in values]
    ids = reserve_ids(QuarantineCase, len(rows))
    CASE_ROLLUP.insert_counted(
        CASE_FIELDS, rows, lambda: insert_rows(QuarantineCase, CASE_FIELDS, rows, ids=ids)
    )
    reasons: dict[str, str] = {}
    transitions = []
    for pk, v in zip(ids, values, strict=True):
        source = v["source"]
        if source not in reasons:
            reasons[source] = _opening_reason(source)
        transitions.append(
            (pk, "", CaseStatus.PENDING, v["created_at"], v["created_by_id"], reasons[source])
        )
    insert_rows(CaseTransition, _TRANSITION_FIELDS, transitions)
    if batch is not None:
        label, details = batch
        audit_batch(actor=by, model=QuarantineCase, label=label, ids=ids, details=details)
    else:
        label_of = dict(zip(ids, labels, strict=True)) if labels is not None else {}
        audit_rows_created(
            actor=by,
            model=QuarantineCase,
            fields=CASE_FIELDS,
            rows=rows,
            ids=ids,
            describe=lambda pk, _row: label_of.get(pk, str(pk)),
        )
    return ids


_REFERRAL_FIELDS = ("case_id", "source", "at", "note", "ref_type", "ref_id", "by_id")


def referrals_insert(rows: Sequence[tuple[Any, ...]]) -> None:
    """Write referrals, each (case_id, source, at, note, ref_type, ref_id, by_id), with one
    insert: the one write of a case's referrals (`cases_refer`, `cases_open_bulk`, the
    list import). The note is cut to its column's 200 characters."""
    insert_rows(
        CaseReferral,
        _REFERRAL_FIELDS,
        [(c, s, at, (note or "")[:200], t, i, b) for c, s, at, note, t, i, b in rows],
    )


def case_fill(
    case: QuarantineCase,
    *,
    came_from_code: str = "",
    came_from: str = "",
    arrival_date: datetime.date | None = None,
    township_id: int | None = None,
    village_id: int | None = None,
    station_of: Callable[[int], int | None],
) -> list[str]:
    """Fill what an open case did not know yet from a new referral of its person; never
    overwrite what a station verified. The one rule for a referral joining a case (a
    checkpoint's, a page's — `cases_refer` — and a pushed list's row — the import), issue 15:

    - where they came from (code), the arrival date, the township: each when the case has
      none; the village when the case has none and it lies in the case's township;
    - the words of where they came from when the case has none: the referral's when they
      go with the case's code (both none included), else the name of the case's code;
    - the station of the case's township when the case has none (`station_of(township_id)`).

    Changes the case in memory; returns the names of the fields changed (for the caller's
    write: one row's save or the import's bulk update)."""
    changed: list[str] = []
    if came_from_code and not case.came_from_code:
        case.came_from_code = came_from_code
        changed.append("came_from_code")
    if not case.came_from:
        words = came_from if came_from_code == case.came_from_code else ""
        words = (words or region_name(case.came_from_code))[:100]
        if words:
            case.came_from = words
            changed.append("came_from")
    if arrival_date and not case.arrival_date:
        case.arrival_date = arrival_date
        changed.append("arrival_date")
    if township_id and not case.township_id:
        case.township_id = township_id
        changed.append("township")
    if village_id and not case.village_id and township_id == case.township_id:
        case.village_id = village_id
        changed.append("village")
    if case.station_id is None and case.township_id:
        station_id = station_of(case.township_id)
        if station_id:
            case.station_id = station_id
            changed.append("station")
    return changed


def _case_fill(
    case: QuarantineCase, r: Referral, township: Township | None, village: Village | None
) -> None:
    def station_of(township_id: int) -> int | None:
        if township is not None and township.pk == township_id:
            return township.station_id
        return Township.objects.filter(pk=township_id).values_list("station_id", flat=True).first()

    changed = case_fill(
        case,
        came_from_code=r.came_from_code,
        came_from=r.came_from,
        arrival_date=r.arrival_date,
        township_id=township.pk if township is not None else None,
        village_id=village.pk if village is not None else None,
        station_of=station_of,
    )
    if changed:
        case.save(update_fields=[*changed, "updated_at"])


def _transition_errors(case: QuarantineCase, to: str, reason: str) -> None:
    if to not in TRANSITIONS.get(case.status, ()):
        raise ValidationError(
            _("不能从“%(from)s”变更为“%(to)s”")
            % {"from": case.get_status_display(), "to": CaseStatus(to).label},
            code="transition",
        )
    if not reason:
        raise ValidationError({"reason": [_("原因不能为空")]})


def _apply_transition(
    case: QuarantineCase,
    *,
    to: str,
    at: datetime.datetime,
    measure: str | None,
    start_date: datetime.date | None,
) -> list[str]:
    """Set the fields a transition changes; returns their names. No save."""
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
    if errors:
        raise ValidationError(errors)
    note = clean_prose(note)[:200]
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


@dataclass
class MemberInput:
    """One of the 四包一: a user with an account, or a name and phone without one."""

    kind: str
    user: User | None = None
    name: str = ""
    phone: str = ""


def _member_values(case: QuarantineCase, data: MemberInput) -> TeamMember:
    errors: dict[str, list[str]] = {}
    label = TeamMember.Kind(data.kind).label if data.kind in TeamMember.Kind.values else ""
    if not label:
        errors["kind"] = [_("职责：取值不在允许范围内")]
    name = normalize_text(data.name) or (str(data.user) if data.user else "")
    if not name:
        errors[data.kind] = [_("%(kind)s：请选择账号或填写姓名") % {"kind": label}]
    phone = ""
    if data.phone.strip():
        try:
            phone = parse_phone(data.phone, field=label + _("电话"))
        except ValidationError as exc:
            errors[data.kind] = exc.messages
    elif data.user is not None:
        phone = data.user.phone
    if errors:
        raise ValidationError(errors)
    return TeamMember(case=case, kind=data.kind, user=data.user, name=name[:30], phone=phone)


def _members_build(teams: list[tuple[QuarantineCase, list[MemberInput]]]) -> list[TeamMember]:
    """Validate every member; one ValidationError naming each bad duty."""
    members = []
    errors: dict[str, list[str]] = {}
    for case, inputs in teams:
        for data in inputs:
            try:
                members.append(_member_values(case, data))
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    errors.setdefault(field, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    return members


@transaction.atomic
def team_assign(
    *,
    case: QuarantineCase,
    by: User,
    members: list[MemberInput],
    expected_version: int | None = None,
) -> list[TeamMember]:
    """Set the 四包一 team of a case: one member per duty; a duty left out keeps its member.
    A change of team is a change of the case: its version moves on."""
    built = _members_build([(case, members)])
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()
    # Not case.team_members: a page's case has them prefetched with their (nullable) users,
    # and PostgreSQL cannot lock the nullable side of an outer join.
    current = {m.kind: m for m in TeamMember.objects.filter(case=locked).select_for_update()}
    out = []
    changed = []
    for member in built:
        old = current.get(member.kind)
        changed.append(member.kind)
        if old is not None:
            if (old.user_id, old.name, old.phone) == (member.user_id, member.name, member.phone):
                changed.pop()
                out.append(old)
                continue
            before = snapshot(old, ["user", "name", "phone"])
            old.user, old.name, old.phone = member.user, member.name, member.phone
            old.full_clean()
            old.save(update_fields=["user", "name", "phone"])
            audit_record(
                actor=by,
                action="update",
                obj=old,
                changes=diff(before, snapshot(old, ["user", "name", "phone"])),
            )
            out.append(old)
        else:
            member.full_clean()
            member.save()
            audit_create(actor=by, obj=member)
            out.append(member)
    if changed:
        case.version = locked.version + 1
        QuarantineCase.objects.filter(pk=case.pk).update(
            version=case.version, updated_at=clock.now()
        )
        audit_record(actor=by, action="update", obj=locked, changes={"team": changed})
    return out


# ---------------------------------------------------------------------------------------
# Follow-ups


@dataclass
class FollowUpInput:
    case: QuarantineCase
    temperature: Decimal | float | str | None
    symptoms: list[str]
    at_home: bool
    visited_at: datetime.datetime
    client_id: uuid.UUID | None = None
    note: str = ""


def _followup_build(
    data: FollowUpInput, *, by: User | None, now: datetime.datetime
) -> tuple[FollowUp, list[Alert]]:
    """Validate a follow-up and decide its alerts (the one rule for single and bulk)."""
    errors: dict[str, list[str]] = {}
    case = data.case
    if case.status != CaseStatus.QUARANTINED:
        errors["__all__"] = [
            _("该对象当前状态为“%(status)s”，不在隔离中，不能录入随访")
            % {"status": case.get_status_display()}
        ]
    temperature: Decimal | None = None
    try:
        temperature = parse_temperature(data.temperature, label=_("体温"))
    except ValidationError as exc:
        errors["temperature"] = exc.messages
    else:
        if temperature is None and data.at_home:
            errors["temperature"] = [_("体温：在家随访须测量体温")]
    symptoms = []
    for code in data.symptoms or []:
        if code not in Symptom.values:
            errors.setdefault("symptoms", []).append(
                _("症状：未知症状“%(code)s”") % {"code": str(code)[:20]}
            )
        elif code not in symptoms:
            symptoms.append(code)
    visited_at = data.visited_at
    if visited_at is None or timezone.is_naive(visited_at):
        errors["visited_at"] = [_("随访时间：须为带时区的时间")]
    else:
        if is_future(visited_at, now):
            errors["visited_at"] = [_("随访时间：不能晚于当前时间")]
        elif case.start_date and visited_at.astimezone(SHANGHAI).date() < case.start_date:
            errors["visited_at"] = [
                _("随访时间：早于隔离开始日期%(start)s") % {"start": case.start_date}
            ]
    if errors:
        raise ValidationError(errors)
    day, slot = slot_of(visited_at)
    followup = FollowUp(
        case=case,
        visited_at=visited_at,
        day=day,
        slot=slot,
        temperature=temperature,
        symptoms=symptoms,
        at_home=bool(data.at_home),
        note=clean_prose(data.note)[:200],
        by=by,
    )
    if data.client_id:
        followup.client_id = data.client_id
    alerts = []
    if is_fever(temperature):
        alerts.append(
            Alert(
                case=case,
                followup=followup,
                kind=Alert.Kind.FEVER,
                detail=_("体温%(t)s℃") % {"t": temperature},
                raised_at=visited_at,
                day=day,
            )
        )
    if symptoms:
        alerts.append(
            Alert(
                case=case,
                followup=followup,
                kind=Alert.Kind.SYMPTOM,
                detail=_("症状：%(s)s") % {"s": "、".join(str(Symptom(s).label) for s in symptoms)},
                raised_at=visited_at,
                day=day,
            )
        )
    if not data.at_home:
        alerts.append(
            Alert(
                case=case,
                followup=followup,
                kind=Alert.Kind.ABSENT,
                detail=_("随访时不在家"),
                raised_at=visited_at,
                day=day,
            )
        )
    return followup, alerts


@transaction.atomic
def followup_record(
    *,
    case: QuarantineCase,
    by: User | None,
    temperature: Decimal | float | str | None,
    symptoms: list[str],
    at_home: bool,
    visited_at: datetime.datetime,
    client_id: uuid.UUID | str | None = None,
    note: str = "",
) -> tuple[FollowUp, bool]:
    """Record a visit. A fever (≥ FEVER_THRESHOLD), any symptom or "not at home" raises an
    alert at once. Idempotent on `client_id`: a retry returns the first record, unchanged.
    Returns (follow-up, created)."""
    cid = _client_uuid(client_id)
    data = FollowUpInput(
        case=case,
        temperature=temperature,
        symptoms=list(symptoms or []),
        at_home=at_home,
        visited_at=visited_at,
        client_id=cid,
        note=note,
    )
    if cid is not None:
        existing = FollowUp.objects.filter(client_id=cid).first()
        if existing is not None:
            return _same_client(existing, data), False
    followup, alerts = _followup_build(data, by=by, now=clock.now())
    followup.request_digest = followup_digest(data)
    audit_chain_lock()  # before the follow-up's row locks its case (see audit_chain_lock)
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError:
        # The same client_id arrived twice at once: the first one stands.
        existing = FollowUp.objects.get(client_id=str(cid))
        return _same_client(existing, data), False
    audit_create(actor=by, obj=followup)
    for alert in alerts:
        alert.followup = followup
        alert.save()
        audit_create(actor=by, obj=alert)
    return followup, True


def _client_uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({"client_id": [_("client_id：须为UUID")]}) from exc


# Names of a follow-up's parts in a client_id conflict (core/idempotency.py).
FOLLOWUP_PARTS = {
    "case": pgettext_lazy("the part of a follow-up that differs", "隔离管控对象"),
    "temperature": gettext_lazy("体温"),
    "symptoms": gettext_lazy("症状"),
    "at_home": gettext_lazy("是否在家"),
    "visited_at": gettext_lazy("随访时间"),
    "note": gettext_lazy("备注"),
}


def followup_digest(data: FollowUpInput) -> dict[str, str]:
    """What a visit's sender said, part by part, as digests (core/idempotency.py)."""
    return idempotency.digests(
        {
            "temperature": idempotency.number_key(data.temperature) or "",
            "symptoms": sorted({str(code) for code in data.symptoms or []}),
            "at_home": bool(data.at_home),
            "visited_at": idempotency.moment_key(data.visited_at),
            "note": normalize_text(data.note or ""),
        }
    )


def _same_client(existing: FollowUp, data: FollowUpInput) -> FollowUp:
    """A known client_id: the stored visit, if it is this one; refused otherwise."""
    differ = idempotency.differing(existing.request_digest, followup_digest(data))
    if existing.case_id != data.case.pk:  # another case is another part that differs
        differ = ["case", *differ]
    if differ:
        raise idempotency.ClientIdConflict(
            differ, {name: str(label) for name, label in FOLLOWUP_PARTS.items()}
        )
    return existing


@transaction.atomic
def followups_record_bulk(
    *, entries: list[FollowUpInput], by: User | None, now: datetime.datetime | None = None
) -> tuple[list[FollowUp], list[Alert]]:
    """Record many follow-ups at once (the demo, a device's backlog), with the same rules
    and alerts as followup_record and one audit entry each. All or nothing: a bad entry
    raises ValidationError naming its position."""
    now = now or clock.now()
    followups: list[FollowUp] = []
    alerts: list[Alert] = []
    for index, data in enumerate(entries):
        try:
            followup, raised = _followup_build(data, by=by, now=now)
        except ValidationError as exc:
            raise ValidationError(
                {
                    field: [_("第%(n)s条：%(msg)s") % {"n": index + 1, "msg": m} for m in msgs]
                    for field, msgs in exc.message_dict.items()
                }
            ) from exc
        followups.append(followup)
        alerts.extend(raised)
    cids = [f.client_id for f in followups]
    known = set(FollowUp.objects.filter(client_id__in=cids).values_list("client_id", flat=True))
    fresh = [f for f in followups if f.client_id not in known]
    _followups_insert(fresh)
    fresh_ids = {f.client_id for f in fresh}
    alerts = [a for a in alerts if a.followup is not None and a.followup.client_id in fresh_ids]
    for alert in alerts:
        alert.followup_id = alert.followup.pk  # type: ignore[union-attr]
    Alert.objects.bulk_create(alerts, batch_size=2000)
    audit_create_bulk(
        actor=by, objs=list(fresh), describe=lambda f: f"{f.day} {f.slot} {f.temperature or ''}"
    )
    audit_create_bulk(actor=by, objs=list(alerts))
    return fresh, alerts


def _followups_insert(followups: list[FollowUp]) -> None:
    """Insert validated follow-ups with one executemany (bulk_create's per-field work is
    most of the demo's time), then read their ids back by client_id."""
    if not followups:
        return
    ops = connection.ops
    recorded = ops.adapt_datetimefield_value(clock.now())
    native_uuid = connection.features.has_native_uuid_field
    columns = ["case_id", "client_id", "visited_at", "day", "slot", "temperature", "symptoms"]
    columns += ["at_home", "note", "by_id", "recorded_at"]
    rows = [
        (
            f.case_id,
            f.client_id if native_uuid else f.client_id.hex,
            ops.adapt_datetimefield_value(f.visited_at),
            ops.adapt_datefield_value(f.day),
            f.slot,
            ops.adapt_decimalfield_value(f.temperature, 3, 1),
            ops.adapt_json_value(f.symptoms, None),
            f.at_home,
            f.note,
            f.by_id,
            recorded,
        )
        for f in followups
    ]
    insert_values(FollowUp._meta.db_table, columns, rows)
    by_cid = {f.client_id: f for f in followups}
    cids = list(by_cid)
    for i in range(0, len(cids), 5000):
        for cid, pk in FollowUp.objects.filter(client_id__in=cids[i : i + 5000]).values_list(
            "client_id", "pk"
        ):
            by_cid[cid].pk = pk
            by_cid[cid]._state.adding = False


@transaction.atomic
def alert_resolve(
    *, alert: Alert, by: User, resolution: str, at: datetime.datetime | None = None
) -> Alert:
    """Record what was done about an alert."""
    resolution = clean_prose(resolution)
    if not resolution:
        raise ValidationError({"resolution": [_("处置情况：不能为空")]})
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.resolved_at is not None:
        raise ValidationError(_("该预警已由他人处置"), code="conflict")
    locked.resolved_at = at or clock.now()
    locked.resolved_by = by
    locked.resolution = resolution[:200]
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        actor=by, action="update", obj=locked, changes={"resolution": [None, resolution[:200]]}
    )
    return locked


# ---------------------------------------------------------------------------------------
# Bulk forms for the demo county and large lists: same rules, same audit, few queries.


def _update_rows(objs: list[QuarantineCase], names: list[str]) -> None:
    """bulk_update without its CASE expressions: one executemany of plain UPDATEs."""
    if not objs:
        return
    now = clock.now()
    for obj in objs:
        obj.updated_at = now
    fields = [QuarantineCase._meta.get_field(n) for n in sorted({*names, "updated_at"})]
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(QuarantineCase._meta.db_table)} SET "
        + ", ".join(f"{qn(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
        + f" WHERE {qn('id')} = %s"
    )
    rows = [
        (*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk)  # type: ignore[union-attr]
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass
class CaseOpenInput:
    person: Person
    source: str
    at: datetime.datetime
    came_from_code: str = ""
    arrival_date: datetime.date | None = None
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    note: str = ""


@transaction.atomic
def cases_open_bulk(*, entries: list[CaseOpenInput], by: User | None) -> list[QuarantineCase]:
    """cases_refer for many people (the demo): a person with an open case has the referral
    added to it and the case filled (case_fill); the others get a new 待核查 case
    (case_opening, written by cases_insert with its first transition and audit entry)."""
    people = [e.person.pk for e in entries]
    open_cases = {
        c.person_id: c
        for c in QuarantineCase.objects.filter(person_id__in=people, status__in=OPEN_STATUSES)
    }
    stations = dict(Township.objects.values_list("pk", "station_id"))
    by_id = by.pk if by is not None and by.pk else None
    new: list[tuple[CaseOpenInput, dict[str, Any]]] = []
    opening: dict[int, dict[str, Any]] = {}  # person → the case this call opens
    filled: dict[int, tuple[QuarantineCase, set[str]]] = {}
    out: list[QuarantineCase | dict[str, Any]] = []
    for e in entries:
        if e.person.pk in opening:  # given twice: the second joins the case the first opens
            out.append(opening[e.person.pk])
            continue
        township, village = _referral_place(
            Referral(person=e.person, township=e.township, village=e.village)
        )
        township_id = township.pk if township is not None else None
        village_id = village.pk if village is not None else None
        case = open_cases.get(e.person.pk)
        if case is None:
            values = case_opening(
                person_id=e.person.pk,
                source=e.source,
                at=e.at,
                by_id=by_id,
                came_from_code=e.came_from_code,
                arrival_date=e.arrival_date,
                township_id=township_id,
                village_id=village_id,
                station_id=stations.get(township_id) if township_id else None,
                address_detail=e.address_detail or e.person.address_detail,
            )
            new.append((e, values))
            opening[e.person.pk] = values
            out.append(values)
            continue
        changed = case_fill(
            case,
            came_from_code=e.came_from_code,
            arrival_date=e.arrival_date,
            township_id=township_id,
            village_id=village_id,
            station_of=stations.get,
        )
        if changed:
            filled.setdefault(case.pk, (case, set()))[1].update(changed)
        out.append(case)
    ids = cases_insert(
        values=[values for _e, values in new],
        by=by,
        labels=[f"{e.person.audit_label} · {CaseStatus.PENDING.label}" for e, _v in new],
    )
    made: dict[int, QuarantineCase] = {}
    for (e, values), pk in zip(new, ids, strict=True):
        case = QuarantineCase(pk=pk, **values)
        case._state.adding = False
        case.person = e.person
        made[id(values)] = case
    cases = [made[id(c)] if isinstance(c, dict) else c for c in out]
    for case, fields in filled.values():
        _update_rows([case], sorted(fields))
    referrals_insert(
        [
            (case.pk, e.source, e.at, e.note, "", "", by_id)
            for e, case in zip(entries, cases, strict=True)
        ]
    )
    return cases


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


@transaction.atomic
def teams_assign_bulk(
    *, teams: list[tuple[QuarantineCase, list[MemberInput]]], by: User | None
) -> list[TeamMember]:
    """team_assign for many new cases at once (cases without a team yet)."""
    members = _members_build(teams)
    TeamMember.objects.bulk_create(members, batch_size=2000)
    audit_create_bulk(actor=by, objs=list(members), describe=lambda m: f"{m.kind} {m.name}")
    return members
