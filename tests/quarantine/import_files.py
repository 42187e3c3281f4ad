"""Messy, real-world-shaped pushed lists, built in the tests."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from fangkong.core.idnumber import make_id_number

HEADERS = ["序号", "姓名", "公民身份号码", "联系电话", "居住地址", "从何地返回", "抵达时间", "备注"]


def ident(n: int, region: str = "420106") -> str:
    return make_id_number(
        region, datetime.date(1980, 1, 1) + datetime.timedelta(days=n), n % 90, "M"
    )


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    headers: list[str] | None = None,
    title: str | None = "宁阳县从湖北返乡人员名单（大数据推送）",
    sub_headers: list[str] | None = None,
) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    headers = headers or HEADERS
    if title:
        ws.merge_range(0, 0, 0, len(headers) - 1, title)
        r = 2  # a blank row under the title
    for c, h in enumerate(headers):
        ws.write_string(r, c, h)
    if sub_headers:
        r += 1
        for c, h in enumerate(sub_headers):
            if h:
                ws.write_string(r, c, h)
    for row in rows:
        r += 1
        for c, v in enumerate(row):
            if isinstance(v, datetime.date):
                ws.write_datetime(r, c, datetime.datetime.combine(v, datetime.time()), date_fmt)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif isinstance(v, str) and v.startswith("="):
                ws.write_formula(r, c, v, None, "")
            elif v is not None:
                ws.write_string(r, c, v)
    wb.close()
    return path


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8") -> Path:
    lines = [",".join(HEADERS)] + [",".join(str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
