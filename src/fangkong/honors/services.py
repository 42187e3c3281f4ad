"""The fast track 快报 → 快审 → 快批 → 快奖, each step by its role, and the circulars.

A step can only follow the one before it (no skipping); whoever nominated a case may neither
review nor approve it; a reviewer or approver may return it for revision (the nominator
resubmits) or reject it. Every step is a `Step` row and an audit entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fangkong.accounts.roles import user_can
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.services import model_create
from fangkong.core.text import model_text_errors, normalize_text, prose
from fangkong.honors.models import Circular, Commendation, Step

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Officer, Unit

S = Commendation.Status


def _require(user: User, perm: str, what: str) -> None:
    if not user_can(user, perm):
        raise ValidationError(_("您的角色不能%(what)s") % {"what": what})


def _when(at: datetime.datetime | None, after: datetime.datetime | None) -> datetime.datetime:
    at = at or clock.now()
    if after is not None and at < after:
        raise ValidationError({"at": _("时间不能早于上一步")})
    return at


def _step(c: Commendation, action: str, by: User, at: datetime.datetime, note: str = "") -> None:
    Step.objects.create(
        commendation=c, action=action, by=by, at=at, note=prose(note, field="note", label=_("意见"))
    )


def _advance(
    c: Commendation,
    *,
    by: User,
    action: str,
    status: str,
    at: datetime.datetime,
    note: str = "",
    **fields: object,
) -> Commendation:
    note = prose(note, field="note", label=_("意见"))
    before = c.status
    c.status = status
    for name, value in fields.items():
        setattr(c, name, value)
    if errors := model_text_errors(c, fields):  # the deeds of a resubmission
        raise ValidationError(errors)
    c.full_clean()
    c.save(update_fields=["status", *fields])
    _step(c, action, by, at, note)
    audit_record(actor=by, action="update", obj=c, changes={"status": [before, status]})
    return c


def _locked(c: Commendation) -> Commendation:
    return (
        Commendation.objects.select_for_update(of=("self",))
        .select_related("unit", "officer")
        .get(pk=c.pk)
    )


@transaction.atomic
def commendation_report(
    *,
    by: User,
    kind: str,
    level: str,
    deeds: str,
    officer: Officer | None = None,
    unit: Unit | None = None,
    tier: str = Commendation.Tier.COUNTY,
    at: datetime.datetime | None = None,
) -> Commendation:
    """快报: a unit leader or the political department nominates an officer or a unit."""
    _require(by, "honors.report", _("上报表彰"))
    if kind == Commendation.Kind.INDIVIDUAL:
        if officer is None:
            raise ValidationError({"officer": _("个人表彰须选择民警")})
        unit = officer.unit
    else:
        officer = None
        if unit is None:
            raise ValidationError({"unit": _("集体表彰须选择单位")})
    deeds = deeds.strip()  # prose: keep its full-width punctuation for the circular
    if not deeds:
        raise ValidationError({"deeds": _("主要事迹不能为空")})
    at = _when(at, None)
    c = model_create(
        model=Commendation,
        by=by,
        kind=kind,
        officer=officer,
        unit=unit,
        level=level,
        tier=tier,
        deeds=deeds,
        reported_by=by,
        reported_at=at,
        submitted_at=at,
    )
    _step(c, Step.Action.REPORT, by, at)
    return c


@transaction.atomic
def commendation_resubmit(
    *, commendation: Commendation, by: User, deeds: str, at: datetime.datetime | None = None
) -> Commendation:
    c = _locked(commendation)
    if c.status != S.RETURNED:
        raise ValidationError(_("只有退回修改的表彰可以重新上报"))
    if by.pk != c.reported_by_id:
        raise ValidationError(_("只有原上报人可以修改后重报"))
    deeds = deeds.strip()  # prose: keep its full-width punctuation for the circular
    if not deeds:
        raise ValidationError({"deeds": _("主要事迹不能为空")})
    at = _when(at, c.submitted_at)
    return _advance(
        c,
        by=by,
        action=Step.Action.RESUBMIT,
        status=S.REPORTED,
        at=at,
        deeds=deeds,
        submitted_at=at,
    )


def _not_own(c: Commendation, by: User, what: str) -> None:
    if by.pk == c.reported_by_id:
        raise ValidationError(_("不能%(what)s本人上报的表彰") % {"what": what})


@dataclass(frozen=True)
class _Forward:
    """One step forward on the fast track: who may take it, from where, to where."""

    perm: str
    what: Promise  # the refusal when the role may not: 您的角色不能…
    source: str
    wrong_status: Promise  # 当前状态“%(s)s”不能…
    action: str
    status: str
    after: str  # the field holding the previous step's time
    by_field: str
    at_field: str
    skipped: tuple[str, ...] = ()
    skipped_message: Promise | None = None
    not_own: Promise | None = None  # the nominator may not take this step


_REVIEW = _Forward(
    perm="honors.review",
    what=_lazy("审核表彰"),
    source=S.REPORTED,
    wrong_status=_lazy("当前状态“%(s)s”不能审核"),
    action=Step.Action.REVIEW,
    status=S.REVIEWED,
    after="submitted_at",
    by_field="reviewed_by",
    at_field="reviewed_at",
    not_own=_lazy("审核"),
)
_APPROVE = _Forward(
    perm="honors.approve",
    what=_lazy("批准表彰"),
    source=S.REVIEWED,
    wrong_status=_lazy("当前状态“%(s)s”不能批准"),
    action=Step.Action.APPROVE,
    status=S.APPROVED,
    after="reviewed_at",
    by_field="approved_by",
    at_field="approved_at",
    skipped=(S.REPORTED,),
    skipped_message=_lazy("须先经政工部门审核，不能跳过审核直接批准"),
    not_own=_lazy("批准"),
)
_AWARD = _Forward(
    perm="honors.award",
    what=_lazy("颁奖"),
    source=S.APPROVED,
    wrong_status=_lazy("当前状态“%(s)s”不能颁奖"),
    action=Step.Action.AWARD,
    status=S.AWARDED,
    after="approved_at",
    by_field="awarded_by",
    at_field="awarded_at",
    skipped=(S.REPORTED, S.REVIEWED),
    skipped_message=_lazy("须先经局领导批准，不能跳过批准直接颁奖"),
)


def _forward(
    step: _Forward, commendation: Commendation, by: User, note: str, at: datetime.datetime | None
) -> Commendation:
    _require(by, step.perm, str(step.what))
    c = _locked(commendation)
    if c.status in step.skipped and step.skipped_message is not None:
        raise ValidationError(str(step.skipped_message))
    if c.status != step.source:
        raise ValidationError(str(step.wrong_status) % {"s": c.get_status_display()})
    if step.not_own is not None:
        _not_own(c, by, str(step.not_own))
    at = _when(at, getattr(c, step.after))
    fields: dict[str, object] = {step.by_field: by, step.at_field: at}
    return _advance(c, by=by, action=step.action, status=step.status, at=at, note=note, **fields)


@transaction.atomic
def commendation_review(
    *, commendation: Commendation, by: User, note: str = "", at: datetime.datetime | None = None
) -> Commendation:
    """快审: the political department checks the deeds."""
    return _forward(_REVIEW, commendation, by, note, at)


@transaction.atomic
def commendation_approve(
    *, commendation: Commendation, by: User, note: str = "", at: datetime.datetime | None = None
) -> Commendation:
    """快批: the bureau's leadership approves a reviewed case."""
    return _forward(_APPROVE, commendation, by, note, at)


