"""The scale generator (core/scale.py): a small province grown around the demo county — a
few of 山东's cities with a few counties each, each county its own — whose figures equal
counts made independently from its rows, whose rows are valid and in their counties, whose
audit chain holds, and whose dashboard runs as many queries as the demo county's.
Who sees what at each level of it: tests/org/test_levels.py."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import User
from fangkong.checkpoints import rules
from fangkong.checkpoints.models import (
    Checkpoint,
    Occupant,
    Passage,
    PassageCount,
    PassageDayCount,
)
from fangkong.core.audit import audit_verify
from fangkong.core.idnumber import is_valid_id_number
from fangkong.core.models import AuditEntry
from fangkong.core.pinyin import name_pinyin
from fangkong.core.regions import get_region, resolve_place
from fangkong.core.scale import ScaleContext, grow
from fangkong.core.selectors import key_areas
from fangkong.org import services as org_services
from fangkong.org.models import Unit, WorkingGroup
from fangkong.org.places import CountyPlaces
from fangkong.people.models import Person
from fangkong.quarantine.models import CaseStatus, FollowUp, QuarantineCase
from tests.conftest import signed_in

DAYS = 20
# Three cities (泰安 and the first two), two counties each besides the demo county.
SIZE = {"cities": 3, "per_city": 2, "persons": 3000, "cases": 400, "passages": 4000, "days": DAYS}


@pytest.fixture
def province(demo_county: Any, settings: Any) -> ScaleContext:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "37"}
    first = Person.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    ctx = grow("province", demo=demo_county, log=lambda _m: None, chunk=1000, **SIZE)
    ctx.data["first_person"] = first
    return ctx


def _stats(day: datetime.date) -> dict[str, Any]:
    client = signed_in(User.objects.get(username="shandong_zhihui"))
    response = client.get(f"/api/v1/stats/daily?date={day}")
    assert response.status_code == 200
    return dict(response.json()["figures"])


def _overdue_at_end_of(day: datetime.date) -> int:
    """Under quarantine at the day's end and without a morning or an evening visit."""
    visits: dict[int, set[str]] = {}
    for case_id, slot in FollowUp.objects.filter(day=day).values_list("case_id", "slot"):
        visits.setdefault(case_id, set()).add(slot)
    under = QuarantineCase.objects.filter(start_date__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )
    return sum(1 for pk in under.values_list("pk", flat=True) if visits.get(pk) != {"am", "pm"})


