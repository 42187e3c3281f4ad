from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from fangkong.accounts.roles import user_can
from fangkong.core.api import Counted, counted, errors, page_slice
from fangkong.core.bounds import Id, Limit, Offset, Short
from fangkong.core.disclosure import person_shown
from fangkong.people import selectors
from fangkong.people.models import Person

router = Router(tags=["people"])


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


class PersonFilter(Schema):
    q: Short = ""
    limit: Limit = 50
    offset: Offset = 0


@router.get(
    "/persons",
    response={200: PersonPage, **errors(401, 403, 422, 429)},
    summary="查找人员（完整的身份证号、电话或证件号码，姓名或拼音首字母；每人每分钟限次）",
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
