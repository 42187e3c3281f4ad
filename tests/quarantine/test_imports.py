"""Importing pushed lists: messy files built here, the per-row report, de-duplication,
routing, all-or-nothing, re-import."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from fangkong.core.audit import audit_verify
from fangkong.core.models import AuditEntry
from fangkong.core.rollups import NEVER, NEVER_BEFORE
from fangkong.people.models import Person
from fangkong.quarantine.imports import (
    ImportFileError,
    header_field,
    list_import_run,
    list_import_start,
    parse_date,
)
from fangkong.quarantine.models import (
    CaseCount,
    CaseReferral,
    ListEntry,
    ListImport,
    PossibleDuplicate,
    QuarantineCase,
)
from fangkong.quarantine.services import case_refer
from tests.conftest import World
from tests.quarantine.import_files import HEADERS, ident, write_csv, write_xlsx


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded lists are kept under MEDIA_ROOT: keep the tests' out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def id_list(runs: list[Any]) -> list[int]:
    """The ids an audit entry names as runs ([[1, 3], 7] → [1, 2, 3, 7])."""
    return [
        pk for run in runs for pk in (range(run[0], run[1] + 1) if isinstance(run, list) else [run])
    ]


def run(world: World, path: Path, who: str = "command", **kw: Any) -> ListImport:
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=world.users[who], enqueue=False, **kw)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    return li


def entry(li: ListImport, name: str) -> ListEntry:
    return ListEntry.objects.get(list_import=li, name=name)


def messages_of(e: ListEntry) -> str:
    return " ".join(m for msgs in e.messages.values() for m in msgs)


MESSY = [
    # a clean row, the date a real date cell
    [
        1,
        "王五",
        ident(1),
        "13800000001",
        "宁阳县堽城镇东王庄村1组",
        "湖北省武汉市",
        datetime.date(2020, 1, 22),
        "",
    ],
    # a short phone, the date as text (HTML in a name is refused: tests/core/test_names.py)
    [2, "李四", ident(2), "1380000", "泗店镇西杨村", "武汉", "2020年1月23日", ""],
    # an invalid ID number with name and phone; an address nowhere in the county; an
    # origin that is no region; the date an Excel serial number
    [3, "赵六", "420106198001011234", "13800000003", "不知道", "火星", 43852, ""],
    # a 15-digit ID and full-width digits in the phone
    [4, "孙八", "420106800101123", "１３８０００００００４", "磁窑镇", "湖北孝感", "2020/1/24", ""],
    # a formula (its cached value is empty) in the note and a wrong date
    [5, "周九", ident(5), "13800000005", "葛石镇", "湖北省", "2020-13-45", "=1+1"],
    # nothing to find the person by
    [6, "吴十", "", "", "华丰镇", "武汉", "", ""],
    # no name, and an ID number that fails its check (with a valid one the row is kept for
    # verification: tests/quarantine/test_import_finish.py)
    [7, "", "420106198001011235", "13800000007", "华丰镇", "武汉", "", ""],
    # only the serial number: an empty row
    [8, "", "", "", "", "", "", ""],
]


def test_messy_xlsx_stores_everyone_findable_and_reports_each_row(
    world: World, tmp_path: Path
) -> None:
    li = run(world, write_xlsx(tmp_path / "名单.xlsx", MESSY))
    assert li.status == ListImport.Status.DONE
    assert li.header_row == 3  # a merged title row and a blank row above the headers
    assert li.counts["rows"] == 7
    assert li.counts["new_cases"] == 5
    assert li.counts["refused"] == 2

    clean = entry(li, "王五")
    assert clean.outcome == ListEntry.Outcome.NEW_CASE and clean.level == "ok"
    case = clean.case
    assert case is not None
    assert case.source == QuarantineCase.Source.PUSHED_LIST
    assert (case.township, case.village, case.station) == (
        world.township_a,
        world.village_a,
        world.station_a,
    )
    assert case.arrival_date == datetime.date(2020, 1, 22)
    assert case.came_from_code == "420100"
    assert case.needs_review == []
    referral = CaseReferral.objects.get(case=case)
    assert referral.ref_type == "quarantine.listentry" and referral.ref_id == str(clean.pk)

    html = entry(li, "李四")
    assert html.level == "warning"
    assert "手机号位数错误" in messages_of(html) and "待核实" in messages_of(html)
    assert html.case is not None and html.case.needs_review == ["phone"]
    assert html.case.arrival_date == datetime.date(2020, 1, 23)
    assert html.case.station == world.station_b
    assert "原始电话：1380000" in html.person.note  # type: ignore[union-attr]

    bad_id = entry(li, "赵六")
    person = bad_id.person
    assert person is not None and person.id_unverified
    assert (person.id_number, person.doc_type, person.doc_number) == (
        None,
        Person.DocType.OTHER,
        "420106198001011234",
    )
    assert "校验位错误" in messages_of(bad_id) and "证件待核实" in messages_of(bad_id)
    assert bad_id.case is not None
    assert bad_id.case.station is None  # to the queue
    assert sorted(bad_id.case.needs_review) == ["address", "came_from"]
    assert bad_id.case.arrival_date == datetime.date(2020, 1, 22)  # serial 43852

    old_id = entry(li, "孙八")
    assert old_id.person is not None and old_id.person.id_number is not None
    assert old_id.person.id_number.startswith("42010619800101123")
    assert len(old_id.person.id_number) == 18
    assert "15位旧号码已转换为18位" in messages_of(old_id)
    assert old_id.level == "ok"  # a note, not a problem
    assert old_id.case is not None and old_id.case.came_from_code == "420900"  # 湖北孝感
    assert old_id.person.phone == "13800000004"  # type: ignore[union-attr]

    bad_date = entry(li, "周九")
    assert "无法识别为日期" in messages_of(bad_date)
    assert bad_date.case is not None and bad_date.case.needs_review == ["arrival_date"]

    nobody = entry(li, "吴十")
    assert nobody.outcome == ListEntry.Outcome.REFUSED and nobody.person is None
    assert "既无身份证号，也无有效联系电话" in messages_of(nobody)
    unnamed = ListEntry.objects.get(list_import=li, row_number=10)
    assert unnamed.outcome == ListEntry.Outcome.REFUSED
    assert "姓名不能为空" in messages_of(unnamed)
    # the people and cases each chunk created are named in one audit entry each (the list
    # entries say which row made which); the import has its own entries
    created = AuditEntry.objects.get(object_type="people.person", action="create", object_id="")
    assert created.changes["count"] == 5 and created.changes["list_import"] == li.pk
    people = ListEntry.objects.filter(list_import=li, person__isnull=False)
    assert sorted(people.values_list("person_id", flat=True)) == id_list(created.changes["ids"])
    opened = AuditEntry.objects.get(
        object_type="quarantine.quarantinecase", action="create", object_id=""
    )
    assert id_list(opened.changes["ids"]) == sorted(people.values_list("case_id", flat=True))
    assert "名单.xlsx 第4–10行" in opened.object_repr
    assert AuditEntry.objects.filter(object_type="quarantine.listimport").exists()
    assert audit_verify().broken_at is None


def test_reimport_changes_nothing(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", MESSY)
    run(world, path)
    before = (
        Person.objects.count(),
        QuarantineCase.objects.count(),
        CaseReferral.objects.count(),
    )
    again = run(world, path)
    assert again.counts["already"] == 5
    assert again.counts["new_cases"] == again.counts["joined"] == 0
    assert (
        Person.objects.count(),
        QuarantineCase.objects.count(),
        CaseReferral.objects.count(),
    ) == before
    assert "此行已导入过" in messages_of(entry(again, "王五"))


def test_same_id_joins_the_open_case(world: World, tmp_path: Path) -> None:
    case, _ = case_refer(person=world.person_b, source=QuarantineCase.Source.CHECKPOINT, by=None)
    rows = [
        [1, "赵丽", world.person_b.id_number, "13953805678", "", "武汉", "2020-01-20", ""],
        [2, "赵丽", world.person_b.id_number, "13953805678", "", "武汉", "2020-01-21", ""],
    ]
    li = run(world, write_xlsx(tmp_path / "b.xlsx", rows))
    assert li.counts["joined"] == 2 and li.counts["new_cases"] == 0
    assert QuarantineCase.objects.filter(person=world.person_b).count() == 1
    case.refresh_from_db()
    assert case.arrival_date == datetime.date(2020, 1, 20)  # a blank filled from the list
    assert case.referrals.filter(source=QuarantineCase.Source.PUSHED_LIST).count() == 2


def case_counts() -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]:
    """The case counts the figures read, and the cases counted again."""
    kept = {
        (c.township_id, c.status, c.opened_on, c.start_date, c.ended_on): c.n
        for c in CaseCount.objects.all()
    }
    recount: dict[tuple[Any, ...], int] = {}
    for t, status, opened, start, end in QuarantineCase.objects.values_list(
        "township_id", "status", "opened_on", "start_date", "ended_on"
    ):
        key = (t or 0, status, opened or NEVER_BEFORE, start or NEVER, end or NEVER)
        recount[key] = recount.get(key, 0) + 1
    return kept, recount


def test_imported_cases_are_counted_in_the_figures(world: World, tmp_path: Path) -> None:
    case_refer(person=world.person_b, source=QuarantineCase.Source.CHECKPOINT, by=None)
    li = run(world, write_xlsx(tmp_path / "名单.xlsx", MESSY))
    assert li.counts["new_cases"] == 5
    kept, recount = case_counts()
    assert kept == recount and sum(kept.values()) == 6
    # Counting goes on after the import: a case opened later is counted too.
    case_refer(person=world.person_a, source=QuarantineCase.Source.CHECKPOINT, by=None)
    kept, recount = case_counts()
    assert kept == recount and sum(kept.values()) == 7


def test_rows_without_id_matching_name_and_phone_are_held(world: World, tmp_path: Path) -> None:
    rows = [
        [1, "张三", "", "13853801234", "堽城镇", "武汉", "2020-01-20", ""],
        [2, "张三", "", "13853801234", "堽城镇", "孝感", "2020-01-21", ""],
    ]
    li = run(world, write_xlsx(tmp_path / "c.xlsx", rows))
    assert li.counts["duplicates"] == 2
    assert QuarantineCase.objects.count() == 0
    first, second = PossibleDuplicate.objects.order_by("entry__row_number")
    assert first.person == world.person_a

    client = world.client("station_a")
    page = client.get("/imports/duplicates/")
    assert "张三" in page.content.decode() and "是同一人" in page.content.decode()
    client.post(f"/imports/duplicates/{first.pk}/", {"decision": "same"})
    first.refresh_from_db()
    assert first.status == PossibleDuplicate.Status.CONFIRMED
    assert QuarantineCase.objects.get().person == world.person_a
    client.post(f"/imports/duplicates/{second.pk}/", {"decision": "different"})
    newcomer = Person.objects.exclude(pk=world.person_a.pk).get(name="张三")
    assert newcomer.id_unverified and newcomer.doc_type == Person.DocType.NONE
    assert QuarantineCase.objects.filter(person=newcomer).count() == 1
    assert entry_for(second).outcome == ListEntry.Outcome.NEW_CASE


def entry_for(dup: PossibleDuplicate) -> ListEntry:
    return ListEntry.objects.get(pk=dup.entry_id)


def test_no_id_but_name_and_phone_is_stored_unverified(world: World, tmp_path: Path) -> None:
    li = run(
        world,
        write_xlsx(tmp_path / "d.xlsx", [[1, "钱七", "", "13800000009", "伏山镇", "", "", ""]]),
    )
    e = entry(li, "钱七")
    assert e.outcome == ListEntry.Outcome.NEW_CASE
    assert e.person.id_unverified and e.person.doc_type == Person.DocType.NONE  # type: ignore[union-attr]
    assert "缺少身份证号" in messages_of(e)


def test_all_or_nothing_stores_nothing_when_any_row_has_a_problem(
    world: World, tmp_path: Path
) -> None:
    li = run(world, write_xlsx(tmp_path / "e.xlsx", MESSY), all_or_nothing=True)
    assert li.status == ListImport.Status.REFUSED
    assert "未导入任何数据" in li.message
    assert QuarantineCase.objects.count() == 0 and Person.objects.count() == 2
    assert li.entries.filter(level="error").count() == 2  # the report is still there

    ok = run(world, write_xlsx(tmp_path / "f.xlsx", MESSY[:1]), all_or_nothing=True)
    assert ok.status == ListImport.Status.DONE and QuarantineCase.objects.count() == 1
    assert ok.entries.count() == 1


def test_dry_run_stores_nothing(world: World, tmp_path: Path) -> None:
    li = run(world, write_xlsx(tmp_path / "g.xlsx", MESSY), dry_run=True)
    assert li.status == ListImport.Status.DONE and li.counts["rows"] == 7
    assert QuarantineCase.objects.count() == 0
    assert set(li.entries.values_list("outcome", flat=True)) == {"checked", "refused"}
    # a real import afterwards is not "already imported"
    real = run(world, write_xlsx(tmp_path / "g.xlsx", MESSY))
    assert real.counts["new_cases"] == 5


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)]
)
def test_csv_in_every_usual_encoding(
    world: World, tmp_path: Path, encoding: str, bom: bool
) -> None:
    rows = [
        [
            1,
            "王五",
            ident(1),
            "13800000001",
            "堽城镇东王庄村",
            "湖北省武汉市",
            "2020-01-22",
            "㐀" if encoding == "gb18030" else "",
        ]
    ]
    path = write_csv(tmp_path / "list.csv", rows, encoding=encoding)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    li = run(world, path)
    assert li.status == ListImport.Status.DONE, li.message
    e = entry(li, "王五")
    assert e.case is not None and e.case.township == world.township_a
    expected = {"utf-8": "UTF-8", "gbk": "GBK", "gb18030": "GB18030"}[encoding]
    assert f"文件编码：{expected}" in li.message


def test_merged_header_cells_over_sub_headers(world: World, tmp_path: Path) -> None:
    headers = ["序号", "姓名", "身份证号", "联系方式", "", "返回日期"]
    sub = ["", "", "", "手机号", "现住址", ""]
    path = tmp_path / "merged.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, 5, "返乡人员名单")
    for c, h in enumerate(headers):
        if h and c != 3:
            ws.merge_range(1, c, 2, c, h)
    ws.merge_range(1, 3, 1, 4, "联系方式")
    for c, h in enumerate(sub):
        if h:
            ws.write_string(2, c, h)
    ws.write_row(3, 0, ["1", "王五", ident(1), "13800000001", "堽城镇东王庄村", "2020-01-22"])
    wb.close()
    li = run(world, path)
    assert li.status == ListImport.Status.DONE
    e = entry(li, "王五")
    assert e.case is not None and e.case.township == world.township_a
    assert e.person.phone == "13800000001"  # type: ignore[union-attr]


def test_a_first_row_without_an_id_number_naming_a_street_is_data(
    world: World, tmp_path: Path
) -> None:
    """Found by the w21-trust work: a first data row with no ID number whose address names a
    街道 was taken for a second header row (its address "matched" the township's header),
    and silently left out of the import."""
    path = tmp_path / "street.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["姓名", "手机号", "现住址", "返回日期"])
    ws.write_row(1, 0, ["李四", "13800000002", "宁阳县八仙桥街道东关村", "2020-01-22"])
    ws.write_row(2, 0, ["王五", "13800000001", "堽城镇东王庄村", "2020-01-22"])
    wb.close()
    li = run(world, path)
    assert li.status == ListImport.Status.DONE, li.message
    assert entry(li, "李四").row_number == 2
    assert entry(li, "王五").row_number == 3


def test_thousands_of_empty_rows_stop_early(world: World, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    fmt = wb.add_format({"bg_color": "#FFFF00"})
    ws.write_row(0, 0, HEADERS)
    ws.write_row(1, 0, [1, "王五", ident(1), "13800000001", "堽城镇", "武汉", "2020-01-22"])
    for r in range(2, 6000):
        ws.write_blank(r, 1, None, fmt)
        ws.write_string(r, 0, str(r))  # a serial number column filled down
    ws.write_row(6000, 0, [9, "迟到", ident(9), "13800000009", "堽城镇", "武汉", "2020-01-22"])
    wb.close()
    li = run(world, path)
    assert li.status == ListImport.Status.DONE
    assert li.counts["rows"] == 1
    assert "连续1000行为空" in li.message


def test_unknown_headers_ask_for_the_columns(world: World, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "odd.xlsx",
        [["王五", ident(1), "13800000001", "堽城镇"]],
        headers=["人名", "号码", "手机", "乡镇"],
        title=None,
    )
    client = world.client("command")
    with path.open("rb") as fh:
        response = client.post("/imports/upload/", {"file": fh})
    li = ListImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{li.pk}/mapping/"
    assert li.status == ListImport.Status.MAPPING
    page = client.get(f"/imports/{li.pk}/mapping/").content.decode()
    assert "人名" in page and "（不导入）" in page
    bad = client.post(f"/imports/{li.pk}/mapping/", {"col_2": "phone"})
    assert "请指定“姓名”所在的列" in bad.content.decode()
    from django.test import override_settings

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        client.post(
            f"/imports/{li.pk}/mapping/",
            {"col_0": "name", "col_1": "id_number", "col_2": "phone", "col_3": "township"},
        )
    li.refresh_from_db()
    assert li.status == ListImport.Status.DONE
    assert QuarantineCase.objects.get().township == world.township_a


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "不是电子表格文件"),
        (b"<html><body>hello</body></html>", "不是电子表格文件"),
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "可能设有密码保护或已损坏"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_leave_nothing(
    world: World, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message), path.open("rb") as fh:
        list_import_start(upload=fh, name="bad.xlsx", by=world.users["command"], enqueue=False)
    assert ListImport.objects.count() == 0


def test_truncated_xlsx(world: World, tmp_path: Path) -> None:
    full = write_xlsx(tmp_path / "full.xlsx", MESSY).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(full[: len(full) // 2])
    client = world.client("command")
    with path.open("rb") as fh:
        response = client.post("/imports/upload/", {"file": fh})
    assert response.status_code == 200
    assert "无法读取该文件" in response.content.decode()
    assert ListImport.objects.count() == 0


def test_upload_size_limit(world: World, tmp_path: Path, settings: Any) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "UPLOAD_MAX_MB": 1}
    path = write_csv(
        tmp_path / "big.csv", [[i, "王五", "", "", "", "", "", "x" * 200] for i in range(6000)]
    )
    client = world.client("command")
    with path.open("rb") as fh:
        response = client.post("/imports/upload/", {"file": fh})
    assert "文件过大" in response.content.decode() and "上限为 1 MB" in response.content.decode()
    assert ListImport.objects.count() == 0


def test_header_synonyms_and_dates() -> None:
    assert header_field("公民身份号码") == "id_number"
    assert header_field("证件号码（必填）") == "id_number"
    assert header_field("联系电话") == "phone"
    assert header_field("现居住地址") == "address"
    assert header_field("从何地返回") == "came_from"
    assert header_field("返乡日期") == "arrival_date"
    assert header_field("村（社区）") == "village"
    assert header_field("乡镇（街道）") == "township"
    assert header_field("出生日期") is None
    assert parse_date("2020.1.25") == datetime.date(2020, 1, 25)
    assert parse_date("20200125") == datetime.date(2020, 1, 25)
    assert parse_date(43855.0) == datetime.date(2020, 1, 25)
    assert parse_date("２０２０年１月２５日") == datetime.date(2020, 1, 25)
    with pytest.raises(ValueError, match="无法识别为日期"):
        parse_date("正月初一")


def test_routing_by_columns_and_unrouted_queue(world: World, tmp_path: Path) -> None:
    headers = ["姓名", "身份证号", "手机号", "乡镇", "村", "现住址"]
    rows = [
        ["甲", ident(11), "13800000011", "泗店", "西杨", ""],
        ["乙", ident(12), "13800000012", "", "", "宁阳县东王庄村5号"],
        ["丙", ident(13), "13800000013", "", "", "外县某村"],
    ]
    li = run(world, write_xlsx(tmp_path / "r.xlsx", rows, headers=headers, title=None), "station_a")
    a, b, c = (entry(li, n).case for n in ("甲", "乙", "丙"))
    assert a is not None and (a.township, a.village, a.station) == (
        world.township_b,
        world.village_b,
        world.station_b,
    )
    assert b is not None and (b.township, b.village) == (world.township_a, world.village_a)
    assert c is not None and c.station is None

    station = world.client("station_a")
    page = station.get("/imports/unrouted/").content.decode()
    assert "丙" in page and "甲" not in page
    assert "丙" not in world.client("station_b").get("/imports/unrouted/").content.decode()
    assert "丙" in world.client("command").get("/imports/unrouted/").content.decode()
    # Another station cannot route it, and is answered as for an id that does not exist
    # (it was a redirect saying "already routed or not yours": the route matrix found it).
    other = world.client("station_b")
    assert (
        other.post(f"/imports/unrouted/{c.pk}/", {"township": world.township_b.pk}).status_code
        == 404
    )
    assert (
        other.post("/imports/unrouted/999999/", {"township": world.township_b.pk}).status_code
        == 404
    )
    station.post(f"/imports/unrouted/{c.pk}/", {"township": world.township_a.pk})
    c.refresh_from_db()
    assert (c.township, c.station) == (world.township_a, world.station_a)
    assert "address" not in c.needs_review
    after = station.get("/imports/unrouted/").content.decode()
    assert "已将丙分配到堽城镇" in after and "没有待分配的对象" in after
    # Routed meanwhile, and still the importer's to see: said on the queue's page.
    again = station.post(
        f"/imports/unrouted/{c.pk}/", {"township": world.township_a.pk}, follow=True
    )
    assert "该对象已分配或不在您的管辖范围内" in again.content.decode()


def test_ods_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "list.ods"
    write_ods(path, [HEADERS[:5], ["1", "王五", ident(1), "13800000001", "堽城镇东王庄村"]])
    li = run(world, path)
    assert li.status == ListImport.Status.DONE, li.message
    assert entry(li, "王五").case.township == world.township_a  # type: ignore[union-attr]


def write_ods(path: Path, rows: list[list[str]]) -> None:
    """A minimal OpenDocument spreadsheet, as LibreOffice and WPS save them."""
    import zipfile
    from xml.sax.saxutils import escape

    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名单">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)


def read_xlsx(content: bytes) -> list[list[Any]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return wb.get_sheet_by_index(0).to_python()


def test_demo_pushed_list(world: World) -> None:
    import random

    from fangkong.core.demo import DemoContext
    from fangkong.quarantine.demo_imports import build_pushed_list

    li = build_pushed_list(DemoContext(rng=random.Random(1)), by=world.users["command"])
    assert li.status == ListImport.Status.DONE
    assert li.counts["rows"] == 50 and li.counts["refused"] == 0
    assert li.counts["new_cases"] == 50 and li.counts["warnings"] >= 3


def test_full_width_ids_numeric_ids_and_formulas(world: World, tmp_path: Path) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ident(21))
    rows = [
        [1, "全角", full_width, "13800000021", "堽城镇", "武汉", "2020-01-20", ""],
        [2, "数字", float(ident(22)[:15] + "000"), "13800000022", "堽城镇", "武汉", "", ""],
        [3, "公式", ident(23), "13800000023", "堽城镇", "武汉", "", '=HYPERLINK("x")'],
    ]
    li = run(world, write_xlsx(tmp_path / "w.xlsx", rows))
    assert entry(li, "全角").person.id_number == ident(21)  # type: ignore[union-attr]
    numeric = entry(li, "数字")
    assert "身份证号被存成了数字" in messages_of(numeric)
    assert numeric.person is not None and numeric.person.id_unverified
    formula = entry(li, "公式")
    assert formula.level == "ok" and formula.person.note == ""  # type: ignore[union-attr]


# --- Jurisdiction of writes: a station's list never takes over another station's person --


def test_a_stations_list_does_not_take_another_stations_person(
    world: World, tmp_path: Path
) -> None:
    """A row with the ID number of 泗店's 赵丽 and an address in 堽城, imported by 堽城: the
    case goes to the station whose person she is, the row says so, 堽城 sees neither."""
    b = world.person_b
    before = Person.objects.filter(pk=b.pk).values().get()
    rows = [
        [1, "赵丽", b.id_number, "13700000001", "堽城镇东王庄村9组", "武汉", "2020-01-20", ""],
        [2, "王五", ident(7), "13800000007", "堽城镇东王庄村1组", "武汉", "2020-01-20", ""],
    ]
    li = run(world, write_xlsx(tmp_path / "g.xlsx", rows), who="station_a")
    assert li.status == ListImport.Status.DONE and li.counts["elsewhere"] == 1
    row = entry(li, "赵丽")
    assert "该证件号码已在其他单位辖区登记" in messages_of(row)
    assert row.level == ListEntry.Level.WARNING  # listed among the rows to look at
    case = QuarantineCase.objects.get(person=b)
    assert (case.township_id, case.station_id) == (world.township_b.pk, world.station_b.pk)
    assert Person.objects.filter(pk=b.pk).values().get() == before
    client = world.client("station_a")
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    report = client.get(f"/imports/{li.pk}/").content.decode()
    assert "该证件号码已在其他单位辖区登记" in report
    assert "13953805678" not in report and "5组8号" not in report
    # 王五, new to the county, is 堽城's as before.
    assert entry(li, "王五").case.station_id == world.station_a.pk  # type: ignore[union-attr]
    # The station whose person she is verifies her case.
    assert world.client("station_b").get(f"/cases/{case.pk}/").status_code == 200


def test_a_stations_list_does_not_move_another_stations_open_case(
    world: World, tmp_path: Path
) -> None:
    b = world.person_b
    case, _ = case_refer(person=b, source=QuarantineCase.Source.CHECKPOINT, by=None)
    QuarantineCase.objects.filter(pk=case.pk).update(township=None, village=None, station=None)
    rows = [[1, "赵丽", b.id_number, "13700000001", "堽城镇东王庄村9组", "武汉", "2020-01-20", ""]]
    li = run(world, write_xlsx(tmp_path / "h.xlsx", rows), who="station_a")
    # Joined, but the importer is told only that the row went to the person's station.
    assert li.counts["joined"] == 0 and li.counts["elsewhere"] == 1
    entry = ListEntry.objects.get(list_import=li)
    assert entry.outcome == ListEntry.Outcome.FORWARDED and entry.case_id == case.pk
    case.refresh_from_db()
    assert (case.township_id, case.station_id) == (None, None)
    assert case.arrival_date == datetime.date(2020, 1, 20)  # what is not a place still fills


def test_a_possible_duplicate_elsewhere_is_forwarded_and_decided_only_by_its_station(
    world: World, tmp_path: Path
) -> None:
    """The row goes to the station in charge of the person, as a row with her ID number
    would (forwarded, a counted and audited lookup); the importer is not shown the match
    (docs/security.md, w21-trust)."""
    rows = [[1, "赵丽", "", "13953805678", "堽城镇", "武汉", "2020-01-20", ""]]
    li = run(world, write_xlsx(tmp_path / "i.xlsx", rows), who="station_a")
    dup = PossibleDuplicate.objects.get()
    assert dup.person == world.person_b
    row = entry(li, "赵丽")
    assert row.outcome == ListEntry.Outcome.FORWARDED
    assert "待确认是否同一人" not in messages_of(row) and "泗店" not in messages_of(row)
    assert li.counts["duplicates"] == 0 and li.counts["elsewhere"] == 1
    lookup = AuditEntry.objects.get(actor=world.users["station_a"], action="lookup")
    assert lookup.object_id == str(world.person_b.pk)
    importer = world.client("station_a")
    page = importer.get("/imports/duplicates/").content.decode()
    assert "赵丽" not in page and "其他单位辖区" not in page
    assert f"/imports/duplicates/{dup.pk}/" not in page  # no buttons to decide
    assert importer.post(f"/imports/duplicates/{dup.pk}/", {"decision": "same"}).status_code == 404
    dup.refresh_from_db()
    assert dup.status == PossibleDuplicate.Status.PENDING and not QuarantineCase.objects.exists()
    owner = world.client("station_b")
    assert "是同一人" in owner.get("/imports/duplicates/").content.decode()
    owner.post(f"/imports/duplicates/{dup.pk}/", {"decision": "same"})
    dup.refresh_from_db()
    assert dup.status == PossibleDuplicate.Status.CONFIRMED
    row.refresh_from_db()
    assert row.outcome == ListEntry.Outcome.FORWARDED  # the importer learns no decision