@transaction.atomic
def commendation_award(
    *, commendation: Commendation, by: User, note: str = "", at: datetime.datetime | None = None
) -> Commendation:
    """快奖: the political department awards an approved case."""
    return _forward(_AWARD, commendation, by, note, at)


@transaction.atomic
def commendation_return(
    *, commendation: Commendation, by: User, note: str, at: datetime.datetime | None = None
) -> Commendation:
    """退回修改: a reviewer (before review) or an approver (before approval) sends it back."""
    c = _locked(commendation)
    if c.status == S.REPORTED:
        _require(by, "honors.review", _("退回表彰"))
    elif c.status == S.REVIEWED:
        _require(by, "honors.approve", _("退回表彰"))
    else:
        raise ValidationError(_("当前状态“%(s)s”不能退回") % {"s": c.get_status_display()})
    if not normalize_text(note):
        raise ValidationError({"note": _("退回须说明修改意见")})
    at = _when(at, c.reviewed_at or c.submitted_at)
    return _advance(
        c,
        by=by,
        action=Step.Action.RETURN,
        status=S.RETURNED,
        at=at,
        note=note,
        reviewed_by=None,
        reviewed_at=None,
    )


@transaction.atomic
def commendation_reject(
    *, commendation: Commendation, by: User, note: str, at: datetime.datetime | None = None
) -> Commendation:
    c = _locked(commendation)
    if c.status in (S.REPORTED, S.RETURNED):
        _require(by, "honors.review", _("不予表彰"))
    elif c.status == S.REVIEWED:
        _require(by, "honors.approve", _("不予表彰"))
    else:
        raise ValidationError(_("当前状态“%(s)s”不能不予表彰") % {"s": c.get_status_display()})
    if not normalize_text(note):
        raise ValidationError({"note": _("不予表彰须说明理由")})
    at = _when(at, c.reviewed_at or c.submitted_at)
    return _advance(c, by=by, action=Step.Action.REJECT, status=S.REJECTED, at=at, note=note)


@transaction.atomic
def circular_issue(
    *,
    number: str,
    title: str,
    day: datetime.date,
    commendations: Sequence[Commendation],
    by: User,
    preamble: str = "",
    at: datetime.datetime | None = None,
) -> Circular:
    """表扬通报: bundle approved (or awarded) commendations not yet in a circular."""
    _require(by, "honors.award", _("印发表扬通报"))
    if not commendations:
        raise ValidationError({"commendations": _("至少选择一项已批准的表彰")})
    ids = [c.pk for c in commendations]
    rows = list(Commendation.objects.select_for_update().filter(pk__in=ids))
    for c in rows:
        if c.status not in (S.APPROVED, S.AWARDED):
            raise ValidationError({"commendations": _("“%(c)s”尚未批准，不能通报") % {"c": c}})
        if c.circular_id:
            raise ValidationError({"commendations": _("“%(c)s”已在其他通报中") % {"c": c}})
    circular = model_create(
        model=Circular,
        by=by,
        number=normalize_text(number),
        title=prose(title, field="title", label=_("标题")),
        preamble=preamble,
        day=day,
        issued_by=by,
        issued_at=at or clock.now(),
    )
    Commendation.objects.filter(pk__in=ids).update(circular=circular)
    audit_record(actor=by, action="update", obj=circular, changes={"commendations": [None, ids]})
    return circular
