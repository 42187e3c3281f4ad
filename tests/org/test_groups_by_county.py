"""Working groups by county (issue 18): inside a city each county sets up its own task
force (the same six groups, so a group's code is unique per area, not installation-wide);
a county's leaders see, task and filter their county's groups only, a city's leaders
every county's with a county filter. Real groups and tasks, through the services; the
province installation of test_levels (two counties of 泰安, one of 济南)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.command import services as command_services
from fangkong.command.models import Task
from fangkong.core import clock
from fangkong.org import services as org_services
from fangkong.org.models import Officer, WorkingGroup
from tests.org.test_levels import Province
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db

NAMES = {"370921": "宁阳", "370923": "东平", "370102": "历下"}


@pytest.fixture
def groups(province: Province) -> dict[str, WorkingGroup]:
    """The support group of each county, led by one of its officers, with a task."""
    out: dict[str, WorkingGroup] = {}
    for seq, (code, county) in enumerate(province.counties.items(), start=1):
        leader = org_services.officer_create(
            name=f"{NAMES[code]}组长",
            badge_number=f"39{seq:04d}",
            kind=Officer.Kind.POLICE,
            unit=county.station,
            by=None,
        )
        group = org_services.working_group_set(
            code=WorkingGroup.Code.SUPPORT,
            leader=leader,
            members=[leader],
            duties=f"{NAMES[code]}防护物资保障",
            by=None,
            area_code=code,
        )
        command_services.task_assign(
            title=f"{NAMES[code]}组清点口罩",
            deadline=clock.now() + datetime.timedelta(days=1),
            by=province.users["province"],
            group=group,
        )
        out[code] = group
    return out


SEES = {
    "ningyang": {"370921"},
    "dongping": {"370923"},
    "taian": {"370921", "370923"},
    "jinan": {"370102"},
    "province": {"370921", "370923", "370102"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_working_groups_are_divided_by_county(
    province: Province, groups: dict[str, WorkingGroup], who: str
) -> None:
    client = province.client(who)
    page = client.get("/org/groups/")
    assert page.status_code == 200
    body = page.content.decode()
    tasks = client.get("/command/tasks/").content.decode()
    for code, name in NAMES.items():
        seen = code in SEES[who]
        assert (f"{name}组长" in body) == seen, (who, code)
        assert (f"{name}防护物资保障" in body) == seen, (who, code)
        # The tasks given to another county's group are not on this county's board.
        assert (f"{name}组清点口罩" in tasks) == seen, (who, code)
        task = Task.objects.get(group=groups[code])
        assert client.get(f"/command/tasks/{task.pk}/").status_code == (200 if seen else 404)


def test_a_city_filters_its_groups_by_county(
    province: Province, groups: dict[str, WorkingGroup]
) -> None:
    city = province.client("taian")
    page = city.get("/org/groups/").content.decode()
    # The filter offers the city's counties, and each group names its county.
    assert 'data-testid="area-filter"' in page
    assert '<option value="370923">东平县</option>' in page and "历下" not in page
    assert "宁阳县综合保障组" in page and "东平县综合保障组" in page
    narrowed = city.get("/org/groups/", {"area": "370923"}).content.decode()
    assert "东平组长" in narrowed and "宁阳组长" not in narrowed
    # Another city's county, a county's user asking for its neighbour, a made-up area.
    assert city.get("/org/groups/", {"area": "370102"}).status_code == 403
    county = province.client("ningyang")
    assert county.get("/org/groups/", {"area": "370923"}).status_code == 403
    assert county.get("/org/groups/", {"area": "3709"}).status_code == 403
    assert county.get("/org/groups/", {"area": "999999"}).status_code == 404
    assert 'data-testid="area-filter"' not in county.get("/org/groups/").content.decode()


def test_a_county_tasks_its_own_groups_only(
    province: Province, groups: dict[str, WorkingGroup]
) -> None:
    client = province.client("ningyang")
    form = client.get("/command/tasks/new/").content.decode()
    assert f'value="{groups["370921"].pk}"' in form
    assert f'value="{groups["370923"].pk}"' not in form
    # Another county's real group id, posted by hand: refused, nothing made.
    before = Task.objects.count()
    response = client.post(
        "/command/tasks/new/",
        {
            "title": "越权交办",
            "group": groups["370923"].pk,
            "priority": Task.Priority.NORMAL,
            "deadline": (clock.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200 and Task.objects.count() == before
    # The list's filter by another county's group shows nothing of it.
    listed = client.get("/command/tasks/", {"group": groups["370923"].pk}).content.decode()
    assert "东平组清点口罩" not in listed
    # The service refuses it too, whatever calls it.
    with pytest.raises(ValidationError, match="只能交办本辖区的工作组"):
        command_services.task_assign(
            title="越权交办",
            deadline=clock.now() + datetime.timedelta(days=1),
            by=province.users["ningyang"],
            group=groups["370923"],
        )


def test_each_county_has_its_own_groups_and_members(
    province: Province, groups: dict[str, WorkingGroup]
) -> None:
    # The same group in two counties; twice in one county is still one group.
    assert WorkingGroup.objects.filter(code=WorkingGroup.Code.SUPPORT).count() == 3
    again = org_services.working_group_set(
        code=WorkingGroup.Code.SUPPORT,
        leader=None,
        members=[],
        duties="改",
        by=None,
        area_code="370921",
    )
    assert again.pk == groups["370921"].pk
    # A group's members are its county's officers.
    with pytest.raises(ValidationError, match="成员只能是本区划的警力"):
        org_services.working_group_set(
            code=WorkingGroup.Code.CONTROL,
            leader=groups["370923"].leader,
            members=[],
            duties="",
            by=None,
            area_code="370921",
        )
