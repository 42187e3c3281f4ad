"""The follow-up API and form held to the API's contract (docs/security.md, the fifth
attack): an unknown field refused naming it; `at_home` that is no yes or no said as such on
the API and on the page, nothing stored; a temperature answered as a JSON number wherever
the API gives one, as a passage's is."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.test import override_settings

from fangkong.api import api
from fangkong.quarantine.models import FollowUp, ListImport
from tests.conftest import ClockAt, World
from tests.quarantine.conftest import Cases
from tests.quarantine.test_pages import TODAY, _fk

pytestmark = pytest.mark.django_db

VISIT = {"temperature": 37.3, "at_home": True, "visited_at": "2020-02-03T09:00:00+08:00"}


def _post(world: World, case_id: int, body: dict[str, Any]) -> Any:
    return world.client("followup").post(
        f"/api/v1/cases/{case_id}/followups", json.dumps(body), content_type="application/json"
    )


def test_an_unknown_field_of_a_followup_is_refused_naming_it(world: World, cases: Cases) -> None:
    # "temprature": the visit would otherwise be stored without its temperature (at_home
    # false needs none).
    r = _post(world, cases.a.pk, {**VISIT, "at_home": False, "temprature": 38.9})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"field": "temprature", "msg": "temprature：未知字段"}]}
    assert FollowUp.objects.count() == 0
    assert (
        api.get_openapi_schema()["components"]["schemas"]["FollowUpIn"]["additionalProperties"]
        is False
    )


def test_what_the_followup_outbox_sends_is_stored(world: World, cases: Cases) -> None:
    # quarantine/static/quarantine/followup.js's serialize(), and the outbox's client_id.
    body = {**VISIT, "symptoms": [], "note": "", "client_id": str(uuid.uuid4())}
    assert _post(world, cases.a.pk, body).status_code == 201


@pytest.mark.parametrize("value", [2, "2", "yes", None])
def test_at_home_that_is_no_yes_or_no_is_said_on_the_api(
    world: World, cases: Cases, value: object
) -> None:
    r = _post(world, cases.a.pk, {**VISIT, "at_home": value})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"field": "at_home", "msg": "是否在家：须为 true 或 false（不带引号）"}]
    }
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("value", ["2", "", "\u202e1"])
def test_at_home_that_is_no_yes_or_no_is_said_on_the_page(
    world: World, cases: Cases, clock_at: ClockAt, value: str
) -> None:
    clock_at("10:00")
    with override_settings(FANGKONG=_fk(**TODAY)):
        form = {"temperature": "36.5", "at_home": value, "visited_at": "2020-02-03T09:30"}
        r = world.client("followup").post(f"/cases/{cases.a.pk}/followup/", form)
    assert r.status_code == 422
    page = r.content.decode()
    assert "是否在家：须选“在家”或“不在家”" in page
    assert "不在可用的选项中" not in page and "\u202e" not in page  # the value not echoed
    assert FollowUp.objects.count() == 0


def test_a_bad_client_id_on_the_page_is_said(world: World, cases: Cases, clock_at: ClockAt) -> None:
    clock_at("10:00")
    with override_settings(FANGKONG=_fk(**TODAY)):
        form = {"temperature": "36.5", "at_home": "1", "visited_at": "2020-02-03T09:30"}
        r = world.client("followup").post(
            f"/cases/{cases.a.pk}/followup/", {**form, "client_id": "not-a-uuid"}
        )
    assert r.status_code == 422
    assert "提交编号：须为UUID" in r.content.decode()
    assert FollowUp.objects.count() == 0


def test_a_temperature_is_a_json_number_in_every_answer(
    world: World, cases: Cases, clock_at: ClockAt
) -> None:
    r = _post(world, cases.a.pk, VISIT)
    assert r.status_code == 201
    assert r.json()["temperature"] == 37.3 and b'"temperature": "' not in r.content
    due = world.client("followup").get("/api/v1/followups/due?date=2020-02-03").json()
    assert [item["last_temperature"] for item in due["items"]] == [37.3]
    person = world.client("command").get(f"/api/v1/persons/{cases.a.person_id}").json()
    assert [f["temperature"] for f in person["followups"]] == [37.3]
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for schema, field in (("FollowUpOut", "temperature"), ("DueOut", "last_temperature")):
        kinds = {k.get("type") for k in schemas[schema]["properties"][field]["anyOf"]}
        assert kinds == {"number", "null"}, (schema, kinds)


def test_an_unknown_part_of_an_upload_is_refused_naming_it(world: World) -> None:
    upload = io.BytesIO(b"\xe5\xa7\x93\xe5\x90\x8d\n")
    upload.name = "list.csv"
    r = world.client("station_a").post(
        "/api/v1/imports/returnees", {"file": upload, "allornothing": "true"}
    )
    assert r.status_code == 422, r.content
    assert r.json() == {"detail": [{"field": "allornothing", "msg": "allornothing：未知字段"}]}
    assert ListImport.objects.count() == 0


def test_the_seventh_attack_an_upload_without_its_file_names_the_file(world: World) -> None:
    """No file: "请求：必填" (field null), the part named as ninja's source was dropped with
    it. The refusal names the field as the page does."""
    r = world.client("station_a").post("/api/v1/imports/returnees", {"dry_run": "true"})
    assert r.status_code == 422, r.content
    assert r.json() == {"detail": [{"field": "file", "msg": "文件：必填"}]}
    assert ListImport.objects.count() == 0
