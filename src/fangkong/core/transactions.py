"""Transactions that PostgreSQL may break off to end a deadlock, tried again.

Every write path takes its row locks in one order (people by ID number, cases by township
and person, the audit chain last; see quarantine/services/referrals.py and core/audit.py), which
keeps two transactions from waiting for each other in a circle. The orders cover the
interleavings we could think of; the database finds the ones we did not, and answers one of
the two transactions with a deadlock (SQLSTATE 40P01) or, under stricter isolation, a
serialization failure (40001). PostgreSQL's own advice is to run such a transaction again:
the other one has committed by then. `retrying` does that, for a whole transaction only —
inside an outer one the failure belongs to the caller, whose work is undone with it."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

log = logging.getLogger(__name__)

T = TypeVar("T")

# Deadlock detected, serialization failure: the transaction lost a race and may run again.
RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 3


def lost_race(error: BaseException) -> bool:
    """Whether `error` is the database ending this transaction to resolve a lock race."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in RETRYABLE


def retrying(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work` (which opens its own transaction) and run it again, up to `attempts`
    times in all, when the database ended it to resolve a deadlock. Inside an outer
    transaction it runs once: only the outermost transaction can start over."""
    if connection.in_atomic_block:
        return work()
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as error:
            if attempt == attempts or not lost_race(error):
                raise
            log.warning(
                "transaction ended by the database (%s); attempt %d again", error, attempt + 1
            )
            # The winner commits within milliseconds; a little jitter keeps two losers apart.
            time.sleep(random.uniform(0.005, 0.03) * attempt)
    raise AssertionError("unreachable")
