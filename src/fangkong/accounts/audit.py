"""The audit trail: every write through a service, every view of unmasked personal data.

Services call `audit_record()` inside their transaction, so an entry exists exactly when the
change it describes was committed. Values of personal fields are stored masked: the audit
trail says *that* an ID number changed without becoming a second copy of it.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from fangkong.core.masking import mask_address, mask_id_number, mask_phone

if TYPE_CHECKING:
    from fangkong.accounts.models import AuditEntry, User


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    path: str = ""


request_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "fangkong_audit_request",
    default=RequestContext(),  # noqa: B039 (a frozen dataclass: immutable)
)

# Field names whose values are personal data: masked in the audit trail.
MASKERS = {
    "id_number": mask_id_number,
    "doc_number": mask_id_number,
    "phone": mask_phone,
    "address_detail": mask_address,
}


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by nginx in production and rewritten there.
    ip = request.META.get("REMOTE_ADDR") or None
    return ip[:45] if ip else None


def _plain(field: str, value: Any) -> Any:
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, datetime.datetime | datetime.date | decimal.Decimal | uuid.UUID):
        value = str(value)
    masker = MASKERS.get(field)
    if masker and isinstance(value, str):
        return masker(value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an instance, for diffing before and after a write."""
    values: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        values[f.name] = getattr(instance, f.attname)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [_plain(name, before.get(name)), _plain(name, value)]
        for name, value in after.items()
        if before.get(name) != value and name not in {"updated_at", "version"}
    }


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    from fangkong.accounts.models import AuditEntry

    ctx = request_context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor)[:60] if actor is not None else "",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:40],
        object_repr=object_repr[:200],
        changes=changes or {},
        ip=ctx.ip,
        path=ctx.path,
    )


def audit_create(*, actor: User | None, obj: models.Model) -> AuditEntry:
    return audit_record(actor=actor, action="create", obj=obj, changes=diff({}, snapshot(obj)))
