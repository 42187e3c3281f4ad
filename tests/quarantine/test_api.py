"""/api/v1/cases and /api/v1/followups: contract, idempotency, Chinese errors, jurisdiction."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.test import override_settings

from fangkong.quarantine.models import Alert, FollowUp
from tests.conftest import World
from tests.quarantine.conftest import Cases

pytestmark = pytest.mark.django_db


def _post(client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_and_read_cases(world: World, cases: Cases) -> None:
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        body = world.client("command").get("/api/v1/cases").json()
        assert body["count"] == 2 and len(body["items"]) == 2
        item = next(i for i in body["items"] if i["name"] == "赵丽")
        assert item["status"] == "quarantined" and item["quarantine_day"] == 10
        assert "********" in item["id_number"] and "****" in item["phone"]
        body = (
            world.client("command").get(f"/api/v1/cases?township_id={world.township_a.pk}").json()
        )
        assert [i["name"] for i in body["items"]] == ["张三"]
        body = world.client("command").get("/api/v1/cases?status=pending").json()
        assert body == {"items": [], "count": 0, "count_capped": False}
        one = world.client("station_b").get(f"/api/v1/cases/{cases.b.pk}").json()
        assert one["name"] == "赵丽" and one["station"] == "泗店派出所"


def test_outside_jurisdiction_is_404(world: World, cases: Cases) -> None:
    assert [i["name"] for i in world.client("station_a").get("/api/v1/cases").json()["items"]] == [
        "张三"
    ]
    response = world.client("station_a").get(f"/api/v1/cases/{cases.b.pk}")
    assert response.status_code == 404 and response.json() == {"detail": "未找到"}
    response = _post(
        world.client("followup"),
        f"/api/v1/cases/{cases.b.pk}/followups",
        {"temperature": 36.5, "at_home": True, "visited_at": "2020-02-03T09:00:00+08:00"},
    )
    assert response.status_code == 404
    assert world.client("checkpoint").get("/api/v1/cases").status_code == 403


def test_record_a_followup_idempotently(world: World, cases: Cases) -> None:
    client = world.client("followup")
    body = {
        "temperature": 37.6,
        "symptoms": ["cough"],
        "at_home": True,
        "visited_at": "2020-02-03T23:30:00+08:00",
        "client_id": str(uuid.uuid4()),
    }
    first = _post(client, f"/api/v1/cases/{cases.a.pk}/followups", body)
    assert first.status_code == 201
    data = first.json()
    assert data["day"] == "2020-02-03" and data["slot"] == "pm"
    assert sorted(a["kind"] for a in data["alerts"]) == ["fever", "symptom"]
    again = _post(client, f"/api/v1/cases/{cases.a.pk}/followups", body)
    assert again.status_code == 200 and again.json() == data
    assert FollowUp.objects.count() == 1 and Alert.objects.count() == 2


def test_bad_followup_gets_chinese_messages_naming_the_field(world: World, cases: Cases) -> None:
    client = world.client("followup")
    url = f"/api/v1/cases/{cases.a.pk}/followups"
    response = _post(client, url, {"temperature": "abc", "visited_at": "yesterday"})
    assert response.status_code == 422
    fields = {e["field"]: e["msg"] for e in response.json()["detail"]}
    assert fields["at_home"] == "是否在家：必填"
    assert fields["visited_at"].startswith("随访时间：须为ISO 8601时间")
    assert "temperature" in fields
    response = _post(
        client,
        url,
        {"temperature": 44, "at_home": True, "visited_at": "2020-02-03T09:00:00+08:00"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "temperature", "msg": "体温：须在34.0至43.0℃之间"}
    ]
    assert FollowUp.objects.count() == 0


def test_due_list_for_a_date(world: World, cases: Cases) -> None:
    client = world.client("followup")
    _post(
        client,
        f"/api/v1/cases/{cases.a.pk}/followups",
        {"temperature": 36.4, "at_home": True, "visited_at": "2020-02-03T08:10:00+08:00"},
    )
    body = client.get("/api/v1/followups/due?date=2020-02-03").json()
    assert body["date"] == "2020-02-03" and body["count"] == 1
    [item] = body["items"]
    assert item["case"]["name"] == "张三"
    # A past day is shown as it stood at its end: the evening was missed.
    assert (item["morning"], item["evening"], item["due"]) == ("done", "overdue", ["pm"])
    assert client.get("/api/v1/followups/due?date=2020-01-01").json()["count"] == 0
    response = client.get("/api/v1/followups/due?date=2020-13-01")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("日期：须为日期")
    # A station officer answers for nobody as a team member here.
    assert (
        world.client("station_b").get("/api/v1/followups/due?date=2020-02-03").json()["count"] == 0
    )


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00Z"]
)
def test_followup_times_in_year_1_or_9999_are_422(world: World, cases: Cases, when: str) -> None:
    """Issue 14, finding 4: a time the date arithmetic cannot hold answered 500."""
    response = _post(
        world.client("followup"),
        f"/api/v1/cases/{cases.a.pk}/followups",
        {"temperature": 36.5, "at_home": True, "visited_at": when},
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [
        {"field": "visited_at", "msg": "随访时间：须在1900-01-01至2100-12-31之间"}
    ]
    assert FollowUp.objects.count() == 0


def test_case_list_parameters_past_64_bits_are_422(world: World, cases: Cases) -> None:
    client = world.client("command")
    for name in ("qday", "limit", "offset", "township_id", "station_id"):
        for value in (2**63, 2**64, 10**30, -(2**63) - 1):
            response = client.get("/api/v1/cases", {name: value})
            assert response.status_code == 422, (name, value, response.content[:200])
            assert response.json()["detail"][0]["field"] == name
    response = client.get("/api/v1/cases", {"q": "1" * 10_000})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "q", "msg": "查询：过长，最多60个字符"}]
    for day in ("0001-01-01", "9999-12-31"):
        response = world.client("followup").get("/api/v1/followups/due", {"date": day})
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == "date"
    response = client.get(f"/api/v1/cases/{2**64}")
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "case_id"


def test_followup_lists_are_bounded(world: World, cases: Cases) -> None:
    response = _post(
        world.client("followup"),
        f"/api/v1/cases/{cases.a.pk}/followups",
        {
            "temperature": 36.5,
            "at_home": True,
            "visited_at": "2020-02-03T09:00:00+08:00",
            "symptoms": ["cough"] * 1000,
            "note": "备" * 10_000,
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"symptoms", "note"}


def test_same_client_id_with_other_content_is_409(world: World, cases: Cases) -> None:
    """Issue 14, finding 8: the second visit was dropped and answered 200."""
    client = world.client("followup")
    url = f"/api/v1/cases/{cases.a.pk}/followups"
    body = {
        "temperature": 36.6,
        "symptoms": [],
        "at_home": True,
        "visited_at": "2020-02-03T09:30:00+08:00",
        "client_id": str(uuid.uuid4()),
    }
    assert _post(client, url, body).status_code == 201
    same = {**body, "temperature": 36.60, "visited_at": "2020-02-03T01:30:00Z"}
    assert _post(client, url, same).status_code == 200
    other = {**body, "temperature": 38.4, "symptoms": ["cough"]}
    response = _post(client, url, other)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert [e["field"] for e in detail] == ["temperature", "symptoms", "client_id"]
    assert detail[0]["msg"] == "体温与先前以同一编号（client_id）保存的记录不同"
    assert FollowUp.objects.count() == 1 and Alert.objects.count() == 0


def test_same_client_id_sent_for_another_case_is_409(world: World, cases: Cases) -> None:
    """Found by the attack of issue 19: the same visit under the same client_id, posted to
    another case, answered 422 (fix the record) instead of 409 (stored under that id
    already: send it again as a new record), unlike every other part that differs. Since
    the seventh attack, another case's visit is compared with nothing: the 409 names the
    client_id only (tests/quarantine/test_seventh_attack_client_id.py)."""
    client = world.client("command")
    body = {
        "temperature": 36.6,
        "at_home": True,
        "visited_at": "2020-02-03T09:30:00+08:00",
        "client_id": str(uuid.uuid4()),
    }
    assert _post(client, f"/api/v1/cases/{cases.a.pk}/followups", body).status_code == 201
    response = _post(client, f"/api/v1/cases/{cases.b.pk}/followups", body)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert [e["field"] for e in detail] == ["client_id"]
    assert FollowUp.objects.count() == 1 and FollowUp.objects.get().case_id == cases.a.pk


def test_the_seventh_attack_a_followup_time_without_its_offset(world: World, cases: Cases) -> None:
    """A follow-up refused "2020-02-03T09:00:00" in its own words while a passage stored it
    as +08:00: the API's one rule (core.bounds.Moment, tests/checkpoints/test_api.py for the
    passage) refuses it naming the field and the form a time is written in."""
    followup = _post(
        world.client("followup"),
        f"/api/v1/cases/{cases.a.pk}/followups",
        {"temperature": 36.5, "at_home": True, "visited_at": "2020-02-03T09:00:00"},
    )
    assert followup.status_code == 422
    assert followup.json()["detail"] == [
        {"field": "visited_at", "msg": "随访时间：须带时区，如 2020-02-03T08:30:00+08:00"}
    ]
    assert not FollowUp.objects.exists()
