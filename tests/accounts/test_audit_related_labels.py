"""The seventh round: the audit page showed a changed foreign key as its id
("隔离管控对象：4489"). It names the row now, as it names an entry's own object
(accounts.audit_display.related_labels → object_label): a person's name masked, no number in
full — the auditor reads nothing of the row the page did not already show of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fangkong.core.audit import audit_record
from fangkong.core.models import AuditEntry
from fangkong.medical.models import Handoff, MedicalInstitution
from fangkong.quarantine import services as quarantine
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _rows(client: Client, **query: str) -> str:
    page = client.get("/audit/", query).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows))


def test_the_hand_overs_case_and_clinic_read_by_their_labels_masked(world: World) -> None:
    case, _ = quarantine.case_refer(person=world.person_a, source="station", by=None)
    client = world.client("station_a")
    assert client.post("/medical/new/", {"case": case.pk}).status_code == 302
    handoff = Handoff.objects.get()
    text = _rows(world.client("auditor"), object_type="medical.handoff")
    # 张三's case and his record (each by its own id, as before) and the clinic by their
    # names; 张三 masked as everywhere.
    assert f"隔离管控对象： 张*（#{case.pk}）" in text
    assert f"人员： 张*（#{world.person_a.pk}）" in text
    assert "接收医疗机构： 堽城镇卫生院" in text
    assert (
        f"隔离管控对象： {case.pk} " not in text
        and f"接收医疗机构： {handoff.institution_id} " not in text
    )
    # Nothing of the row the page did not show: the full name, the number, the phone, the
    # case's state (a case's own label names it; a person's row shows the name and id only).
    for secret in ("张三", str(world.person_a.id_number), world.person_a.phone, "待核查"):
        assert secret not in text, secret


def test_a_persons_township_and_village_read_by_their_names(world: World) -> None:
    text = _rows(world.client("auditor"), object_type="people.person")
    assert "乡镇（街道）： 堽城镇" in text or "乡镇街道： 堽城镇" in text
    assert "东王庄村" in text


def test_a_row_no_longer_on_file_keeps_its_id_and_old_entries_still_read(world: World) -> None:
    """An entry naming a row that is gone (or an id that never was) says the id as stored;
    a stored value that is no id is shown as it was."""
    audit_record(
        actor=world.users["station_a"],
        action="update",
        object_type="medical.handoff",
        object_id="999",
        object_repr="移交医疗 #999（人员#1）",
        changes={"institution": [987654, MedicalInstitution.objects.get(name="堽城镇卫生院").pk]},
    )
    audit_record(
        actor=world.users["station_a"],
        action="update",
        object_type="medical.handoff",
        object_id="998",
        object_repr="移交医疗 #998（人员#1）",
        changes={"case": ["旧值", None]},
    )
    text = _rows(world.client("auditor"), object_type="medical.handoff")
    assert "接收医疗机构： 987654 → 堽城镇卫生院" in text
    assert "隔离管控对象： 旧值 → —" in text
    assert AuditEntry.objects.filter(object_type="medical.handoff").count() == 2
