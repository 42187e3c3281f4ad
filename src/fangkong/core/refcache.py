"""Reference data read on every registration — townships, villages, key areas — kept in
each process and read again only when it has changed.

Database triggers change the one row of core_referenceversion with every write to those
tables, however it is made (a page, `fangkong init`, a bulk load, the sqlite3 shell), so
one indexed read tells whether the copy in memory is still the database's. Without the row
(a database just flushed) nothing is kept: every use reads the tables.

A second row does the same for the duty shifts' keys (checkpoint, day, slot: migration
checkpoints 0009): a registration's shift is found in memory while no shift was made,
removed or moved. Both rows are read with one statement (`versions`), once a car.

What is kept is shared by the threads of a process: callers read it and never change it
(but for memos that only ever hold what was read under the version they are kept for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection

from fangkong.core import statements

T = TypeVar("T")

_kept: dict[tuple[str, str], tuple[int, Any]] = {}
_lock = threading.Lock()


# The rows of core_referenceversion: townships, villages and key areas; the duty shifts.
REFERENCE, SHIFTS = 1, 2


def versions() -> dict[int, int]:
    """The rows' versions by id (none for a row missing: a database just flushed)."""
    cursor = statements.cursor(statements.current())  # read on every registration: kept
    cursor.execute("SELECT id, version FROM core_referenceversion WHERE id IN (1, 2)")
    return {int(row): int(version) for row, version in cursor.fetchall()}


def reference_version() -> int | None:
    return versions().get(REFERENCE)


def kept(
    name: str, load: Callable[[], T], *, row: int = REFERENCE, read: dict[int, int] | None = None
) -> T:
    """`load()`'s value, from memory when the data of `row` has not changed since it was
    loaded. The version is read first (or given: `read`, what `versions()` answered just
    before, so that one read serves several kept values): a change committed while loading
    makes the next use load again, never keeps old contents under a new version."""
    version = (versions() if read is None else read).get(row)
    if version is None:
        return load()
    key = (connection.alias, name)
    hit = _kept.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = load()
    with _lock:
        _kept[key] = (version, value)
    return value
