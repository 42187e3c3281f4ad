"""The audit trail: every write through a service, every view of unmasked personal data.

Services call `audit_record()` inside their transaction, so an entry exists exactly when the
change it describes was committed. Values of personal fields are stored masked: the audit
trail says *that* an ID number changed without becoming a second copy of it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from fangkong.core.bulk import insert_values
from fangkong.core.disclosure import HIDDEN

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

# Field names whose values are personal data: masked in the audit trail as on any page,
# by the disclosure rule (the birth date too: beside a masked ID number it names it).
MASKERS = HIDDEN


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


def id_runs(ids: list[int]) -> list[list[int] | int]:
    """Ids as runs, for an entry about many rows: [1, 2, 3, 7] → [[1, 3], 7]."""
    runs: list[list[int] | int] = []
    for pk in sorted(ids):
        last = runs[-1] if runs else None
        end = last[1] if isinstance(last, list) else last
        if end is not None and pk == end + 1:
            runs[-1] = [last[0] if isinstance(last, list) else end, pk]
        else:
            runs.append(pk)
    return runs


GENESIS = "0" * 64


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    """The hash of one record: its content and the hash of the record before it."""
    at = entry.at.astimezone(datetime.UTC).isoformat()
    payload = json.dumps(
        [
            prev_hash,
            at,
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.changes,
            entry.ip,
            entry.path,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        # A model may give a label without personal data (e.g. a masked name).
        object_repr = object_repr or str(getattr(obj, "audit_label", None) or obj)
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor)[:60] if actor is not None else "",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:40],
        object_repr=object_repr[:200],
        # JSON round-trip: the digest must see what the database gives back on verify.
        changes=json.loads(json.dumps(changes or {}, default=str)),
        ip=ctx.ip,
        path=ctx.path,
    )
    held = _deferred.get()
    if held is not None:
        held.append(entry)
    else:
        _append([entry])
    return entry


def audit_chain_lock() -> None:
    """Take the audit chain's lock now, inside the caller's transaction.

    The first audit record of a transaction locks the chain head until commit. A transaction
    that also locks rows (a count row, a case) must take the chain lock before them: two
    transactions taking the same locks in opposite orders deadlock on PostgreSQL (found by
    tests/reliability/test_kill.py on concurrent passages)."""
    from fangkong.accounts.models import AuditChainHead

    AuditChainHead.objects.select_for_update().get_or_create(pk=1)


def _append(entries: list[AuditEntry]) -> None:
    """Extend the chain: lock its head, link each entry to the one before, insert them."""
    from fangkong.accounts.models import AuditChainHead, AuditEntry

    if not entries:
        return
    with transaction.atomic(savepoint=False):
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash or GENESIS
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = prev = entry_digest(entry, prev)
        if len(entries) == 1:
            entries[0].save()
        else:
            AuditEntry.objects.bulk_create(entries)
        head.last_id, head.last_hash = entries[-1].pk, prev
        head.save(update_fields=["last_id", "last_hash"])


# Entries held by audit_deferred() until the end of its block.
_deferred: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar(
    "fangkong_audit_deferred", default=None
)


@contextlib.contextmanager
def audit_deferred() -> Iterator[None]:
    """Hold the entries recorded inside the block and append them together at its end.

    The chain head is a row locked until the transaction commits (concurrent writers must
    extend the chain one after another). Appending at the first entry kept it locked for
    the rest of the transaction, so writers waited for each other's whole work; appended at
    the end, it is held from just before the commit. Wrap the whole body of a transaction
    with it, and only where no savepoint inside is rolled back after writing an entry (the
    entry would stay held). Nested blocks append with the outermost."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set([])
    try:
        yield
        held = _deferred.get() or []
    finally:
        _deferred.reset(token)
    _append(held)


def audit_bulk(
    *,
    actor: User | None,
    action: str,
    items: list[tuple[str, str, str, dict[str, Any]]],
) -> int:
    """Append many records at once — (object_type, object_id, object_repr, changes) each —
    extending the hash chain in order, for bulk services (imports, the demo). Values in
    `changes` must already be plain and masked (see plain_value)."""
    from fangkong.accounts.models import AuditChainHead, AuditEntry

    if not items:
        return 0
    ctx = request_context.get()
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.pk else None
    actor_name = str(actor)[:60] if actor is not None else ""
    ops = connection.ops
    columns = [
        "at",
        "actor_id",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "ip",
        "path",
        "prev_hash",
        "hash",
    ]
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash or GENESIS
        rows = []
        probe = AuditEntry(
            at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            ip=ctx.ip,
            path=ctx.path,
        )
        at_db = ops.adapt_datetimefield_value(now)
        for object_type, object_id, object_repr, changes in items:
            probe.object_type = object_type[:60]
            probe.object_id = str(object_id)[:40]
            probe.object_repr = object_repr[:200]
            probe.changes = json.loads(json.dumps(changes, default=str))
            digest = entry_digest(probe, prev)
            rows.append(
                (
                    at_db,
                    actor_id,
                    actor_name,
                    action,
                    probe.object_type,
                    probe.object_id,
                    probe.object_repr,
                    json.dumps(probe.changes, ensure_ascii=False),
                    ctx.ip,
                    ctx.path,
                    prev,
                    digest,
                )
            )
            prev = digest
        insert_values(AuditEntry._meta.db_table, columns, rows)
        head.last_id = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
        head.last_hash = prev
        head.save(update_fields=["last_id", "last_hash"])
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first record whose hash or link does not match
    reason: str


def audit_verify(*, chunk: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first broken link."""
    from fangkong.accounts.models import AuditChainHead, AuditEntry

    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_id).order_by("pk")[:chunk])
        if not batch:
            break
        for entry in batch:
            if entry.prev_hash != prev:
                return ChainReport(checked, entry.pk, "上一条记录的哈希不符（有记录被删除或插入）")
            if entry.hash != entry_digest(entry, entry.prev_hash):
                return ChainReport(checked, entry.pk, "记录内容与哈希不符（记录被修改）")
            prev = entry.hash
            checked += 1
            last_id = entry.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and head.last_hash != prev:
        return ChainReport(checked, head.last_id, "链尾记录缺失（有记录被删除）")
    return ChainReport(checked, None, "")


def audit_create(*, actor: User | None, obj: models.Model) -> AuditEntry:
    return audit_record(actor=actor, action="create", obj=obj, changes=diff({}, snapshot(obj)))
