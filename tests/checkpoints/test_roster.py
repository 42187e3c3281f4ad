"""Roster: clashes refused by name, party group leader rule, fatigue, hand counts, pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from fangkong.checkpoints import selectors, services
from fangkong.checkpoints.models import DutyAssignment
from fangkong.checkpoints.stats import daily_section
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import AT, occ, register

DAY = datetime.date(2020, 1, 27)


def assign(posts: Posts, cp, day, slot, officers, leader=None, party=None):  # type: ignore[no-untyped-def]
    shift = services.shift_get_or_create(checkpoint=cp, day=day, slot=slot)
    return services.shift_assign(
        shift=shift, officers=officers, leader=leader, party_leader=party, by=None
    )


@pytest.mark.django_db
class TestRoster:
    def test_clash_refused_naming_officer_and_place(self, posts: Posts) -> None:
        a, b = posts.officers[:2]
        assign(posts, posts.g104, DAY, 0, [a, b], leader=a, party=a)
        with pytest.raises(ValidationError) as exc:
            assign(posts, posts.other, DAY, 0, [b])
        msg = exc.value.message_dict["officers"][0]
        assert "吴敏" in msg and "G104宁阳北检查站" in msg and "08–16" in msg and "两处" in msg
        # The next shift does not overlap.
        assign(posts, posts.other, DAY, 1, [b])
        assert DutyAssignment.objects.filter(officer=b).count() == 2

    def test_party_group_leader_must_be_party_member_on_shift(self, posts: Posts) -> None:
        party, non_party, other_party = posts.officers[0], posts.officers[1], posts.officers[2]
        with pytest.raises(ValidationError) as exc:
            assign(posts, posts.g104, DAY, 0, [party, non_party], party=non_party)
        assert "须为党员" in exc.value.message_dict["party_leader"][0]
        with pytest.raises(ValidationError):
            assign(posts, posts.g104, DAY, 0, [party, non_party], party=other_party)
        shift = assign(posts, posts.g104, DAY, 0, [party, non_party], leader=non_party, party=party)
        assert shift.party_leader == party and shift.leader == non_party

    def test_copy_week_forward(self, posts: Posts) -> None:
        monday = datetime.date(2020, 1, 27)
        assign(posts, posts.g104, monday, 0, posts.officers[:2], leader=posts.officers[0])
        copied, refusals = services.roster_copy_week(week_start=monday, by=None)
        assert copied == 1 and refusals == []
        nxt = selectors.shifts_on(
            user=posts.world.users["command"], day=monday + datetime.timedelta(days=7)
        )
        assert [a.officer for a in nxt[0].assignments.all()] == posts.officers[:2]

    def test_fatigue_seven_days_in_a_row(self, posts: Posts) -> None:
        hero = posts.officers[0]
        for i in range(7):
            assign(posts, posts.g104, DAY + datetime.timedelta(days=i), 0, [hero])
        last = DAY + datetime.timedelta(days=6)
        flags = selectors.fatigue_flags(last)
        assert [(f.officer, f.kind, f.value) for f in flags] == [(hero, "days", 7)]
        assert "连续7天" in flags[0].reason
        assert selectors.fatigue_flags(DAY + datetime.timedelta(days=3)) == []  # 4 days: not yet
        assert [f.officer for f in selectors.fatigue_flags(DAY + datetime.timedelta(days=4))] == [
            hero
        ]

    @override_settings(FANGKONG_FATIGUE_DAYS=10)
    def test_fatigue_hours_in_24(self, posts: Posts) -> None:
        o = posts.officers[1]
        assign(posts, posts.g104, DAY, 0, [o])
        assign(posts, posts.g104, DAY, 1, [o])
        assert selectors.fatigue_flags(DAY) == []  # 16 hours: the limit, not over it
        assign(posts, posts.g104, DAY, 2, [o])  # 00–08 too: 24 hours in one day
        flags = selectors.fatigue_flags(DAY)
        assert flags[0].kind == "hours" and flags[0].value == 24

    def test_tally_discrepancies(self, posts: Posts) -> None:
        register(posts, occ())
        register(
            posts,
            occ(),
            occ(id_number=posts.world.person_b.id_number, name="赵丽"),
            plate="鲁J99999",
        )
        shift = selectors.current_shift(posts.g104, AT)
        assert shift is not None
        user = posts.world.users["checkpoint"]
        services.shift_tally(shift=shift, vehicles=2, persons=3, by=user)
        assert selectors.tally_rows(user=user) == []
        services.shift_tally(shift=shift, vehicles=3, persons=3, by=user)
        rows = selectors.tally_rows(user=user)
        assert [(r.vehicle_gap, r.person_gap) for r in rows] == [(1, 0)]
        page = posts.world.client("command").get("/checkpoints/tallies/")
        assert "G104宁阳北检查站" in page.content.decode()
        section = daily_section(AT.date())
        assert section is not None
        assert section.figure("checkpoints.tally_mismatches").value == 1  # type: ignore[union-attr]
        assert section.figure("checkpoints.vehicles_today").value == 2  # type: ignore[union-attr]
        assert section.figure("checkpoints.persons_total").value == 3  # type: ignore[union-attr]


@pytest.mark.django_db
def test_roster_page_and_export(posts: Posts, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        assign(
            posts,
            posts.g104,
            DAY + datetime.timedelta(days=i),
            i,
            posts.officers[i : i + 2],
            party=posts.officers[i] if i % 2 == 0 else None,
        )
    client = posts.world.client("workgroup")
    with django_assert_max_num_queries(12):
        r = client.get(f"/checkpoints/roster/?week={DAY}")
    assert r.status_code == 200 and "周强" in r.content.decode()
    x = client.get(f"/checkpoints/roster/?week={DAY}&format=xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")
    assert posts.world.client("checkpoint").get("/checkpoints/roster/").status_code == 403
    r = client.post(
        f"/checkpoints/roster/G104N/{DAY}/0/",
        {"officers": [posts.officers[1].pk], "party_leader": posts.officers[1].pk},
    )
    assert r.status_code == 200 and "须为党员" in r.content.decode()
