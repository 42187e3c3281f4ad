"""One write path per entity (issue 15): a person, a case and its referral are written the
same way by the single service and by its bulk callers (a batch of passages, the demo's
cases_open_bulk, a pushed list), with the same rules and the same audit entry; a referred
traveller's origin follows the key areas the administrators keep, not a hard-coded Hubei;
a follow-up is refused or written alike by the page, the API and the bulk path (the demo's)."""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from fangkong.checkpoints import services as checkpoints
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core.audit import audit_verify
from fangkong.core.clock import SHANGHAI
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry, KeyArea
from fangkong.people.models import Person
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import (
    Alert,
    CaseReferral,
    CaseTransition,
    FollowUp,
    QuarantineCase,
)
from tests.checkpoints.conftest import Posts, clock_on_passages_day, make_posts
from tests.conftest import ClockAt, World
from tests.quarantine.conftest import Cases, cases  # noqa: F401 (fixture)

AT = datetime.datetime(2020, 1, 28, 9, 30, tzinfo=SHANGHAI)
SHENZHEN = make_id_number("440305", datetime.date(1990, 6, 1), 11, "M")
WUHAN = make_id_number("420106", datetime.date(1975, 2, 3), 41, "F")
STATION = QuarantineCase.Source("station").label


@pytest.fixture
def posts(world: World, clock_at: ClockAt) -> Posts:
    clock_on_passages_day(clock_at)  # the cars (AT) are registered the day after
    return make_posts(world)


def passage(posts: Posts, number: str, name: str, plate: str) -> PassageInput:
    return PassageInput(
        checkpoint=posts.g104, direction="in", vehicle_type="car", plate=plate, occurred_at=AT,
        occupants=[OccupantInput(name=name, id_number=number, temperature="36.5",
                                 destination="堽城镇", decision="quarantine")],
    )  # fmt: skip


def created_entry(person: Person) -> AuditEntry:
    return AuditEntry.objects.get(
        action="create", object_type="people.person", object_id=str(person.pk)
    )


@pytest.mark.django_db
def test_a_person_made_by_one_car_or_by_a_batch_is_written_and_audited_alike(
    posts: Posts,
) -> None:
    one, _created = checkpoints.passage_register(
        data=passage(posts, WUHAN, "赵敏", "鲁J10001"), by=None
    )
    checkpoints.passages_register_bulk(
        items=[passage(posts, SHENZHEN, "钱伟", "鲁J10002")], by=None
    )
    single = Person.objects.get(id_number=WUHAN)
    batch = Person.objects.get(id_number=SHENZHEN)
    assert one.occupants.get().person == single
    # The same columns filled by the same rules (pinyin, household region from the number).
    assert (batch.name_pinyin, batch.name_initials, batch.household_region) == (
        "qianwei", "qw", "440305",
    )  # fmt: skip
    assert (single.household_region, single.sex) == ("420106", "F")
    # The same audit entry: the same fields, personal values masked, the bookkeeping left out.
    a, b = created_entry(single).changes, created_entry(batch).changes
    assert set(a) == set(b)
    assert "version" not in a and "updated_at" not in a
    assert WUHAN not in str(a) and SHENZHEN not in str(b)
    assert a["id_number"][1].startswith("4201") and "*" in a["id_number"][1]
    assert audit_verify().broken_at is None


@pytest.mark.django_db
def test_a_case_opened_by_a_referral_or_by_the_bulk_path_is_the_same_case(posts: Posts) -> None:
    w = posts.world
    single, opened = quarantine.case_refer(
        person=w.person_a, source="station", by=w.users["station_a"], at=AT,
        came_from_code="420106", township=w.township_a,
    )  # fmt: skip
    person = Person.objects.create(name="孙强", id_number=SHENZHEN, township=w.township_a)
    [bulk] = quarantine.cases_open_bulk(
        entries=[quarantine.CaseOpenInput(
            person=person, source="station", at=AT, came_from_code="420106",
            township=w.township_a,
        )],
        by=w.users["station_a"],
    )  # fmt: skip
    assert opened
    fields = ["status", "came_from", "station_id", "opened_on", "township_id", "created_by_id"]
    single.refresh_from_db()
    bulk.refresh_from_db()
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]
    assert "武昌" in bulk.came_from and bulk.station == w.station_a
    for case in (single, bulk):
        [transition] = CaseTransition.objects.filter(case=case)
        assert (transition.to_status, transition.reason) == ("pending", f"建档：{STATION}")
        assert CaseReferral.objects.filter(case=case, source="station").count() == 1
    entries = [
        AuditEntry.objects.get(action="create", object_type="quarantine.quarantinecase",
                               object_id=str(c.pk)).changes
        for c in (single, bulk)
    ]  # fmt: skip
    said = {"status", "source", "came_from_code", "came_from", "township", "station", "opened_on"}
    for changes in entries:
        assert said <= set(changes) and not {"version", "updated_at"} & set(changes)
    assert entries[0]["came_from_code"] == entries[1]["came_from_code"] == [None, "420106"]


