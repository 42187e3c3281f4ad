"""Every write of the medical hand-off: the hand-off itself (移交医疗), the outcome the
receiving side records and how it moves the case, the contacts it opens and their referral
to verification, and the documents issued from a case. Cases are opened, joined and moved
only through the quarantine services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import jurisdiction_change_check
from fangkong.core import clock
from fangkong.core.audit import audit_create, audit_record
from fangkong.core.conflicts import stale_error
from fangkong.core.masking import mask_name
from fangkong.core.services import model_update_related
from fangkong.core.text import prose
from fangkong.medical.contacts import Contact, contacts_of
from fangkong.medical.models import (
    CONTACT_OUTCOMES,
    PROVISIONAL_OUTCOMES,
    CaseDocument,
    ContactLink,
    Handoff,
    MedicalInstitution,
    Outcome,
    Relation,
)
from fangkong.medical.reference import handoff_institution
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    Alert,
    CaseStatus,
    FollowUp,
    QuarantineCase,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.checkpoints.models import Occupant
    from fangkong.people.models import Person


@transaction.atomic
def institution_set_staff(
    *, institution: MedicalInstitution, staff: Sequence[User], by: User | None
) -> MedicalInstitution:
    """Set the accounts of an institution's staff, who see the hand-offs addressed to it
    (Handoff.jurisdiction): the security administrator's alone (jurisdiction_change_check;
    the system administrator keeps the institution's other data), and accounts of the
    designated institution's role only — any other would add the hospital's patients to
    what it sees (one already among the staff is kept). Audited: the staff before and
    after."""
    from fangkong.accounts.roles import Role

    jurisdiction_change_check(by, field="staff", label=_("医务人员账号"))
    locked = MedicalInstitution.objects.select_for_update().get(pk=institution.pk)
    current = set(locked.staff.values_list("pk", flat=True))
    strangers = [u for u in staff if u.pk not in current and u.role != Role.MEDICAL]
    if strangers:
        raise ValidationError(
            {
                "staff": [
                    _("医务人员账号：只能是“%(role)s”角色的账号，%(names)s不是")
                    % {
                        "role": Role.MEDICAL.label,
                        "names": "、".join(f"{u}（{u.username}）" for u in strangers),
                    }
                ]
            }
        )
    locked, _changes = model_update_related(
        instance=locked, by=by, data={}, related={"staff": staff}
    )
    return locked


@transaction.atomic
def handoff_create(
    *,
    case: QuarantineCase,
    by: User | None,
    origin: str,
    reason: str = "",
    occupant: Occupant | None = None,
    alert: Alert | None = None,
    followup: FollowUp | None = None,
    institution: MedicalInstitution | None = None,
    at: datetime.datetime | None = None,
) -> tuple[Handoff, bool]:
    """移交医疗: hand the person of an open case to the designated institution of the
    case's township (or the one given). A case already handed over and awaiting its
    outcome keeps that hand-off (returned with created False). A fever alert handed over
    is resolved by it. Returns (hand-off, created).

    A checkpoint's hand-over (`occupant`) is per occupant: the person it registered, handed
    over once (a second time returns that hand-off), whatever the case on file its
    referral joined is doing — handed over by its station already, at hospital, closed.
    Joining or refusing by the case would tell the checkpoint, who may not see the case,
    that the person behind the number it typed is at medical care (the sixth attack's
    leftover). The case may so have a second open hand-off; those who may see the record
    see both (selectors.Subject.others), and an exclusion sends nobody home while another
    finding holds them (_move_case)."""
    at = at or clock.now()
    errors: dict[str, list[str]] = {}
    if origin not in Handoff.Origin.values:
        errors["origin"] = [_("移交来源：取值不在允许范围内")]
    # Refused before anything is joined: a hidden character is refused whatever follows.
    reason = prose(reason, field="reason", label=_("移交原因"))[:200]
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    own = _own_handoffs(locked, occupant)
    existing = own.first()
    if existing is not None:
        return existing, False
    if occupant is None and locked.status not in OPEN_STATUSES:
        errors["__all__"] = [
            _("该对象当前状态为“%(status)s”，已结案，不能移交医疗")
            % {"status": locked.get_status_display()}
        ]
    institution = institution or handoff_institution(case=locked, occupant=occupant)
    if institution is None:
        errors["institution"] = [_("接收医疗机构：该乡镇街道未指定定点医疗机构")]
    reason = reason or _default_reason(origin, occupant, alert, followup)
    if errors:
        raise ValidationError(errors)
    assert institution is not None
    handoff = Handoff(
        person_id=locked.person_id,
        case=locked,
        institution=institution,
        origin=origin,
        occupant=occupant,
        alert=alert,
        followup=followup or (alert.followup if alert is not None else None),
        reason=reason,
        temperature=_temperature(occupant, alert, followup),
        handed_at=at,
        day=at.astimezone(clock.SHANGHAI).date(),
        handed_by=by,
    )
    handoff.full_clean(
        exclude=["person", "case", "institution", "occupant", "alert", "followup", "handed_by"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            handoff.save()
    except IntegrityError:  # handed over a moment ago by someone else: that one stands
        stands = own.first()
        if stands is None:
            raise
        return stands, False
    audit_create(actor=by, obj=handoff)
    if alert is not None and alert.resolved_at is None and by is not None:
        quarantine.alert_resolve(
            alert=alert,
            by=by,
            resolution=_("移交医疗：%(inst)s") % {"inst": institution.name},
            at=at,
        )
    return handoff, True


def _own_handoffs(case: QuarantineCase, occupant: Occupant | None) -> QuerySet[Handoff]:
    """What a hand-over joins: the occupant's own hand-off (any: an occupant is handed over
    once), else the case's open one — a checkpoint's included, which whoever hands over
    by the case (its station, the follow-up team) may see."""
    if occupant is not None:
        return Handoff.objects.filter(occupant=occupant).order_by("-handed_at", "-id")
    return Handoff.objects.filter(case=case, outcome="").order_by("handed_at", "id")


def _default_reason(
    origin: str, occupant: Occupant | None, alert: Alert | None, followup: FollowUp | None
) -> str:
    if alert is not None:
        return f"{alert.get_kind_display()}：{alert.detail}"[:200]
    if occupant is not None and occupant.temperature is not None:
        return _("检查站测温%(t)s℃") % {"t": occupant.temperature}
    if followup is not None and followup.temperature is not None:
        return _("随访测温%(t)s℃") % {"t": followup.temperature}
    return str(Handoff.Origin(origin).label) if origin in Handoff.Origin.values else ""


def _temperature(
    occupant: Occupant | None, alert: Alert | None, followup: FollowUp | None
) -> Decimal | None:
    for record in (occupant, followup, alert.followup if alert is not None else None):
        if record is not None and record.temperature is not None:
            return record.temperature
    return None


@transaction.atomic
def handoff_outcome(
    *,
    handoff: Handoff,
    by: User | None,
    outcome: str,
    note: str = "",
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> Handoff:
    """The receiving side's finding, and what it does to the case (through the quarantine
    services): 疑似, 确诊 and 留观 keep the person at hospital (已送医); 排除 sends them back
    to home quarantine (or releases them when their 14 days are over). 疑似 and 留观 may
    be followed by 确诊 or 排除. 疑似 and 确诊 record the person's contacts (同车, 同住),
    to be referred to verification."""
    at = at or clock.now()
    locked = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("诊断结果：请选择")]})
    if locked.outcome and (locked.outcome not in PROVISIONAL_OUTCOMES or outcome == locked.outcome):
        raise ValidationError(
            {
                "outcome": [
                    _("诊断结果：已登记为“%(o)s”，不能改为“%(n)s”")
                    % {"o": locked.get_outcome_display(), "n": Outcome(outcome).label}
                ]
            }
        )
    note = prose(note, field="note", label=_("接收方意见"))[:200]
    before = locked.outcome
    locked.outcome = outcome
    locked.outcome_note = note
    locked.outcome_at = at
    locked.outcome_day = at.astimezone(clock.SHANGHAI).date()
    locked.outcome_by = by
    locked.version += 1
    locked.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "outcome_at",
            "outcome_day",
            "outcome_by",
            "version",
        ]
    )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={"outcome": [before or None, outcome], "note": note},
    )
    _move_case(locked, by=by, at=at)
    if outcome in CONTACT_OUTCOMES:
        contacts_record(source=locked.person, handoff=locked, at=at, by=by)
    return locked


def _move_case(handoff: Handoff, *, by: User | None, at: datetime.datetime) -> None:
    case = QuarantineCase.objects.get(pk=handoff.case_id)
    label = Outcome(handoff.outcome).label
    reason = _("移交医疗（%(inst)s）诊断结果：%(o)s") % {
        "inst": handoff.institution.name,
        "o": label,
    }
    if handoff.outcome_note:
        reason = f"{reason}；{handoff.outcome_note}"
    user = by  # the quarantine services name who moved the case; a system action has none
    if handoff.outcome != Outcome.EXCLUDED:
        if case.is_open:
            quarantine.case_transition(
                case=case,
                to=CaseStatus.HOSPITAL,
                by=user,  # type: ignore[arg-type]
                reason=reason,
                at=at,
                measure=QuarantineCase.Measure.HOSPITAL,
            )
        return
    holding = (
        Handoff.objects.filter(case_id=handoff.case_id)
        .exclude(pk=handoff.pk)
        .exclude(outcome__in=["", Outcome.EXCLUDED])
    )
    if holding.exists():
        # Another hand-over of the case (a checkpoint's is per occupant) found them
        # 疑似, 确诊 or 留观: that finding holds them; this exclusion sends nobody home.
        return
    today = at.astimezone(clock.SHANGHAI).date()
    if case.status == CaseStatus.QUARANTINED:
        if case.planned_end is not None and case.planned_end <= today:
            quarantine.case_release(case=case, by=user, reason=reason, at=at)  # type: ignore[arg-type]
        return
    if case.is_open:
        quarantine.case_transition(
            case=case,
            to=CaseStatus.QUARANTINED,
            by=user,  # type: ignore[arg-type]
            reason=reason,
            at=at,
            measure=QuarantineCase.Measure.HOME,
            start_date=case.start_date or case.arrival_date,
        )
        return
    if case.status == CaseStatus.HOSPITAL:
        # Sent to hospital on a provisional finding, now excluded: back to home quarantine
        # on a case of its own, the first one's days counted.
        start = case.start_date or case.arrival_date or today
        if start + datetime.timedelta(days=quarantine.quarantine_days()) <= today:
            return
        reopened, _opened = quarantine.case_refer(
            person=handoff.person,
            source=QuarantineCase.Source.STATION,
            by=user,
            at=at,
            note=reason[:200],
            township=case.township,
            village=case.village,
            address_detail=case.address_detail,
            came_from_code=case.came_from_code,
            arrival_date=case.arrival_date,
            ref_type="medical.handoff",
            ref_id=str(handoff.pk),
        )
        if reopened.status != CaseStatus.QUARANTINED:
            quarantine.case_transition(
                case=reopened,
                to=CaseStatus.QUARANTINED,
                by=user,  # type: ignore[arg-type]
                reason=reason,
                at=at,
                measure=QuarantineCase.Measure.HOME,
                start_date=start,
            )


@transaction.atomic
def contacts_record(
    *,
    source: Person,
    by: User | None,
    handoff: Handoff | None = None,
    at: datetime.datetime | None = None,
    contacts: Sequence[Contact] | None = None,
) -> list[ContactLink]:
    """Record the source's contacts as found (密切接触者), in the window before the day of
    `at`: the links the contacts page, the chain view and the dashboard read. A link
    found before is kept as it is. Returns every link of the contacts."""
    at = at or clock.now()
    day = at.astimezone(clock.SHANGHAI).date()
    if contacts is None:
        contacts = contacts_of(source, until=day)
    existing = {
        (link.contact_id, link.relation): link
        for link in ContactLink.objects.filter(source=source).select_for_update()
    }
    out = []
    for c in contacts:
        link = existing.get((c.person.pk, c.relation))
        if link is None:
            link = ContactLink(
                source=source,
                contact=c.person,
                relation=c.relation,
                passage_id=c.passage_id,
                address=c.address[:200],
                day=c.day,
                handoff=handoff,
                found_at=at,
                found_day=day,
            )
            link.save()
            audit_create(actor=by, obj=link)
            existing[(c.person.pk, c.relation)] = link
        c.link = link
        out.append(link)
    return out


@transaction.atomic
def contacts_refer(
    *,
    source: Person,
    by: User | None,
    contacts: Sequence[Contact] | None = None,
    at: datetime.datetime | None = None,
) -> list[ContactLink]:
    """Refer the source's contacts (all of them, or those given) to verification: each
    opens a case in the 待核查 queue of the station of where they live, or joins their open
    one (quarantine.cases_refer), and the link records the case, who and when. A contact
    referred already is not referred again. Returns the links referred now."""
    at = at or clock.now()
    day = at.astimezone(clock.SHANGHAI).date()
    if contacts is None:
        contacts = contacts_of(source, until=day)
    links = contacts_record(source=source, by=by, at=at, contacts=contacts)
    todo = [(c, link) for c, link in zip(contacts, links, strict=True) if link.referred_at is None]
    if not todo:
        return []
    who = mask_name(source.name)
    referrals = [
        quarantine.Referral(
            person=c.person,
            note=(
                _("密切接触者（%(rel)s）：%(who)s，%(where)s")
                % {
                    "rel": c.relation_label,
                    "who": who,
                    "where": (
                        _("%(d)s同车") % {"d": c.day.isoformat()}
                        if c.relation == Relation.SAME_VEHICLE and c.day
                        else _("同一住址")
                    ),
                }
            )[:200],
            ref_type="medical.contactlink",
            ref_id=str(link.pk),
        )
        for c, link in todo
    ]
    results = quarantine.cases_refer(referrals, source=QuarantineCase.Source.STATION, by=by, at=at)
    referred = []
    for (c, link), (case, _opened) in zip(todo, results, strict=True):
        link.case = case
        link.referred_at = at
        link.referred_day = day
        link.referred_by = by
        link.save(update_fields=["case", "referred_at", "referred_day", "referred_by"])
        audit_record(
            actor=by,
            action="update",
            obj=link,
            changes={"referred": [None, str(at)], "case": [None, case.pk]},
        )
        c.case = case
        referred.append(link)
    return referred


@transaction.atomic
def case_document_issue(
    *, case: QuarantineCase, kind: str, by: User | None, at: datetime.datetime | None = None
) -> CaseDocument:
    """Record that a 居家隔离告知书 or 承诺书 was issued from a case (listed in the person
    file); the page writes the document."""
    if kind not in CaseDocument.Kind.values:
        raise ValidationError({"kind": [_("文书：取值不在允许范围内")]})
    if case.status != CaseStatus.QUARANTINED and not case.start_date:
        raise ValidationError(
            _("该对象尚未开始居家隔离（当前状态：%(s)s），不能出具%(k)s")
            % {"s": case.get_status_display(), "k": CaseDocument.Kind(kind).label}
        )
    document = CaseDocument.objects.create(
        case=case, kind=kind, issued_at=at or clock.now(), issued_by=by
    )
    audit_record(
        actor=by,
        action="export",
        obj=case,
        changes={"document": str(CaseDocument.Kind(kind).label), "rows": 1},
    )
    return document
