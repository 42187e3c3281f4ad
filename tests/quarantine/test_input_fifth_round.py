"""The fifth input attack on a follow-up (docs/security.md "Input, the fifth round"):
strings where the schema says yes/no or a number were accepted by pydantic's lax mode."""

from __future__ import annotations

import json

import pytest

from fangkong.quarantine.models import FollowUp
from tests.conftest import World
from tests.quarantine.conftest import Cases

pytestmark = pytest.mark.django_db

GOOD = {"temperature": 36.5, "at_home": True, "visited_at": "2020-02-03T09:00:00+08:00"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"at_home": "yes"}, {"field": "at_home", "msg": "是否在家：须为 true 或 false（不带引号）"}),
        ({"at_home": 1}, {"field": "at_home", "msg": "是否在家：须为 true 或 false（不带引号）"}),
        ({"temperature": "36.5"}, {"field": "temperature", "msg": "体温：须为数字（不带引号）"}),
        ({"visited_at": None}, {"field": "visited_at", "msg": "随访时间：须为ISO 8601时间，如 2020-02-03T08:30:00+08:00"}),
    ],
)  # fmt: skip
def test_a_lax_type_is_refused_naming_the_field(
    world: World, cases: Cases, change: dict[str, object], message: dict[str, str]
) -> None:
    r = world.client("followup").post(
        f"/api/v1/cases/{cases.a.pk}/followups",
        json.dumps({**GOOD, **change}),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"] == [message]
    assert FollowUp.objects.count() == 0


def test_proper_types_are_stored(world: World, cases: Cases) -> None:
    r = world.client("followup").post(
        f"/api/v1/cases/{cases.a.pk}/followups", json.dumps(GOOD), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    assert FollowUp.objects.get().at_home is True
