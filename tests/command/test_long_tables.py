"""A province has hundreds of checkpoints: pages and the Word report show the first rows of
a long table and say where the rest are; the stats API and the annex keep every row."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document

from fangkong.command.report import annex_sheets, build_daily_report
from fangkong.command.views import _shown
from fangkong.core.figures import SHOWN_ROWS

DAY = datetime.date(2020, 3, 23)


def _stats(n: int) -> dict[str, object]:
    rows = [[f"第{i}号检查站", i, 2 * i] for i in range(n)]
    table = {"title": "各检查站", "headers": ["检查站", "车辆", "人员"], "rows": rows}
    section = {
        "key": "checkpoints",
        "title": "联合检查站",
        "figures": [],
        "tables": [table],
        "events": [],
    }
    return {"date": DAY.isoformat(), "sections": [section], "figures": {}}


@pytest.mark.django_db  # the report ends with the audit chain's head, read from the database
def test_word_report_shows_the_first_rows_and_the_annex_has_all() -> None:
    stats = _stats(SHOWN_ROWS + 25)
    buffer = io.BytesIO()
    build_daily_report(DAY, stats).save(buffer)
    doc = Document(io.BytesIO(buffer.getvalue()))
    long_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "检查站")
    assert len(long_table.rows) == 1 + SHOWN_ROWS
    assert long_table.rows[-1].cells[0].text == f"第{SHOWN_ROWS - 1}号检查站"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"（以上为前{SHOWN_ROWS}行，共{SHOWN_ROWS + 25}行，全部见附件。）" in text
    sheet = next(s for s in annex_sheets(DAY, stats) if s.title == "各检查站")
    assert len(list(sheet.rows)) == SHOWN_ROWS + 25


def test_pages_get_the_first_rows_and_the_number_left_out() -> None:
    shown = _shown(_stats(SHOWN_ROWS + 3))
    table = shown["sections"][0]["tables"][0]
    assert len(table["rows"]) == SHOWN_ROWS and table["hidden"] == 3
    short = _shown(_stats(5))["sections"][0]["tables"][0]
    assert len(short["rows"]) == 5 and short["hidden"] == 0
