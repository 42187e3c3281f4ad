"""Word documents in the layout of Chinese official documents (GB/T 9704-2012).

A4; top margin 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm; title in 方正小标宋
(二号, 22 pt), body in 仿宋_GB2312 (三号, 16 pt) at a fixed 28 pt line pitch; headings
numbered 一、 (黑体) / （一） (楷体) / 1. (仿宋 bold); page numbers "— 1 —" in 四号. Where a
font is missing, Word and WPS fall back along the chain named here (e.g. 仿宋_GB2312 → 仿宋).

    doc = OfficialDocument(title="疫情防控工作日报", number="宁公防〔2020〕15号")
    doc.heading("检查站查控情况")            # 一、
    doc.subheading("车辆和人员")             # （一）
    doc.paragraph("全县9个检查站共检查车辆…")
    doc.table(["检查站", "车辆"], rows)
    doc.signature("宁阳县公安局", date)
    doc.save(path_or_file)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = ("方正小标宋简体", "华文中宋", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋", "FangSong")
HEI_FONT = ("黑体", "SimHei")
KAI_FONT = ("楷体_GB2312", "楷体", "KaiTi")
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号
LINE_PITCH = Pt(28)

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _set_font(run: Any, fonts: Sequence[str], size: Pt, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = fonts[0]
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), fonts[0])
    # Word has no per-run fallback chain; record the alternatives as the theme hint so WPS
    # and Word substitute the nearest installed face.
    rfonts.set(qn("w:hint"), "eastAsia")


def _pitch(paragraph: Any, first_line_indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if first_line_indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号


def _page_number_footer(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", None), (None, "PAGE"), (" —", None)):
        run = paragraph.add_run()
        _set_font(run, ("宋体",), SIZE_4)
        if field is None:
            run.text = text
            continue
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = field
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._element.extend([begin, instr, end])


class OfficialDocument:
    def __init__(self, *, title: str, number: str = "", subtitle: str = "") -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        _page_number_footer(section)
        normal = self.doc.styles["Normal"]
        normal.font.size = SIZE_3
        normal.font.name = BODY_FONT[0]
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT[0])
        self._h1 = 0
        self._h2 = 0
        self._h3 = 0
        if number:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _pitch(p, first_line_indent=False)
            _set_font(p.add_run(number), BODY_FONT, SIZE_3)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = LINE_PITCH
        _set_font(p.add_run(title), TITLE_FONT, SIZE_2)
        if subtitle:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _pitch(p, first_line_indent=False)
            _set_font(p.add_run(subtitle), KAI_FONT, SIZE_3)

    def heading(self, text: str) -> None:
        """一、 in 黑体; restarts the （一） and 1. numbering below it."""
        self._h1 += 1
        self._h2 = self._h3 = 0
        p = self.doc.add_paragraph()
        _pitch(p)
        _set_font(p.add_run(f"{chinese_number(self._h1)}、{text}"), HEI_FONT, SIZE_3)

    def subheading(self, text: str) -> None:
        """（一） in 楷体."""
        self._h2 += 1
        self._h3 = 0
        p = self.doc.add_paragraph()
        _pitch(p)
        _set_font(p.add_run(f"（{chinese_number(self._h2)}）{text}"), KAI_FONT, SIZE_3)

    def item(self, text: str, body: str = "") -> None:
        """1. in bold 仿宋, optionally followed by its text in the same paragraph."""
        self._h3 += 1
        p = self.doc.add_paragraph()
        _pitch(p)
        _set_font(p.add_run(f"{self._h3}．{text}"), BODY_FONT, SIZE_3, bold=True)
        if body:
            _set_font(p.add_run(body), BODY_FONT, SIZE_3)

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> None:
        p = self.doc.add_paragraph()
        _pitch(p, first_line_indent=indent)
        p.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
        _set_font(p.add_run(text), BODY_FONT, SIZE_3)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """A plain bordered table in 仿宋 四号 (tables may use a smaller size than the body)."""
        rows = [list(r) for r in rows]
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # One pass over the rows: python-docx builds the list of every row on each
        # `table.rows[i]`, which made a 400-row table take seconds.
        table_rows = list(table.rows)
        for cell, header in zip(table_rows[0].cells, headers, strict=False):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(header))
            _set_font(run, HEI_FONT, SIZE_4)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for table_row, row in zip(table_rows[1:], rows, strict=True):
            for cell, value in zip(table_row.cells, row, strict=False):
                cell.text = ""
                run = cell.paragraphs[0].add_run("" if value is None else str(value))
                _set_font(run, BODY_FONT, SIZE_4)
                cell.paragraphs[0].alignment = (
                    WD_ALIGN_PARAGRAPH.RIGHT
                    if isinstance(value, int | float)
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
        spacer = self.doc.add_paragraph()
        _pitch(spacer, first_line_indent=False)

    def signature(self, issuer: str, day: datetime.date) -> None:
        """Issuer and date at the right, four characters in from the margin."""
        for text in ("", issuer, chinese_date(day)):
            p = self.doc.add_paragraph()
            _pitch(p, first_line_indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(64)
            if text:
                _set_font(p.add_run(text), BODY_FONT, SIZE_3)

    def small_line(self, text: str) -> None:
        """A line in 五号 at the left, after everything else (e.g. the audit chain's head)."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_font(p.add_run(text), BODY_FONT, SIZE_5)

    def save(self, target: str | IO[bytes]) -> None:
        self.doc.save(target)
