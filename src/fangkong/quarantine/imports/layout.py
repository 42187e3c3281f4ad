"""A list's layout: which row is the header and which column is which field (names and
synonyms), and the template offered for download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fangkong.core.idnumber import normalize_id_number
from fangkong.core.text import normalize_text
from fangkong.quarantine.imports.reading import ImportFileError, Table, cell_text, open_table

if TYPE_CHECKING:
    pass

HEADER_SCAN_ROWS = 30

# Field → (label shown in reports and the template, header names and synonyms).
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (_lazy("姓名"), ("姓名", "名字", "人员姓名", "返乡人员姓名")),
    "id_number": (
        _lazy("身份证号"),
        ("身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证", "身份号码"),
    ),
    "phone": (
        _lazy("手机号"),
        ("手机号", "手机号码", "联系电话", "电话", "手机", "联系方式", "电话号码"),
    ),
    "address": (
        _lazy("现住址"),
        ("现住址", "居住地址", "住址", "现居住地", "现居住地址", "家庭住址", "详细地址", "地址"),
    ),
    "came_from": (
        _lazy("来源地"),
        ("来源地", "从何地返回", "返回地", "从何地来", "出发地", "来自", "来源地区", "来自何地"),
    ),
    "arrival_date": (
        _lazy("返回日期"),
        (
            "返回日期",
            "抵达时间",
            "返乡日期",
            "返回时间",
            "抵达日期",
            "到达时间",
            "返乡时间",
            "来县时间",
        ),
    ),
    "township": (_lazy("乡镇街道"), ("乡镇街道", "乡镇", "街道", "所属乡镇", "所在乡镇")),
    "village": (_lazy("村居"), ("村居", "村社区", "社区", "村", "所在村", "所属村居")),
    "sex": (_lazy("性别"), ("性别",)),
    "note": (_lazy("备注"), ("备注", "说明")),
}
FIELD_LABELS = {key: label for key, (label, _syn) in FIELDS.items()}


def field_labels() -> dict[str, str]:
    """The labels in the active language, as plain text (they key the stored report)."""
    return {key: str(label) for key, label in FIELD_LABELS.items()}


_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】/、\\]|必填|选填")


def header_field(text: str) -> str | None:
    """The field a header cell names, or None."""
    clean = _HEADER_NOISE.sub("", normalize_text(text))
    if not clean or len(clean) > 20:
        return None
    for key, (_label, synonyms) in FIELDS.items():
        if clean in synonyms:
            return key
    best: tuple[int, str] | None = None
    for key, (_label, synonyms) in FIELDS.items():
        for syn in synonyms:
            if len(syn) >= 2 and syn in clean and (best is None or len(syn) > best[0]):
                best = (len(syn), key)
    return best[1] if best else None


@dataclass
class Layout:
    header_row: int  # spreadsheet row number of the (last) header row
    headers: list[str]
    mapping: dict[int, str]  # column index → field

    @property
    def known(self) -> bool:
        return "name" in self.mapping.values() and (
            "id_number" in self.mapping.values() or "phone" in self.mapping.values()
        )


def find_layout(table: Table) -> Layout:
    """Find the header row among the first rows (titles and notes may sit above it), and
    a second header row below it when headers are merged over sub-headers."""
    scanned: list[tuple[int, list[str]]] = []
    for number, cells in table.rows():
        texts = [cell_text(c) for c in cells]
        if any(texts):
            scanned.append((number, texts))
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    best: Layout | None = None
    for position, (number, texts) in enumerate(scanned):
        mapping: dict[int, str] = {}
        for col, text in enumerate(texts):
            key = header_field(text)
            if key and key not in mapping.values():
                mapping[col] = key
        if len(mapping) < 2:
            continue
        layout = Layout(number, texts, mapping)
        # Merged header cells: "联系方式" over "手机号 | 住址" in the row below.
        if position + 1 < len(scanned):
            below_number, below = scanned[position + 1]
            extra = {
                col: key
                for col, text in enumerate(below)
                if (key := header_field(text)) and key not in mapping.values()
            }
            # A sub-header row, not data: it names fields the row above left open (merged
            # cells), holds no ID number, and under the row above's own headers it is blank
            # (their cells merged down), repeats them or is a header itself ("联系方式" over
            # "手机号") — a first data row without an ID number whose address names a 街道
            # has a name there, and is data.
            if (
                len(extra) >= 1
                and not any(parse_id_number_ok(t) for t in below)
                and all(
                    not below[col] or below[col] == texts[col] or header_field(below[col])
                    for col in mapping
                    if col < len(below)
                )
            ):
                for col, key in extra.items():
                    if col not in layout.mapping:
                        layout.mapping[col] = key
                        if col < len(layout.headers):
                            layout.headers[col] = below[col] or layout.headers[col]
                        else:
                            layout.headers.append(below[col])
                layout.header_row = below_number
        if best is None or len(layout.mapping) > len(best.mapping):
            best = layout
        if layout.known:
            return layout
    if best is not None:
        return best
    first = scanned[0] if scanned else (1, [])
    guess: dict[int, str] = {}
    for col, text in enumerate(first[1]):
        key = header_field(text)
        if key and key not in guess.values():
            guess[col] = key
    return Layout(first[0], first[1], guess)


def parse_id_number_ok(text: str) -> bool:
    return len(normalize_id_number(text)) in (15, 18) and normalize_id_number(text)[:6].isdigit()


def inspect_file(path: str | Path) -> tuple[Table, Layout]:
    table = open_table(path)
    layout = find_layout(table)
    if not layout.headers:
        raise ImportFileError(_("文件中没有数据"))
    return table, layout


def template_rows() -> tuple[list[str], list[list[str]]]:
    headers = [
        "序号",
        "姓名",
        "身份证号",
        "手机号",
        "现住址",
        "乡镇街道",
        "村居",
        "来源地",
        "返回日期",
        "备注",
    ]
    example = [
        "1",
        "张三",
        "370921198503020011",
        "13853801234",
        "宁阳县堽城镇东王庄村3组12号",
        "堽城镇",
        "东王庄村",
        "湖北省武汉市",
        "2020-01-25",
        "示例行，导入前请删除",
    ]
    return headers, [example]
