"""Documents a case produces: the release notice (解除居家隔离告知书) and the 台账 export."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import IO, Any

import segno
from django.conf import settings
from django.db.models import QuerySet

from fangkong.core import clock
from fangkong.core.disclosure import shown
from fangkong.core.documents import OfficialDocument, chinese_date
from fangkong.core.exports import Sheet
from fangkong.core.scancodes import release_text
from fangkong.quarantine.models import CaseStatus, QuarantineCase, quarantine_day
from fangkong.quarantine.selectors import temperature


def release_notice(case: QuarantineCase, target: IO[bytes] | str) -> None:
    """解除居家隔离告知书, in the layout of an official document, to print and hand over."""
    person = case.person
    issuer = case.station.name if case.station else case.bureau
    end_day = case.ended_on or case.planned_end or clock.today()
    doc = OfficialDocument(title="解除居家隔离告知书", page_numbers=False)
    doc.paragraph(f"{person.name}：", indent=False, align="left")
    start = chinese_date(case.start_date) if case.start_date else "—"
    planned = chinese_date(case.planned_end) if case.planned_end else "—"
    doc.paragraph(
        f"您于{chinese_date(case.arrival_date) if case.arrival_date else '近期'}"
        f"自{case.came_from or '重点地区'}返回，自{start}起在"
        f"{case.place()}居家隔离医学观察。"
        f"截至{planned}，居家隔离已满{settings.FANGKONG['QUARANTINE_DAYS']}天，"
        f"经“四包一”工作组每日随访，未发现发热等异常情况。"
        f"根据疫情防控有关规定，自{chinese_date(end_day)}起解除居家隔离。"
    )
    doc.heading("人员信息")
    doc.table(
        ["项目", "内容"],
        [
            ["姓名", person.name],
            # Handed to the person and filed: masked like any page (core.disclosure).
            ["证件号码", shown("document", person.document_label)],
            ["现住址", case.place()],
            ["隔离期间", f"{start}至{planned}"],
        ],
    )
    doc.heading("注意事项")
    doc.paragraph("解除隔离后请继续做好个人防护，外出佩戴口罩，勤洗手，避免到人员密集场所。")
    doc.paragraph("如出现发热、咳嗽、乏力等症状，请立即到就近发热门诊就诊，并主动告知旅居史。")
    doc.footer_picture(
        release_qr(case, end_day), width_mm=20, caption="经过检查站时出示，民警扫码登记"
    )
    doc.signature(issuer, end_day)
    doc.save(target)


def release_qr(case: QuarantineCase, end_day: datetime.date) -> io.BytesIO:
    """The QR a checkpoint officer scans to register the returnee (core/scancodes.py): what
    the notice prints — the name, the masked ID number — the day released, and the server's
    seal. Never the full number: the paper is shown at checkpoints and photographed."""
    person = case.person
    text = release_text(person.name, shown("document", person.document_label), end_day)
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=2)
    out.seek(0)
    return out


EXPORT_HEADERS = [
    "姓名",
    "身份证号",
    "联系电话",
    "来源地",
    "抵达日期",
    "乡镇街道",
    "村居",
    "详细住址",
    "责任派出所",
    "状态",
    "管控措施",
    "隔离开始",
    "计划解除",
    "隔离第几天",
    "最近体温",
    "待处置预警",
]


def export_sheet(qs: QuerySet[QuarantineCase], *, reveal: bool, day: datetime.date) -> Sheet:
    """The 台账: exactly the rows of the filtered list, masked unless the user may reveal.

    Read as plain values in chunks (no model objects: five per row, and the choice labels
    looked up once), so 100,000 rows stream at close to xlsxwriter's own speed."""
    status_label = {value: str(label) for value, label in CaseStatus.choices}
    measure_label = {value: str(label) for value, label in QuarantineCase.Measure.choices}
    measure_label[""] = ""
    columns = (
        "person__name", "person__id_number", "person__doc_number", "person__phone",
        "came_from", "arrival_date", "township__name", "village__name", "address_detail",
        "station__name", "status", "measure", "start_date", "planned_end",
        "last_temperature", "has_open_alert",
    )  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for (
            name, id_number, doc_number, phone, came_from, arrival, township, village,
            address, station, status, measure, start, planned, last_temperature, alert,
        ) in qs.values_list(*columns).iterator(chunk_size=2000):  # fmt: skip
            doc = id_number or doc_number
            yield [
                name,
                shown("document", doc, revealed=reveal),
                shown("phone", phone, revealed=reveal),
                came_from,
                arrival,
                township or "",
                village or "",
                shown("address_detail", address, revealed=reveal),
                station or "",
                status_label.get(status, status),
                measure_label.get(measure, measure),
                start,
                planned,
                quarantine_day(start, day) if status == CaseStatus.QUARANTINED else None,
                temperature(last_temperature),
                "是" if alert else "",
            ]

    return Sheet("隔离管控台账", EXPORT_HEADERS, rows())
