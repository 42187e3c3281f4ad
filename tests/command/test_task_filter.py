"""The task list's filters are declared once (command/filters.py): the page, the home cards
that count it (我的任务, 逾期任务) and the dashboard's figures that link to it narrow to the
same tasks — real tasks in and out of each filter, and another station's out of sight."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fangkong.command import services
from fangkong.command.models import Task
from fangkong.core import clock
from fangkong.core.figures import collect_sections
from tests.command.conftest import Groups
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _titles(client: Any, **params: str) -> set[str]:
    page = client.get("/command/tasks/", params)
    assert page.status_code == 200
    return {t.title for t in page.context["page"].object_list}


def _card(client: Any, title: str) -> int:
    cards = client.get("/").context["cards"]
    return next(c["count"] for c in cards if str(c["title"]) == title)


@pytest.fixture
def tasks(world: World, groups: Groups) -> dict[str, Task]:
    boss = world.users["command"]
    now = clock.now()
    day = datetime.timedelta(days=1)
    made = {
        "open": services.task_assign(
            title="堽城走访", unit=world.station_a, deadline=now + day, by=boss
        ),
        "overdue": services.task_assign(
            title="堽城核查", unit=world.station_a, deadline=now - day, by=boss, at=now - 2 * day
        ),
        "done": services.task_assign(
            title="堽城排查", unit=world.station_a, deadline=now + day, by=boss, at=now - 2 * day
        ),
        "group": services.task_assign(
            title="控制组任务", group=groups.control, deadline=now + day, by=boss
        ),
        # Another station's: out of 堽城's sight, in the county's.
        "other": services.task_assign(
            title="泗店核查", unit=world.station_b, deadline=now - day, by=boss, at=now - 2 * day
        ),
    }
    services.task_complete(task=made["done"], result="已办结", by=boss, at=now - day)
    return made


def test_page_cards_and_figures_narrow_to_the_same_tasks(
    world: World, groups: Groups, tasks: dict[str, Task]
) -> None:
    today = clock.today().isoformat()
    station = world.client("station_a")
    assert _titles(station) == {"堽城走访", "堽城核查", "堽城排查"}
    mine = _titles(station, status="open")
    assert mine == {"堽城走访", "堽城核查"}  # done, and the other station's, are out
    assert _card(station, "我的任务") == len(mine)
    assert _titles(station, overdue=today) == {"堽城核查"}
    assert _titles(station, status=Task.Status.DONE) == {"堽城排查"}

    county = world.client("command")
    overdue = _titles(county, overdue=today)
    assert overdue == {"堽城核查", "泗店核查"}
    assert _card(county, "逾期任务") == len(overdue)
    assert _titles(county, group=str(groups.control.pk)) == {"控制组任务"}
    # Each of the dashboard's task figures is the number of tasks its link lists.
    figures = [
        f
        for s in collect_sections(clock.today())
        for f in s.figures
        if f.key.startswith("command.tasks")
    ]
    assert len(figures) == 4
    for figure in figures:
        path, _sep, query = figure.url.partition("?")
        name, _eq, value = query.partition("=")
        assert path == "/command/tasks/" and name in {"overdue", "issued", "done", "until"}
        assert len(_titles(county, **{name: value})) == figure.value, figure.key
    assert {f.key: f.value for f in figures}["command.tasks_overdue"] == 2
