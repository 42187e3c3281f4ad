"""The audit trail: every write through a service, every view of unmasked personal data.

Services call `audit_record()` inside their transaction, so an entry exists exactly when the
change it describes was committed. Values of personal fields are stored masked: the audit
trail says *that* an ID number changed without becoming a second copy of it.

The records form a keyed hash chain. Each record's `hash` is an HMAC-SHA256, with a key kept
outside the database (settings.FANGKONG_AUDIT_KEY), of the hash before it and the record's
non-personal content: time, actor, action, object type and id, the names of the changed
fields, address and path — and `personal_digest`, a keyed digest of its personal part (the
object's label and the values in `changes`). So:

- someone who can write to the database but lacks the key cannot recompute a consistent
  chain after changing, inserting or deleting a record;
- a purge replaces the personal part of old records (`audit_redact`), keeps their stored
  digest, and the chain still verifies; the purge's own record states how many records it
  redacted and a digest of their ids, so a record cannot be "redacted" by anyone else;
- cutting the tail and rewinding the stored head is found against a head recorded earlier,
  outside the database (`fangkong audit verify --expect`, the daily report, the heads file).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import functools
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction

from fangkong.core import clock, idempotency, jsontext, statements
from fangkong.core.bulk import insert_values
from fangkong.core.disclosure import HIDDEN
from fangkong.core.keyed import hmac_sha256

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from fangkong.core.models import AuditEntry


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    path: str = ""


request_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "fangkong_audit_request",
    default=RequestContext(),  # noqa: B039 (a frozen dataclass: immutable)
)

# Field names whose values are personal data: masked in the audit trail as on any page,
# by the disclosure rule (the birth date too: beside a masked ID number it names it). A
# password hash is nobody's business, not even the audit trail's.
MASKERS = {**HIDDEN, "password": lambda _value: "******"}


def _plain(field: str, value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: as they are
        masker = MASKERS.get(field)
        return masker(value) if masker and kind is str else value
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
# What a purge leaves in place of a personal value.
REDACTED = "（已清除）"
# The key, in a purge's own record, that states which records it redacted.
REDACTION_CLAIM = "audit_redacted"


@functools.lru_cache(maxsize=4)
def _subkeys(key: str) -> tuple[bytes, bytes]:
    """Two keys derived from the audit key: one for the chain, one for personal digests."""
    raw = key.encode("utf-8")
    return (
        hmac.new(raw, b"fangkong audit chain", hashlib.sha256).digest(),
        hmac.new(raw, b"fangkong audit personal part", hashlib.sha256).digest(),
    )


def _canonical(value: Any) -> bytes:
    return idempotency.canonical(value).encode("utf-8")


def personal_digest(object_repr: str, changes: Any) -> str:
    """The keyed digest of a record's personal part. Keyed, so that after a purge nobody
    without the key can test a guessed name or number against the digest left behind."""
    key = _subkeys(settings.FANGKONG_AUDIT_KEY)[1]
    return hmac_sha256(key, _canonical([object_repr, changes]))


def _changed_fields(changes: Any) -> list[str]:
    return sorted(changes) if isinstance(changes, dict) else []


def entry_digest(entry: Any, prev_hash: str) -> str:
    """The hash of one record: the hash before it, its non-personal content and the digest
    of its personal part, under the chain key. `entry` is an AuditEntry (or the historical
    model of a migration)."""
    at = entry.at.astimezone(datetime.UTC).isoformat()
    payload = _canonical(
        [
            prev_hash,
            at,
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.object_type,
            entry.object_id,
            _changed_fields(entry.changes),
            entry.personal_digest,
            entry.ip,
            entry.path,
        ]
    )
    key = _subkeys(settings.FANGKONG_AUDIT_KEY)[0]
    return hmac_sha256(key, payload)


def legacy_entry_digest(entry: Any, prev_hash: str) -> str:
    """The unkeyed SHA-256 the chain used before it was keyed: only for checking the old
    chain once, when migration accounts.0005 re-chains it with the key (audit_rechain)."""
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


def _seal(entry: Any, prev_hash: str) -> str:
    """Fill in a new record's digest, link and hash; returns its hash."""
    entry.personal_digest = personal_digest(entry.object_repr, entry.changes)
    entry.prev_hash = prev_hash
    entry.hash = entry_digest(entry, prev_hash)
    return str(entry.hash)


