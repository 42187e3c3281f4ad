from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.models import KeyArea
from fangkong.org import services as org_services
from fangkong.org.models import Officer
from tests.conftest import World


@dataclass
class Posts:
    world: World
    g104: Checkpoint
    other: Checkpoint
    officers: list[Officer]


@pytest.fixture
def posts(world: World) -> Posts:
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
