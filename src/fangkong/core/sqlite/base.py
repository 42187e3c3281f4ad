"""Django's SQLite backend, with writers queued by the kernel instead of sleeping.

SQLite admits one writer at a time. A transaction that finds the write lock taken retries
on the busy timeout, sleeping 1, 2, 5, 10 … up to 100 ms between tries, and a newcomer can
take the lock meanwhile: under a few concurrent registrations most of a slow request's time
was spent asleep while the lock was free (p99 over twenty times p50). Here each transaction
first takes an exclusive `flock` on a file next to the database, so waiting writers block in
the kernel and the next one starts the moment the previous one commits or rolls back.

Transactions already took the write lock at BEGIN (transaction_mode IMMEDIATE), so this
changes who waits how, not what runs at once. Statements outside a transaction and other
programs (the sqlite3 shell, a backup) still meet the busy timeout as before. In-memory
databases (the tests) have no file to lock and skip the queue.

BEGIN is sent by the driver's connection, not through a cursor of Django's made for it,
unless an execute wrapper is installed or queries are logged (then Django's way, so that
they see it).

Its cursors rewrite a statement's `%s` placeholders into SQLite's `?` once per statement
text, not on every execution: a registration sends the same dozen statements every time,
and the regular expression cost about a tenth of what the driver took to run them.
"""

from __future__ import annotations

import fcntl
import functools
import os
from typing import Any

from django.db.backends.sqlite3 import base

# Longer statements (a bulk INSERT of hundreds of rows) are rarely sent twice: not kept.
_KEPT_QUERY = 2000


@functools.lru_cache(maxsize=512)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None and len(query) <= _KEPT_QUERY:
            return _qmark(query)
        return str(super().convert_query(query, param_names=param_names))  # type: ignore[misc]


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def _queue_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _queue_enter(self) -> None:
        if self._queue_held:
            return
        if self._queue_fd is None:
            path = self._queue_path()
            if path is None:
                return
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)  # blocks without holding the GIL
        self._queue_held = True

    def _queue_leave(self) -> None:
        if self._queue_held and self._queue_fd is not None:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queue_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._queue_enter()
        try:
            if self.execute_wrappers or self.queries_logged:
                # Through a cursor of Django's, so that they see BEGIN (the bench's recorder
                # replays it; DEBUG logs it).
                super()._start_transaction_under_autocommit()  # type: ignore[misc]
            else:
                # What Django's does — BEGIN [mode] on a new cursor, the driver's errors as
                # django.db's — without making a cursor of Django's for one statement
                # (set_autocommit, the caller, has checked and opened the connection).
                mode = self.transaction_mode  # type: ignore[attr-defined]
                with self.wrap_database_errors:
                    self.connection.execute(f"BEGIN {mode}" if mode else "BEGIN")
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._queue_leave()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._queue_leave()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._queue_leave()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