# What json.dumps(changes, default=str) writes, the text of an entry's changes: the encoder
# made once (core/jsontext.py).
_changes_text = jsontext.writer(default=str)


def _entry(model: type[AuditEntry], *, changes: Any, **values: Any) -> AuditEntry:
    """A new entry, its changes as the database gives them back (the digest must see what
    `audit verify` reads) and their JSON text kept for the INSERT: written once. The text
    goes with the very object it was made from: an entry given other changes before it is
    appended is written from those (an entry's changes are not edited in place)."""
    text = _changes_text(changes)
    entry = statements.new(model, {"changes": json.loads(text), **values})
    entry._changes_json = (entry.changes, text)  # type: ignore[attr-defined]
    return entry


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    from fangkong.core.models import AuditEntry

    ctx = request_context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        # A model may give a label without personal data (e.g. a masked name).
        object_repr = object_repr or str(getattr(obj, "audit_label", None) or obj)
    entry = _entry(
        AuditEntry,
        at=clock.now(),
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_name=str(actor)[:60] if actor is not None else "",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:40],
        object_repr=object_repr[:200],
        changes=changes or {},
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
    from fangkong.core.models import AuditChainHead

    AuditChainHead.objects.select_for_update().get_or_create(pk=1)


# A written-out INSERT takes the entries of one registration or page write; past this many
# (an import's held entries) bulk_create batches them.
_FEW_ENTRIES = 100


# The columns of a new entry, as _insert_few and audit_bulk write them.
_ENTRY_COLUMNS = (
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
    "personal_digest",
)
_entry_inserts: dict[tuple[str, str, int], str] = {}


def _insert_few(entries: list[AuditEntry]) -> None:
    """One written-out INSERT … RETURNING of sealed entries, from their values as plain
    tuples: the changes' JSON text is the one made with the entry (`_entry`), not written
    again by the field for the statement."""
    from fangkong.core.models import AuditEntry

    db = statements.current()
    ops = db.ops
    key = (db.alias, db.vendor, len(entries))
    sql = _entry_inserts.get(key)
    if sql is None:
        qn = ops.quote_name
        json_value = "%s::jsonb" if db.vendor == "postgresql" else "%s"
        row = "(" + ", ".join(json_value if c == "changes" else "%s" for c in _ENTRY_COLUMNS) + ")"
        sql = (
            f"INSERT INTO {qn(AuditEntry._meta.db_table)} "
            f"({', '.join(qn(c) for c in _ENTRY_COLUMNS)}) "
            f"VALUES {', '.join([row] * len(entries))} RETURNING {qn(AuditEntry._meta.pk.column)}"
        )
        _entry_inserts[key] = sql
    params: list[Any] = []
    for e in entries:
        made, text = getattr(e, "_changes_json", (None, None))
        if made is not e.changes:
            text = None
        params += [
            statements.db_datetime(e.at, db),
            e.actor_id,
            e.actor_name,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            text if text is not None else _changes_text(e.changes),
            ops.adapt_ipaddressfield_value(e.ip),
            e.path,
            e.prev_hash,
            e.hash,
            e.personal_digest,
        ]
    statements.inserted(entries, sql, params, db)


