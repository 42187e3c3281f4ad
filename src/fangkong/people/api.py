from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from fangkong.accounts.roles import user_can
from fangkong.core.api import Celsius, Counted, counted, errors, label_fields, page_slice
from fangkong.core.bounds import Id
from fangkong.core.disclosure import shown
from fangkong.core.filters import Paged, filter_schema, from_query
from fangkong.people import dossier, selectors
from fangkong.people.disclosure import person_shown
from fangkong.people.filters import PersonListFilter
from fangkong.people.models import Person

router = Router(tags=["people"])


label_fields(person_id=gettext_lazy("人员编号"))


class PersonOut(Schema):
    """A person as the disclosure rule shows them (core.disclosure): ID number, phone and
    address masked; no birth date or age, which beside the region would name the ID."""

    id: int
    name: str
    id_number: str
    doc_type: str
    sex: str
    phone: str
    township: str | None
    village: str | None
    address_detail: str
    id_unverified: bool


class PersonPage(Counted):
    items: list[PersonOut]


def person_out(person: Person) -> PersonOut:
    """The API never sends full personal data: the reveal is a page's audited action."""
    shown = person_shown(person)
    return PersonOut(
        id=shown.pk,
        name=shown.name,
        id_number=shown.document,
        doc_type=shown.doc_type,
        sex=shown.sex,
        phone=shown.phone,
        township=shown.township or None,
        village=shown.village or None,
        address_detail=shown.address_detail,
        id_unverified=shown.id_unverified,
    )


if TYPE_CHECKING:
    PersonFilter = Paged
else:
    PersonFilter = filter_schema(PersonListFilter, "PersonFilter")


@router.get(
    "/persons",
    response={200: PersonPage, **errors(401, 403, 422, 429)},
    summary="查找人员（完整的身份证号、电话或证件号码，姓名或拼音首字母；每人每分钟限次）",
)
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> PersonPage:
    if not user_can(request.user, "people.view"):
        raise PermissionDenied
    f = from_query(PersonListFilter, filters)
    qs = selectors.person_list(user=request.user, q=f.q)
    items = [person_out(p) for p in qs[page_slice(filters.limit, filters.offset)]]
    return PersonPage(items=items, **counted(qs))


class TeamMemberOut(Schema):
    kind: str
    name: str
    phone: str  # masked


class CaseOut(Schema):
    id: int
    status: str
    status_label: str
    source: str
    start_date: datetime.date | None
    planned_end: datetime.date | None
    station: str | None
    team: list[TeamMemberOut]


class CompanionOut(Schema):
    name: str  # the surname only, unless the caller may see that person
    person_id: int | None


class PassageOut(Schema):
    passage_id: int
    occurred_at: datetime.datetime
    checkpoint: str
    direction: str
    plate: str
    decision: str
    companions: list[CompanionOut]


class ListEntryOut(Schema):
    list_import_id: int
    list_name: str
    row_number: int
    outcome: str


class FollowUpOut(Schema):
    case_id: int
    visited_at: datetime.datetime
    slot: str
    temperature: Celsius | None
    symptoms: list[str]
    at_home: bool


class AlertOut(Schema):
    case_id: int
    kind: str
    detail: str
    raised_at: datetime.datetime
    resolved: bool


class DocumentOut(Schema):
    title: str
    case_id: int
    at: datetime.datetime


class ViewerOut(Schema):
    at: datetime.datetime
    actor: str
    purpose: str


class PersonFileOut(PersonOut):
    """The person file: each list is the newest 20 (its `*_total` counts them all) and is
    null when the caller's role may not see that kind of record."""

    cases: list[CaseOut] | None
    passages: list[PassageOut] | None
    passages_total: int | None
    list_entries: list[ListEntryOut] | None
    followups: list[FollowUpOut] | None
    followups_total: int | None
    alerts: list[AlertOut] | None
    documents: list[DocumentOut] | None
    viewers: list[ViewerOut] | None


def _total(part: dossier.Part | None) -> int | None:
    return part.total if part is not None else None


def person_file_out(file: dossier.PersonFile) -> PersonFileOut:
    base = person_out(file.person).dict()
    return PersonFileOut(
        **base,
        cases=None
        if file.cases is None
        else [
            CaseOut(
                id=c.pk,
                status=c.status,
                status_label=str(c.get_status_display()),
                source=c.source,
                start_date=c.start_date,
                planned_end=c.planned_end,
                station=str(c.station) if c.station_id else None,
                team=[
                    TeamMemberOut(kind=m.kind, name=m.name, phone=shown("phone", m.phone))
                    for m in c.team_members.all()
                ],
            )
            for c in file.cases
        ],
        passages=None
        if file.passages is None
        else [
            PassageOut(
                passage_id=line.occupant.passage_id,
                occurred_at=line.occupant.passage.occurred_at,
                checkpoint=line.occupant.checkpoint.name,
                direction=line.occupant.passage.direction,
                plate=line.occupant.passage.plate,
                decision=line.occupant.decision,
                companions=[
                    CompanionOut(name=c.name, person_id=c.person_id) for c in line.companions
                ],
            )
            for line in file.passages.items
        ],
        passages_total=_total(file.passages),
        list_entries=None
        if file.list_entries is None
        else [
            ListEntryOut(
                list_import_id=line.entry.list_import_id,
                list_name=line.entry.list_import.original_name,
                row_number=line.entry.row_number,
                outcome=line.entry.outcome,
            )
            for line in file.list_entries.items
        ],
        followups=None
        if file.followups is None
        else [
            FollowUpOut(
                case_id=f.case_id,
                visited_at=f.visited_at,
                slot=f.slot,
                temperature=f.temperature,
                symptoms=list(f.symptoms),
                at_home=f.at_home,
            )
            for f in file.followups.items
        ],
        followups_total=_total(file.followups),
        alerts=None
        if file.alerts is None
        else [
            AlertOut(
                case_id=a.case_id,
                kind=a.kind,
                detail=a.detail,
                raised_at=a.raised_at,
                resolved=a.resolved_at is not None,
            )
            for a in file.alerts.items
        ],
        documents=None
        if file.documents is None
        else [DocumentOut(title=d.title, case_id=d.case_id, at=d.at) for d in file.documents.items],
        viewers=None
        if file.viewers is None
        else [
            ViewerOut(at=e.at, actor=e.actor_name, purpose=str(e.changes.get("purpose", "")))
            for e in file.viewers.items
        ],
    )


@router.get(
    "/persons/{person_id}",
    response={200: PersonFileOut, **errors(401, 403, 404, 422)},
    summary="人员档案（脱敏）：身份、隔离管控及“四包一”、通行记录、名单记录、随访、预警、文书",
)
def get_person(request: HttpRequest, person_id: Id) -> PersonFileOut:
    if not user_can(request.user, "people.view"):
        raise PermissionDenied
    person = selectors.person_get(user=request.user, pk=person_id)
    return person_file_out(dossier.person_file(user=request.user, person=person))
