"""A moment someone reports: the one home of "not in the future" (issue 15).

A phone's or a device's clock may run a few minutes ahead of the server's, and a record
kept in a phone's outbox is sent with the time it was made: a moment up to `CLOCK_SKEW`
after now is taken as now's; later than that it is refused, each caller naming its field
("通行时间不能晚于现在"). One tolerance for every such moment: a passage's time
(checkpoints), a follow-up visit (quarantine), a task's or an incident's report (command),
a recalled officer reporting back (org).

`now` is the caller's: which clock the platform reads is core/clock.py's to say.
"""

from __future__ import annotations

import datetime

CLOCK_SKEW = datetime.timedelta(minutes=10)


def is_future(at: datetime.datetime, now: datetime.datetime) -> bool:
    """`at` lies in the future of `now`, beyond what a clock running ahead explains."""
    return at > now + CLOCK_SKEW