def _append(entries: list[AuditEntry]) -> None:
    """Extend the chain: lock its head, link each entry to the one before, insert them.

    The head's read and update and a few entries' INSERT are written out (_insert_few):
    every write of the platform ends here, and the ORM compiling these three statements cost
    a registration more CPU than running them."""
    from fangkong.core.models import AuditChainHead, AuditEntry

    if not entries:
        return
    db = statements.current()
    table = db.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if db.features.has_select_for_update else ""
    with transaction.atomic(savepoint=False):
        cursor = statements.cursor(db)
        cursor.execute(f"SELECT last_hash FROM {table} WHERE id = 1{lock}")
        rows = cursor.fetchall()
        row = rows[0] if rows else None
        if row is None:  # a new database: the head's row made (and locked) on first use
            head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            prev = head.last_hash or GENESIS
        else:
            prev = row[0] or GENESIS
        for entry in entries:
            prev = _seal(entry, prev)
        if len(entries) <= _FEW_ENTRIES:
            _insert_few(entries)
        else:
            AuditEntry.objects.bulk_create(entries)
        statements.cursor(db).execute(
            f"UPDATE {table} SET last_id = %s, last_hash = %s WHERE id = 1",
            [entries[-1].pk, prev],
        )


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
    actor: AbstractBaseUser | None,
    action: str,
    items: list[tuple[str, str, str, dict[str, Any]]],
) -> int:
    """Append many records at once — (object_type, object_id, object_repr, changes) each —
    extending the hash chain in order, for bulk services (imports, the demo). Values in
    `changes` must already be plain and masked (see plain_value)."""
    from fangkong.core.models import AuditChainHead, AuditEntry

    if not items:
        return 0
    ctx = request_context.get()
    now = clock.now()
    actor_id = actor.pk if actor is not None and actor.pk else None
    actor_name = str(actor)[:60] if actor is not None else ""
    held = _deferred.get()
    if held is not None:
        # Inside audit_deferred() (a registration): held with the block's other entries and
        # appended with them at its end, so the chain head is not locked before the rows
        # the block writes later (lock order, see audit_chain_lock).
        held.extend(
            _entry(
                AuditEntry,
                at=now,
                actor_id=actor_id,
                actor_name=actor_name,
                action=action,
                object_type=object_type[:60],
                object_id=str(object_id)[:40],
                object_repr=object_repr[:200],
                changes=changes,
                ip=ctx.ip,
                path=ctx.path,
            )
            for object_type, object_id, object_repr, changes in items
        )
        return len(items)
    ops = connection.ops
    columns = list(_ENTRY_COLUMNS)
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
            digest = _seal(probe, prev)
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
                    probe.personal_digest,
                )
            )
            prev = digest
        insert_values(AuditEntry._meta.db_table, columns, rows)
        head.last_id = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
        head.last_hash = prev
        head.save(update_fields=["last_id", "last_hash"])
    return len(rows)


@dataclass(frozen=True)
class ChainHead:
    """Where the chain ended at some moment: the last record's id and hash."""

    last_id: int
    last_hash: str

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash}"

    @property
    def short(self) -> str:
        """For print (the daily report): 16 hex digits are enough to be checked against."""
        return f"#{self.last_id} {self.last_hash[:16]}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first record whose hash or link does not match
    reason: str
    head: ChainHead = field(default_factory=lambda: ChainHead(0, GENESIS))
    anchors_checked: int = 0


# A head written down earlier must be at least this many hex digits of the hash.
MIN_HEAD_DIGITS = 12


def parse_head(text: str) -> ChainHead:
    """ "#123 3f9a…" or "123:3f9a…" (as printed by the report and by verify) → ChainHead."""
    cleaned = text.strip().lstrip("#").replace(":", " ")
    parts = cleaned.split()
    if len(parts) < 2 or not parts[0].isdigit():
        raise ValueError(f"链头格式应为“编号:哈希”，如 12345:3f9a1c2d5e6f7a8b：{text.strip()[:80]}")
    digest = parts[1].lower()
    if len(digest) < MIN_HEAD_DIGITS or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(
            f"链头的哈希至少须有 {MIN_HEAD_DIGITS} 位十六进制数字：{text.strip()[:80]}"
        )
    return ChainHead(int(parts[0]), digest)


_HEAD_IN_TEXT = re.compile(rf"#(\d+)\s+([0-9a-fA-F]{{{MIN_HEAD_DIGITS},64}})\b")


def read_heads_file(path: Any) -> list[ChainHead]:
    """The heads written in a text file: every "#<id> <hash>" in it (the heads file's lines,
    a daily report's "审计链：#12345 3f9a…" copied out, notes of earlier verifications)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [ChainHead(int(pk), digest.lower()) for pk, digest in _HEAD_IN_TEXT.findall(text)]


def audit_head() -> ChainHead:
    """The chain's head as stored now (the locked head row, not a walk of the table)."""
    from fangkong.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or not head.last_hash:
        return ChainHead(0, GENESIS)
    return ChainHead(int(head.last_id), head.last_hash)


def record_head(head: ChainHead, where: str) -> None:
    """Write a head that was just printed to the heads file, outside the database, so that
    `audit verify` can later find a chain cut back behind it. Best effort: a read-only
    var/ must not stop a report."""
    from fangkong.core import clock

    if head.last_id == 0:
        return
    path = settings.FANGKONG_AUDIT_HEADS_FILE
    # The machine's time, not the working day: this file is read when something went wrong.
    line = f"{clock.system_now().isoformat(timespec='seconds')} {head} {where}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
    except OSError:
        pass


