"""Word documents in the layout of Chinese official documents (GB/T 9704-2012).

A4; top margin 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm; title in 方正小标宋
(二号, 22 pt), body in 仿宋_GB2312 (三号, 16 pt) at a fixed 28 pt line pitch; headings
numbered 一、 (黑体) / （一） (楷体) / 1． (仿宋 bold); page numbers "— 1 —" in 四号. Where a
font is missing, Word and WPS fall back along the chain named here (e.g. 仿宋_GB2312 → 仿宋);
the text is marked Simplified Chinese (zh-CN), so a renderer that substitutes a face picks
its Simplified Chinese glyphs.

An official document of the bureau (the daily report, a circular) opens with the 版头: the
issuing authority's mark in red (发文机关标志), the document number two lines below, and a red
line the width of the text. It closes with the 版记: who else receives it (抄送) and the
office and day of issue (印发), between black rules, at the foot of the last page.
Letters (thank-you letters, notices handed to a person) have neither.

    doc = OfficialDocument(title="疫情防控工作日报", number="第11期", issuer="宁阳县公安局")
    doc.heading("总体情况")                  # 一、
    doc.subheading("车辆和人员")             # （一）
    doc.paragraph("全县9个检查站共检查车辆…")
    doc.run_in("联合检查站", "今日检查车辆…")  # （二）联合检查站。今日检查车辆…
    doc.attachment("疫情防控工作日报-附表.xlsx")
    doc.signature("宁阳县公安局", date)
    doc.imprint("宁阳县公安局办公室", date)
    doc.save(path_or_file)

tests/documents/ renders every document fangkong writes with LibreOffice and checks the PDF
(see docs/documents.md).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = ("方正小标宋简体", "华文中宋", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋", "FangSong")
HEI_FONT = ("黑体", "SimHei")
KAI_FONT = ("楷体_GB2312", "楷体", "KaiTi")
SIZE_MARK = Pt(36)  # 小初: the issuing authority's mark
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号
LINE_PITCH = Pt(28)
RED = RGBColor(0xFF, 0x00, 0x00)
TEXT_WIDTH = Mm(210 - 28 - 26)  # the 版心 (156 mm)
LANGUAGE = "zh-CN"

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
    """2020年2月3日: the year in full, month and day without a leading zero (GB/T 9704)."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: datetime.date) -> str:
    """2月3日 (not 02月03日)."""
    return f"{day.month}月{day.day}日"


_ENDS = "。！？；…"
_WRAPS = "”’）】》"


def sentence(text: str) -> str:
    """The text as a closed Chinese sentence: a full stop added where it has no end mark
    ("…1月31日前）" → "…1月31日前）。", but "（见附表。）" stays)."""
    text = text.strip().rstrip("，、：,;:")
    if not text:
        return ""
    inner = text.rstrip(_WRAPS) or text
    return text if inner[-1] in _ENDS or inner[-1] in ".!?" else f"{text}。"


def _width_em(text: str) -> float:
    """Width in characters of the body size: full-width characters one, the rest half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _set_font(
    run: Any, fonts: Sequence[str], size: Pt, bold: bool = False, colour: RGBColor | None = None
) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = fonts[0]
    if colour is not None:
        run.font.color.rgb = colour
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


# The order of a paragraph's properties in the schema (ECMA-376 CT_PPr): Word refuses a
# file whose properties are out of it.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _after(tag: str) -> tuple[str, ...]:
    """The paragraph properties that must follow `tag`."""
    return _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]


def _border(paragraph: Any, side: str, *, eighths: int, colour: str = "000000") -> None:
    """A rule above or below a paragraph, `eighths` of a point thick, the text's width."""
    ppr = paragraph._element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_after("w:pBdr"))
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(eighths))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), colour)
    borders.append(edge)


def _frame_at_foot(paragraph: Any) -> None:
    """Place the paragraph in a frame at the foot of the text area (the 版记 sits there,
    its last rule on the bottom edge of the last page's text). Paragraphs with the same
    frame properties share one frame."""
    ppr = paragraph._element.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(int(TEXT_WIDTH.twips)))
    frame.set(qn("w:hAnchor"), "margin")
    frame.set(qn("w:vAnchor"), "margin")
    frame.set(qn("w:xAlign"), "center")
    frame.set(qn("w:yAlign"), "bottom")
    frame.set(qn("w:wrap"), "notBeside")
    ppr.insert_element_before(frame, *_after("w:framePr"))


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


