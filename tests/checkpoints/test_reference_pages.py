"""Checkpoints as reference data kept by the command centre in its own pages (not the admin
site): new and edited through checkpoint_create / checkpoint_update, each write audited."""

from __future__ import annotations

import pytest

from fangkong.checkpoints.models import Checkpoint
from fangkong.core.models import AuditEntry
from tests.checkpoints.conftest import Posts

pytestmark = pytest.mark.django_db

FORM = {
    "name": "G105宁阳南检查站",
    "code": "g105s",
    "road": "G105",
    "location": "伏山镇",
    "lanes": "4",
    "opened_on": "2020-01-27",
    "closed_on": "",
    "shift_starts": "8，16，0",
}


def test_command_centre_creates_a_checkpoint_and_it_is_audited(posts: Posts) -> None:
    client = posts.world.client("command")
    listing = client.get("/checkpoints/list/").content.decode()
    assert "新建检查站" in listing
    response = client.post("/checkpoints/list/new/", {**FORM, "unit": posts.world.station_a.pk})
    assert response.status_code == 302
    made = Checkpoint.objects.get(code="G105S")
    assert (made.lanes, made.shift_starts, made.unit) == (4, [8, 16, 0], posts.world.station_a)
    entry = AuditEntry.objects.get(object_type="checkpoints.checkpoint", object_id=str(made.pk))
    assert (entry.action, entry.actor) == ("create", posts.world.users["command"])
    assert "G105宁阳南检查站" in client.get("/checkpoints/list/").content.decode()


def test_command_centre_edits_a_checkpoint_and_the_change_is_audited(posts: Posts) -> None:
    client = posts.world.client("command")
    url = f"/checkpoints/list/{posts.g104.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="G104宁阳北检查站"' in form and 'value="8,16,0"' in form
    data = {**FORM, "name": "G104宁阳北检查站（新址）", "code": "G104N", "lanes": "6"}
    assert client.post(url, data).status_code == 302
    posts.g104.refresh_from_db()
    assert (posts.g104.name, posts.g104.lanes) == ("G104宁阳北检查站（新址）", 6)
    entry = AuditEntry.objects.filter(action="update", object_id=str(posts.g104.pk)).get()
    assert entry.changes["lanes"] == [2, 6]
    assert entry.actor == posts.world.users["command"]


@pytest.mark.parametrize("role", ["workgroup", "checkpoint", "station_a", "logistics"])
def test_other_roles_may_not_create_or_edit_checkpoints(posts: Posts, role: str) -> None:
    client = posts.world.client(role)
    before = Checkpoint.objects.count()
    assert client.get("/checkpoints/list/new/").status_code == 403
    assert client.post("/checkpoints/list/new/", FORM).status_code == 403
    assert client.post(f"/checkpoints/list/{posts.g104.pk}/edit/", FORM).status_code == 403
    assert Checkpoint.objects.count() == before
    if client.get("/checkpoints/list/").status_code == 200:
        assert "新建检查站" not in client.get("/checkpoints/list/").content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "G1 04"}, "代码须为2到16位大写字母、数字或-"),
        ({"code": "S244"}, "具有 代码 的 检查站 已存在"),
        ({"shift_starts": "8,16,25"}, "班次起始时刻须为1到4个不重复的0–23整点"),
        ({"shift_starts": "早班"}, "班次起始时刻须为1到4个不重复的0–23整点"),
        ({"shift_starts": "²"}, "班次起始时刻须为1到4个不重复的0–23整点"),
        ({"closed_on": "2020-01-01"}, "撤除日期不能早于启用日期"),
        ({"lanes": "0"}, "车道数须不小于1"),
        ({"lanes": "九"}, "车道数格式不正确"),
        ({"unit": "999999"}, "责任单位须从列表中选择"),
        ({"name": ""}, "请填写名称"),
        ({"opened_on": "2020-02-30"}, "启用日期格式不正确"),
    ],
)
def test_bad_input_is_answered_on_the_field_in_chinese(
    posts: Posts, change: dict[str, str], message: str
) -> None:
    client = posts.world.client("command")
    before = list(Checkpoint.objects.values_list("code", "name", "lanes", "shift_starts"))
    audited = AuditEntry.objects.count()
    urls = ["/checkpoints/list/new/", f"/checkpoints/list/{posts.g104.pk}/edit/"]
    if "unit" in change:  # on edit the unit is the security administrator's: no field here
        urls = urls[:1]
    for url in urls:
        response = client.post(url, {**FORM, **change})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'class="fk-errors"' in page and message in page
    assert list(Checkpoint.objects.values_list("code", "name", "lanes", "shift_starts")) == before
    assert AuditEntry.objects.count() == audited
