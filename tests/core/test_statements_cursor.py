"""The cursor core/statements.py keeps for a connection: the driver's own while nothing is to
see the statements, with what Django's cursor wrapper gives that matters — the driver's
placeholders, the driver's errors as django.db's, no statement in a broken transaction —
and Django's own while an execute wrapper is installed or queries are logged, so that
they see every statement."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from fangkong.checkpoints.models import DutyShift
from fangkong.core import statements

pytestmark = pytest.mark.django_db

DUPLICATE = "INSERT INTO core_referenceversion (id, version) VALUES (%s, %s)"


def test_nothing_watching_the_statements_go_to_the_drivers_cursor() -> None:
    assert isinstance(statements.cursor(statements.current()), statements.Direct)


def test_a_unique_violation_is_djangos_integrity_error() -> None:
    kept = statements.cursor(statements.current())
    kept.execute(DUPLICATE, [990, 1])
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.cursor(statements.current()).execute(DUPLICATE, [990, 2])
    kept = statements.cursor(statements.current())
    kept.execute("SELECT version FROM core_referenceversion WHERE id = %s", [990])
    assert kept.fetchall() == [(1,)]


def test_a_broken_transaction_takes_no_statement() -> None:
    statements.cursor(statements.current()).execute(DUPLICATE, [991, 1])
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            statements.cursor(statements.current()).execute(DUPLICATE, [991, 2])
        with pytest.raises(TransactionManagementError):
            statements.cursor(statements.current()).execute("SELECT 1")


def test_percent_signs_reach_the_database_as_djangos_cursor_sends_them() -> None:
    sql = "SELECT '100%%', %s, %s"
    for _ in range(2):  # the second time with the statement's converted text kept
        kept = statements.cursor(statements.current())
        kept.execute(sql, [1, "5%"])
        assert kept.fetchall() == [("100%", 1, "5%")]
    with connection.cursor() as django_cursor:
        django_cursor.execute(sql, [1, "5%"])
        assert django_cursor.fetchall() == [("100%", 1, "5%")]


def test_an_execute_wrapper_and_the_query_log_see_every_statement() -> None:
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert statements.fetch(DutyShift, "WHERE id = %s", [0]) == []
        assert not isinstance(statements.cursor(statements.current()), statements.Direct)
    assert len(seen) == 1 and seen[0].endswith("WHERE id = %s")
    with CaptureQueriesContext(connection) as logged:
        assert statements.fetch(DutyShift, "WHERE id = %s", [0]) == []
    assert len(logged.captured_queries) == 1
    assert isinstance(statements.cursor(statements.current()), statements.Direct)
