"""A station sees its own area's people and nobody else's: not in lists, not by id."""

from __future__ import annotations

import pytest

from fangkong.accounts.jurisdiction import restrict, scope_for
from fangkong.people.models import Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_station_lists_only_its_own_people(world: World) -> None:
    page = world.client("station_a").get("/people/")
    assert page.status_code == 200
    text = page.content.decode()
    assert world.person_a.name in text
    assert world.person_b.name not in text


def test_station_cannot_open_another_stations_person(world: World) -> None:
    client = world.client("station_a")
    assert client.get(f"/people/{world.person_a.pk}/").status_code == 200
    refused = client.get(f"/people/{world.person_b.pk}/")
    # Out of jurisdiction answers exactly like a missing record: ids cannot be probed.
    assert refused.status_code == 404
    assert world.person_b.name not in refused.content.decode()
    missing = client.get("/people/999999/")
    assert missing.status_code == 404


def test_station_cannot_edit_or_reveal_another_stations_person(world: World) -> None:
    client = world.client("station_a")
    assert client.get(f"/people/{world.person_b.pk}/edit/").status_code == 404
    assert client.post(f"/people/{world.person_b.pk}/reveal/").status_code == 404
    response = client.post(
        f"/people/{world.person_b.pk}/edit/",
        {"name": "改名", "doc_type": "id_card", "id_number": world.person_b.id_number},
    )
    assert response.status_code == 404
    world.person_b.refresh_from_db()
    assert world.person_b.name == "赵丽"


def test_station_search_does_not_reach_across(world: World) -> None:
    client = world.client("station_a")
    text = client.get("/people/", {"q": world.person_b.id_number}).content.decode()
    assert "赵丽" not in text
    assert "没有找到符合条件的人员" in text


def test_api_is_limited_the_same_way(world: World) -> None:
    client = world.client("station_a")
    listing = client.get("/api/v1/persons").json()
    assert [p["name"] for p in listing["items"]] == ["张三"]
    assert listing["count"] == 1
    assert client.get(f"/api/v1/persons/{world.person_b.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{world.person_a.pk}").status_code == 200


def test_command_sees_the_whole_county(world: World) -> None:
    text = world.client("command").get("/people/").content.decode()
    assert "张三" in text and "赵丽" in text


def test_followup_without_assignments_sees_nobody(world: World) -> None:
    user = world.users["followup"]
    assert restrict(Person.objects.all(), user).count() == 0


def test_unit_scope_includes_subunits(world: World) -> None:
    from fangkong.org.services import unit_create

    sub = unit_create(name="堽城派出所警务室", kind="other", parent=world.station_a, by=None)
    scope = scope_for(world.users["station_a"])
    assert sub.pk in scope.unit_ids
    assert world.station_b.pk not in scope.unit_ids


def test_outsider_has_no_rights(world: World) -> None:
    client = world.client("outsider")
    assert client.get("/people/").status_code == 403
    assert client.get("/api/v1/persons").status_code == 403
    assert client.get("/").status_code == 200
