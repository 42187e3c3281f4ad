"""The hostile-file corpus of docs/security.md, uploaded through the import page: each file
gets a clear answer, and the server process that reads it survives (this one, here).

Other entries of the corpus live next to the import tests: not a spreadsheet, empty and
encrypted files (test_imports.py::test_unreadable_files_…), a truncated zip
(::test_truncated_xlsx), GBK CSV (::test_csv_in_every_usual_encoding), an oversize upload
(::test_upload_size_limit), HTML in names (test_import_pages.py)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.test import override_settings
from python_calamine import CalamineWorkbook

from fangkong.quarantine.models import ListEntry, ListImport
from tests.conftest import World
from tests.quarantine.import_files import HEADERS, ident, write_csv, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(world: World, path: Path) -> str:
    with path.open("rb") as fh:
        response = world.client("command").post("/imports/upload/", {"file": fh}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def xlsx_with_sheet(path: Path, chunks: Iterable[str]) -> Path:
    """A real .xlsx (xlsxwriter's parts) whose first sheet's XML is `chunks`, streamed."""
    skeleton = io.BytesIO()
    wb = xlsxwriter.Workbook(skeleton)
    wb.add_worksheet().write_string(0, 0, "姓名")
    wb.close()
    with (
        zipfile.ZipFile(skeleton) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in src.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, src.read(info.filename))
        with out.open(SHEET, "w") as sheet:
            for chunk in chunks:
                sheet.write(chunk.encode())
    return path


def test_zip_bomb_is_refused_before_it_is_inflated(world: World, tmp_path: Path) -> None:
    blank = " " * (1 << 20)
    bomb = xlsx_with_sheet(
        tmp_path / "bomb.xlsx", [SHEET_HEAD, *([blank] * 600), SHEET_TAIL]
    )  # 600 MB of XML in a file of about 2.7 MB
    assert bomb.stat().st_size < 4 * 1024 * 1024
    html = upload(world, bomb)
    assert "文件解压后过大（600 MB，上限为 500 MB）" in html
    assert ListImport.objects.count() == 0


def test_a_cell_at_the_last_row_and_column_does_not_take_the_server_down(
    world: World, tmp_path: Path
) -> None:
    # 5 KB on disk; read naively it asks for 16384 × 1048576 cells (550 GB) and aborts.
    path = tmp_path / "huge.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADERS)
    ws.write_string(1048575, 16383, "x")
    wb.close()
    assert path.stat().st_size < 10_000
    html = upload(world, path)
    assert "文件展开后超出处理上限" in html and "请删除多余的行列" in html
    assert ListImport.objects.count() == 0


@override_settings(TASKS=IMMEDIATE)
def test_a_million_formatted_empty_rows_read_as_the_rows_with_data(
    world: World, tmp_path: Path
) -> None:
    header = '<row r="1">' + "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HEADERS)
    )
    person = (
        '</row><row r="2"><c r="B2" t="inlineStr"><is><t>王五</t></is></c>'
        f'<c r="C2" t="inlineStr"><is><t>{ident(1)}</t></is></c></row>'
    )
    empty = (f'<row r="{r}"><c r="B{r}" s="1"/></row>' for r in range(3, 1_000_003))
    path = xlsx_with_sheet(
        tmp_path / "empty.xlsx", [SHEET_HEAD, header, person, *empty, SHEET_TAIL]
    )
    upload(world, path)
    li = ListImport.objects.get()
    assert li.status == ListImport.Status.DONE and li.counts["rows"] == 1


@override_settings(TASKS=IMMEDIATE)
def test_a_million_empty_csv_lines_stop_after_a_thousand(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "empty.csv", [[1, "王五", ident(1), "13800000001", "堽城镇"]])
    with path.open("ab") as fh:
        fh.write(b",,,,,,,\r\n" * 1_000_000)
        fh.write(f"2,迟到,{ident(2)},13800000002,堽城镇,,,\r\n".encode())
    upload(world, path)
    li = ListImport.objects.get()
    assert li.status == ListImport.Status.DONE and li.counts["rows"] == 1
    assert "自第3行起连续1000行为空，其后的内容未读取" in li.message


@override_settings(TASKS=IMMEDIATE)
def test_formula_injection_is_stored_as_text_and_exported_as_text(
    world: World, tmp_path: Path
) -> None:
    # In 来源地, free text kept as typed (a name holds letters only: core.text.name_error).
    attack = "=cmd|' /C calc'!A0"
    rows = [
        [1, "张三", ident(1), "13800000001", "堽城镇东王庄村", attack, "2020-01-22", "@SUM(1+1)"],
        [2, "王五", ident(2), "13800000002", "堽城镇", "武汉", "", "+1+1"],
    ]
    # As text, the way a CSV brings it (an .xlsx formula cell arrives as its cached value).
    upload(world, write_csv(tmp_path / "f.csv", rows))
    assert ListEntry.objects.get(name="张三").case is not None
    export = world.client("command").get("/cases/export.xlsx")
    data = b"".join(export.streaming_content)  # type: ignore[attr-defined]
    cells = [c for row in _read(data) for c in row]
    assert "'" + attack in cells and attack not in cells
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "<f>" not in zf.read(SHEET).decode()  # no formula anywhere in the sheet


@override_settings(TASKS=IMMEDIATE)
def test_script_in_a_name_is_shown_as_text_everywhere(world: World, tmp_path: Path) -> None:
    # In 来源地 and the note, free text kept as typed; a name with markup is refused
    # (core.text.name_error: tests/core/test_names.py).
    script = "<script>alert(1)</script>"
    rows = [[1, "张三", ident(1), "13800000001", "堽城镇东王庄村", script, "2020-01-22", script]]
    report = upload(world, write_xlsx(tmp_path / "s.xlsx", rows))
    client = world.client("command")
    case = ListEntry.objects.get(name="张三").case
    assert case is not None
    assert script not in report  # the report names the column, not what was in it
    pages = [
        client.get(f"/cases/{case.pk}/").content.decode(),
        client.get(f"/people/{case.person_id}/").content.decode(),
    ]
    for html in pages:
        assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    csp = client.get("/cases/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def _read(data: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
