"""Rate limits: the pages anyone can reach (QR self-registration, the ID check), per address;
searches, per user (core.disclosure).

Counted in the database, not in a per-process cache: gunicorn runs several workers, and a
limit each of them kept on its own would let a client through workers × the limit. SQLite
and PostgreSQL both serve it, with no extra service to run.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from fangkong.core import clock
from fangkong.core.models import RateCounter


def rate_limited(*, bucket: str, ident: str, limit: int, seconds: int) -> bool:
    """Count one hit of `ident` (an address, a user) on `bucket` in the current fixed window of
    `seconds`; True when the window already held `limit` hits, i.e. this one is refused."""
    return rate_room(bucket=bucket, ident=ident, limit=limit, seconds=seconds) == 0


def rate_room(*, bucket: str, ident: str, limit: int, seconds: int, hits: int = 1) -> int:
    """Count `hits` hits of `ident` on `bucket` in the current fixed window of `seconds`;
    return the room the window had for them (0: all refused; only the first `room` of them
    are let through). `hits=0` reads the room without counting (a list import asks before
    it looks anything up)."""
    now = clock.system_now()  # real seconds, whatever the working day is
    window = int(now.timestamp()) // seconds
    key = f"{bucket}:{ident}:{window}"[:160]
    with transaction.atomic():
        # UPDATE … SET count = count + n is atomic on both databases: no lost hits.
        if not RateCounter.objects.filter(key=key).update(count=F("count") + hits):
            ends = datetime.datetime.fromtimestamp((window + 1) * seconds, tz=datetime.UTC)
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=hits, expires_at=ends)
            except IntegrityError:  # another process opened the window first
                RateCounter.objects.filter(key=key).update(count=F("count") + hits)
            # A new window: the counters of windows that are over are of no further use.
            RateCounter.objects.filter(expires_at__lt=now).delete()
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
    return max(limit - (count - hits), 0)