def restart_heads_file(where: str) -> Path | None:
    """After the chain was replaced (a restore, a re-chaining), the heads written before
    describe records that are gone or hashes that changed: the file is kept aside under a
    new name (returned) and a new one starts with the current head."""
    from fangkong.core import clock

    heads = Path(settings.FANGKONG_AUDIT_HEADS_FILE)
    aside = None
    if heads.exists():
        stamp = clock.system_now().strftime("%Y%m%d-%H%M%S")
        aside = heads.with_name(f"{heads.name}.before-{stamp}")
        heads.rename(aside)
    record_head(audit_head(), where)
    return aside


def audit_verify(*, chunk: int = 5000, expect: Iterable[ChainHead] = ()) -> ChainReport:
    """Walk the chain in id order and report the first broken link.

    Each record: its link to the one before, its personal part against its digest (or, if a
    purge redacted it, the redacted form), its hash under the key. Then every purge's claim
    (how many records it redacted, a digest of their ids) against the records it redacted,
    the stored head against the last record, and each head in `expect` (recorded earlier,
    outside the database) against the record with that id."""
    from fangkong.core.models import AuditChainHead, AuditEntry

    wanted = {h.last_id: h for h in expect}
    anchors = len(wanted)
    redacted: dict[int, tuple[int, Any]] = {}  # purge record id → (count, sha256 of ids)
    claims: dict[int, Any] = {}  # purge record id → what it says it redacted
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
            if entry.redacted_by is None:
                if entry.personal_digest != personal_digest(entry.object_repr, entry.changes):
                    return ChainReport(checked, entry.pk, "记录内容与哈希不符（记录被修改）")
                if entry.object_type == PURGE_OBJECT_TYPE and isinstance(entry.changes, dict):
                    claims[entry.pk] = entry.changes.get(REDACTION_CLAIM)
            else:
                if not _is_redacted_form(entry):
                    return ChainReport(checked, entry.pk, "记录内容与哈希不符（记录被修改）")
                count, ids = redacted.get(entry.redacted_by, (0, hashlib.sha256()))
                ids.update(f"{entry.pk},".encode())
                redacted[entry.redacted_by] = (count + 1, ids)
            if entry.hash != entry_digest(entry, entry.prev_hash):
                return ChainReport(checked, entry.pk, "记录内容与哈希不符（记录被修改）")
            anchor = wanted.pop(entry.pk, None)
            if anchor is not None and not entry.hash.startswith(anchor.last_hash):
                return ChainReport(
                    checked,
                    entry.pk,
                    f"记录 #{entry.pk} 的哈希与此前记下的链头不符（链被重新计算）",
                )
            prev = entry.hash
            checked += 1
            last_id = entry.pk
    for purge_id in sorted(set(redacted) | {k for k, v in claims.items() if v}):
        count, ids = redacted.get(purge_id, (0, hashlib.sha256()))
        if claims.get(purge_id) != [None, {"count": count, "ids": ids.hexdigest()}]:
            return ChainReport(
                checked, purge_id, "被清除的记录与清除操作的记录不符（有记录被擅自清除）"
            )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and head.last_hash != prev:
        return ChainReport(checked, head.last_id, "链尾记录缺失（有记录被删除）")
    if wanted:
        missing = min(wanted)
        return ChainReport(
            checked,
            missing,
            f"此前记下的链头 #{missing} 已不在链中（链尾被截断）",
        )
    return ChainReport(checked, None, "", ChainHead(last_id, prev), anchors)


# The object type of a purge's own record (core/purge.py).
PURGE_OBJECT_TYPE = "core.purge"


def _is_redacted_form(entry: Any) -> bool:
    changes = entry.changes
    return (
        entry.object_repr == REDACTED
        and isinstance(changes, dict)
        and all(value == REDACTED for value in changes.values())
    )


def redaction_claim(entry_ids: Iterable[int]) -> dict[str, Any]:
    """What a purge's record says about the records it redacts (checked by audit_verify)."""
    ids = sorted(entry_ids)
    digest = hashlib.sha256("".join(f"{pk}," for pk in ids).encode()).hexdigest()
    return {"count": len(ids), "ids": digest}


