"""A deadlock the lock order did not foresee: PostgreSQL ends one of the two transactions,
and `retrying` runs it again, so both writes land and nobody sees a 500."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import OperationalError, connection, transaction

from fangkong.core.transactions import retrying

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("FANGKONG_DATABASE_URL", "").startswith("postgres"),
        reason="SQLite has one writer and no deadlocks; runs in the PostgreSQL pass",
    ),
]


@pytest.fixture
def rows() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE race_row (id int PRIMARY KEY, n int NOT NULL)")
        cursor.execute("INSERT INTO race_row VALUES (1, 0), (2, 0)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE race_row")


def _race(run: Callable[[Callable[[], None]], None]) -> tuple[list[BaseException], int]:
    """Two transactions that lock rows 1 and 2 in opposite orders, both holding their first
    row before either asks for its second: a certain deadlock on the first attempt."""
    both_hold_one = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []
    attempts = [0]

    def worker(first: int, second: int) -> None:
        mine = [0]

        def work() -> None:
            attempts[0] += 1
            mine[0] += 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE race_row SET n = n + 1 WHERE id = %s", [first])
                if mine[0] == 1:  # the first attempt of each: both hold one row, then cross
                    with contextlib.suppress(threading.BrokenBarrierError):
                        both_hold_one.wait()
                cursor.execute("UPDATE race_row SET n = n + 1 WHERE id = %s", [second])

        try:
            run(work)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors, attempts[0]


def _counts() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, n FROM race_row ORDER BY id")
        return list(cursor.fetchall())


def test_without_a_retry_one_of_two_crossing_transactions_fails(rows: None) -> None:
    errors, _attempts = _race(lambda work: work())
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert "deadlock" in str(errors[0])
    assert _counts() == [(1, 1), (2, 1)]  # the loser's first update was undone


def test_the_transaction_ended_by_a_deadlock_runs_again_and_both_land(rows: None) -> None:
    errors, attempts = _race(lambda work: retrying(work))
    assert errors == []
    assert attempts == 3  # two transactions, one of them twice
    assert _counts() == [(1, 2), (2, 2)]


def test_inside_an_outer_transaction_the_failure_is_the_callers(rows: None) -> None:
    calls = []

    def work() -> None:
        calls.append(1)
        raise OperationalError("deadlock detected")

    with pytest.raises(OperationalError), transaction.atomic():
        retrying(work)
    assert calls == [1]
