"""The import from the command line and the files it reads (issue 17, finish): every row
refused or kept with a warning printed with its row and column, --report writes the page's
report, dates without a year read in the list's year, a row with an ID number but no name
kept for verification, Excel's "Unicode text" read like any CSV, file messages in Chinese."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from fangkong.core.models import AuditEntry
from fangkong.quarantine.imports import ImportFileError, open_table
from fangkong.quarantine.models import ListEntry, QuarantineCase
from tests.conftest import World
from tests.quarantine.import_files import HEADERS, ident, write_xlsx
from tests.quarantine.test_imports import MESSY, messages_of, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_cli_prints_each_problem_row_and_writes_the_report(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", MESSY)
    report = tmp_path / "报告.xlsx"
    call_command("import", "returnees", str(path), "--quiet", "--report", str(report))
    out = capsys.readouterr().out
    refused = ListEntry.objects.filter(level="error").order_by("row_number")
    assert refused.count() == 2
    for e in refused:
        column, message = next((c, m) for c, ms in e.messages.items() for m in ms)
        assert f"第{e.row_number}行 拒收 {column}：{message}" in out
    warned = ListEntry.objects.filter(level="warning").first()
    assert warned is not None and f"第{warned.row_number}行 警告" in out
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "行号" and rows[0][-2:] == ["处理结果", "问题说明"]
    assert len(rows) == 1 + ListEntry.objects.count()
    assert f"导入报告（{len(rows) - 1}行）" in out
    audit = AuditEntry.objects.get(action="reveal", object_type="quarantine.listimport")
    assert audit.changes["rows"] == len(rows) - 1
    with pytest.raises(CommandError, match=r"须以 \.xlsx 结尾"):
        call_command("import", "returnees", str(path), "--report", str(tmp_path / "r.csv"))


def test_dates_without_a_year_read_in_the_lists_year(world: World, tmp_path: Path) -> None:
    rows = [
        [1, "王五", ident(1), "13800000001", "宁阳县堽城镇东王庄村1组", "武汉", "2019-12-30", ""],
        [2, "李四", ident(2), "13800000002", "宁阳县堽城镇东王庄村1组", "武汉", "1月23日", ""],
        [3, "赵六", ident(3), "13800000003", "宁阳县堽城镇东王庄村1组", "武汉", "1.24", ""],
        [4, "孙七", ident(4), "13800000004", "宁阳县堽城镇东王庄村1组", "武汉", "2019-12-31", ""],
    ]
    li = run(world, write_xlsx(tmp_path / "y.xlsx", rows))
    case = QuarantineCase.objects.get(person__name="李四")
    assert case.arrival_date == datetime.date(2019, 1, 23)
    assert "arrival_date" not in case.needs_review
    e = ListEntry.objects.get(list_import=li, name="李四")
    assert e.level == "ok"
    assert "“1月23日”未写年份，按名单中其他日期的年份读作2019-01-23" in messages_of(e)
    assert QuarantineCase.objects.get(person__name="赵六").arrival_date == datetime.date(
        2019, 1, 24
    )


def test_dates_without_a_year_and_no_other_date_take_the_working_days_year(
    world: World, tmp_path: Path, clock_at: Any
) -> None:
    clock_at("10:00", datetime.date(2020, 2, 3))
    rows = [[1, "李四", ident(2), "13800000002", "宁阳县堽城镇东王庄村1组", "武汉", "1月23日", ""]]
    li = run(world, write_xlsx(tmp_path / "w.xlsx", rows))
    assert QuarantineCase.objects.get().arrival_date == datetime.date(2020, 1, 23)
    assert "按当前工作日的年份读作2020-01-23" in messages_of(ListEntry.objects.get(list_import=li))


def test_a_row_with_an_id_number_and_no_name_is_kept_for_verification(
    world: World, tmp_path: Path
) -> None:
    rows = [[1, "", ident(5), "", "宁阳县堽城镇东王庄村1组", "武汉", "2020-01-23", ""]]
    li = run(world, write_xlsx(tmp_path / "n.xlsx", rows))
    e = ListEntry.objects.get(list_import=li)
    assert e.level == "warning" and e.stored
    assert "姓名为空，已按身份证号保留，姓名待核实" in messages_of(e)
    case = QuarantineCase.objects.get()
    assert case.person.id_number == ident(5) and "name" in case.needs_review
    # Without a number there is nobody to keep.
    rows = [[1, "", "", "13800000009", "宁阳县堽城镇东王庄村1组", "武汉", "", ""]]
    li = run(world, write_xlsx(tmp_path / "m.xlsx", rows))
    assert ListEntry.objects.get(list_import=li).level == "error"


def test_excel_unicode_text_is_read_like_a_csv(world: World, tmp_path: Path) -> None:
    lines = [
        "\t".join(HEADERS),
        "\t".join(
            [
                "1",
                "王五",
                ident(1),
                "13800000001",
                "宁阳县堽城镇东王庄村1组",
                "湖北省武汉市",
                "2020-01-22",
                "无",
            ]
        ),
    ]
    path = tmp_path / "unicode.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))  # with its byte-order mark, as Excel
    li = run(world, path)
    assert li.status == "done", li.message
    assert QuarantineCase.objects.get().person.name == "王五"


def test_an_over_long_csv_field_is_explained_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADERS) + '\n1,"王五' + "很" * 140_000 + "\n", encoding="utf-8")
    table = open_table(path)
    with pytest.raises(ImportFileError) as caught:
        list(table.rows())
    message = str(caught.value)
    assert "field limit" not in message and "第2行" in message
    assert "超过131072个字符" in message and "引号" in message
