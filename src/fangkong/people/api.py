from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from fangkong.accounts.roles import user_can
from fangkong.core.api import Counted, counted, errors, page_slice
from fangkong.core.bounds import Id, Limit, Offset, Short
from fangkong.core.masking import mask_address, mask_id_number, mask_phone
from fangkong.people import selectors
from fangkong.people.models import Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    doc_type: str
    sex: str
    birth_date: datetime.date | None
    phone: str
    township: str | None
    village: str | None
    address_detail: str
    id_unverified: bool


class PersonPage(Counted):
    items: list[PersonOut]


def person_out(person: Person) -> PersonOut:
    """The API never sends full personal data in lists; see /persons/{id}/reveal."""
    return PersonOut(
        id=person.pk,
        name=person.name,
        id_number=mask_id_number(person.id_number or person.doc_number),
        doc_type=person.doc_type,
        sex=person.sex,
        birth_date=person.birth_date,
        phone=mask_phone(person.phone),
        township=person.township.name if person.township else None,
        village=person.village.name if person.village else None,
        address_detail=mask_address(person.address_detail),
        id_unverified=person.id_unverified,
    )


class PersonFilter(Schema):
    q: Short = ""
    limit: Limit = 50
    offset: Offset = 0


@router.get(
    "/persons",
    response={200: PersonPage, **errors(401, 403, 422)},
    summary="查找人员（身份证号、电话、姓名或拼音首字母）",
)
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> PersonPage:
    if not user_can(request.user, "people.view"):
        raise PermissionDenied
    qs = selectors.person_list(user=request.user, q=filters.q[:60])
    items = [person_out(p) for p in qs[page_slice(filters.limit, filters.offset)]]
    return PersonPage(items=items, **counted(qs))


@router.get(
    "/persons/{person_id}",
    response={200: PersonOut, **errors(401, 403, 404, 422)},
    summary="人员详情（脱敏）",
)
def get_person(request: HttpRequest, person_id: Id) -> PersonOut:
    if not user_can(request.user, "people.view"):
        raise PermissionDenied
    return person_out(selectors.person_get(user=request.user, pk=person_id))
