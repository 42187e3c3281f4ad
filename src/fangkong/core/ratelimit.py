"""Rate limits for the pages anyone can reach (QR self-registration, the ID check).

Counted in the database, not in a per-process cache: gunicorn runs several workers, and a
limit each of them kept on its own would let a client through workers × the limit. SQLite
and PostgreSQL both serve it, with no extra service to run.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from fangkong.core.clock import system_now
from fangkong.core.models import RateCounter


def rate_limited(*, bucket: str, ident: str, limit: int, seconds: int) -> bool:
    """Count one hit of `ident` (an address) on `bucket` in the current fixed window of
    `seconds`; True when the window already held `limit` hits, i.e. this one is refused."""
    now = system_now()  # real seconds, whatever the working day
    window = int(now.timestamp()) // seconds
    key = f"{bucket}:{ident}:{window}"[:160]
    with transaction.atomic():
        # UPDATE … SET count = count + 1 is atomic on both databases: no lost hits.
        if not RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            ends = datetime.datetime.fromtimestamp((window + 1) * seconds, tz=datetime.UTC)
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=ends)
            except IntegrityError:  # another process opened the window first
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
            # A new window: the counters of windows that are over are of no further use.
            RateCounter.objects.filter(expires_at__lt=now).delete()
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
    return count > limit
