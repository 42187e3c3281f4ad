"""QR self-registration: a traveller's own submission, validated as an officer's would be,
kept a day for an officer to confirm as a passage (passages.passage_register)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Passage, SelfRegistration, Source
from fangkong.checkpoints.services.passages import (
    OccupantInput,
    PassageInput,
    passage_assess,
    passage_register,
)
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.text import typed

if TYPE_CHECKING:
    from fangkong.accounts.models import User


_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def selfreg_ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=int(settings.FANGKONG.get("SELFREG_HOURS", 24)))


@transaction.atomic
def selfreg_submit(*, data: PassageInput) -> SelfRegistration:
    """A traveller's own submission, validated like an officer's (without temperatures
    or decisions), kept 24 hours for an officer to confirm."""
    data.occurred_at = None
    assessed = passage_assess(data=data)
    body = {
        "direction": data.direction,
        "vehicle_type": data.vehicle_type,
        "plate": assessed.plate,
        "occupants": [
            {
                "name": o.values["name"],
                "id_number": o.values["id_number"],
                "phone": o.values["phone"],
                "origin": o.origin,
                "destination": o.destination,
                "travel_history": o.travel_history,
                "symptoms": o.symptoms,
            }
            for o in assessed.occupants
        ],
    }
    now = clock.now()
    for _attempt in range(10):
        code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(6))
        if not SelfRegistration.objects.filter(code=code).exists():
            break
    reg = SelfRegistration.objects.create(
        checkpoint=data.checkpoint,
        code=code,
        token=secrets.token_urlsafe(32),
        data=body,
        expires_at=now + selfreg_ttl(),
    )
    audit_record(
        actor=None,
        action="create",
        obj=reg,
        changes={
            "checkpoint": [None, data.checkpoint.code],
            "persons": [None, len(body["occupants"])],
        },
    )
    return reg


def selfreg_open(*, reg: SelfRegistration, by: User) -> None:
    """An officer opened a traveller's submission by its code: the register form shows its
    names, ID numbers and phones in full, so this is a reveal, on the audit trail with what
    was shown and why (one entry per opening, before the page is sent)."""
    occupants = reg.data.get("occupants", [])
    fields = [f for f in ("name", "id_number", "phone") if any(o.get(f) for o in occupants)]
    audit_record(
        actor=by,
        action="reveal",
        obj=reg,
        changes={
            "fields": fields,
            "purpose": "检查站登记（打开扫码自助登记）",
            "persons": len(occupants),
            "checkpoint": reg.checkpoint.code,
        },
    )


def selfreg_input(reg: SelfRegistration) -> PassageInput:
    body = reg.data
    return PassageInput(
        checkpoint=reg.checkpoint,
        direction=body.get("direction", "in"),
        vehicle_type=body.get("vehicle_type", "car"),
        plate=body.get("plate", ""),
        source=Source.SELF,
        occupants=[
            OccupantInput(
                name=o.get("name", ""),
                id_number=o.get("id_number", ""),
                phone=o.get("phone", ""),
                origin=o.get("origin", ""),
                destination=o.get("destination", ""),
                travel_history=list(o.get("travel_history", [])),
                symptoms=list(o.get("symptoms", [])),
            )
            for o in body.get("occupants", [])
        ],
    )


def selfreg_confirm(*, reg: SelfRegistration, data: PassageInput, by: User) -> Passage:
    """The officer checked the traveller's submission, measured temperatures and decided."""
    return selfreg_confirm_codes(codes=[reg.code], data=data, by=by)[0]


@transaction.atomic
def selfreg_confirm_codes(
    *, codes: Sequence[str], data: PassageInput, by: User
) -> tuple[Passage, bool]:
    """One passage from the submissions whose receipts the officer scanned (a car's, or a
    coach's passengers' one by one), with what the officer checked, measured and decided.
    Sent again with the same client id (a retry), it is the same passage."""
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    regs = {
        r.code: r
        # Only the submissions are locked (PostgreSQL locks no outer-joined passage).
        for r in SelfRegistration.objects.select_for_update(of=("self",))
        .filter(code__in=wanted, checkpoint=data.checkpoint)
        .select_related("passage")
    }
    errors = []
    # Each code named as typed only when it is a short word, else by its place among those
    # sent (core.text.typed): "登记码（第1项）不存在…", never a direction override repeated.
    place: dict[str, int] = {}
    for n, c in enumerate(codes, 1):
        place.setdefault(c.strip().upper(), n)
    for code in wanted:
        reg = regs.get(code)
        said = typed(code, place[code])
        if reg is None:
            errors.append(_("登记码%(code)s不存在、已确认或已过期") % {"code": said})
        elif reg.passage is not None and reg.passage.client_id != data.client_id:
            errors.append(_("登记码%(code)s已确认过") % {"code": said})
        elif reg.passage is None and reg.expires_at <= clock.now():
            errors.append(_("登记码%(code)s已过期，请重新登记") % {"code": said})
    if errors:
        raise ValidationError({"selfreg_codes": errors})
    data.source = Source.SELF
    passage, created = passage_register(data=data, by=by)
    SelfRegistration.objects.filter(pk__in=[r.pk for r in regs.values()]).update(passage=passage)
    return passage, created


def selfreg_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete unconfirmed submissions past their 24 hours (personal data is not kept)."""
    count, _rows = SelfRegistration.objects.filter(
        expires_at__lte=now or clock.now(), passage__isnull=True
    ).delete()
    return count


# ---------------------------------------------------------------- device tokens
