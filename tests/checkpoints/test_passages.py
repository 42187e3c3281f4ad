"""Registering passages: flags with reasons, decisions, referrals to quarantine, counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Occupant, Passage, PassageCount
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.demo import SHANGHAI
from fangkong.core.idnumber import make_id_number
from fangkong.quarantine.models import CaseReferral, QuarantineCase
from fangkong.quarantine.services import case_refer
from tests.checkpoints.conftest import Posts

AT = datetime.datetime(2020, 1, 28, 9, 30, tzinfo=SHANGHAI)
LOCAL = make_id_number("370921", datetime.date(1980, 5, 1), 31, "M")
WUHAN = make_id_number("420106", datetime.date(1975, 2, 3), 41, "F")


def occ(**kw: object) -> OccupantInput:
    base: dict[str, object] = {"name": "刘洋", "id_number": LOCAL, "temperature": "36.5"}
    base.update(kw)
    return OccupantInput(**base)  # type: ignore[arg-type]


def register(posts: Posts, *occupants: OccupantInput, plate: str = "鲁J12345", at=AT):  # type: ignore[no-untyped-def]
    return services.passage_register(
        data=PassageInput(
            checkpoint=posts.g104, direction="in", vehicle_type="car", plate=plate,
            occurred_at=at, occupants=list(occupants),
        ),
        by=posts.world.users["checkpoint"],
    )  # fmt: skip


def codes(o: Occupant) -> set[str]:
    return {f["code"] for f in o.flags}


@pytest.mark.django_db
class TestFlags:
    def test_clean_local_passes(self, posts: Posts) -> None:
        passage, created = register(posts, occ())
        o = passage.occupants.get()
        assert created and o.flags == [] and o.decision == "pass" and o.case is None
        assert passage.day == datetime.date(2020, 1, 28) and passage.shift.label == "08–16"

    def test_household_region(self, posts: Posts) -> None:
        o = register(posts, occ(id_number=WUHAN, name="赵敏", destination="堽城镇"))[
            0
        ].occupants.get()
        assert codes(o) == {"household"}
        assert "湖北省武汉市" in o.flags[0]["reason"] and "420106" in o.flags[0]["reason"]
        assert o.recommended == "quarantine"

    def test_key_area_plate(self, posts: Posts) -> None:
        o = register(posts, occ(), plate="鄂A88888")[0].occupants.get()
        assert codes(o) == {"plate"} and "武汉" in o.flags[0]["reason"]

    def test_origin_and_travel(self, posts: Posts) -> None:
        visitor = make_id_number("370911", datetime.date(1985, 3, 3), 21, "M")
        o = register(posts, occ(id_number=visitor, origin="武汉", travel_history=["孝感", "济南"]))[
            0
        ].occupants.get()
        assert codes(o) == {"origin", "travel"}
        assert "孝感" in o.flags[1]["reason"] and "济南" not in o.flags[1]["reason"]
        # No destination in the county, and not a county resident: persuade back.
        assert o.recommended == "turn_back"
        # A county resident (370921…) without a destination is going home: in the county
        # (issue 15) — quarantine at home, not 劝返.
        o = register(posts, occ(origin="武汉"))[0].occupants.get()
        assert codes(o) == {"origin"} and o.recommended == "quarantine"

    def test_fever_at_threshold(self, posts: Posts) -> None:
        o = register(posts, occ(temperature="37.3"))[0].occupants.get()
        assert codes(o) == {"fever"} and o.recommended == "medical"
        assert "37.3" in o.flags[0]["reason"]
        below = register(
            posts, occ(temperature="37.2", id_number=WUHAN, name="赵敏"), plate="鲁J54321"
        )[0]
        assert "fever" not in codes(below.occupants.get())

    def test_officer_overrides_recommendation(self, posts: Posts) -> None:
        o = register(posts, occ(id_number=WUHAN, name="赵敏", decision="turn_back"))[
            0
        ].occupants.get()
        assert o.recommended == "turn_back" or o.decision == "turn_back"
        assert o.decision == "turn_back" and o.case is None


@pytest.mark.django_db
class TestReferrals:
    def test_referral_opens_case_in_township_queue(self, posts: Posts) -> None:
        w = posts.world
        o = register(
            posts, occ(id_number=WUHAN, name="赵敏", origin="武汉", destination="堽城镇东王庄村")
        )[0].occupants.get()
        assert o.decision == "quarantine" and o.case is not None
        case = o.case
        assert case.status == "pending" and case.source == "checkpoint"
        assert case.township == w.township_a and case.village == w.village_a
        assert case.station == w.station_a
        ref = CaseReferral.objects.get(case=case)
        assert ref.ref_type == "checkpoints.occupant" and ref.ref_id == str(o.pk)

    def test_second_referral_joins_open_case(self, posts: Posts) -> None:
        first = register(posts, occ(id_number=WUHAN, name="赵敏", destination="堽城镇"))[0]
        later = AT + datetime.timedelta(days=1)
        second = services.passage_register(
            data=PassageInput(
                checkpoint=posts.other, direction="in", vehicle_type="car", plate="鄂A11111",
                occurred_at=later, occupants=[occ(id_number=WUHAN, name="赵敏", destination="堽城镇")],
            ),
            by=None,
        )[0]  # fmt: skip
        a, b = first.occupants.get(), second.occupants.get()
        assert a.case_id == b.case_id
        assert QuarantineCase.objects.filter(person=a.person).count() == 1
        assert CaseReferral.objects.filter(case_id=a.case_id).count() == 2

    def test_a_joining_car_fills_the_case_and_stores_its_referral(
        self, posts: Posts, django_assert_num_queries: Any
    ) -> None:
        """A car joining a case opened without where the person came from (a station's
        referral): the case learns it from the car — the open case read only as far as
        joining reads it (cases_refer, whole_cases=False) — and the car's referral is
        stored from its row (statements.insert_rows): its time, note, record and officer as
        the ORM reads them back. The occupants handed back show the case without a query."""
        person = posts.world.person_b  # 赵丽, known to 泗店
        opened, _new = case_refer(person=person, source="station", by=None)
        assert opened.came_from_code == "" and opened.arrival_date is None
        passage, _created = register(
            posts, occ(id_number=person.id_number, name="赵丽", origin="武汉", destination="泗店镇")
        )
        with django_assert_num_queries(0):
            (shown,) = passage.occupants_shown()
            assert (shown.case_id, shown.case.pk, shown.case.status) == (
                opened.pk,
                opened.pk,
                "pending",
            )
        case = QuarantineCase.objects.get(pk=opened.pk)
        assert (case.came_from_code, case.came_from) == ("420100", "武汉")
        assert case.arrival_date == datetime.date(2020, 1, 28)
        assert QuarantineCase.objects.filter(person=person).count() == 1
        ref = CaseReferral.objects.get(case=case, source="checkpoint")
        assert ref.at == AT and ref.by == posts.world.users["checkpoint"]
        assert (ref.ref_type, ref.ref_id) == ("checkpoints.occupant", str(shown.pk))
        assert ref.note.startswith(f"{posts.g104.name}：") and "武汉" in ref.note

    def test_existing_person_is_joined_not_duplicated(self, posts: Posts) -> None:
        person = posts.world.person_b  # 赵丽, from Wuhan, known to 泗店
        o = register(posts, occ(id_number=person.id_number, name="赵丽", destination="泗店镇"))[
            0
        ].occupants.get()
        assert o.person_id == person.pk


@pytest.mark.django_db
class TestValidationAndCounts:
    def test_bad_input_names_fields_and_stores_nothing(self, posts: Posts) -> None:
        with pytest.raises(ValidationError) as exc:
            register(posts, occ(id_number="370921198005011234", temperature="99"), plate="鲁I1234")
        errors = exc.value.message_dict
        assert set(errors) == {"plate", "occupants.0.id_number", "occupants.0.temperature"}
        assert "第1位乘车人" in errors["occupants.0.id_number"][0]
        assert "车牌号" in errors["plate"][0]
        assert Passage.objects.count() == 0 and PassageCount.objects.count() == 0

    def test_an_unknown_source_is_refused_by_every_entry_point(self, posts: Posts) -> None:
        """What registered a car (an officer, a traveller's own form, a device) is checked
        with the rest of the car, one car or a batch alike: no bulk load stores one unnamed."""
        car = PassageInput(
            checkpoint=posts.g104, direction="in", vehicle_type="car", plate="鲁J12345",
            occurred_at=AT, occupants=[occ()], source="fax",
        )  # fmt: skip
        with pytest.raises(ValidationError) as one:
            services.passage_register(data=car, by=posts.world.users["checkpoint"])
        with pytest.raises(ValidationError) as bulk:
            services.passages_register_bulk(items=[car], by=None)
        for exc in (one, bulk):
            assert exc.value.message_dict == {"source": ["登记方式：取值不在允许范围内"]}
        assert Passage.objects.count() == 0 and PassageCount.objects.count() == 0

    def test_counts_table_equals_count_of_passages(self, posts: Posts) -> None:
        register(posts, occ())
        register(
            posts,
            occ(id_number=WUHAN, name="赵敏", destination="堽城镇"),
            occ(temperature="38.0"),
            plate="鲁J22222",
        )
        register(
            posts,
            occ(id_number=WUHAN, name="赵敏", decision="turn_back"),
            plate="鄂A33333",
            at=AT + datetime.timedelta(hours=8),
        )
        services.passages_register_bulk(
            items=[
                PassageInput(
                    checkpoint=posts.other, direction="out", vehicle_type="truck", plate="鲁H12345",
                    occurred_at=AT + datetime.timedelta(hours=h), occupants=[occ(origin="武汉", destination="泗店镇")],
                )
                for h in range(5)
            ],
            by=None,
        )  # fmt: skip
        counted = PassageCount.objects.aggregate(
            v=Sum("vehicles"), p=Sum("persons"), f=Sum("flagged"), t=Sum("turned_back"),
            r=Sum("referred"), m=Sum("medical"),
        )  # fmt: skip
        occ_q = Occupant.objects.aggregate(
            p=Count("id"), f=Count("id", filter=Q(flagged=True)),
            t=Count("id", filter=Q(decision="turn_back")), r=Count("id", filter=Q(decision="quarantine")),
            m=Count("id", filter=Q(decision="medical")),
        )  # fmt: skip
        assert counted["v"] == Passage.objects.count() == 8
        assert (counted["p"], counted["f"], counted["t"], counted["r"], counted["m"]) == (
            occ_q["p"], occ_q["f"], occ_q["t"], occ_q["r"], occ_q["m"],
        )  # fmt: skip
        by_slot = dict(
            PassageCount.objects.filter(checkpoint=posts.g104)
            .values_list("slot")
            .annotate(Sum("vehicles"))
        )
        assert by_slot == {0: 2, 1: 1}
        assert Occupant.objects.get(temperature=Decimal("38.0")).case is not None
