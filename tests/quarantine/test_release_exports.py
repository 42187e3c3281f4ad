"""Release on day 15 with its notice (.docx), and the 台账 export (.xlsx), masked for roles
that may not see full personal data."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from docx import Document
from python_calamine import CalamineWorkbook

from fangkong.core.models import AuditEntry
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.services import case_release
from tests.conftest import World
from tests.disclosure import assert_discloses_little
from tests.quarantine.conftest import START, Cases, at

pytestmark = pytest.mark.django_db
DAY15 = START + datetime.timedelta(days=14)  # 2020-02-08


def _on(day: datetime.date):  # type: ignore[no-untyped-def]
    return override_settings(FANGKONG={**settings.FANGKONG, "TODAY": day.isoformat()})


def test_release_is_proposed_on_day_15_and_confirmed_by_a_person(
    world: World, cases: Cases
) -> None:
    client = world.client("station_a")
    with _on(DAY15 - datetime.timedelta(days=1)):
        assert "今天没有应解除的对象" in client.get("/cases/release/").content.decode()
    with _on(DAY15):
        page = client.get("/cases/release/").content.decode()
        assert "张三" in page and "赵丽" not in page and "第15天" in page
        home = client.get("/").content.decode()
        assert "应解除隔离" in home
        response = client.post(
            f"/cases/{cases.a.pk}/release/",
            {"reason": "", "version": cases.a.version, "next": "/cases/release/"},
            follow=True,
        )
        assert "已解除隔离：张三" in response.content.decode()
        assert "今天没有应解除的对象" in response.content.decode()
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.RELEASED and cases.a.ended_on == DAY15
    assert cases.a.transitions.last().reason == "居家隔离期满，解除隔离"  # type: ignore[union-attr]


def test_early_release_needs_a_reason(world: World, cases: Cases) -> None:
    user = world.users["station_b"]
    with pytest.raises(ValidationError) as info:
        case_release(case=cases.b, by=user, reason="", at=at(DAY15 - datetime.timedelta(days=3), 9))
    assert info.value.message_dict == {"reason": ["提前解除须说明原因（计划解除日期：2020-02-08）"]}
    with _on(DAY15 - datetime.timedelta(days=3)):
        response = world.client("station_b").post(
            f"/cases/{cases.b.pk}/release/", {"reason": "", "version": cases.b.version}
        )
        assert response.status_code == 422
        assert "提前解除须说明原因" in response.content.decode()
    case = case_release(
        case=cases.b,
        by=user,
        reason="经县防控办批准，转外地",
        at=at(DAY15 - datetime.timedelta(days=3), 9),
    )
    assert case.status == CaseStatus.RELEASED


def test_release_notice_is_an_official_document(world: World, cases: Cases) -> None:
    client = world.client("station_a")
    assert client.post(f"/cases/{cases.a.pk}/notice.docx", follow=True).status_code == 200
    assert not AuditEntry.objects.filter(action="export").exists()  # not released: no notice
    case_release(case=cases.a, by=world.users["station_a"], at=at(DAY15, 9))
    response = client.post(f"/cases/{cases.a.pk}/notice.docx")
    assert response.status_code == 200
    assert (
        "解除居家隔离告知书" in response["Content-Disposition"]
        or "%E8%A7%A3" in response["Content-Disposition"]
    )
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "解除居家隔离告知书"
    assert texts[1] == "张三："
    assert "自2020年1月25日起" in texts[2] and "自2020年2月8日起解除居家隔离" in texts[2]
    assert "一、人员信息" in texts and "二、注意事项" in texts
    assert texts[-2:] == ["堽城派出所", "2020年2月8日"]
    # A QR for the checkpoint's scanner: the officer registers the returnee without typing.
    footer = doc.sections[0].footer
    assert "民警扫码登记" in footer.paragraphs[-1].text
    assert footer.paragraphs[-1]._p.xpath(".//pic:pic")
    section = doc.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.page_height)] == [210, 297]
    assert [round(v.mm) for v in (section.top_margin, section.left_margin)] == [37, 28]
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "370921**********" in "".join(cells) and world.person_a.id_number not in cells
    assert_discloses_little(" ".join(cells + texts), world.person_a)
    entry = AuditEntry.objects.get(action="export", object_id=str(cases.a.pk))
    assert entry.changes["rows"] == 1
    assert world.client("followup").post(f"/cases/{cases.a.pk}/notice.docx").status_code == 403


def _sheet(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def test_export_is_exactly_the_filtered_list(world: World, cases: Cases) -> None:
    client = world.client("command")
    with _on(datetime.date(2020, 2, 3)):
        response = client.get(f"/cases/export.xlsx?township={world.township_b.pk}")
    rows = _sheet(response)
    assert rows[0][:3] == ["姓名", "身份证号", "联系电话"]
    assert [r[0] for r in rows[1:]] == ["赵丽"]
    # Masked by default, even for the command centre: full values are a deliberate reveal.
    assert_discloses_little(" ".join(str(c) for c in rows[1]), world.person_b)
    assert rows[1][9] == "隔离中" and rows[1][13] == 10
    entry = AuditEntry.objects.get(action="export", object_type="quarantine.quarantinecase")
    assert entry.changes["rows"] == 1
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_an_export_with_full_values_is_audited_as_a_reveal_with_its_rows(
    world: World, cases: Cases
) -> None:
    with _on(datetime.date(2020, 2, 3)):
        response = world.client("command").get(
            f"/cases/export.xlsx?township={world.township_b.pk}&full=1"
        )
    rows = _sheet(response)
    assert rows[1][1] == world.person_b.id_number and rows[1][2] == "13953805678"
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == world.users["command"]
    assert entry.object_type == "quarantine.quarantinecase"
    assert entry.changes["rows"] == 1 and entry.changes["purpose"] == "导出隔离管控台账"
    assert "phone" in entry.changes["fields"]
    assert entry.changes["filters"] == {"township": str(world.township_b.pk)}
    # Without the reveal right: refused, nothing exported, nothing recorded as seen.
    assert world.client("workgroup").get("/cases/export.xlsx?full=1").status_code == 403
    assert AuditEntry.objects.filter(action="reveal").count() == 1


def test_a_searched_id_number_is_kept_masked_in_the_export_record(
    world: World, cases: Cases
) -> None:
    number = world.person_a.id_number or ""
    world.client("command").get("/cases/export.xlsx", {"q": number, "full": "1"})
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.changes["rows"] == 1
    assert number not in str(entry.changes) and entry.changes["filters"]["q"].count("*") == 10


def test_a_number_anywhere_in_the_filters_is_kept_masked_in_the_export_record(
    world: World, cases: Cases
) -> None:
    """Found by the attack of issue 19: only a `q` that was a number and nothing else was
    masked; "张三 <ID number>" in the search box, or the number in any other parameter, put
    the full value in the export's audit record, which the administrator reads without the
    reveal right."""
    number = world.person_a.id_number or ""
    phone = world.person_a.phone
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    client = world.client("workgroup")
    for query in (
        {"q": f"张三 {number}"},
        {"q": f"{phone}，张三"},
        {"q": f"张三 {spaced}"},
        {"q": "张三", "township": number, "station": phone},
    ):
        assert client.get("/cases/export.xlsx", query).status_code == 200
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == 4
    trail = " ".join(str(e.changes) for e in entries)
    assert number not in trail and phone not in trail and spaced not in trail
    assert "张三" in trail  # the name stays, the numbers go


def test_export_is_masked_without_reveal(world: World, cases: Cases) -> None:
    rows = _sheet(world.client("workgroup").get("/cases/export.xlsx"))
    assert sorted(r[0] for r in rows[1:]) == ["张三", "赵丽"]
    for row in rows[1:]:
        person = world.person_a if row[0] == "张三" else world.person_b
        assert_discloses_little(" ".join(str(c) for c in row), person)
    # The follow-up worker's export holds only their own people.
    rows = _sheet(world.client("followup").get("/cases/export.xlsx"))
    assert [r[0] for r in rows[1:]] == ["张三"]
