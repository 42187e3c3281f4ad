"""The seventh attack (2026-12-04), finding 1: a person moved to another station (a transfer
accepted, an edit by the command, a merge) takes their cases along — the old station keeps
no case, page, export row nor follow-up of them; the new station has them, and the old
place's 四包一 team is taken off (people.services.person_moved → cases_follow_person)."""

from __future__ import annotations

import datetime
import json

import pytest

from fangkong.core.models import AuditEntry
from fangkong.people.models import Person, TransferRequest
from fangkong.people.services import (
    PersonInput,
    TransferInput,
    person_update,
    transfer_request,
)
from fangkong.quarantine.models import CaseStatus, QuarantineCase, TeamMember
from fangkong.quarantine.services import case_release
from tests.conftest import World
from tests.quarantine.conftest import START, Cases, at, quarantine
from tests.quarantine.test_release_exports import _on, _sheet

pytestmark = pytest.mark.django_db
DAY = START.replace(day=30)  # 2020-01-30, day 6


def _ask_and_accept(world: World, *, by_owner: str = "station_a") -> TransferRequest:
    """泗店 asks for 张三 (堽城's) by the ID number; the owner accepts on the page."""
    req = transfer_request(
        data=TransferInput(
            name="张三",
            id_number=str(world.person_a.id_number),
            township=world.township_b,
            village=world.village_b,
            address_detail="9组3号",
            reason="本人已搬到泗店镇居住",
        ),
        by=world.users["station_b"],
    )
    r = world.client(by_owner).post(f"/people/transfers/{req.pk}/decide/", {"decision": "accept"})
    assert r.status_code == 302, r.content.decode()[-1500:]
    req.refresh_from_db()
    assert req.status == TransferRequest.Status.ACCEPTED
    return req


def _followup(client, case_id: int):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/cases/{case_id}/followups",
        json.dumps(
            {"temperature": 36.5, "at_home": True, "visited_at": "2020-01-30T09:00:00+08:00"}
        ),
        content_type="application/json",
    )


def _assert_old_station_keeps_nothing(world: World, case_id: int, old: str) -> None:
    client = world.client(old)
    person = world.person_a
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert client.get(f"/cases/{case_id}/").status_code == 404
    assert _followup(client, case_id).status_code == 404
    verify = client.post(f"/cases/{case_id}/verify/", {"finding": "at_home", "measure": "home"})
    assert verify.status_code == 404
    assert client.post(f"/cases/{case_id}/followup/", {"temperature": "36.5"}).status_code == 404
    listed = client.get("/api/v1/cases").json()
    assert case_id not in [i["id"] for i in listed["items"]]
    with _on(DAY):
        rows = _sheet(client.get("/cases/export.xlsx?full=1"))
    flat = " ".join(str(c) for row in rows for c in row)
    assert person.id_number not in flat and "13853801234" not in flat and "张三" not in flat


def test_an_accepted_transfer_moves_the_open_case_and_the_old_station_keeps_nothing(
    world: World, cases: Cases
) -> None:
    _ask_and_accept(world)
    case = QuarantineCase.objects.get(pk=cases.a.pk)
    # The case lives where the person lives now, in the new station's charge, still in
    # quarantine (its days go on).
    assert (case.township_id, case.village_id, case.address_detail, case.station_id) == (
        world.township_b.pk, world.village_b.pk, "9组3号", world.station_b.pk,
    )  # fmt: skip
    assert case.status == CaseStatus.QUARANTINED and case.start_date == START
    # The old place's 四包一 team is off the case: the new station names its own.
    assert not TeamMember.objects.filter(case=case).exists()
    _assert_old_station_keeps_nothing(world, case.pk, "station_a")
    # Nor does the old team's follow-up user (a 堽城 cadre) read or write it any more.
    followup = world.client("followup")
    assert followup.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert _followup(followup, case.pk).status_code == 404
    # The new station has the case: its API, its page, its follow-ups.
    new = world.client("station_b")
    one = new.get(f"/api/v1/cases/{case.pk}").json()
    assert one["station"] == "泗店派出所" and one["township"] == "泗店镇"
    assert new.get(f"/cases/{case.pk}/").status_code == 200
    assert _followup(new, case.pk).status_code == 201
    person = new.get(f"/api/v1/persons/{world.person_a.pk}").json()
    assert [c["id"] for c in person["cases"]] == [case.pk]
    # Audited: the case's move, naming the team taken off.
    entry = AuditEntry.objects.get(
        action="update", object_type="quarantine.quarantinecase", object_id=str(case.pk),
        changes__has_key="station",
    )  # fmt: skip
    assert entry.actor == world.users["station_a"]
    assert entry.changes["station"] == ["堽城派出所", "泗店派出所"]
    assert "孙干部" in json.dumps(entry.changes, ensure_ascii=False)


