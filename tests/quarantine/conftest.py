"""A quarantined returnee in each station's area, with a 四包一 team whose village cadre is
the follow-up persona (in 堽城 only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from fangkong.quarantine.models import CaseStatus, QuarantineCase
from fangkong.quarantine.services import MemberInput, case_refer, case_transition, team_assign
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime.date(2020, 1, 25)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


@dataclass
class Cases:
    a: QuarantineCase  # 堽城, person_a, followup user on the team
    b: QuarantineCase  # 泗店, person_b


def quarantine(world: World, person, station_user: str, start: datetime.date) -> QuarantineCase:  # type: ignore[no-untyped-def]
    user = world.users[station_user]
    case, _ = case_refer(
        person=person,
        source="pushed_list",
        by=user,
        came_from_code="420106",
        arrival_date=start,
        at=at(start, 8),
    )
    case = case_transition(
        case=case, to=CaseStatus.VERIFIED, by=user, reason="在家", at=at(start, 9)
    )
    return case_transition(
        case=case, to=CaseStatus.QUARANTINED, by=user, reason="居家隔离", at=at(start, 9, 30)
    )


def quarantined_pair(world: World) -> Cases:
    """张三 in 堽城 with a full team (the follow-up persona as village cadre); 赵丽 in 泗店."""
    a = quarantine(world, world.person_a, "station_a", START)
    team_assign(
        case=a,
        by=world.users["station_a"],
        members=[
            MemberInput(kind="village_cadre", user=world.users["followup"]),
            MemberInput(kind="township_cadre", name="孙干部", phone="13800000001"),
            MemberInput(kind="police", name="王伟", phone="13800000002"),
            MemberInput(kind="doctor", name="刘医生", phone="13800000003"),
        ],
    )
    b = quarantine(world, world.person_b, "station_b", START)
    return Cases(a=a, b=b)


@pytest.fixture
def cases(world: World) -> Cases:
    return quarantined_pair(world)
