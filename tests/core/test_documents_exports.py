from __future__ import annotations

import datetime
import io

from docx import Document
from docx.shared import Pt
from python_calamine import CalamineWorkbook

from fangkong.core.documents import OfficialDocument, chinese_number
from fangkong.core.exports import Sheet, safe_cell, write_xlsx


def test_chinese_heading_numbers() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_official_document_layout() -> None:
    doc = OfficialDocument(title="疫情防控工作日报", number="宁公防〔2020〕15号")
    doc.heading("检查站查控情况")
    doc.subheading("车辆和人员")
    doc.item("车辆", "共检查车辆1200辆。")
    doc.heading("居家隔离情况")
    doc.table(["乡镇", "人数"], [["堽城镇", 312], ["泗店镇", 287]])
    doc.signature("宁阳县公安局", datetime.date(2020, 2, 3))
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    read = Document(buf)
    section = read.sections[0]
    mm = [
        round(v.mm)
        for v in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    texts = [p.text for p in read.paragraphs]
    assert texts[:2] == ["宁公防〔2020〕15号", "疫情防控工作日报"]
    assert "一、检查站查控情况" in texts and "二、居家隔离情况" in texts
    # An item's heading and its text are set apart by a full-width colon.
    assert "（一）车辆和人员" in texts and "1．车辆：共检查车辆1200辆。" in texts
    assert texts[-2:] == ["宁阳县公安局", "2020年2月3日"]
    title_run = read.paragraphs[1].runs[0]
    assert title_run.font.size == Pt(22)
    assert read.tables[0].rows[1].cells[0].text == "堽城镇"


def test_formula_injection_is_neutralised() -> None:
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_cell("+8613800000000") == "'+8613800000000"
    assert safe_cell("张三") == "张三"


def test_xlsx_export_writes_every_row_as_text_not_formula(tmp_path: object) -> None:
    buf = io.BytesIO()
    rows = [["张三", "=1+1", datetime.date(2020, 2, 3), 37.5], ["李四", "@SUM(A1)", None, 36.6]]
    assert write_xlsx(buf, [Sheet("台账", ["姓名", "备注", "日期", "体温"], rows)]) == 2
    buf.seek(0)
    data = CalamineWorkbook.from_filelike(buf).get_sheet_by_name("台账").to_python()
    assert data[0] == ["姓名", "备注", "日期", "体温"]
    assert data[1][0] == "张三" and data[1][1] == "'=1+1" and data[1][3] == 37.5
    assert data[2][1] == "'@SUM(A1)"