def test_a_closed_case_stays_in_its_township_but_leaves_the_old_station(
    world: World, cases: Cases
) -> None:
    day15 = START + datetime.timedelta(days=14)
    with _on(day15):
        case_release(case=cases.a, by=world.users["station_a"], at=at(day15, 10))
    _ask_and_accept(world)
    case = QuarantineCase.objects.get(pk=cases.a.pk)
    assert case.status == CaseStatus.RELEASED
    # History stays where it happened (the day's figures count it in 堽城)…
    assert (case.township_id, case.village_id) == (world.township_a.pk, world.village_a.pk)
    # …but the station no longer in charge of the person reads none of it.
    assert case.station_id == world.station_b.pk
    assert not TeamMember.objects.filter(case=case).exists()
    _assert_old_station_keeps_nothing(world, case.pk, "station_a")
    assert world.client("station_b").get(f"/cases/{case.pk}/").status_code == 200


def test_the_command_moving_a_person_moves_their_open_case(world: World, cases: Cases) -> None:
    person = Person.objects.get(pk=world.person_a.pk)
    person_update(
        person=person,
        data=PersonInput(
            name=person.name,
            id_number=str(person.id_number),
            phone=person.phone,
            township=world.township_b,
            village=world.village_b,
            address_detail="1组1号",
        ),
        by=world.users["command"],
    )
    case = QuarantineCase.objects.get(pk=cases.a.pk)
    assert (case.township_id, case.station_id, case.address_detail) == (
        world.township_b.pk, world.station_b.pk, "1组1号",
    )  # fmt: skip
    _assert_old_station_keeps_nothing(world, case.pk, "station_a")


def test_a_merge_gives_the_moved_case_the_kept_persons_place(world: World) -> None:
    from fangkong.people.merge import person_merge
    from fangkong.people.services import person_register

    a_case = quarantine(world, world.person_a, "station_a", START)
    # The station merges 张三 (东王庄村 3组12号, with the case) into a second record of
    # them with a newer address: the case lives where the kept record says.
    kept, _created = person_register(
        data=PersonInput(
            name="张三", doc_type="passport", doc_number="E12345678",
            township=world.township_a, address_detail="镇北街8号",
        ),
        by=world.users["station_a"],
    )  # fmt: skip
    person_merge(keep=kept, remove=world.person_a, by=world.users["station_a"])
    case = QuarantineCase.objects.get(pk=a_case.pk)
    assert case.person_id == kept.pk
    assert (case.township_id, case.village_id, case.address_detail) == (
        world.township_a.pk, None, "镇北街8号",
    )  # fmt: skip
    # Undone on the day: the case goes back to 张三's record, and to where they live.
    from fangkong.people.merge import person_merge_undo
    from fangkong.people.models import PersonMerge

    person_merge_undo(merge=PersonMerge.objects.get(), by=world.users["station_a"])
    case.refresh_from_db()
    assert case.person_id == world.person_a.pk
    assert (case.township_id, case.village_id, case.address_detail) == (
        world.township_a.pk, world.village_a.pk, "3组12号",
    )  # fmt: skip