@pytest.mark.django_db
def test_the_bulk_path_fills_a_joined_case_as_a_single_referral_does(posts: Posts) -> None:
    w = posts.world
    case, _opened = quarantine.case_refer(person=w.person_a, source="station", by=None, at=AT)
    assert case.came_from_code == "" and case.arrival_date is None
    [joined] = quarantine.cases_open_bulk(
        entries=[quarantine.CaseOpenInput(
            person=w.person_a, source="pushed_list", at=AT, came_from_code="420106",
            arrival_date=datetime.date(2020, 1, 25),
        )],
        by=None,
    )  # fmt: skip
    case.refresh_from_db()
    assert joined.pk == case.pk and QuarantineCase.objects.filter(person=w.person_a).count() == 1
    assert (case.came_from_code, case.arrival_date) == ("420106", datetime.date(2020, 1, 25))
    assert "武昌" in case.came_from
    assert CaseReferral.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_referred_traveller_comes_from_the_key_area_of_their_household(posts: Posts) -> None:
    # Hubei (the default key area) by household region, no origin declared:
    stored, _created = checkpoints.passage_register(
        data=passage(posts, WUHAN, "赵敏", "鲁J20001"), by=None
    )
    assert stored.occupants.get().case.came_from_code == "420106"
    # Shenzhen is not a key area: its resident declares nothing, the case says nothing.
    stored, _created = checkpoints.passage_register(
        data=passage(posts, SHENZHEN, "钱伟", "鲁J20002"), by=None
    )
    case = stored.occupants.get().case
    assert case.came_from_code == ""
    # Once the administrators make Shenzhen a key area, a resident referred comes from there
    # — by the bulk path too (the same rule).
    KeyArea.objects.create(prefix="4403", name="深圳市", valid_from=datetime.date(2020, 1, 20))
    other = make_id_number("440304", datetime.date(1991, 7, 2), 13, "F")
    [bulk] = checkpoints.passages_register_bulk(
        items=[passage(posts, other, "李娜", "鲁J20003")], by=None
    )
    assert bulk.occupants.get().case.came_from_code == "440304"
    # Hubei closed as a key area before the day: a Wuhan resident's origin is no longer
    # inferred from the household region.
    KeyArea.objects.filter(prefix="42").update(valid_to=datetime.date(2020, 1, 27))
    third = make_id_number("420111", datetime.date(1970, 1, 9), 15, "M")
    stored, _created = checkpoints.passage_register(
        data=passage(posts, third, "王强", "鲁J20004"), by=None
    )
    assert stored.occupants.get().case.came_from_code == ""


# ---------------------------------------------------------------- follow-ups

VISIT = "2020-02-03T09:30"


def followup_by_page(world: World, case: QuarantineCase, temperature: str) -> tuple[int, str]:
    """The village cadre's form, at_home unticked (不在家)."""
    client = world.client("followup")
    page = client.get(f"/cases/{case.pk}/followup/").content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f-]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"temperature": temperature, "at_home": "0", "visited_at": VISIT, "client_id": client_id}
    response = client.post(f"/cases/{case.pk}/followup/", form)
    return response.status_code, response.content.decode()


def followup_by_api(world: World, case: QuarantineCase, temperature: str) -> tuple[int, object]:
    response = world.client("followup").post(
        f"/api/v1/cases/{case.pk}/followups",
        # A JSON number, as the API requires (a text "38.5" is refused, docs/security.md).
        json.dumps(
            {"temperature": float(temperature), "at_home": False, "visited_at": VISIT + "+08:00"}
        ),
        content_type="application/json",
    )
    return response.status_code, response.json()


