"""The contacts API: `GET /api/v1/persons/{id}/contacts?days=14`, and the hand-offs."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from fangkong.accounts.roles import user_can
from fangkong.core.api import errors, label_fields
from fangkong.core.bounds import Id
from fangkong.medical import selectors
from fangkong.medical.contacts import contact_days
from fangkong.medical.forms import MAX_CONTACT_DAYS
from fangkong.people import selectors as people_selectors

router = Router(tags=["medical"])

ContactDays = Annotated[int, Field(ge=1, le=MAX_CONTACT_DAYS)]


class ContactOut(Schema):
    """One contact: who, how they are linked (同车: the passage; 同住: the address, its
    house number masked), when, and the case they are verified in. A contact outside the
    user's jurisdiction is named by a masked name, `visible` false, and by no id: neither
    `person_id` nor `case_id` (null)."""

    person_id: int | None
    name: str
    visible: bool
    relation: str  # 同车 / 同住
    relation_code: str  # vehicle / address
    passage_id: int | None
    address: str | None
    date: datetime.date | None
    case_id: int | None
    referred: bool
    status: str  # found / referred / quarantined / hospital


class ContactPage(Schema):
    person_id: int
    days: int
    items: list[ContactOut]
    count: int


class ContactFilter(Schema):
    days: ContactDays | None = None


label_fields(ContactFilter, {"days": gettext_lazy("天数")})


@router.get(
    "/persons/{person_id}/contacts",
    response={200: ContactPage, **errors(401, 403, 404, 422)},
    summary="人员的密切接触者：近N天同车（检查站登记的同一车辆）和同住人员",
)
def person_contacts(
    request: HttpRequest, person_id: Id, filters: Query[ContactFilter]
) -> ContactPage:
    if not (user_can(request.user, "people.view") and user_can(request.user, "contacts.view")):
        raise PermissionDenied
    person = people_selectors.person_get(user=request.user, pk=person_id)
    days = filters.days or contact_days()
    rows = selectors.contact_rows(user=request.user, person=person, days=days)
    items = [_contact_out(row) for row in rows]
    return ContactPage(person_id=person.pk, days=days, items=items, count=len(items))


def _contact_out(row: selectors.ContactRow) -> ContactOut:
    c = row.contact
    return ContactOut(
        person_id=row.person_id,
        name=row.name,
        visible=row.visible,
        relation=c.relation_label,
        relation_code=c.relation,
        passage_id=c.passage_id,
        address=c.address_shown or None,
        date=c.day,
        case_id=row.case_id,
        referred=c.referred,
        status=row.status,
    )