def audit_redact(*, entry_ids: Iterable[int], by_entry: AuditEntry, chunk: int = 1000) -> int:
    """Replace the personal part of these records — the object's label and every value in
    `changes` (the field names stay) — keeping their digest, so the chain still verifies.
    `by_entry` is the purge's own record, whose changes carry redaction_claim(entry_ids)."""
    from fangkong.core.models import AuditEntry

    ids = sorted(set(entry_ids))
    done = 0
    for start in range(0, len(ids), chunk):
        rows = list(
            AuditEntry.objects.filter(pk__in=ids[start : start + chunk], redacted_by=None).only(
                "pk", "changes"
            )
        )
        for row in rows:
            changes = row.changes if isinstance(row.changes, dict) else {}
            row.changes = dict.fromkeys(changes, REDACTED)
            row.object_repr = REDACTED
            row.redacted_by = by_entry.pk
        AuditEntry.objects.bulk_update(rows, ["changes", "object_repr", "redacted_by"])
        done += len(rows)
    return done


def audit_entries_about(subjects: Mapping[str, Iterable[int]]) -> set[int]:
    """Ids of the records about these objects ({object_type: object ids}), not yet redacted."""
    from fangkong.core.models import AuditEntry

    found: set[int] = set()
    for object_type, object_ids in subjects.items():
        keys = sorted({str(pk) for pk in object_ids})
        for start in range(0, len(keys), 1000):
            found.update(
                AuditEntry.objects.filter(
                    object_type=object_type,
                    object_id__in=keys[start : start + 1000],
                    redacted_by=None,
                ).values_list("pk", flat=True)
            )
    return found


_WORD = re.compile(r"[0-9A-Za-z]+")


def audit_entries_mentioning(numbers: set[str], names: set[str], *, chunk: int = 5000) -> set[int]:
    """Ids of records whose text holds one of these numbers (ID numbers, document numbers,
    phones) or — in searches and exports, where free text typed by a user is kept — names.
    For a purge: these values may sit in records about other objects (an export's filter)."""
    from fangkong.core.models import AuditEntry

    found: set[int] = set()
    if not numbers and not names:
        return found
    wanted = {number.upper() for number in numbers}
    last = 0
    while True:
        rows = list(
            AuditEntry.objects.filter(pk__gt=last, redacted_by=None)
            .order_by("pk")
            .values_list("pk", "action", "object_repr", "changes")[:chunk]
        )
        if not rows:
            return found
        for pk, action, object_repr, changes in rows:
            text = object_repr + " " + json.dumps(changes, ensure_ascii=False, default=str)
            # Numbers as whole words (a set lookup per word, not a scan per number).
            words = {word.upper() for word in _WORD.findall(text)}
            if not words.isdisjoint(wanted) or (
                action in {"export", "reveal"} and any(name in text for name in names)
            ):
                found.add(pk)
        last = rows[-1][0]


