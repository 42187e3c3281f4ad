"""The audit page reads to a person: Chinese types and field names, before → after, a
reveal's fields as a list, times in Asia/Shanghai, names masked one way everywhere."""

from __future__ import annotations

import datetime
import re

import pytest

from fangkong.core.audit import audit_record
from fangkong.core.clock import SHANGHAI
from tests.accounts.test_audit import edit_person_a
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _rows(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_a_change_reads_before_to_after_with_chinese_names(world: World) -> None:
    response = edit_person_a(world, name="张三丰", phone="13853809999")
    assert response.status_code == 302
    page = world.client("auditor").get("/audit/", {"object_type": "people.person"})
    text = _text(_rows(page.content.decode()))
    assert "人员" in text
    assert "联系电话：*********34 → *********99" in text
    # The name, like the record's label, masked by the disclosure rule: never in full.
    assert "姓名：张* → 张**" in text
    assert "张三丰" not in page.content.decode()
    assert "phone" not in text and "people.person" not in text


def test_a_reveal_lists_the_fields_shown_and_the_type_picker_speaks_chinese(
    world: World,
) -> None:
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    page = world.client("auditor").get("/audit/", {"action": "reveal"}).content.decode()
    text = _text(_rows(page))
    assert "完整显示的信息：身份证号、证件号码、联系电话、详细住址、出生日期" in text
    picker = page.split('name="object_type"')[1].split("</select>")[0]
    assert '<option value="people.person">人员</option>' in picker


def test_times_in_changes_read_in_shanghai_time(world: World) -> None:
    moment = datetime.datetime(2020, 2, 2, 17, 30, tzinfo=datetime.UTC)
    audit_record(
        actor=world.users["admin"],
        action="update",
        object_type="quarantine.alert",
        object_id="7",
        object_repr="发热 2020-02-03 01:30",
        changes={"resolved_at": [None, moment]},
    )
    page = world.client("auditor").get("/audit/", {"object_type": "quarantine.alert"})
    text = _text(_rows(page.content.decode()))
    assert "预警" in text
    assert "处置时间：— → 2020-02-03 01:30:00" in text
    assert "+00:00" not in text


def test_an_alert_label_is_in_local_time(world: World) -> None:
    from fangkong.quarantine.models import Alert

    alert = Alert(
        kind="fever", raised_at=datetime.datetime(2020, 2, 2, 17, 30, tzinfo=datetime.UTC)
    )
    assert str(alert).endswith("2020-02-03 01:30")
    alert.raised_at = datetime.datetime(2020, 2, 3, 1, 30, tzinfo=SHANGHAI)
    assert str(alert).endswith("2020-02-03 01:30")


def test_the_audit_table_is_cards_on_a_phone(world: World) -> None:
    world.client("station_a").post(f"/people/{world.person_a.pk}/reveal/")
    page = world.client("auditor").get("/audit/").content.decode()
    assert 'class="fk-table fk-cards' in page
    assert 'data-label="变更内容"' in page


def test_an_exports_label_reads_as_what_was_done_not_as_a_masked_name(world: World) -> None:
    """Issue 20, finding 4: the case export's entry read '导*******', its purpose masked as
    if it were a person's name. An entry about a list (no object id) is labelled in the
    platform's words; one about a person still shows the name masked."""
    assert world.client("command").get("/cases/export.xlsx").status_code == 200
    audit_record(
        actor=world.users["admin"],
        action="update",
        object_type="quarantine.quarantinecase",
        object_id="7",
        object_repr="张三丰（#7）",
    )
    page = world.client("auditor").get("/audit/", {"object_type": "quarantine.quarantinecase"})
    text = _text(_rows(page.content.decode()))
    assert "导出隔离管控台账" in text
    assert "导*" not in text
    assert "张**（#7）" in text and "张三丰" not in text
