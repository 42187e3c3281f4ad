"""A province has hundreds of checkpoints: pages show the first rows of a long table and say
where the rest are; the Word report tells the figures in sentences and leaves every table to
the annex, which keeps every row (as the stats API does)."""

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
        "problems": [],
    }
    return {"date": DAY.isoformat(), "sections": [section], "figures": {}}


@pytest.mark.django_db  # the report ends with the audit chain's head, read from the database
def test_word_report_has_no_table_and_the_annex_has_every_row() -> None:
    stats = _stats(SHOWN_ROWS + 25)
    buffer = io.BytesIO()
    build_daily_report(DAY, stats, previous={"sections": []}).save(buffer)
    doc = Document(io.BytesIO(buffer.getvalue()))
    assert doc.tables == []
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "第0号检查站" not in text
    assert "附件：疫情防控工作日报-2020-03-23-附表.xlsx" in text
    sheet = next(s for s in annex_sheets(DAY, stats, {"sections": []}) if s.title == "各检查站")
    assert len(list(sheet.rows)) == SHOWN_ROWS + 25


def test_pages_get_the_first_rows_and_the_number_left_out() -> None:
    shown = _shown(_stats(SHOWN_ROWS + 3))
    table = shown["sections"][0]["tables"][0]
    assert len(table["rows"]) == SHOWN_ROWS and table["hidden"] == 3
    short = _shown(_stats(5))["sections"][0]["tables"][0]
    assert len(short["rows"]) == 5 and short["hidden"] == 0