def followup_in_bulk(world: World, case: QuarantineCase, temperature: str) -> None:
    """followups_record_bulk, as the demo records its follow-ups."""
    quarantine.followups_record_bulk(
        entries=[quarantine.FollowUpInput(
            case=case, temperature=temperature, symptoms=[], at_home=False,
            visited_at=datetime.datetime(2020, 2, 3, 9, 30, tzinfo=SHANGHAI),
            client_id=uuid.uuid4(),
        )],
        by=world.users["followup"],
    )  # fmt: skip


@pytest.mark.django_db
def test_a_followup_is_refused_and_written_alike_by_page_api_and_bulk(
    world: World,
    cases: Cases,  # noqa: F811
) -> None:
    refusal = "体温：须在34.0至43.0℃之间"
    for bad in ("43.1", "33.9"):
        status, html = followup_by_page(world, cases.a, bad)
        assert status == 422 and refusal in html
        status, body = followup_by_api(world, cases.a, bad)
        assert (status, body) == (422, {"detail": [{"field": "temperature", "msg": refusal}]})
        with pytest.raises(ValidationError) as refused:
            followup_in_bulk(world, cases.a, bad)
        assert refused.value.message_dict == {"temperature": [f"第1条：{refusal}"]}
    assert not FollowUp.objects.exists() and not Alert.objects.exists()

    # 38.5 ℃, not at home: the same row, the same two alerts, the same audit entries — the
    # page and the API write their one row as the bulk path writes its many
    # (followups_insert).
    assert followup_by_page(world, cases.a, "38.5")[0] in (200, 302)
    assert followup_by_api(world, cases.a, "38.5")[0] == 201
    followup_in_bulk(world, cases.a, "38.5")
    made = list(FollowUp.objects.order_by("pk"))
    assert len(made) == 3
    fields = [
        "case_id", "visited_at", "day", "slot", "temperature", "at_home", "symptoms", "note",
        "by_id", "request_digest",
    ]  # fmt: skip
    rows = [[getattr(f, name) for name in fields] for f in made]
    assert rows[0] == rows[1] == rows[2]
    assert rows[0][fields.index("slot")] == "am" and rows[0][fields.index("request_digest")]
    alerts = [
        sorted(f.alerts.values_list("kind", "detail", "day", "case_id", "raised_at")) for f in made
    ]
    assert alerts[0] == alerts[1] == alerts[2]
    assert [kind for kind, *_rest in alerts[0]] == ["absent", "fever"]
    own = {"id", "client_id", "followup", "recorded_at"}  # each row's own values
    for label, objs, kinds in (
        ("quarantine.followup", made, 1),
        ("quarantine.alert", Alert.objects.all(), 2),  # a fever's and an absence's
    ):
        entries = [
            AuditEntry.objects.get(action="create", object_type=label, object_id=str(o.pk))
            for o in objs
        ]
        said = {
            (e.object_repr, json.dumps({k: v for k, v in e.changes.items() if k not in own}))
            for e in entries
        }
        assert len(entries) == 3 * kinds and len(said) == kinds, (label, said)
        assert {e.actor_id for e in entries} == {world.users["followup"].pk}
    # The entry names the visit as the page shows it (上午, not the slot's code).
    repr_ = AuditEntry.objects.get(object_type="quarantine.followup", object_id=str(made[2].pk))
    assert repr_.object_repr == "2020-02-03 上午 38.5"
    assert audit_verify().broken_at is None


def test_the_generators_later_transitions_follow_the_status_machine() -> None:
    """The scale generator writes a case's later steps as rows; each passes the status
    machine case_transition applies (models.TRANSITIONS), with its reason."""
    from fangkong.quarantine.models import CaseStatus
    from fangkong.quarantine.services.referrals import transition_row

    row = transition_row(7, CaseStatus.QUARANTINED, CaseStatus.RELEASED, "t", None, " 期满 ")
    assert row == (7, CaseStatus.QUARANTINED, CaseStatus.RELEASED, "t", None, "期满")
    for before, after in (
        (CaseStatus.RELEASED, CaseStatus.QUARANTINED),
        (CaseStatus.PENDING, CaseStatus.RELEASED),
    ):
        with pytest.raises(ValueError):
            transition_row(7, before, after, "t", None, "原因")
    with pytest.raises(ValueError):
        transition_row(7, CaseStatus.PENDING, CaseStatus.VERIFIED, "t", None, "  ")
