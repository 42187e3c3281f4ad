"""A moment someone reports: the one home of "not in the future" (issue 15), and of a day
a record of something that happened gives (the seventh attack, finding 6).

A phone's or a device's clock may run a few minutes ahead of the server's, and a record
kept in a phone's outbox is sent with the time it was made: a moment up to `CLOCK_SKEW`
after now is taken as now's; later than that it is refused, each caller naming its field
("通行时间不能晚于现在"). One tolerance for every such moment: a passage's time
(checkpoints), a follow-up visit (quarantine), a task's or an incident's report (command),
a recalled officer reporting back (org).

`now` is the caller's: which clock the platform reads is core/clock.py's to say.

A day is a local day, which no clock skew moves: a day a record says something happened on
(a quarantine's start, a purchase, a donation, a distribution, a stock movement, a published
report or post, an activity held) is refused after today (`past_day_checked`, by
core/clock.py's today), naming its field. A day that may be planned (an arrival a pushed
list announces, a commando task) is not one of them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

CLOCK_SKEW = datetime.timedelta(minutes=10)


def is_future(at: datetime.datetime, now: datetime.datetime) -> bool:
    """`at` lies in the future of `now`, beyond what a clock running ahead explains."""
    return at > now + CLOCK_SKEW


def future_day_error(
    day: datetime.date | None, *, label: str, today: datetime.date | None = None
) -> str | None:
    """The message refusing `day` for a record of something that happened (`label` names
    the field), when it lies after today (the platform's, core.clock.today()); else None."""
    from fangkong.core import clock

    today = today or clock.today()
    if day is None or day <= today:
        return None
    return _("%(label)s不能晚于今天（%(today)s）：只能记录已经发生的事，%(day)s还未到") % {
        "label": label,
        "today": today.isoformat(),
        "day": day.isoformat(),
    }


def past_day_checked(
    model: type[models.Model], day: datetime.date | None, field: str = "day"
) -> None:
    """Refuse a day after today for `model`'s `field`, a record of something that happened
    (a quarantine's start, a donation, a published report), the error on that field named
    as the model names it: the one call of each service recording such a day."""
    from fangkong.core.fields import model_field

    label: Any = model_field(model, field).verbose_name
    if refused := future_day_error(day, label=str(label)):
        raise ValidationError({field: [refused]})
