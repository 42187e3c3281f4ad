"""Import pages, the API and the CLI: what each user sees and may do."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from python_calamine import CalamineWorkbook

from fangkong.core.models import AuditEntry
from fangkong.quarantine.imports import find_layout, open_table
from fangkong.quarantine.models import ListImport, QuarantineCase
from tests.conftest import World, numbered
from tests.quarantine.import_files import ident, write_xlsx
from tests.quarantine.test_imports import MESSY, run

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded lists are kept under MEDIA_ROOT: keep the tests' out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def read_xlsx(content: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def body(response: Any) -> str:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[no-any-return]


@override_settings(TASKS=IMMEDIATE)
def test_upload_page_runs_the_import_and_shows_the_report(world: World, tmp_path: Path) -> None:
    client = world.client("station_a")
    assert "上传名单" in client.get("/imports/").content.decode()
    path = write_xlsx(tmp_path / "名单.xlsx", MESSY)
    with path.open("rb") as fh:
        response = client.post("/imports/upload/", {"file": fh}, follow=True)
    html = response.content.decode()
    li = ListImport.objects.get()
    assert li.status == ListImport.Status.DONE and li.unit == world.station_a
    assert "已完成" in html and "逐行报告" in html
    assert "李四" in html  # HTML in a name: refused and shown escaped (tests/core/test_names.py)
    assert "手机号位数错误" in html
    problems = client.get(f"/imports/{li.pk}/?problems=1").content.decode()
    assert "王五" not in problems and "吴十" in problems

    report = client.get(f"/imports/{li.pk}/report.xlsx")
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(body(report))
    assert rows[0][0] == "行号" and rows[0][-2:] == ["处理结果", "问题说明"]
    assert rows[0][2] == "姓名"
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["吴十"][-2] == "拒收"
    assert "既无身份证号" in by_name["吴十"][-1]
    assert by_name["王五"][-2] == "新建档"
    assert by_name["李四"][-1].startswith("手机号：")
    # The list's own full ID numbers and phones: a reveal, audited with its row count.
    entry = AuditEntry.objects.get(action="reveal", object_type="quarantine.listimport")
    assert entry.actor == world.users["station_a"]
    assert entry.changes["rows"] == len(rows) - 1 == 7
    assert entry.changes["filters"] == {"list_import": li.pk}

    # jurisdiction: another station sees neither the import nor its report
    other = world.client("station_b")
    assert other.get(f"/imports/{li.pk}/").status_code == 404
    assert other.get(f"/imports/{li.pk}/report.xlsx").status_code == 404
    assert AuditEntry.objects.filter(action="reveal").count() == 1
    assert "名单.xlsx" not in other.get("/imports/").content.decode()
    assert "名单.xlsx" in world.client("command").get("/imports/").content.decode()
    assert world.client("followup").get("/imports/").status_code == 403
    assert world.client("checkpoint").get("/imports/upload/").status_code == 403


def test_progress_partial_polls_while_running_and_refreshes_when_done(
    world: World, tmp_path: Path
) -> None:
    client = world.client("command")
    with write_xlsx(tmp_path / "a.xlsx", MESSY).open("rb") as fh:
        client.post("/imports/upload/", {"file": fh})
    li = ListImport.objects.get()
    assert li.status == ListImport.Status.QUEUED  # the database backend: a worker will run it
    page = client.get(f"/imports/{li.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "关闭本页不影响导入" in page
    ListImport.objects.filter(pk=li.pk).update(status="running", done_rows=2000, total_rows=7000)
    partial = client.get(f"/imports/{li.pk}/progress/?was_active=1")
    assert "已处理 2000 / 7000 行" in partial.content.decode()
    assert "HX-Refresh" not in partial
    ListImport.objects.filter(pk=li.pk).update(status="done")
    assert client.get(f"/imports/{li.pk}/progress/?was_active=1")["HX-Refresh"] == "true"


@pytest.mark.django_db(transaction=True)
def test_the_real_background_path(world: World, tmp_path: Path) -> None:
    """Upload on the page (database task backend), then the db_worker runs the import."""
    client = world.client("command")
    with write_xlsx(tmp_path / "a.xlsx", MESSY).open("rb") as fh:
        client.post("/imports/upload/", {"file": fh})
    li = ListImport.objects.get()
    assert li.status == ListImport.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    li.refresh_from_db()
    assert li.status == ListImport.Status.DONE
    assert li.done_rows == li.total_rows == 7
    assert QuarantineCase.objects.count() == 5


def test_import_list_page_query_count(
    world: World, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    for i in range(3):
        run(world, write_xlsx(tmp_path / f"{i}.xlsx", MESSY[i : i + 2]))
    client = world.client("command")
    client.get("/imports/")
    with django_assert_num_queries(4):
        response = client.get("/imports/")
    assert response.content.decode().count('data-testid="import-status"') == 3


def test_template_download_is_recognised(world: World, tmp_path: Path) -> None:
    response = world.client("station_a").get("/imports/template.xlsx")
    path = tmp_path / "template.xlsx"
    path.write_bytes(body(response))
    layout = find_layout(open_table(path))
    assert layout.known
    assert set(layout.mapping.values()) >= {
        "name",
        "id_number",
        "phone",
        "address",
        "township",
        "village",
        "came_from",
        "arrival_date",
    }


# --- API ------------------------------------------------------------------------------------


@override_settings(TASKS=IMMEDIATE)
def test_api_upload_and_report(world: World, tmp_path: Path) -> None:
    client = world.client("station_a")
    path = write_xlsx(tmp_path / "a.xlsx", MESSY)
    with path.open("rb") as fh:
        response = client.post("/api/v1/imports/returnees", {"file": fh})
    assert response.status_code == 202, response.content
    created = response.json()
    assert created["status"] == "done"
    report = client.get(f"/api/v1/imports/{created['id']}?problems_only=true&limit=2").json()
    assert report["counts"]["new_cases"] == 5 and report["counts"]["refused"] == 2
    assert report["done_rows"] == report["total_rows"] == 7
    assert report["report"]["count"] == 5  # 2 refused + 3 warnings
    assert len(report["report"]["items"]) == 2
    first = report["report"]["items"][0]
    assert first["level"] == "warning" and "手机号" in first["messages"]

    assert world.client("station_b").get(f"/api/v1/imports/{created['id']}").status_code == 404
    assert world.client("followup").get(f"/api/v1/imports/{created['id']}").status_code == 403
    with path.open("rb") as fh:
        assert (
            world.client("checkpoint").post("/api/v1/imports/returnees", {"file": fh}).status_code
            == 403
        )


def test_api_bad_file_is_422_in_chinese(world: World, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip at all" + bytes(100))
    with path.open("rb") as fh:
        response = world.client("command").post("/api/v1/imports/returnees", {"file": fh})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "file" and "无法读取该文件" in detail["msg"]
    path.write_bytes(b"")
    with path.open("rb") as fh:
        response = world.client("command").post("/api/v1/imports/returnees", {"file": fh})
    assert response.status_code == 422
    assert ListImport.objects.count() == 0


def test_api_all_or_nothing(world: World, tmp_path: Path, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    with write_xlsx(tmp_path / "a.xlsx", MESSY).open("rb") as fh:
        response = world.client("command").post(
            "/api/v1/imports/returnees", {"file": fh, "all_or_nothing": "true"}
        )
    assert response.json()["status"] == "refused"
    assert QuarantineCase.objects.count() == 0


# --- CLI ------------------------------------------------------------------------------------


def test_cli_import(world: World, tmp_path: Path, capsys: Any) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", MESSY)
    call_command("import", "returnees", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "已处理 7/7 行" in out and "仅校验" in out
    assert QuarantineCase.objects.count() == 0
    call_command("import", "returnees", str(path), "--all-or-nothing")
    out = capsys.readouterr().out
    assert "未导入（有问题行）" in out and QuarantineCase.objects.count() == 0
    call_command("import", "returnees", str(path), "--user", "command")
    out = capsys.readouterr().out
    assert "新建档5" in out and "拒收2" in out
    assert QuarantineCase.objects.count() == 5
    call_command("import", "returnees", str(path))
    assert "已导入过5" in capsys.readouterr().out


def test_cli_bad_file_and_unknown_headers(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(CommandError, match="不是电子表格文件"):
        call_command("import", "returnees", str(bad))
    odd = write_xlsx(
        tmp_path / "odd.xlsx", [["王五", ident(1)]], headers=["人名", "号"], title=None
    )
    with pytest.raises(CommandError, match="未能识别表头"):
        call_command("import", "returnees", str(odd))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import", "returnees", str(tmp_path / "none.xlsx"))


def test_queue_pages_query_counts(
    world: World, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    rows = [[i, "张三", "", "13853801234", f"外县{i}号", "武汉", "", ""] for i in range(3)] + [
        [9, numbered("某", i), ident(40 + i), f"1380000004{i}", "外县", "武汉", "", ""]
        for i in range(3)
    ]
    run(world, write_xlsx(tmp_path / "q.xlsx", rows))
    client = world.client("command")
    client.get("/imports/duplicates/")
    with django_assert_num_queries(4):
        page = client.get("/imports/duplicates/").content.decode()
    assert page.count('value="same"') == 3
    with django_assert_num_queries(5):
        page = client.get("/imports/unrouted/").content.decode()
    assert page.count("分配</button>") == 3


def test_import_detail_page_query_count(
    world: World, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    li = run(world, write_xlsx(tmp_path / "a.xlsx", MESSY))
    client = world.client("command")
    client.get(f"/imports/{li.pk}/")
    with django_assert_num_queries(5):
        page = client.get(f"/imports/{li.pk}/").content.decode()
    assert page.count("<tr>") == 8  # the header and seven rows


def test_a_township_without_station_cannot_take_a_case(world: World, tmp_path: Path) -> None:
    li = run(world, write_xlsx(tmp_path / "a.xlsx", MESSY[2:3]))
    case = li.entries.get().case
    client = world.client("command")
    from fangkong.org.models import Township

    lonely = Township.objects.get(name="乡饮乡")
    response = client.post(f"/imports/unrouted/{case.pk}/", {"township": lonely.pk}, follow=True)
    assert "乡饮乡尚未指定辖区派出所" in response.content.decode()
    case.refresh_from_db()
    assert case.township is None
