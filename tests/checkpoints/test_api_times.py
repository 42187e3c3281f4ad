"""The seventh attack (2026-12-04): GET /api/v1/persons/{id} gave passage times in UTC
(…T05:50:00Z) while /api/v1/passages gave +08:00. Every time the API answers with is in
Beijing time with its offset (core.api.JSONRenderer)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fangkong.people.models import Person
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post
from tests.checkpoints.test_passages import WUHAN

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _moments(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _moments(v)]
    if isinstance(value, list):
        return [m for v in value for m in _moments(v)]
    return [value] if isinstance(value, str) and MOMENT.match(value) else []


def test_a_persons_passages_and_the_passages_list_say_one_time_alike(posts: Posts) -> None:
    client = posts.world.client("checkpoint")
    data = body()
    data["occurred_at"] = "2020-01-28T02:15:00Z"  # sent in UTC
    assert post(client, data).status_code == 201  # type: ignore[attr-defined]
    listed = client.get("/api/v1/passages").json()
    person = Person.objects.get(id_number=WUHAN)
    command = posts.world.client("command")
    file = command.get(f"/api/v1/persons/{person.pk}").json()
    assert file["passages"][0]["occurred_at"] == "2020-01-28T10:15:00+08:00"
    assert listed["items"][0]["occurred_at"] == "2020-01-28T10:15:00+08:00"
    answers = [file, listed, command.get("/api/v1/cases").json()]
    moments = _moments(answers)
    assert moments and all(m.endswith("+08:00") for m in moments), json.dumps(moments)
