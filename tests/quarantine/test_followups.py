"""Recording follow-ups: alerts at once, idempotent retries, due and overdue windows across
midnight in Asia/Shanghai."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from fangkong.quarantine import schedule, selectors
from fangkong.quarantine.models import Alert, CaseStatus, FollowUp
from fangkong.quarantine.services import followup_record
from tests.conftest import World
from tests.quarantine.conftest import START, Cases, at

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _record(world: World, cases: Cases, **kw):  # type: ignore[no-untyped-def]
    values = {
        "temperature": "36.5",
        "symptoms": [],
        "at_home": True,
        "visited_at": at(START + datetime.timedelta(days=1), 9),
    }
    values.update(kw)
    return followup_record(case=cases.a, by=world.users["followup"], **values)


def test_normal_visit_raises_no_alert(world: World, cases: Cases) -> None:
    followup, created = _record(world, cases)
    assert created and followup.slot == "am" and followup.day == START + datetime.timedelta(days=1)
    assert Alert.objects.count() == 0


def test_fever_symptom_and_absence_each_raise_an_alert(world: World, cases: Cases) -> None:
    _record(world, cases, temperature="37.3")  # the threshold itself is a fever
    _record(world, cases, temperature="37.2", visited_at=at(START, 18))
    assert [a.kind for a in Alert.objects.all()] == ["fever"]
    assert Alert.objects.get().detail == "体温37.3℃"
    _record(world, cases, symptoms=["cough", "fatigue"], visited_at=at(START, 19))
    _record(world, cases, temperature=None, at_home=False, visited_at=at(START, 20))
    kinds = sorted(Alert.objects.values_list("kind", flat=True))
    assert kinds == ["absent", "fever", "symptom"]
    assert Alert.objects.get(kind="symptom").detail == "症状：咳嗽、乏力"
    # The station and the command centre see them; the other station does not.
    assert selectors.alert_list(user=world.users["station_a"]).count() == 3
    assert selectors.alert_list(user=world.users["command"]).count() == 3
    assert selectors.alert_list(user=world.users["station_b"]).count() == 0


def test_bad_input_is_refused_naming_the_field(world: World, cases: Cases) -> None:
    with pytest.raises(ValidationError) as info:
        _record(world, cases, temperature="45", symptoms=["flu"])
    assert info.value.message_dict == {
        "temperature": ["体温：须在34.0至43.0℃之间"],
        "symptoms": ["症状：未知症状“flu”"],
    }
    # The seventh attack: a direction override or markup is named by its place, never
    # repeated (core.text.typed).
    with pytest.raises(ValidationError) as info:
        _record(world, cases, symptoms=["cough", "\u202e", "<b>"])
    assert info.value.message_dict == {
        "symptoms": ["症状：未知症状（第2项）", "症状：未知症状（第3项）"]
    }
    with pytest.raises(ValidationError) as info:
        _record(world, cases, temperature="")
    assert info.value.message_dict == {"temperature": ["体温：在家随访须测量体温"]}
    with pytest.raises(ValidationError) as info:
        _record(world, cases, visited_at=at(START - datetime.timedelta(days=1), 9))
    assert info.value.message_dict == {"visited_at": ["随访时间：早于隔离开始日期2020-01-25"]}
    assert FollowUp.objects.count() == 0


def test_retry_with_the_same_client_id_stores_nothing_new(world: World, cases: Cases) -> None:
    cid = uuid.uuid4()
    first, created = _record(world, cases, temperature="38.0", client_id=cid)
    again, created_again = _record(world, cases, temperature="38.0", client_id=str(cid))
    assert created and not created_again and again.pk == first.pk
    assert FollowUp.objects.count() == 1 and Alert.objects.count() == 1
    with pytest.raises(ValidationError):
        followup_record(
            case=cases.b,
            by=world.users["station_b"],
            temperature="36.5",
            symptoms=[],
            at_home=True,
            visited_at=at(START, 10),
            client_id=cid,
        )


def test_slot_follows_local_time_across_midnight() -> None:
    # 2020-02-03 15:59 UTC is 23:59 in Shanghai: the evening of the 3rd.
    assert schedule.slot_of(datetime.datetime(2020, 2, 3, 15, 59, tzinfo=UTC)) == (
        datetime.date(2020, 2, 3),
        "pm",
    )
    # 16:01 UTC is 00:01 on the 4th: that day's morning visit.
    assert schedule.slot_of(datetime.datetime(2020, 2, 3, 16, 1, tzinfo=UTC)) == (
        datetime.date(2020, 2, 4),
        "am",
    )
    # 03:59 UTC = 11:59 local (morning); 04:00 UTC = 12:00 local (evening).
    assert schedule.slot_of(datetime.datetime(2020, 2, 4, 3, 59, tzinfo=UTC))[1] == "am"
    assert schedule.slot_of(datetime.datetime(2020, 2, 4, 4, 0, tzinfo=UTC))[1] == "pm"


def test_last_closed_window_across_midnight() -> None:
    d3, d4 = datetime.date(2020, 2, 3), datetime.date(2020, 2, 4)
    # 13:59 UTC = 21:59 local: the evening window is still open; the morning is the last closed.
    assert schedule.last_closed_window(datetime.datetime(2020, 2, 3, 13, 59, tzinfo=UTC)) == (
        d3,
        "am",
    )
    assert schedule.last_closed_window(datetime.datetime(2020, 2, 3, 14, 0, tzinfo=UTC)) == (
        d3,
        "pm",
    )
    # Past midnight local (16:30 UTC) it is still the evening of the 3rd, until noon.
    assert schedule.last_closed_window(datetime.datetime(2020, 2, 3, 16, 30, tzinfo=UTC)) == (
        d3,
        "pm",
    )
    assert schedule.last_closed_window(datetime.datetime(2020, 2, 4, 4, 0, tzinfo=UTC)) == (
        d4,
        "am",
    )


def test_due_and_overdue_across_midnight(world: World, cases: Cases) -> None:
    d3, d4 = datetime.date(2020, 2, 3), datetime.date(2020, 2, 4)
    user = world.users["followup"]
    _record(world, cases, visited_at=at(d3, 9))
    # 15:30 UTC = 23:30 local on the 3rd: the evening was missed → overdue.
    late = datetime.datetime(2020, 2, 3, 15, 30, tzinfo=UTC)
    [row] = selectors.due_list(user=user, day=d3, now=late)
    assert (row.morning, row.evening) == ("done", "overdue")
    assert list(selectors.overdue_cases(user=user, now=late)) == [cases.a]
    # A late visit at 15:50 UTC (23:50 local) still counts for the evening of the 3rd.
    _record(world, cases, visited_at=datetime.datetime(2020, 2, 3, 15, 50, tzinfo=UTC))
    assert list(selectors.overdue_cases(user=user, now=late)) == []
    # 16:10 UTC = 00:10 on the 4th: a new day, its morning not yet open, nothing overdue.
    after = datetime.datetime(2020, 2, 3, 16, 10, tzinfo=UTC)
    [row] = selectors.due_list(user=user, day=d4, now=after)
    assert (row.morning, row.evening) == ("upcoming", "upcoming")
    assert row.due == ["am", "pm"]
    assert list(selectors.overdue_cases(user=user, now=after)) == []
    # 22:30 UTC = 06:30 on the 4th: the morning is due; at 04:00 UTC (noon) it is overdue.
    [row] = selectors.due_list(
        user=user, day=d4, now=datetime.datetime(2020, 2, 3, 22, 30, tzinfo=UTC)
    )
    assert row.morning == "due"
    noon = datetime.datetime(2020, 2, 4, 4, 0, tzinfo=UTC)
    assert list(selectors.overdue_cases(user=user, now=noon)) == [cases.a]
    # A visit at 16:20 UTC on the 3rd was the morning of the 4th: nothing overdue at noon.
    _record(world, cases, visited_at=datetime.datetime(2020, 2, 3, 16, 20, tzinfo=UTC))
    assert list(selectors.overdue_cases(user=user, now=noon)) == []


def test_purge_clears_the_digest_of_what_was_sent(world: World, cases: Cases) -> None:
    """The digests kept to compare retries (core/idempotency.py) are keyed hashes of
    health data: purged with the case."""
    from fangkong.quarantine import purge
    from fangkong.quarantine.services import case_transition

    visit, _created = _record(world, cases, temperature="36.5", client_id=uuid.uuid4())
    assert visit.request_digest
    case_transition(
        case=cases.a, to=CaseStatus.NOT_IN_COUNTY, by=world.users["command"], reason="已离开本县"
    )
    purge.purge(datetime.date(2100, 1, 1), {world.person_a.pk})
    visit.refresh_from_db()
    assert visit.request_digest is None
