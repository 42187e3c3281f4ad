"""The shift editor: officers grouped by unit with leave, fatigue and party membership shown,
and a warning for a shift without a 民警 or without a party group."""

from __future__ import annotations

import datetime
import re

import pytest

from fangkong.org.models import Officer
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_roster import assign

DAY = datetime.date(2020, 1, 27)
URL = f"/checkpoints/roster/G104N/{DAY}/0/"


def _warnings(page: str) -> str:
    box = page.split('data-testid="shift-warnings"')[1].split(">", 1)[1].split("</div>")[0]
    return re.sub(r"<[^>]+>", " ", box)


@pytest.mark.django_db
def test_picker_groups_by_unit_and_shows_leave_fatigue_and_party(posts: Posts) -> None:
    away = posts.officers[5]
    Officer.objects.filter(pk=away.pk).update(status=Officer.Status.ON_LEAVE)
    tired = posts.officers[0]
    for i in range(7):  # seven days in a row up to this shift's day, at the other checkpoint
        assign(posts, posts.other, DAY - datetime.timedelta(days=i), 1, [tired])
    page = posts.world.client("workgroup").get(URL).content.decode()
    picker = page.split('data-testid="officer-picker"')[1]
    assert "<legend>指挥中心</legend>" in picker and "<legend>堽城派出所</legend>" in picker
    line = picker.split(f'value="{away.pk}"')[1].split("</label>")[0]
    assert "休假" in line
    line = picker.split(f'value="{tired.pk}"')[1].split("</label>")[0]
    assert "疲劳" in line and "党员" in line and "民警" in line
    line = picker.split(f'value="{posts.officers[1].pk}"')[1].split("</label>")[0]
    assert "辅警" in line and "党员" not in line


@pytest.mark.django_db
def test_a_shift_without_police_or_party_group_is_warned(posts: Posts) -> None:
    client = posts.world.client("workgroup")
    aux = [posts.officers[1], posts.officers[3]]  # auxiliaries, not party members
    assign(posts, posts.g104, DAY, 0, aux)
    warnings = _warnings(client.get(URL).content.decode())
    assert "本班没有民警" in warnings and "本班没有党员，不能成立临时党小组" in warnings
    police = posts.officers[0]  # a 民警 and a party member
    assign(posts, posts.g104, DAY, 0, [*aux, police])
    warnings = _warnings(client.get(URL).content.decode())
    assert "本班没有民警" not in warnings and "本班尚未指定临时党小组组长" in warnings
    assign(posts, posts.g104, DAY, 0, [*aux, police], party=police)
    assert _warnings(client.get(URL).content.decode()).strip() == ""
