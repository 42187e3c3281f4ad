from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.accounts.jurisdiction import restrict
from fangkong.quarantine.models import CaseStatus, QuarantineCase, TeamMember
from fangkong.quarantine.services import case_refer, case_transition
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_referral_opens_a_case_in_the_right_stations_queue(world: World) -> None:
    case, opened = case_refer(
        person=world.person_b,
        source="checkpoint",
        by=None,
        came_from_code="420106",
        arrival_date=datetime.date(2020, 1, 25),
    )
    assert opened
    assert case.status == CaseStatus.PENDING
    assert case.station == world.station_b
    assert case.township == world.township_b
    assert case.came_from == "湖北省武汉市武昌区"
    assert [t.to_status for t in case.transitions.all()] == ["pending"]


def test_second_referral_joins_the_open_case(world: World) -> None:
    first, _ = case_refer(person=world.person_b, source="checkpoint", by=None)
    second, opened = case_refer(
        person=world.person_b,
        source="pushed_list",
        by=None,
        came_from_code="420106",
        ref_type="import",
        ref_id="7",
    )
    assert not opened and second.pk == first.pk
    assert QuarantineCase.objects.filter(person=world.person_b).count() == 1
    assert [r.source for r in second.referrals.all()] == ["checkpoint", "pushed_list"]
    second.refresh_from_db()
    assert second.came_from_code == "420106"


def test_lifecycle_sets_dates_and_refuses_impossible_moves(world: World) -> None:
    user = world.users["station_b"]
    case, _ = case_refer(
        person=world.person_b, source="station", by=user, arrival_date=datetime.date(2020, 1, 25)
    )
    with pytest.raises(ValidationError) as info:
        case_transition(case=case, to=CaseStatus.RELEASED, by=user, reason="x")
    assert info.value.messages == ["不能从“待核查”变更为“已解除”"]
    with pytest.raises(ValidationError) as info:
        case_transition(case=case, to=CaseStatus.VERIFIED, by=user, reason=" ")
    assert info.value.message_dict == {"reason": ["原因不能为空"]}
    case = case_transition(case=case, to=CaseStatus.VERIFIED, by=user, reason="在家，信息属实")
    case = case_transition(case=case, to=CaseStatus.QUARANTINED, by=user, reason="居家隔离")
    assert case.start_date == datetime.date(2020, 1, 25)
    assert case.planned_end == datetime.date(2020, 2, 8)
    case = case_transition(case=case, to=CaseStatus.RELEASED, by=user, reason="期满解除")
    assert case.ended_at is not None
    # A closed case frees the person for a new one.
    again, opened = case_refer(person=world.person_b, source="checkpoint", by=None)
    assert opened and again.pk != case.pk


def test_stale_transition_is_refused(world: World) -> None:
    user = world.users["station_b"]
    case, _ = case_refer(person=world.person_b, source="station", by=user)
    stale = case.version
    case_transition(case=case, to=CaseStatus.VERIFIED, by=user, reason="ok")
    with pytest.raises(ValidationError) as info:
        case_transition(
            case=case,
            to=CaseStatus.NOT_FOUND,
            by=world.users["command"],
            reason="查无此人",
            expected_version=stale,
        )
    assert "已被他人修改" in info.value.messages[0]


def test_case_jurisdiction(world: World) -> None:
    case, _ = case_refer(person=world.person_b, source="station", by=None)
    qs = QuarantineCase.objects.all()
    assert list(restrict(qs, world.users["station_b"])) == [case]
    assert list(restrict(qs, world.users["station_a"])) == []
    assert list(restrict(qs, world.users["followup"])) == []
    TeamMember.objects.create(
        case=case, kind="village_cadre", user=world.users["followup"], name="随访员"
    )
    assert list(restrict(qs, world.users["followup"])) == [case]
