"""Quarantine cases and follow-ups over the JSON API, within the caller's jurisdiction."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status

from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.api import Celsius, Counted, Input, counted, errors, label_fields, page_slice
from fangkong.core.bounds import (
    Codes,
    Day,
    Flag,
    Id,
    Line,
    Moment,
    Temperature,
)
from fangkong.core.disclosure import shown
from fangkong.core.filters import Paged, filter_schema, from_query
from fangkong.quarantine import schedule, selectors, services
from fangkong.quarantine.filters import CaseFilter
from fangkong.quarantine.models import CaseStatus, FollowUp, QuarantineCase

router = Router(tags=["quarantine"])


def _need(request: HttpRequest, perm: str) -> None:
    if not user_can(request.user, perm):
        raise PermissionDenied


class CaseOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str  # masked
    phone: str  # masked
    status: str
    status_label: str
    source: str
    measure: str
    came_from: str
    arrival_date: datetime.date | None
    township: str | None
    village: str | None
    address_detail: str  # masked
    station: str | None
    start_date: datetime.date | None
    planned_end: datetime.date | None
    quarantine_day: int | None
    version: int


class CasePage(Counted):
    items: list[CaseOut]


def case_out(case: QuarantineCase, day: datetime.date) -> CaseOut:
    p = case.person
    return CaseOut(
        id=case.pk,
        person_id=p.pk,
        name=p.name,
        id_number=shown("document", p.document_label),
        phone=shown("phone", p.phone),
        status=case.status,
        status_label=str(case.get_status_display()),
        source=case.source,
        measure=case.measure,
        came_from=case.came_from,
        arrival_date=case.arrival_date,
        township=case.township.name if case.township else None,
        village=case.village.name if case.village else None,
        address_detail=shown("address_detail", case.address_detail),
        station=case.station.name if case.station else None,
        start_date=case.start_date,
        planned_end=case.planned_end,
        quarantine_day=case.quarantine_day(day) if case.status == CaseStatus.QUARANTINED else None,
        version=case.version,
    )


if TYPE_CHECKING:
    CaseQuery = Paged
else:
    CaseQuery = filter_schema(CaseFilter, "CaseQuery")


@router.get(
    "/cases",
    response={200: CasePage, **errors(401, 403, 422, 429)},
    summary="隔离管控对象列表（可按乡镇、派出所、状态等筛选）",
)
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> CasePage:
    _need(request, "quarantine.view")
    now = schedule.work_now()
    flt = from_query(CaseFilter, filters)
    qs = selectors.case_list(user=request.user, filters=flt, now=now)
    items = [case_out(c, now.date()) for c in qs[page_slice(filters.limit, filters.offset)]]
    return CasePage(items=items, **counted(qs))


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, **errors(401, 403, 404, 422)},
    summary="隔离管控对象详情（脱敏）",
)
def get_case(request: HttpRequest, case_id: Id) -> CaseOut:
    _need(request, "quarantine.view")
    return case_out(selectors.case_get(user=request.user, pk=case_id), schedule.work_day())


class FollowUpIn(Input):
    temperature: Temperature | None = None
    symptoms: Codes = []
    at_home: Flag
    visited_at: Moment
    client_id: uuid.UUID | None = None
    note: Line = ""


# Named as the follow-up's form and a client_id conflict name them (services.FOLLOWUP_PARTS).
label_fields(FollowUpIn, services.FOLLOWUP_PARTS, case_id=gettext_lazy("隔离管控编号"))


class AlertOut(Schema):
    id: int
    kind: str
    detail: str


class FollowUpOut(Schema):
    id: int
    case_id: int
    client_id: uuid.UUID
    visited_at: datetime.datetime
    day: datetime.date
    slot: str
    temperature: Celsius | None
    symptoms: list[str]
    at_home: bool
    alerts: list[AlertOut]


def followup_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.pk,
        case_id=f.case_id,
        client_id=f.client_id,
        visited_at=f.visited_at.astimezone(schedule.SHANGHAI),
        day=f.day,
        slot=f.slot,
        temperature=f.temperature,
        symptoms=list(f.symptoms),
        at_home=f.at_home,
        alerts=[AlertOut(id=a.pk, kind=a.kind, detail=a.detail) for a in f.alerts.order_by("id")],
    )


@router.post(
    "/cases/{case_id}/followups",
    response={200: FollowUpOut, 201: FollowUpOut, **errors(401, 403, 404, 409, 422)},
    summary="录入随访（client_id 相同的重复提交返回原记录）",
)
def create_followup(
    request: AuthedHttpRequest, case_id: Id, payload: FollowUpIn
) -> Status[FollowUpOut]:
    _need(request, "quarantine.followup")
    case = selectors.case_get(user=request.user, pk=case_id)
    followup, created = services.followup_record(
        case=case,
        by=request.user,
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        at_home=payload.at_home,
        visited_at=payload.visited_at,
        client_id=payload.client_id,
        note=payload.note,
    )
    return Status(201 if created else 200, followup_out(followup))


class DueOut(Schema):
    case: CaseOut
    morning: str
    evening: str
    due: list[str]
    last_temperature: Celsius | None
    has_open_alert: bool


class DuePage(Schema):
    date: datetime.date
    items: list[DueOut]
    count: int


class DueQuery(Schema):
    date: Day | None = None


@router.get(
    "/followups/due",
    response={200: DuePage, **errors(401, 403, 422)},
    summary="某日应随访清单（本人负责的对象；上午6–12时、下午12–22时）",
)
def due_followups(request: HttpRequest, query: Query[DueQuery]) -> DuePage:
    _need(request, "quarantine.followup")
    day = query.date or schedule.work_day()
    now = schedule.moment_on(day)
    rows = selectors.due_list(user=request.user, day=day, now=now)
    items = [
        DueOut(
            case=case_out(r.case, day),
            morning=r.morning,
            evening=r.evening,
            due=r.due,
            last_temperature=r.last_temperature,
            has_open_alert=r.has_open_alert,
        )
        for r in rows
    ]
    return DuePage(date=day, items=items, count=len(items))
