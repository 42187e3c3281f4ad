"""Names are unique in their county, not installation-wide (issue 18): two counties of a
city may each have a 城关派出所 and a 城关镇; a second one in the same county is refused,
by the service and by the form, with a message naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.refcache import reference_version
from fangkong.org import services as org_services
from fangkong.org.models import Township, Unit
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world: World, settings: Any) -> dict[str, Unit]:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "3709"}
    return {
        code: org_services.unit_create(
            name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
        )
        for code, name in [("370923", "东平县"), ("370982", "新泰市")]
    }


def test_two_counties_may_share_a_name_one_county_may_not(city: dict[str, Unit]) -> None:
    stations = [
        org_services.unit_create(name="城关派出所", kind=Unit.Kind.STATION, parent=bureau, by=None)
        for bureau in city.values()
    ]
    towns = [
        org_services.township_create(
            code=f"{code}001", name="城关镇", kind="town", station=station, by=None
        )
        for code, station in zip(city, stations, strict=True)
    ]
    assert {u.area_code for u in stations} == {"370923", "370982"}
    assert {t.code for t in towns} == {"370923001", "370982001"}
    with pytest.raises(ValidationError) as unit_taken:
        org_services.unit_create(
            name="城关派出所", kind=Unit.Kind.STATION, parent=city["370923"], by=None
        )
    assert "名称：本区划已有同名单位" in unit_taken.value.messages
    with pytest.raises(ValidationError) as town_taken:
        org_services.township_create(
            code="370923002", name="城关镇", kind="town", station=None, by=None
        )
    assert "名称：本县（市、区）已有同名乡镇街道" in town_taken.value.messages
    assert Unit.objects.filter(name="城关派出所").count() == 2
    assert Township.objects.filter(name="城关镇").count() == 2


def test_the_form_says_the_name_is_taken_in_the_county(world: World, city: dict[str, Unit]) -> None:
    client = world.client("admin")
    fields = {"kind": "town", "villages-TOTAL_FORMS": "0", "villages-INITIAL_FORMS": "0"}
    ok = client.post("/admin/org/township/add/", {**fields, "code": "370923001", "name": "堽城镇"})
    assert ok.status_code == 302  # 宁阳's 堽城镇 is no obstacle in 东平
    taken = client.post(
        "/admin/org/township/add/", {**fields, "code": "370923002", "name": "堽城镇"}
    )
    assert taken.status_code == 200
    assert "名称：本县（市、区）已有同名乡镇街道" in taken.content.decode()
    assert Township.objects.filter(name="堽城镇").count() == 2


def test_a_new_township_still_changes_the_reference_version(world: World) -> None:
    """Migration 0007 remakes org_township on SQLite: its triggers (core/refcache.py) must
    survive, or registrations match yesterday's townships."""
    before = reference_version()
    org_services.township_create(
        code="370921199", name="新设街道", kind="subdistrict", station=None, by=None
    )
    assert reference_version() != before


def test_createuser_finds_a_shared_name_within_its_area_else_lists_them(
    city: dict[str, Unit],
) -> None:
    """`fangkong createuser --unit 城关派出所` in a city where two counties have one: a clear
    error listing both with their area codes (no MultipleObjectsReturned); with --area, the
    one of that county."""
    from django.core.management import CommandError, call_command

    from fangkong.accounts.models import User

    for code, bureau in city.items():
        station = org_services.unit_create(
            name="城关派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
        )
        org_services.township_create(
            code=f"{code}001", name="城关镇", kind="town", station=station, by=None
        )
    password = "Names#Per2020county"
    for option in ({"unit": "城关派出所"}, {"township": "城关镇"}):
        with pytest.raises(CommandError) as which:
            call_command("createuser", "cg", role="station", password=password, **option)
        said = str(which.value)
        assert "有2个：东平县（370923）、新泰市（370982）" in said
        assert "--area" in said
    with pytest.raises(CommandError, match="区划 370921 中没有名为“城关派出所”的单位"):
        call_command(
            "createuser", "cg", role="station", password=password, area="370921", unit="城关派出所"
        )
    assert not User.objects.filter(username="cg").exists()
    call_command(
        "createuser",
        "cg_xintai",
        role="station",
        password=password,
        area="370982",
        unit="城关派出所",
        township="城关镇",
    )
    user = User.objects.select_related("unit", "township").get(username="cg_xintai")
    assert user.unit is not None and user.unit.area_code == "370982"
    assert user.township is not None and user.township.code == "370982001"
