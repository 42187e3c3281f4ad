"""The medical hand-off's receipt (移交医疗交接单) and the documents issued at the start of
a home quarantine (居家隔离告知书, 居家隔离承诺书): laid out by core/documents.py like the
release notice, personal data masked like any page (core/disclosure.py)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.conf import settings

from fangkong.core import clock
from fangkong.core.disclosure import shown
from fangkong.core.documents import OfficialDocument, chinese_date
from fangkong.medical.selectors import case_place

if TYPE_CHECKING:
    from fangkong.medical.models import Handoff
    from fangkong.medical.selectors import Subject
    from fangkong.quarantine.models import QuarantineCase

BLANK_DAY = "　　年　　月　　日"


def _save(doc: OfficialDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def handoff_receipt(handoff: Handoff, subject: Subject) -> bytes:
    """移交医疗交接单: who is handed over, why, to whom; signed by both sides. The person
    as the user printing it may see them (`subject`: a checkpoint prints what it recorded)."""
    case = handoff.case
    sender = case.station.name if case.station else case.bureau
    if handoff.occupant_id and handoff.occupant is not None:
        sender = handoff.occupant.passage.checkpoint.name
    doc = OfficialDocument(
        title="移交医疗交接单", number=f"编号：{handoff.number}", page_numbers=False
    )
    doc.paragraph(f"{handoff.institution.name}：", indent=False, align="left")
    doc.paragraph(
        f"根据疫情防控有关规定，{sender}于{chinese_date(handoff.day)}"
        f"{handoff.handed_at.astimezone(clock.SHANGHAI):%H时%M分}"
        f"将下列人员移交你单位进行诊断排查，请接收并及时反馈诊断结果。"
    )
    doc.table(
        ["项目", "内容"],
        [
            ["姓名", subject.name],
            ["证件号码", subject.document or "—"],
            ["联系电话", subject.phone or "—"],
            # Outside the person's jurisdiction: the destination the checkpoint recorded.
            [
                "现住址" if subject.visible else "到县内何处",
                f"{subject.place}{subject.address_detail}" or "—",
            ],
            ["来源地", subject.came_from or "—"],
            ["移交来源", handoff.get_origin_display()],
            ["移交原因", handoff.reason],
            ["体温", f"{handoff.temperature}℃" if handoff.temperature is not None else "—"],
            [
                "诊断结果",
                handoff.get_outcome_display() if handoff.outcome else "□排除 □疑似 □确诊 □留观",
            ],
        ],
    )
    doc.table(
        ["", "移交方", "接收方"],
        [
            ["单位", sender, handoff.institution.name],
            ["经办人（签字）", "", ""],
            ["联系电话", "", handoff.institution.phone],
            # Blanks to write on as underscores: a narrow cell wraps the line, and the
            # ideographic spaces at a wrap are not drawn.
            ["交接时间", *[f"{handoff.day.year}年___月___日___时___分"] * 2],
        ],
    )
    doc.paragraph("本单一式两联，移交方、接收方各执一联。")
    return _save(doc)


def home_quarantine_notice(case: QuarantineCase) -> bytes:
    """居家隔离告知书: handed to the person at the start of the quarantine."""
    person = case.person
    days = settings.FANGKONG["QUARANTINE_DAYS"]
    issuer = case.station.name if case.station else case.bureau
    start = chinese_date(case.start_date) if case.start_date else "—"
    planned = chinese_date(case.planned_end) if case.planned_end else "—"
    doc = OfficialDocument(title="居家隔离告知书", page_numbers=False)
    doc.paragraph(f"{person.name}：", indent=False, align="left")
    doc.paragraph(
        f"您于{chinese_date(case.arrival_date) if case.arrival_date else '近期'}"
        f"自{case.came_from or '重点地区'}返回。根据疫情防控有关规定，自{start}起至{planned}，"
        f"请您在{case_place(case)}住所居家隔离医学观察{days}天。"
    )
    doc.heading("隔离期间须做到")
    doc.paragraph("不外出、不串门、不聚集，家庭成员尽量分室居住，保持室内通风。")
    doc.paragraph("每日上午、下午各测量一次体温，如实告知“四包一”工作组随访人员。")
    doc.paragraph(
        "如出现发热（体温37.3℃及以上）、咳嗽、乏力等症状，立即报告随访人员，"
        "由其联系定点医疗机构，不得自行前往人员密集场所。"
    )
    doc.heading("法律责任")
    doc.paragraph("拒不执行隔离措施，引起传染病传播或者有传播严重危险的，将依法追究法律责任。")
    doc.signature(issuer, case.start_date or clock.today())
    return _save(doc)


def home_quarantine_pledge(case: QuarantineCase) -> bytes:
    """居家隔离承诺书: the person's promise, signed at the start of the quarantine."""
    person = case.person
    days = settings.FANGKONG["QUARANTINE_DAYS"]
    start = chinese_date(case.start_date) if case.start_date else "—"
    planned = chinese_date(case.planned_end) if case.planned_end else "—"
    doc = OfficialDocument(title="居家隔离承诺书", page_numbers=False)
    doc.paragraph(
        f"本人{person.name}（证件号码{shown('document', person.document_label)}），"
        f"于{chinese_date(case.arrival_date) if case.arrival_date else '近期'}"
        f"自{case.came_from or '重点地区'}返回，现住{case_place(case)}。"
        f"本人已知悉居家隔离告知书的内容，郑重承诺："
    )
    doc.paragraph(f"一、自{start}起至{planned}居家隔离{days}天，不外出、不接待来访。")
    doc.paragraph("二、每日如实报告体温和身体状况，配合“四包一”工作组随访。")
    doc.paragraph("三、出现发热、咳嗽等症状立即报告，服从医疗机构的诊断和处置。")
    doc.paragraph("四、所填信息真实，如有隐瞒或违反承诺，愿承担相应法律责任。")
    doc.blank()
    doc.paragraph("承诺人（签字）：　　　　　　　联系电话：", indent=False, align="left")
    doc.paragraph("家属（签字）：", indent=False, align="left")
    doc.paragraph(f"日期：{BLANK_DAY}", indent=False, align="left")
    return _save(doc)
