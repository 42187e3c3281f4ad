"""A small pushed list for the demo county: 50 returnees, a few with the usual problems,
imported through the same service the page and the CLI use.

Called from nowhere yet: the quarantine demo (`quarantine/demo.py`) may call
`build_pushed_list(ctx, by=...)` once the county's returnees exist.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from fangkong.core.demo import DemoContext, mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.org.models import Township
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.models import ListImport

if TYPE_CHECKING:
    from fangkong.accounts.models import User

WUHAN_DISTRICTS = ["420102", "420103", "420104", "420105", "420106", "420111"]


def build_pushed_list(ctx: DemoContext, *, by: User | None = None, rows: int = 50) -> ListImport:
    rng = ctx.rng
    townships = list(Township.objects.values_list("name", flat=True))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "湖北返宁人员名单（省大数据推送）.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("名单")
        ws.merge_range(0, 0, 0, 6, "湖北返宁人员名单（省疫情防控指挥部大数据推送）")
        ws.write_row(
            1, 0, ["序号", "姓名", "公民身份号码", "联系电话", "居住地址", "从何地返回", "抵达时间"]
        )
        for i in range(rows):
            sex = rng.choice("MF")
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
            id_number = make_id_number(rng.choice(WUHAN_DISTRICTS), birth, rng.randrange(100), sex)
            phone = mobile(rng)
            if i % 17 == 5:
                id_number = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
            if i % 19 == 7:
                phone = phone[:8]
            day = ctx.start - datetime.timedelta(days=rng.randrange(1, 10))
            ws.write_row(
                i + 2,
                0,
                [
                    i + 1,
                    person_name(rng, sex),
                    id_number,
                    phone,
                    f"宁阳县{rng.choice(townships)}{rng.randrange(1, 30)}号",
                    "湖北省武汉市",
                    f"{day.year}年{day.month}月{day.day}日",
                ],
            )
        wb.close()
        with path.open("rb") as fh:
            li = list_import_start(upload=fh, name=path.name, by=by, enqueue=False)
    return list_import_run(list_import_id=li.pk)
