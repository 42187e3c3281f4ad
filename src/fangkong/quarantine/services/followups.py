"""Follow-ups of people in home quarantine and the alerts they raise (one at a time, from
a phone's outbox, and in bulk)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock, idempotency
from fangkong.core.audit import audit_chain_lock, audit_create_bulk, audit_record
from fangkong.core.bulk import insert_rows, reserve_ids
from fangkong.core.moments import is_future
from fangkong.core.symptoms import CODES as _SYMPTOMS
from fangkong.core.symptoms import known_symptoms, symptoms_label
from fangkong.core.temperature import is_fever, parse_temperature
from fangkong.core.text import normalize_text, prose
from fangkong.quarantine.models import (
    Alert,
    CaseStatus,
    FollowUp,
    QuarantineCase,
)
from fangkong.quarantine.schedule import SHANGHAI, slot_of

if TYPE_CHECKING:
    from fangkong.accounts.models import User


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
    symptoms, refused = known_symptoms(data.symptoms or [], _SYMPTOMS)
    if refused:
        errors["symptoms"] = refused
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
    note = prose(data.note, field="note", label=_("备注"), errors=errors)[:200]
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
        note=note,
        by=by,
    )
    if data.client_id:
        followup.client_id = data.client_id
    followup.request_digest = followup_digest(data)
    alerts = [
        Alert(
            case=case,
            followup=followup,
            kind=kind,
            detail=detail,
            raised_at=visited_at,
            day=day,
        )
        for kind, detail in followup_alerts(
            temperature=temperature, symptoms=symptoms, at_home=bool(data.at_home)
        )
    ]
    return followup, alerts


def followup_alerts(
    *, temperature: Decimal | None, symptoms: Sequence[str], at_home: bool
) -> list[tuple[str, str]]:
    """The alerts a follow-up raises, as (kind, detail): fever (core.temperature's rule),
    symptoms, not at home. The one rule for the page, the API, the bulk path and the scale
    generator."""
    alerts: list[tuple[str, str]] = []
    if is_fever(temperature):
        alerts.append((Alert.Kind.FEVER, _("体温%(t)s℃") % {"t": temperature}))
    if symptoms:
        alerts.append((Alert.Kind.SYMPTOM, _("症状：%(s)s") % {"s": symptoms_label(symptoms)}))
    if not at_home:
        alerts.append((Alert.Kind.ABSENT, _("随访时不在家")))
    return alerts


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
            return _same_client(existing, data, by), False
    followup, alerts = _followup_build(data, by=by, now=clock.now())
    audit_chain_lock()  # before the follow-up's row locks its case (see audit_chain_lock)
    try:
        with transaction.atomic():
            # The one write of follow-ups, as for a batch: one row is a batch of one.
            followups_insert(followups=[followup], alerts=alerts, by=by)
    except IntegrityError:
        # The same client_id arrived twice at once: the first one stands.
        existing = FollowUp.objects.get(client_id=str(cid))
        return _same_client(existing, data, by), False
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


def _same_client(existing: FollowUp, data: FollowUpInput, by: User | None) -> FollowUp:
    """A known client_id: the stored visit, if it is this one; refused otherwise. Compared
    only with the sender's own visit of the same case (core/idempotency.py refuse_retry):
    another case's, or another user's, is refused naming the client_id only."""
    idempotency.refuse_retry(
        existing.request_digest,
        followup_digest(data),
        {name: str(label) for name, label in FOLLOWUP_PARTS.items()},
        own=existing.case_id == data.case.pk and existing.by_id == (by.pk if by else None),
    )
    return existing


@transaction.atomic
def followups_record_bulk(
    *, entries: list[FollowUpInput], by: User | None, now: datetime.datetime | None = None
) -> tuple[list[FollowUp], list[Alert]]:
    """Record many follow-ups at once (the demo, a device's backlog): each entry through
    the rule of followup_record (_followup_build), all written by followups_insert. A
    client_id already stored is skipped. All or nothing: a bad entry raises ValidationError
    naming its position."""
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
    fresh_ids = {f.client_id for f in fresh}
    alerts = [a for a in alerts if a.followup is not None and a.followup.client_id in fresh_ids]
    followups_insert(followups=fresh, alerts=alerts, by=by)
    return fresh, alerts


_FOLLOWUP_FIELDS = (
    "case_id",
    "client_id",
    "visited_at",
    "day",
    "slot",
    "temperature",
    "symptoms",
    "at_home",
    "note",
    "by_id",
    "recorded_at",
    "request_digest",
)
_ALERT_FIELDS = (
    "case_id",
    "kind",
    "followup_id",
    "detail",
    "raised_at",
    "resolved_at",
    "resolved_by_id",
    "resolution",
    "day",
)


def followups_insert(
    *, followups: Sequence[FollowUp], alerts: Sequence[Alert], by: User | None
) -> None:
    """Write new follow-ups and their alerts, as _followup_build made them (the caller knows
    their client ids are new, or catches the IntegrityError of one stored meanwhile): the
    one write of follow-ups — followup_record's one row (page, API, the phone's outbox) and
    followups_record_bulk's many (the demo) —, as cases_insert is of cases. Keys reserved
    ahead, rows through core.bulk (executemany on SQLite, COPY on PostgreSQL); each object
    gets its id; one audit entry each (audit_create_bulk: the entry audit_create writes)."""
    if not followups:
        return
    ids = reserve_ids(FollowUp, len(followups))
    for f, pk in zip(followups, ids, strict=True):
        f.pk = pk
        f._state.adding = False
    insert_rows(
        FollowUp,
        _FOLLOWUP_FIELDS,
        [tuple(getattr(f, name) for name in _FOLLOWUP_FIELDS) for f in followups],
        ids=ids,
    )
    for alert in alerts:
        alert.followup = alert.followup  # sets followup_id: the follow-up has its id now
    alert_ids = reserve_ids(Alert, len(alerts))
    for a, pk in zip(alerts, alert_ids, strict=True):
        a.pk = pk
        a._state.adding = False
    insert_rows(
        Alert,
        _ALERT_FIELDS,
        [tuple(getattr(a, name) for name in _ALERT_FIELDS) for a in alerts],
        ids=alert_ids,
    )
    audit_create_bulk(actor=by, objs=list(followups))
    audit_create_bulk(actor=by, objs=list(alerts))


@transaction.atomic
def alert_resolve(
    *, alert: Alert, by: User, resolution: str, at: datetime.datetime | None = None
) -> Alert:
    """Record what was done about an alert."""
    resolution = prose(resolution, field="resolution", label=_("处置情况"))
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