def _language(doc: Any) -> None:
    """Mark every run Simplified Chinese by default (the document's default run properties)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")


# A heading's own number, written into its text: "一、", "（二）", "3．".
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[．.、])")


def _unnumbered(text: str) -> None:
    """The document numbers its headings (heading, subheading): a text that carries its own
    number would read "一、一、" (the home-quarantine notice did, the fifth attack)."""
    if _NUMBERED.match(text):
        raise ValueError(f"heading {text!r} carries its own number; OfficialDocument numbers it")


class OfficialDocument:
    def __init__(
        self,
        *,
        title: str,
        number: str = "",
        subtitle: str = "",
        issuer: str = "",
        page_numbers: bool = True,
    ) -> None:
        """`issuer` draws the red 版头 (the bureau's mark, the number under it, the red
        line); without it the number, if any, stands above the title as before."""
        self.doc = Document()
        _language(self.doc)
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        if page_numbers:
            _page_number_footer(section)
        normal = self.doc.styles["Normal"]
        normal.font.size = SIZE_3
        normal.font.name = BODY_FONT[0]
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT[0])
        # Every page carries its 22 lines (GB/T 9704: 22 lines of 28 characters): a
        # paragraph's last line may stand alone on the next page, as in Word's 公文 templates.
        normal.paragraph_format.widow_control = False
        # Punctuation that falls at a line's end takes its character with it to the next
        # line (Word's default, written out: LibreOffice otherwise lets it hang past the
        # margin of a justified line, where it is not drawn at all).
        overflow = OxmlElement("w:overflowPunct")
        overflow.set(qn("w:val"), "1")
        ppr = normal.element.get_or_add_pPr()
        ppr.insert_element_before(overflow, *_after("w:overflowPunct"))
        self._h1 = 0
        self._h2 = 0
        self._h3 = 0
        if issuer:
            self._red_head(issuer, number)
        elif number:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _pitch(p, first_line_indent=False)
            _set_font(p.add_run(number), BODY_FONT, SIZE_3)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(14) if issuer else Pt(0)
        p.paragraph_format.space_after = Pt(0) if subtitle else LINE_PITCH
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(36)
        _set_font(p.add_run(title), TITLE_FONT, SIZE_2)
        if subtitle:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _pitch(p, first_line_indent=False)
            _set_font(p.add_run(subtitle), KAI_FONT, SIZE_3)

    def _red_head(self, issuer: str, number: str) -> None:
        """发文机关标志 in red 小标宋, the 发文字号 two lines below, then the red 分隔线 4 mm
        under the number, as wide as the text."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(14)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(44)
        _set_font(p.add_run(issuer), TITLE_FONT, SIZE_MARK, colour=RED)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _pitch(p, first_line_indent=False)
        _set_font(p.add_run(number or " "), BODY_FONT, SIZE_3)
        # 4 mm ≈ 11 pt between the number and the rule: the border's own spacing.
        _border(p, "bottom", eighths=18, colour="FF0000")
        ppr = p._element.get_or_add_pPr()
        ppr.find(qn("w:pBdr")).find(qn("w:bottom")).set(qn("w:space"), "11")

    def heading(self, text: str) -> None:
        """一、 in 黑体; restarts the （一） and 1. numbering below it."""
        _unnumbered(text)
        self._h1 += 1
        self._h2 = self._h3 = 0
        p = self.doc.add_paragraph()
        _pitch(p)
        _set_font(p.add_run(f"{chinese_number(self._h1)}、{text}"), HEI_FONT, SIZE_3)

    def subheading(self, text: str) -> None:
        """（一） in 楷体."""
        _unnumbered(text)
        self._h2 += 1
        self._h3 = 0
        p = self.doc.add_paragraph()
        _pitch(p)
        _set_font(p.add_run(f"（{chinese_number(self._h2)}）{text}"), KAI_FONT, SIZE_3)

    def run_in(self, heading: str, text: str) -> None:
        """（一） in 楷体 with its text in the same paragraph: "（一）联合检查站。今日检查…"."""
        self._h2 += 1
        self._h3 = 0
        p = self.doc.add_paragraph()
        _pitch(p)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _set_font(p.add_run(f"（{chinese_number(self._h2)}）{sentence(heading)}"), KAI_FONT, SIZE_3)
        _set_font(p.add_run(text), BODY_FONT, SIZE_3)

    def item(self, text: str, body: str = "") -> None:
        """1． in bold 仿宋; its text follows after a full-width colon, closed as a sentence."""
        self._h3 += 1
        p = self.doc.add_paragraph()
        _pitch(p)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        head = f"{self._h3}．{text}"
        if body:
            _set_font(p.add_run(f"{head}："), BODY_FONT, SIZE_3, bold=True)
            _set_font(p.add_run(sentence(body)), BODY_FONT, SIZE_3)
        else:
            _set_font(p.add_run(head), BODY_FONT, SIZE_3, bold=True)

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

    def blank(self) -> None:
        _pitch(self.doc.add_paragraph(), first_line_indent=False)

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

    def footer_picture(self, image: IO[bytes], *, width_mm: float, caption: str = "") -> None:
        """A small picture (a QR code) at the right of the page's foot, its caption before
        it: in the bottom margin, so the text keeps its pages."""
        section = self.doc.sections[0]
        # The foot moves down so that the picture stays within the bottom margin.
        bottom = section.bottom_margin or Mm(35)
        section.footer_distance = max(Mm(6), Mm(bottom.mm - width_mm - 4))
        p = section.footer.paragraphs[0]  # the footer's own (empty) paragraph: no extra line
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if caption:
            _set_font(p.add_run(caption + " "), BODY_FONT, SIZE_5)
        p.add_run().add_picture(image, width=Mm(width_mm))

    def attachment(self, name: str) -> None:
        """附件说明: a blank line under the text, then "附件：name" two characters in."""
        self.blank()
        self.paragraph(f"附件：{name}", align="left")

    def letter_closing(self) -> None:
        """此致 two characters in on a line of its own, 敬礼！ at the margin on the next."""
        self.paragraph("此致", indent=True, align="left")
        self.paragraph("敬礼！", indent=False, align="left")

    def signature(self, issuer: str, day: datetime.date) -> None:
        """The date four characters in from the right margin and the issuer centred over it
        (GB/T 9704 7.3.5.2), after a blank line."""
        date = chinese_date(day)
        em = SIZE_3.pt
        date_indent = 4 * em
        issuer_indent = date_indent + max(0.0, (_width_em(date) - _width_em(issuer)) / 2) * em
        # Never a page with the signature alone (GB/T 9704 7.3.5.4): the text's last line
        # goes over with it.
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self.blank()
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for text, indent in ((issuer, issuer_indent), (date, date_indent)):
            p = self.doc.add_paragraph()
            p.paragraph_format.keep_with_next = text == issuer
            _pitch(p, first_line_indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(indent)
            _set_font(p.add_run(text), BODY_FONT, SIZE_3)

    def imprint(self, office: str, day: datetime.date, copy_to: str = "") -> None:
        """The 版记 at the foot of the last page: 抄送 (if any) and "office … 2020年2月3日印发"
        in 四号仿宋, a character in from either side, between a thick rule above and below
        and a thin one between them."""
        em = SIZE_4.pt
        paragraphs = []
        if copy_to:
            p = self.doc.add_paragraph()
            _set_font(p.add_run(f"抄送：{sentence(copy_to)}"), BODY_FONT, SIZE_4)
            p.paragraph_format.left_indent = Pt(em)
            p.paragraph_format.right_indent = Pt(em)
            _border(p, "top", eighths=8)
            paragraphs.append(p)
        p = self.doc.add_paragraph()
        p.paragraph_format.left_indent = Pt(em)
        p.paragraph_format.right_indent = Pt(em)
        # The right tab stop lies in the paragraph's own coordinates: the text width less
        # both indents.
        p.paragraph_format.tab_stops.add_tab_stop(
            Pt(TEXT_WIDTH.pt - 2 * em), WD_TAB_ALIGNMENT.RIGHT
        )
        _set_font(p.add_run(f"{office}\t{chinese_date(day)}印发"), BODY_FONT, SIZE_4)
        _border(p, "top", eighths=6 if copy_to else 8)
        _border(p, "bottom", eighths=8)
        paragraphs.append(p)
        for p in paragraphs:
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = LINE_PITCH
            p.paragraph_format.space_before = Pt(0)
            p.paragraph_format.space_after = Pt(0)
            _frame_at_foot(p)

    def small_line(self, text: str) -> None:
        """A line in 五号 at the left, after everything else (e.g. the audit chain's head)."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_font(p.add_run(text), BODY_FONT, SIZE_5)

    def save(self, target: str | IO[bytes]) -> None:
        self.doc.save(target)
