"""Commando teams, role models and self-media posts kept by the political department in its
own pages: created and edited through their services, each write audited; others refused."""

from __future__ import annotations

import datetime

import pytest

from fangkong.core.models import AuditEntry
from fangkong.outreach import services
from fangkong.outreach.models import CommandoTeam, RoleModel, SelfMediaPost
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 2, 1)


def test_political_forms_and_edits_a_commando_team(world: World) -> None:
    client = world.client("political")
    assert "组建突击队" in client.get("/outreach/teams/").content.decode()
    data = {
        "kind": CommandoTeam.Kind.values[0],
        "name": "堽城所党员突击队",
        "unit": world.station_a.pk,
        "leader": world.officer_a.pk,
        "members": [world.officer_a.pk],
        "formed_on": "2020-01-28",
    }
    assert client.post("/outreach/teams/new/", data).status_code == 302
    team = CommandoTeam.objects.get()
    assert AuditEntry.objects.filter(object_type="outreach.commandoteam", action="create").exists()

    url = f"/outreach/teams/{team.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="堽城所党员突击队"' in form
    data |= {"name": "堽城所突击队", "members": [world.officer_a.pk, world.officer_b.pk]}
    assert client.post(url, data).status_code == 302
    team.refresh_from_db()
    assert team.name == "堽城所突击队"
    assert set(team.members.all()) == {world.officer_a, world.officer_b}
    entry = AuditEntry.objects.get(object_type="outreach.commandoteam", action="update")
    assert entry.changes["name"] == ["堽城所党员突击队", "堽城所突击队"]
    assert entry.changes["members"] == [[str(world.officer_a)], sorted(
        [str(world.officer_a), str(world.officer_b)]
    )]  # fmt: skip
    assert entry.actor == world.users["political"]


def test_a_team_without_members_is_refused_and_nothing_changes(world: World) -> None:
    team = services.team_create(
        data=services.CommandoTeamInput(
            kind=CommandoTeam.Kind.values[0], name="泗店所突击队", unit=world.station_b,
            leader=world.officer_b, members=[world.officer_b], formed_on=DAY,
        ),
        by=None,
    )  # fmt: skip
    client = world.client("political")
    audited = AuditEntry.objects.count()
    data = {"kind": "nope", "name": "", "unit": world.station_b.pk, "formed_on": "2020-13-01"}
    page = client.post(f"/outreach/teams/{team.pk}/edit/", data).content.decode()
    assert 'class="fk-errors"' in page
    for message in (
        "类型须从列表中选择",
        "请填写名称",
        "请填写队长",
        "请填写队员",
        "成立日期格式不正确",
    ):
        assert message in page
    team.refresh_from_db()
    assert team.name == "泗店所突击队"
    assert AuditEntry.objects.count() == audited


def test_political_records_and_edits_a_role_model(world: World) -> None:
    client = world.client("political")
    data = {
        "title": "王伟：坚守卡口二十天",
        "story": "春节期间坚守检查站。",
        "day": "2020-02-10",
        "officers": [world.officer_a.pk],
        "unit": world.station_a.pk,
    }
    assert client.post("/outreach/role-models/new/", data).status_code == 302
    model = RoleModel.objects.get()
    url = f"/outreach/role-models/{model.pk}/edit/"
    assert "王伟：坚守卡口二十天" in client.get(url).content.decode()
    data |= {"officers": [world.officer_b.pk], "story": "春节期间坚守检查站，未曾回家。"}
    assert client.post(url, data).status_code == 302
    model.refresh_from_db()
    assert list(model.officers.all()) == [world.officer_b]
    entry = AuditEntry.objects.get(object_type="outreach.rolemodel", action="update")
    assert entry.changes["officers"] == [[str(world.officer_a)], [str(world.officer_b)]]
    assert "story" in entry.changes
    page = client.post(url, {**data, "officers": []}).content.decode()
    assert 'class="fk-errors"' in page and "请填写民警" in page
    assert list(model.officers.all()) == [world.officer_b]


def test_political_records_and_edits_a_self_media_post(world: World) -> None:
    client = world.client("political")
    data = {"title": "宁阳警方提醒", "platform": "微信公众号", "day": "2020-02-03",
            "link": "", "likes": "12", "comments": "3"}  # fmt: skip
    assert client.post("/outreach/posts/new/", data).status_code == 302
    post = SelfMediaPost.objects.get()
    url = f"/outreach/posts/{post.pk}/edit/"
    assert client.post(url, {**data, "likes": "420"}).status_code == 302
    post.refresh_from_db()
    assert post.likes == 420
    entry = AuditEntry.objects.get(object_type="outreach.selfmediapost", action="update")
    assert entry.changes == {"likes": [12, 420]}
    assert "热门" in client.get("/outreach/posts/").content.decode()
    page = client.post(url, {**data, "likes": "-1", "link": "不是链接"}).content.decode()
    assert 'class="fk-errors"' in page and "链接格式不正确" in page and "点赞须不小于0" in page
    post.refresh_from_db()
    assert post.likes == 420


@pytest.mark.parametrize("role", ["command", "logistics", "workgroup", "station_a"])
def test_other_roles_may_not_create_or_edit(world: World, role: str) -> None:
    post = services.post_record(title="提醒", platform="抖音", day=DAY, by=None)
    model = services.role_model_record(
        title="典型", story="事迹", day=DAY, officers=[world.officer_a], by=None
    )
    team = services.team_create(
        data=services.CommandoTeamInput(
            kind=CommandoTeam.Kind.values[0], name="突击队", unit=world.station_a,
            leader=world.officer_a, members=[world.officer_a], formed_on=DAY,
        ),
        by=None,
    )  # fmt: skip
    client = world.client(role)
    for url in (
        "/outreach/teams/new/",
        f"/outreach/teams/{team.pk}/edit/",
        "/outreach/role-models/new/",
        f"/outreach/role-models/{model.pk}/edit/",
        "/outreach/posts/new/",
        f"/outreach/posts/{post.pk}/edit/",
    ):
        assert client.post(url, {"title": "改", "name": "改"}).status_code == 403, url
    assert (post.title, model.title, team.name) == (
        SelfMediaPost.objects.get().title,
        RoleModel.objects.get().title,
        CommandoTeam.objects.get().name,
    )


def test_the_lists_do_not_grow_in_queries_with_rows(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(i: int) -> None:
        services.post_record(title=f"提醒{i}", platform="抖音", day=DAY, by=None)
        services.role_model_record(
            title=f"典型{i}", story="事迹", day=DAY, officers=[world.officer_a, world.officer_b],
            by=None,
        )  # fmt: skip
        services.team_create(
            data=services.CommandoTeamInput(
                kind=CommandoTeam.Kind.values[0], name=f"突击队{i}", unit=world.station_a,
                leader=world.officer_a, members=[world.officer_b], formed_on=DAY,
            ),
            by=None,
        )  # fmt: skip

    client = world.client("political")
    urls = ["/outreach/teams/", "/outreach/role-models/", "/outreach/posts/"]
    add(0)
    for url in urls:
        client.get(url)
    counts = []
    for more in (False, True):
        if more:
            for i in range(1, 6):
                add(i)
        row = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url)
            assert page.status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1]
    assert "突击队5" in client.get("/outreach/teams/").content.decode()
