"""SQLite writers wait for each other in the kernel (fangkong/core/sqlite/base.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from fangkong.core.sqlite.base import DatabaseWrapper

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only"),
    pytest.mark.django_db,
]


def test_a_second_writer_starts_when_the_first_commits(tmp_path: Path) -> None:
    settings = {**connection.settings_dict, "NAME": str(tmp_path / "queue.sqlite3")}
    first = DatabaseWrapper(settings, "first")
    events: list[str] = []
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    first.cursor().execute("CREATE TABLE t (n INTEGER)")
    events.append("first began")

    def write() -> None:
        second = DatabaseWrapper(settings, "second")  # a connection belongs to its thread
        second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        events.append("second began")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.close()

    waiter = threading.Thread(target=write)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and events == ["first began"]  # queued, not failing
    first.cursor().execute("INSERT INTO t VALUES (1)")
    events.append("first committed")
    first.commit()
    waiter.join(10)
    assert events == ["first began", "first committed", "second began"]
    assert (tmp_path / "queue.sqlite3.writers").exists()
    first.set_autocommit(True)
    assert first.cursor().execute("SELECT n FROM t ORDER BY n").fetchall() == [(1,), (2,)]
    first.close()