@pytest.mark.django_db
def test_figures_equal_counts_made_from_the_rows(province: ScaleContext) -> None:
    assert Passage.objects.filter(day__gte=province.start).count() >= SIZE["passages"]
    for day in (province.last, province.start + datetime.timedelta(days=DAYS // 2)):
        figures = _stats(day)
        today = Occupant.objects.filter(day=day)
        upto = Occupant.objects.filter(day__lte=day)
        assert figures["checkpoints.vehicles_today"] == Passage.objects.filter(day=day).count()
        assert figures["checkpoints.vehicles_total"] == Passage.objects.filter(day__lte=day).count()
        assert figures["checkpoints.persons_today"] == today.count()
        assert figures["checkpoints.persons_total"] == upto.count()
        assert figures["checkpoints.flagged_today"] == today.filter(flagged=True).count()
        assert figures["checkpoints.flagged_total"] == upto.filter(flagged=True).count()
        for key, decision in (
            ("turned_back", "turn_back"),
            ("referred", "quarantine"),
            ("medical", "medical"),
        ):
            assert figures[f"checkpoints.{key}_today"] == today.filter(decision=decision).count()
            assert figures[f"checkpoints.{key}_total"] == upto.filter(decision=decision).count()
        cases = QuarantineCase.objects.filter(opened_on__lte=day)
        under = cases.filter(start_date__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )
        released = cases.filter(status=CaseStatus.RELEASED)
        assert figures["quarantine.returnees_total"] == cases.count()
        assert figures["quarantine.under_quarantine"] == under.count() > 0
        assert figures["quarantine.new_today"] == cases.filter(opened_on=day).count() > 0
        assert figures["quarantine.released_today"] == released.filter(ended_on=day).count()
        assert figures["quarantine.released_total"] == released.filter(ended_on__lte=day).count()
        for status in CaseStatus:
            expected = cases.filter(status=status).count()
            assert figures[f"quarantine.status.{status.value}"] == expected, status
        assert figures["quarantine.overdue"] == _overdue_at_end_of(day)
    # The per-day counts are the sums of the hourly ones, which are the rows'.
    hourly = PassageCount.objects.aggregate(v=Sum("vehicles"), p=Sum("persons"))
    daily = PassageDayCount.objects.aggregate(v=Sum("vehicles"), p=Sum("persons"))
    assert hourly == daily == {"v": Passage.objects.count(), "p": Occupant.objects.count()}


@pytest.mark.django_db
def test_generated_rows_are_valid_and_audited(province: ScaleContext) -> None:
    people = list(Person.objects.filter(pk__gte=province.data["first_person"]))
    assert len(people) == SIZE["persons"]
    for p in people[:: len(people) // 200]:
        assert is_valid_id_number(p.id_number or ""), p.id_number
        assert p.household_region == (p.id_number or "")[:6]
        region = get_region(p.household_region)
        assert region is not None and region.current
        assert (p.name_pinyin, p.name_initials) == name_pinyin(p.name)
        assert p.township_id and p.village is not None and p.village.township_id == p.township_id
        assert len(p.phone) == 11 and p.phone.startswith("1")
    # Flags, destinations and decisions are those the registration rules give: the
    # destination matched in the checkpoint's county, "in the county" by its rule.
    areas = key_areas()
    places = CountyPlaces.load()
    sample = list(
        Occupant.objects.filter(checkpoint__code__contains="-")  # the generated checkpoints
        .select_related("passage", "person", "checkpoint__unit")
        .order_by("pk")
    )
    rng = random.Random(1)
    checked = [o for o in sample if o.flagged][:40] + rng.sample(sample, 200)
    for occ in checked:
        flags = rules.occupant_flags(
            day=occ.day,
            areas=areas,
            household_region=occ.person.household_region,
            plate=occ.passage.plate,
            plate_region=occ.passage.plate_region,
            origin=occ.origin,
            origin_code=resolve_place(occ.origin),
            travel_history=occ.travel_history,
            temperature=Decimal(str(occ.temperature)),
            symptoms=occ.symptoms,
        )
        assert occ.flags == [f.as_dict() for f in flags]
        assert occ.flag_codes == (f",{','.join(f.code for f in flags)}," if flags else "")
        assert occ.origin_code == occ.person.household_region  # their origin: their home
        area = occ.checkpoint.unit.area_code
        place = places.match(address=occ.destination, area=area)
        assert occ.destination_township == place.township
        in_county = places.in_county(
            place, text=occ.destination, household_region=occ.person.household_region, area=area
        )
        assert (
            occ.decision
            == occ.recommended
            == rules.recommend(flags, destination_in_county=in_county)
        )
        if occ.decision == "quarantine":
            assert occ.case is not None and occ.case.person_id == occ.person_id
    decisions = {o.decision for o in sample}
    assert {"pass", "quarantine", "turn_back"} <= decisions, decisions
    assert any(o.decision == "quarantine" for o in sample)
    # Passages carry their local day and hour; each was registered at one of the new
    # checkpoints, in a shift of that checkpoint and day.
    for p in Passage.objects.filter(day__gte=province.start).select_related("shift")[:300]:
        local = p.occurred_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
        assert (p.day, p.hour) == (local.date(), local.hour)
        assert (p.shift.checkpoint_id, p.shift.day) == (p.checkpoint_id, p.day)
        assert p.shift.slot == p.checkpoint.shift_at(p.occurred_at)[1]
    # Three checkpoints in each generated county, run by its own stations; each person
    # lives in a township of some county of the province, mostly of that county.
    assert province.size.counties == 1 + 6
    generated = Checkpoint.objects.filter(pk__in=[pk for pk, _u in province.data["checkpoints"]])
    assert generated.count() == 3 * 6
    for cp in generated.select_related("unit"):
        assert cp.unit.area_code == cp.code[:6] and cp.unit.kind == "station"
    written = province.writer.written["checkpoints.passage"]
    assert Passage.objects.filter(checkpoint__in=generated).count() == written > 0
    homes = [p.household_region == p.township.code[:6] for p in people if p.township]
    assert sum(homes) > len(people) // 3
    # One audit entry per chunk, in the chain.
    chunks = AuditEntry.objects.filter(object_repr__startswith="规模数据")
    assert chunks.filter(object_type="checkpoints.passage").count() == DAYS
    assert chunks.filter(object_type="people.person").count() == 3  # chunks of 1000
    report = audit_verify()
    assert report.broken_at is None, report.reason


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_the_data(demo_county: Any, settings: Any) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "37"}
    client = signed_in(User.objects.get(username="zhihui"))

    def count(path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    # The demo county's units and groups placed in their county first, as the growth does
    # (command/counties.py): what is measured is the same county's dashboard before and after.
    for rows in (Unit.objects.filter(area_code=""), WorkingGroup.objects.filter(area_code="")):
        org_services.units_assign_area(units=rows, area_code="370921", by=None)
    day = datetime.date(2020, 2, 3)
    paths = [f"/command/dashboard/?date={day}", f"/api/v1/stats/daily?date={day}"]
    before = [count(p) for p in paths]
    grow("province", demo=demo_county, log=lambda _m: None, **SIZE)
    assert [count(p) for p in paths] == before
