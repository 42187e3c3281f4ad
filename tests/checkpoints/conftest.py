from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from fangkong.accounts.models import User
from fangkong.checkpoints import services
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.core import clock
from fangkong.core.models import KeyArea
from fangkong.org import services as org_services
from fangkong.org.models import Officer
from tests.conftest import ClockAt, World


@dataclass
class Posts:
    world: World
    g104: Checkpoint
    other: Checkpoint
    officers: list[Officer]


# The day the checkpoint tests register their passages as of. Their cars are dated from the
# checkpoints' opening (2020-01-26) to 2020-01-29 09:30 (tests/checkpoints/test_api.py's
# body, test_passages.py's AT and the day after it); a passage more than
# FANGKONG_PASSAGE_LATE_DAYS (7) back, or ahead of now, is refused (passage_assess), so the
# clock reads the day after them, at the hour the suite runs at (--clock: every hour of it
# is after them and within the week). A test of another day sets the clock itself (clock_at).
PASSAGES_DAY = datetime.date(2020, 1, 30)


def clock_on_passages_day(clock_at: ClockAt) -> None:
    clock_at(clock.now().time(), PASSAGES_DAY)


def registered_as_it_passed(data: services.PassageInput, by: User | None = None) -> Passage:
    """A car registered at the moment it passed (the platform's clock held there): how a
    fixture puts a car long past on record, which passage_assess refuses later on."""
    assert data.occurred_at is not None
    with clock.held(data.occurred_at):
        return services.passage_register(data=data, by=by)[0]


@pytest.fixture
def posts(world: World, clock_at: ClockAt) -> Posts:
    clock_on_passages_day(clock_at)
    return make_posts(world)


def make_posts(world: World) -> Posts:
    """G104 (堽城派出所's, the checkpoint persona posted there) and S244, six officers."""
    if not KeyArea.objects.exists():
        KeyArea.objects.create(prefix="42", name="湖北", valid_from=datetime.date(2020, 1, 1))
    g104 = services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104", opened_on=datetime.date(2020, 1, 26),
        unit=world.station_a, by=None,
    )  # fmt: skip
    other = services.checkpoint_create(
        code="S244",
        name="S244磁窑检查站",
        road="S244",
        opened_on=datetime.date(2020, 1, 26),
        by=None,
    )
    services.checkpoint_post(user=world.users["checkpoint"], checkpoint=g104, by=None)
    officers = [
        org_services.officer_create(
            name=name,
            badge_number=f"3720{i:02d}",
            kind="police" if i % 2 == 0 else "auxiliary",
            unit=world.command_centre,
            by=None,
            party_member=i % 2 == 0,
        )
        for i, name in enumerate(["周强", "吴敏", "郑磊", "孙丽", "马超", "朱红"])
    ]
    return Posts(world, g104, other, officers)
