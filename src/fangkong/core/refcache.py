"""Reference data read on every registration — townships, villages, key areas — kept in
each process and read again only when it has changed.

Database triggers change the one row of core_referenceversion with every write to those
tables, however it is made (a page, `fangkong init`, a bulk load, the sqlite3 shell), so
one indexed read tells whether the copy in memory is still the database's. Without the row
(a database just flushed) nothing is kept: every use reads the tables.

What is kept is shared by the threads of a process: callers read it and never change it.
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


def reference_version() -> int | None:
    cursor = statements.cursor(statements.current())  # read on every registration: kept
    cursor.execute("SELECT version FROM core_referenceversion WHERE id = 1")
    rows = cursor.fetchall()
    return None if not rows else int(rows[0][0])


def kept(name: str, load: Callable[[], T]) -> T:
    """`load()`'s value, from memory when the reference data has not changed since it was
    loaded. The version is read first: a change committed while loading makes the next use
    load again, never keeps old contents under a new version."""
    version = reference_version()
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
