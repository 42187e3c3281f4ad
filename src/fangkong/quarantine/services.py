"""Every write to quarantine cases: referral (open or join), status transitions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.audit import audit_create, audit_record
from fangkong.core.regions import region_name
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    CaseReferral,
    CaseStatus,
    CaseTransition,
    QuarantineCase,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Township, Village
    from fangkong.people.models import Person


def quarantine_days() -> int:
    return int(settings.FANGKONG["QUARANTINE_DAYS"])


@transaction.atomic
def case_refer(
    *,
    person: Person,
    source: str,
    by: User | None,
    at: datetime.datetime | None = None,
    came_from_code: str = "",
    came_from: str = "",
    arrival_date: datetime.date | None = None,
    township: Township | None = None,
    village: Village | None = None,
    address_detail: str = "",
    note: str = "",
    ref_type: str = "",
    ref_id: str = "",
    needs_review: list[str] | None = None,
) -> tuple[QuarantineCase, bool]:
    """Refer a person for verification: join their open case, or open a new one in the
    待核查 queue of the station responsible for their township. Returns (case, opened).

    Every referral is kept on the case (its timeline), whoever made it.
    """
    at = at or timezone.now()
    township = township or (village.township if village else None) or person.township
    if village is None and township is not None and person.village_id:
        village = person.village if person.village.township_id == township.pk else None  # type: ignore[union-attr]
    case = (
        QuarantineCase.objects.select_for_update()
        .filter(person=person, status__in=OPEN_STATUSES)
        .first()
    )
    opened = False
    if case is None:
        case = QuarantineCase(
            person=person,
            source=source,
            status=CaseStatus.PENDING,
            came_from_code=came_from_code,
            came_from=came_from or region_name(came_from_code),
            arrival_date=arrival_date,
            township=township,
            village=village,
            address_detail=address_detail or person.address_detail,
            station=township.station if township is not None else None,
            needs_review=sorted(set(needs_review or [])),
            created_by=by,
        )
        case.full_clean()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            # Another referral opened the person's case a moment ago: join it.
            case = QuarantineCase.objects.select_for_update().get(
                person=person, status__in=OPEN_STATUSES
            )
        else:
            opened = True
            CaseTransition.objects.create(
                case=case,
                from_status="",
                to_status=CaseStatus.PENDING,
                at=at,
                by=by,
                reason=_("建档：%(source)s") % {"source": case.get_source_display()},
            )
            audit_create(actor=by, obj=case)
    if not opened:
        # Fill what the open case did not know yet; never overwrite what a station verified.
        changed = []
        for field, value in (
            ("came_from_code", came_from_code),
            ("arrival_date", arrival_date),
            ("township", township),
            ("village", village),
        ):
            if value and not getattr(case, field):
                setattr(case, field, value)
                changed.append(field)
        if "came_from_code" in changed and not case.came_from:
            case.came_from = came_from or region_name(came_from_code)
            changed.append("came_from")
        if "township" in changed and case.station_id is None and township is not None:
            case.station = township.station
            changed.append("station")
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
    CaseReferral.objects.create(
        case=case,
        source=source,
        at=at,
        note=note[:200],
        ref_type=ref_type,
        ref_id=ref_id,
        by=by,
    )
    return case, opened


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
    at = at or timezone.now()
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("该对象已被他人修改（当前状态：%(status)s），请刷新后重试")
            % {"status": locked.get_status_display()},
            code="conflict",
        )
    if to not in TRANSITIONS.get(locked.status, ()):
        raise ValidationError(
            _("不能从“%(from)s”变更为“%(to)s”")
            % {"from": locked.get_status_display(), "to": CaseStatus(to).label},
            code="transition",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("原因不能为空")]})
    before = locked.status
    locked.status = to
    update = ["status", "updated_at", "version"]
    if measure is not None:
        locked.measure = measure
        update.append("measure")
    if to == CaseStatus.QUARANTINED:
        start = start_date or locked.arrival_date or timezone.localdate(at)
        locked.start_date = start
        locked.planned_end = start + datetime.timedelta(days=quarantine_days())
        locked.measure = locked.measure or QuarantineCase.Measure.HOME
        update += ["start_date", "planned_end", "measure"]
    if to not in OPEN_STATUSES:
        locked.ended_at = at
        update.append("ended_at")
    locked.version += 1
    locked.save(update_fields=sorted(set(update)))
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
