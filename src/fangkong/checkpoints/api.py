"""Checkpoint API: register passages (idempotent by client id), list passages, checkpoints
and the roster. Devices authenticate with a bearer token bound to one checkpoint."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from fangkong.accounts.jurisdiction import Scope, restrict
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.checkpoints import selectors, services
from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.models import (
    Checkpoint,
    DeviceToken,
    Occupant,
    Passage,
    SelfRegistration,
)
from fangkong.checkpoints.roadside import device_rules
from fangkong.checkpoints.services.passages import PLACE_LABELS
from fangkong.core import clock
from fangkong.core.api import (
    Celsius,
    Counted,
    Input,
    counted,
    errors,
    label_fields,
    page_slice,
    verbose_names,
)
from fangkong.core.bounds import (
    MAX_OCCUPANTS,
    Codes,
    Day,
    IdNumberText,
    Line,
    Moment,
    Name,
    PhoneText,
    Places,
    Short,
    Temperature,
)
from fangkong.core.disclosure import shown
from fangkong.core.filters import Paged, filter_schema, from_query
from fangkong.core.masking import mask_name
from fangkong.core.reference_api import reference_response
from fangkong.people.models import Person

router = Router(tags=["checkpoints"])


class DeviceTokenAuth(HttpBearer):
    """`Authorization: Bearer fk_…`: a checkpoint device acting for its user."""

    def authenticate(self, request: HttpRequest, token: str) -> DeviceToken | None:
        found = (
            DeviceToken.objects.select_related("user", "checkpoint__unit")
            .filter(token_hash=services.token_hash(token), revoked_at__isnull=True)
            .annotate(posted=selectors.posted_here("user_id", "checkpoint_id", "user__officer_id"))
            .first()
        )
        # Honoured only while its user may hold it (services.token_refusal): active, in a
        # role that registers at checkpoints, posted to the token's checkpoint. A user moved
        # to another post, or given another role, leaves a token that no longer works.
        if (
            found is None
            or not found.user.is_active
            or not found.posted
            or not user_can(found.user, "checkpoints.register")
        ):
            return None
        now = clock.now()
        if found.last_used_at is None or now - found.last_used_at > datetime.timedelta(minutes=5):
            DeviceToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # The device reads what its checkpoint registered, and nothing more: not the other
        # checkpoints its user may be on the roster for.
        found.user._fangkong_scope = Scope(  # type: ignore[attr-defined]
            checkpoint_ids=frozenset({found.checkpoint_id}), user_id=found.user.pk
        )
        request.user = found.user
        request.device_token = found  # type: ignore[attr-defined]
        return found


def _device(request: HttpRequest) -> DeviceToken | None:
    return getattr(request, "device_token", None)


def _checkpoint_for(request: HttpRequest, code: str, perm: str) -> Checkpoint | None:
    """The checkpoint of `code` the caller may use, None if no checkpoint has that code."""
    if not user_can(request.user, perm):
        raise PermissionDenied
    token = _device(request)
    if token is not None:
        if token.checkpoint.code != code:
            raise PermissionDenied
        return token.checkpoint  # read with the token
    cp = Checkpoint.objects.select_related("unit").filter(code=code).first()
    if cp is None:
        return None
    if token is None and not restrict(Checkpoint.objects.filter(pk=cp.pk), request.user).exists():
        raise PermissionDenied
    return cp


class OccupantIn(Input):
    name: Name
    id_number: IdNumberText
    phone: PhoneText = ""
    temperature: Temperature | None = None
    origin: Line = ""
    destination: Line = ""
    travel_history: Places = []
    symptoms: Codes = []
    decision: Short | None = None


class PassageIn(Input):
    client_id: uuid.UUID
    checkpoint: Short
    direction: Short
    occurred_at: Moment
    plate: Short | None = None
    vehicle_type: Short
    occupants: Annotated[list[OccupantIn], Field(max_length=MAX_OCCUPANTS)]
    # The 登记码 of the travellers' own submissions the officer scanned or typed: the
    # passage confirms them (扫码自助登记), as the register page's form does.
    selfreg_codes: Annotated[list[Short], Field(max_length=MAX_OCCUPANTS)] = []


# The fields named as the register page names them: a passage's parts by its model, an
# occupant's by the person's record and the occupant's, the places as the checks say them.
label_fields(
    PassageIn,
    verbose_names(Passage, "checkpoint", "direction", "occurred_at", "plate", "vehicle_type"),
    {"occupants": Occupant._meta.verbose_name_plural},
    {"selfreg_codes": SelfRegistration._meta.get_field("code").verbose_name},
)
label_fields(
    OccupantIn,
    verbose_names(Person, "name", "id_number", "phone"),
    verbose_names(Occupant, "temperature", "origin", "destination", "symptoms", "decision"),
    PLACE_LABELS,
)


class FlagOut(Schema):
    code: str
    reason: str


class OccupantOut(Schema):
    # The person's record id, only when the caller may open that record (a checkpoint
    # never may): an id says the number was already on file, and is the key to the rest.
    person_id: int | None
    name: str
    id_number: str
    temperature: Celsius | None
    flags: list[FlagOut]
    recommended: str
    decision: str
    # Handed to quarantine control (a case opened or joined): told to everyone who sees the
    # passage, as the passage's page says 已移交隔离管控; the case's id only beside it.
    referred: bool
    case_id: int | None


class PassageOut(Schema):
    id: int
    client_id: uuid.UUID
    checkpoint: str
    direction: str
    occurred_at: datetime.datetime
    day: datetime.date
    shift: str
    plate: str | None
    vehicle_type: str
    flagged: bool
    occupants: list[OccupantOut]


def passages_out(user: User | AnonymousUser, passages: list[Passage]) -> list[PassageOut]:
    from fangkong.people.selectors import visible_person_ids
    from fangkong.quarantine.selectors import visible_case_ids

    occupants = [o for p in passages for o in p.occupants_shown()]
    seen = visible_person_ids(user, (o.person_id for o in occupants))
    seen_cases = visible_case_ids(user, (o.case_id for o in occupants))
    return [passage_out(p, seen, seen_cases) for p in passages]


def passage_out(p: Passage, seen: set[int], seen_cases: set[int]) -> PassageOut:
    return PassageOut(
        id=p.pk,
        client_id=p.client_id,
        checkpoint=p.checkpoint.code,
        direction=p.direction,
        occurred_at=timezone.localtime(p.occurred_at),
        day=p.day,
        shift=p.shift.label,
        plate=p.plate or None,
        vehicle_type=p.vehicle_type,
        flagged=p.flagged,
        occupants=[
            OccupantOut(
                person_id=o.person_id if o.person_id in seen else None,
                name=mask_name(o.name),  # as given at the checkpoint, not the record's
                id_number=shown("id_number", o.person.id_number or ""),
                temperature=o.temperature,
                flags=[FlagOut(**f) for f in o.flags],
                recommended=o.recommended,
                decision=o.decision,
                referred=o.case_id is not None,
                # The case's id, only when the caller may open it (as person_id).
                case_id=o.case_id if o.case_id in seen_cases else None,
            )
            for o in p.occupants_shown()
        ],
    )


@router.post(
    "/passages",
    response={201: PassageOut, 200: PassageOut, **errors(401, 403, 404, 409, 422)},
    summary="登记通行（同一 client_id 重复提交只登记一次）",
)
def create_passage(request: AuthedHttpRequest, payload: PassageIn) -> Status:
    try:
        cp = _checkpoint_for(request, payload.checkpoint, "checkpoints.register")
    except PermissionDenied:
        # Sent from a phone's outbox after the shift it was made in: the officer held the
        # checkpoint then. Anyone else is told why, so the record goes back to them.
        if _device(request) is not None or not user_can(request.user, "checkpoints.register"):
            raise
        held = Checkpoint.objects.filter(code=payload.checkpoint).first()
        if held is None or not selectors.was_on_duty(
            user=request.user, checkpoint=held, at=payload.occurred_at
        ):
            # A sentence, as every 403 (core/api.py Refusal): who may not, and why.
            return Status(
                403,
                {
                    "detail": _("检查站：您不在%(name)s执勤，通行时间也不在您在该站的班次内")
                    % {"name": held.name if held else payload.checkpoint}
                },
            )
        cp = held
    if cp is None:
        return Status(422, {"detail": [{"field": "checkpoint", "msg": _("检查站：代码不存在")}]})
    data = services.PassageInput(
        checkpoint=cp,
        client_id=payload.client_id,
        direction=payload.direction,
        occurred_at=payload.occurred_at,
        plate=payload.plate or "",
        vehicle_type=payload.vehicle_type,
        source="device" if _device(request) else "officer",
        occupants=[
            services.OccupantInput(
                name=o.name,
                id_number=o.id_number,
                phone=o.phone,
                temperature=o.temperature,
                origin=o.origin,
                destination=o.destination,
                travel_history=o.travel_history,
                symptoms=o.symptoms,
                decision=o.decision or "",
            )
            for o in payload.occupants
        ],
    )
    if payload.selfreg_codes:
        if _device(request) is not None:
            raise PermissionDenied  # an officer confirms what travellers showed them
        passage, created = services.selfreg_confirm_codes(
            codes=payload.selfreg_codes,
            data=data,
            by=request.user,
        )
    else:
        passage, created = services.passage_register(data=data, by=request.user)
    if created:
        return Status(201, passages_out(request.user, [passage])[0])  # with its occupants
    if passage.checkpoint_id != cp.pk:
        # Not reached: another checkpoint's client id is refused by passage_register (409
        # naming the client id only, core/idempotency.py refuse_retry). Kept as a guard.
        raise PermissionDenied
    return Status(200, passages_out(request.user, [selectors.passage_get_any(pk=passage.pk)])[0])


if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

    PassageFilterIn = Paged
else:
    PassageFilterIn = filter_schema(PassageFilter, "PassageFilterIn")


class PassagePage(Counted):
    items: list[PassageOut]


@router.get(
    "/passages", response={200: PassagePage, **errors(401, 403, 422)}, summary="通行登记列表"
)
def list_passages(request: HttpRequest, filters: Query[PassageFilterIn]) -> PassagePage:
    if not user_can(request.user, "checkpoints.passages"):
        raise PermissionDenied
    token = _device(request)
    code = filters.checkpoint or (token.checkpoint.code if token else "")
    cp_id = None
    if code:
        if token is not None:
            _checkpoint_for(request, code, "checkpoints.view")  # a token's own code only: 403
        # Another checkpoint's code filters the caller's passages to none, as a code no
        # checkpoint has: a 403 for one and an empty list for the other told which codes
        # exist (the case list's township_id does the same).
        found = Checkpoint.objects.filter(code=code).values_list("pk", flat=True).first()
        cp_id = found or -1
    qs = selectors.passage_list(
        user=request.user, f=from_query(PassageFilter, filters, checkpoint=cp_id)
    )
    items = passages_out(request.user, list(qs[page_slice(filters.limit, filters.offset)]))
    return PassagePage(items=items, **counted(qs))


class CheckpointOut(Schema):
    code: str
    name: str
    road: str
    location: str
    unit: str | None
    lanes: int
    shifts: list[str]


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    count: int


@router.get("/checkpoints", response={200: CheckpointPage, **errors(401, 403)}, summary="检查站")
def list_checkpoints(request: HttpRequest) -> CheckpointPage:
    if not user_can(request.user, "checkpoints.view"):
        raise PermissionDenied
    qs = selectors.checkpoint_list(user=request.user)
    token = _device(request)
    if token is not None:
        qs = qs.filter(pk=token.checkpoint_id)
    items = [
        CheckpointOut(
            code=c.code,
            name=c.name,
            road=c.road,
            location=c.location,
            unit=c.unit.name if c.unit else None,
            lanes=c.lanes,
            shifts=[c.shift_label(i) for i in range(len(c.shift_starts))],
        )
        for c in qs
    ]
    return CheckpointPage(items=items, count=len(items))


class DutyOfficerOut(Schema):
    name: str
    badge_number: str
    kind: str
    party_member: bool


class ShiftOut(Schema):
    checkpoint: str
    day: datetime.date
    shift: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    leader: str | None
    party_leader: str | None
    officers: list[DutyOfficerOut]


class ShiftPage(Schema):
    items: list[ShiftOut]
    count: int


@router.get("/roster", response={200: ShiftPage, **errors(401, 403, 422)}, summary="某日排班")
def roster(request: HttpRequest, date: Day) -> ShiftPage:
    if not user_can(request.user, "checkpoints.view"):
        raise PermissionDenied
    shifts = selectors.shifts_on(user=request.user, day=date)
    token = _device(request)
    if token is not None:
        shifts = [s for s in shifts if s.checkpoint_id == token.checkpoint_id]
    items = [
        ShiftOut(
            checkpoint=s.checkpoint.code,
            day=s.day,
            shift=s.label,
            starts_at=timezone.localtime(s.starts_at),
            ends_at=timezone.localtime(s.ends_at),
            leader=s.leader.name if s.leader else None,
            party_leader=s.party_leader.name if s.party_leader else None,
            officers=[
                DutyOfficerOut(
                    name=a.officer.name,
                    badge_number=a.officer.badge_number,
                    kind=a.officer.kind,
                    party_member=a.officer.party_member,
                )
                for a in s.assignments.all()
            ],
        )
        for s in shifts
    ]
    return ShiftPage(items=items, count=len(items))


@router.get(
    "/reference/checkpoint-rules",
    auth=None,
    summary="检查站离线判断规则（地区、重点地区、车牌、乡镇村居、预警用语；不含个人信息）",
)
def get_checkpoint_rules(request: HttpRequest) -> HttpResponse:
    return reference_response(request, device_rules(), max_age=0)
