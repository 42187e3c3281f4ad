"""The seventh attack (2026-12-04): the client_id 409 leaked another station's follow-up.
gangcheng posted a visit on its case with temperature 38.0 under client_id X; sidian posted
one to its own case under X: with 38.0 the 409 listed only case and client_id, with 36.0 it
listed temperature too — another station's values, one guess at a time. A record under a
client_id that is not the sender's own is now refused naming the client_id only."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from fangkong.quarantine.models import FollowUp
from tests.conftest import World
from tests.quarantine.conftest import Cases

pytestmark = pytest.mark.django_db

ONLY_THE_ID = [
    {
        "field": "client_id",
        "msg": "该编号（client_id）已用于另一条记录，本次提交未保存；核对后再次提交将另存为新记录",
    }
]


def _post(client: Any, case_id: int, body: dict[str, object]) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/followups", json.dumps(body), content_type="application/json"
    )


def _visit(client_id: str, temperature: float) -> dict[str, object]:
    return {
        "temperature": temperature,
        "symptoms": [],
        "at_home": True,
        "visited_at": "2020-02-03T09:30:00+08:00",
        "client_id": client_id,
    }


def test_another_stations_visit_under_the_client_id_is_compared_with_nothing(
    world: World, cases: Cases
) -> None:
    x = str(uuid.uuid4())
    assert _post(world.client("station_a"), cases.a.pk, _visit(x, 38.0)).status_code == 201
    sidian = world.client("station_b")
    answers = []
    for guess in (38.0, 36.0, 37.5):
        response = _post(sidian, cases.b.pk, _visit(x, guess))
        assert response.status_code == 409
        answers.append(response.json())
    # One answer whatever is guessed: nothing of the stored visit, nor of its case.
    assert answers == [{"detail": ONLY_THE_ID}] * 3
    assert FollowUp.objects.count() == 1
    assert not FollowUp.objects.filter(case=cases.b).exists()


def test_another_users_visit_of_the_same_case_is_compared_with_nothing(
    world: World, cases: Cases
) -> None:
    x = str(uuid.uuid4())
    assert _post(world.client("followup"), cases.a.pk, _visit(x, 38.0)).status_code == 201
    response = _post(world.client("station_a"), cases.a.pk, _visit(x, 36.0))
    assert response.status_code == 409 and response.json() == {"detail": ONLY_THE_ID}
    # Even the same content: it is not this sender's record to be answered with.
    response = _post(world.client("station_a"), cases.a.pk, _visit(x, 38.0))
    assert response.status_code == 409 and response.json() == {"detail": ONLY_THE_ID}
    # The sender's own retry is still the record, and its own other content still named.
    mine = world.client("followup")
    assert _post(mine, cases.a.pk, _visit(x, 38.0)).status_code == 200
    fields = [e["field"] for e in _post(mine, cases.a.pk, _visit(x, 36.0)).json()["detail"]]
    assert fields == ["temperature", "client_id"]
    assert FollowUp.objects.count() == 1