def audit_rechain(
    entry_model: Any,
    head_model: Any,
    *,
    found: str | None = None,
    reason: str = "审计链改为带密钥的哈希链",
    chunk: int = 2000,
) -> str:
    """Re-chain every record with the current key, once: in migration accounts.0005 (the
    old chain was unkeyed SHA-256: checked here first, `found` None) and by `fangkong audit
    rechain` after the key was lost or replaced (`found`: what audit_verify said before).
    Then each record's digest (kept for a redacted one), link and hash are computed, the head
    moved, and — if there were records — one record appended stating `reason`, the old head
    and the old chain's state, so a break found before stays on the record. Returns the
    state. Runs in one transaction."""
    from fangkong.core import clock

    with transaction.atomic():
        prev = GENESIS
        state = found or "完好"
        count = 0
        last_id = 0
        while True:
            batch = list(entry_model.objects.filter(pk__gt=last_id).order_by("pk")[:chunk])
            if not batch:
                break
            for entry in batch:
                if found is None and state == "完好":
                    if entry.prev_hash != prev:
                        state = f"在记录 #{entry.pk} 处断开（上一条记录的哈希不符）"
                    elif entry.hash != legacy_entry_digest(entry, prev):
                        state = f"在记录 #{entry.pk} 处断开（记录内容与哈希不符）"
                prev = entry.hash
                last_id = entry.pk
                count += 1
        head, _created = head_model.objects.select_for_update().get_or_create(pk=1)
        if found is None and state == "完好" and head.last_hash and head.last_hash != prev:
            state = "链尾记录缺失"
        if count == 0:
            return state
        old_head = f"#{last_id} {prev}"
        prev = GENESIS
        last_id = 0
        while True:
            batch = list(entry_model.objects.filter(pk__gt=last_id).order_by("pk")[:chunk])
            if not batch:
                break
            for entry in batch:
                if entry.redacted_by is None:
                    entry.personal_digest = personal_digest(entry.object_repr, entry.changes)
                # A redacted record keeps its digest: what it covered is gone.
                entry.prev_hash = prev
                entry.hash = prev = entry_digest(entry, prev)
            entry_model.objects.bulk_update(batch, ["personal_digest", "prev_hash", "hash"])
            last_id = batch[-1].pk
        marker = entry_model(
            at=clock.now(),
            action="update",
            object_type="accounts.auditchain",
            object_repr=reason,
            changes={
                "records": [None, count],
                "previous_head": [None, old_head],
                "previous_chain": [None, state],
            },
            ip=None,
            path="",
            actor_name="",
        )
        prev = _seal(marker, prev)
        marker.save()
        head.last_id, head.last_hash = marker.pk, prev
        head.save(update_fields=["last_id", "last_hash"])
        return state


# --- What an entry says of new rows: one rendering for every write path ----------------

# A row's bookkeeping, said by the entry's own time and not worth a line in it.
_BOOKKEEPING = frozenset({"updated_at", "version"})


def created_changes(values: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """What an audit entry says of a new row, from its (field name, value) pairs: each field
    with a value (not None, not empty), plain and masked, the bookkeeping left out. The one
    rendering of a creation: audit_create (one row), audit_create_bulk (objects) and
    audit_rows_created (rows written by core.bulk) all write it."""
    return {
        name: [None, _plain(name, value)]
        for name, value in values
        if value is not None and value != "" and name not in _BOOKKEEPING
    }


def audit_create(*, actor: AbstractBaseUser | None, obj: models.Model) -> AuditEntry:
    return audit_record(
        actor=actor, action="create", obj=obj, changes=created_changes(snapshot(obj).items())
    )


def _label(obj: models.Model) -> str:
    return str(getattr(obj, "audit_label", None) or obj)


def audit_create_bulk(
    *,
    actor: AbstractBaseUser | None,
    objs: Sequence[models.Model],
    describe: Callable[[Any], str] | None = None,
) -> None:
    """One entry per new object, as audit_create writes it, appended with one executemany
    (the bulk services write tens of thousands). `describe` gives the entry's text when the
    object's own label is costly."""
    audit_bulk(
        actor=actor,
        action="create",
        items=[
            (
                obj._meta.label_lower,
                str(obj.pk),
                (describe or _label)(obj),
                created_changes(snapshot(obj).items()),
            )
            for obj in objs
        ],
    )


def audit_rows_created(
    *,
    actor: AbstractBaseUser | None,
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    ids: Sequence[int],
    describe: Callable[[int, Sequence[Any]], str],
) -> None:
    """audit_create_bulk for rows written as tuples (core.bulk.insert_rows): `fields` name
    each row's values (attnames, as insert_rows takes them), `ids` their primary keys."""
    names = ["id", *(model._meta.get_field(name).name for name in fields)]
    label = model._meta.label_lower
    audit_bulk(
        actor=actor,
        action="create",
        items=[
            (
                label,
                str(pk),
                describe(pk, row),
                created_changes(zip(names, (pk, *row), strict=True)),
            )
            for pk, row in zip(ids, rows, strict=True)
        ],
    )


def audit_batch(
    *,
    actor: AbstractBaseUser | None,
    model: type[models.Model],
    label: str,
    ids: Sequence[int],
    details: Mapping[str, Any],
) -> AuditEntry:
    """One entry for a batch of new rows (a list import's chunk), naming every id, for bulk
    paths that keep a record per row elsewhere (the list's entries say which row made
    which person and case)."""
    return audit_record(
        actor=actor,
        action="create",
        object_type=model._meta.label_lower,
        object_repr=label,
        changes={"ids": id_runs(list(ids)), "count": len(ids), **details},
    )
