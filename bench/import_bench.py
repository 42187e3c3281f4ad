"""Import of a pushed list: fangkong's import against the raw limit, in the same run.

    .venv/bin/python bench/import_bench.py [--rows 100000]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/import_bench.py

1. generates an .xlsx of N returnees with real-world mess (invalid and 15-digit ID numbers,
   rows without ID numbers, bad phones, dates as text, as Excel serials and as date cells,
   addresses in and outside the county, full-width digits, a few rows nobody can be found by);
2. the raw limit: python-calamine reads the sheet and sqlite3 `executemany` writes the same
   columns into a plain table, in one transaction;
3. fangkong: the same file through the service path the CLI and the background task use
   (`list_import_start` + `list_import_run`) into a fresh SQLite database (or PostgreSQL
   with FANGKONG_BENCH_PG), in a child process so its peak memory is its own.
Prints rows/s of each, the ratio, and peak memory.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

HEADERS = ["序号", "姓名", "身份证号", "联系电话", "现住址", "来源地", "返回日期", "备注"]
TOWNSHIPS = [
    "文庙街道",
    "八仙桥街道",
    "泗店镇",
    "东疏镇",
    "伏山镇",
    "堽城镇",
    "蒋集镇",
    "磁窑镇",
    "华丰镇",
    "葛石镇",
    "东庄镇",
    "鹤山镇",
    "乡饮乡",
]
VILLAGES = ["东村", "西村", "南庄村", "北庄村", "王庄村", "李家村", "张营村", "刘集村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强海燕"
ORIGINS = [
    "湖北省武汉市",
    "武汉",
    "湖北孝感",
    "湖北省黄冈市",
    "湖北省荆州市",
    "湖北",
    "武汉市江岸区",
]


def generate(path: Path, rows: int, seed: int = 2020) -> None:
    import xlsxwriter

    from fangkong.core.idnumber import make_id_number

    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("名单")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "宁阳县从湖北返乡人员名单（大数据推送）")
    for c, h in enumerate(HEADERS):
        ws.write_string(2, c, h)
    regions = ["420102", "420103", "420106", "420111", "420902", "421002", "421102", "370921"]
    for i in range(rows):
        r = i + 3
        roll = rnd.random()
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 365 * 60))
        id_number = make_id_number(rnd.choice(regions), birth, rnd.randrange(100), rnd.choice("MF"))
        phone = f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}"
        if roll < 0.03:
            id_number = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")  # bad check digit
        elif roll < 0.05:
            id_number = ""  # no ID number: name and phone
        elif roll < 0.06:
            id_number = id_number[:6] + id_number[8:17]  # an old 15-digit number
        elif roll < 0.07:
            id_number = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in id_number)
        if rnd.random() < 0.03:
            phone = phone[:7]
        if roll > 0.995:
            id_number, phone = "", ""  # nobody to find: refused
        township = rnd.choice(TOWNSHIPS)
        address = (
            f"宁阳县{township}{rnd.choice(VILLAGES)}{rnd.randrange(1, 12)}组{rnd.randrange(1, 80)}号"
            if rnd.random() > 0.02
            else "外地某小区"
        )
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, name)
        ws.write_string(r, 2, id_number)
        ws.write_string(r, 3, phone)
        ws.write_string(r, 4, address)
        ws.write_string(r, 5, rnd.choice(ORIGINS))
        day = datetime.date(2020, 1, 10) + datetime.timedelta(days=rnd.randrange(20))
        kind = rnd.random()
        if kind < 0.5:
            ws.write_datetime(r, 6, datetime.datetime.combine(day, datetime.time()), date_fmt)
        elif kind < 0.8:
            ws.write_string(r, 6, f"{day.year}年{day.month}月{day.day}日")
        elif kind < 0.97:
            ws.write_number(r, 6, (day - datetime.date(1899, 12, 30)).days)
        else:
            ws.write_string(r, 6, "春节前")
        if rnd.random() < 0.05:
            ws.write_string(r, 7, "密接")
    wb.close()


def raw_limit(path: Path) -> tuple[int, float, float]:
    """python-calamine read + sqlite3 executemany of the same columns, one transaction."""
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        for _ in range(3):  # title, blank, header
            next(rows)
        db = sqlite3.connect(Path(tmp) / "raw.sqlite3")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE entry (n, name, id_number, phone, address, came_from, arrival, note)"
        )
        with db:
            db.executemany(
                "INSERT INTO entry VALUES (?,?,?,?,?,?,?,?)",
                ((*[str(c) for c in row[:8]], *[""] * (8 - len(row[:8]))) for row in rows),
            )
        count = db.execute("SELECT count(*) FROM entry").fetchone()[0]
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.close()
    return count, elapsed, cpu


def fangkong_child(path: Path) -> None:
    """Runs in a fresh process: migrate a fresh database, import, report as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.core.pinyin import name_pinyin
    from fangkong.core.reference import load_reference_data
    from fangkong.org.models import Township, Village
    from fangkong.quarantine.imports import list_import_run, list_import_start

    call_command("migrate", verbosity=0)
    if os.environ.get("FANGKONG_BENCH_PG"):
        call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    Village.objects.bulk_create(
        [Village(township=t, name=v) for t in Township.objects.all() for v in VILLAGES]
    )
    # pypinyin loads its dictionaries (about 0.7 s) on first use, once per process: the
    # background worker that runs imports has them loaded after its first import.
    name_pinyin("张三")
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=None, enqueue=False)
    li = list_import_run(list_import_id=li.pk)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": li.counts.get("rows", 0),
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak_kb / 1024,
                "counts": li.counts,
                "status": li.status,
            }
        )
    )


def die_child(path: Path) -> None:
    """django-import-export: the same list into the Person model (what it can do: one
    model, rows matched by ID number), read through tablib/openpyxl, its default row-by-row
    import in a transaction. Runs in a fresh process like fangkong_child."""
    import django

    django.setup()
    import tablib
    from django.core.management import call_command
    from import_export import fields, resources, widgets

    from fangkong.people.models import Person

    call_command("migrate", verbosity=0)
    if os.environ.get("FANGKONG_BENCH_PG"):
        call_command("flush", interactive=False, verbosity=0)

    def text(column: str, attribute: str, blank: bool = True) -> Any:
        return fields.Field(
            attribute=attribute, column_name=column, widget=widgets.CharWidget(allow_blank=blank)
        )

    class PersonResource(resources.ModelResource):
        name = text("姓名", "name")
        id_number = text("身份证号", "id_number", blank=False)
        doc_type = text("证件类型", "doc_type")
        phone = text("联系电话", "phone")
        address_detail = text("现住址", "address_detail")
        note = text("备注", "note")

        class Meta:
            model = Person
            import_id_fields = ("id_number",)
            fields = ("name", "id_number", "doc_type", "phone", "address_detail", "note")

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            row["身份证号"] = row.get("身份证号") or None
            row["证件类型"] = "id_card" if row["身份证号"] else "none"
            row["联系电话"] = (row.get("联系电话") or "")[:20]

        def get_instance(self, instance_loader: Any, row: Any) -> Any:
            return super().get_instance(instance_loader, row) if row.get("身份证号") else None

    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as fh:
        dataset = tablib.Dataset().load(fh, format="xlsx", skip_lines=2)
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=False)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": len(dataset),
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak_kb / 1024,
                "counts": {k: v for k, v in result.totals.items() if v},
                "stored": Person.objects.count(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--die-rows",
        type=int,
        default=20_000,
        help="rows for django-import-export (the first rows of the same list; 0 = all)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--die-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fangkong_child(Path(args.child))
        return
    if args.die_child:
        die_child(Path(args.die_child))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "返乡人员名单.xlsx"
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        raw_rows, raw_s, raw_cpu = raw_limit(path)
        raw_rate = raw_rows / raw_s
        print(
            f"raw limit (calamine + sqlite3 executemany): {raw_rows} rows in {raw_s:.2f}s "
            f"= {raw_rate:,.0f} rows/s (CPU {raw_cpu:.2f}s)"
        )
        pg = os.environ.get("FANGKONG_BENCH_PG")
        engine = "PostgreSQL" if pg else "SQLite"

        def child(flag: str, file: Path, db_name: str) -> dict[str, Any]:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "fangkong.settings",
                "FANGKONG_VAR_DIR": tmp,
                "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
                "FANGKONG_DATABASE_URL": pg or f"sqlite:///{tmp}/{db_name}.sqlite3",
            }
            done = subprocess.run(
                [sys.executable, __file__, flag, str(file)],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"{flag} failed:\n{done.stderr}")
            return dict(json.loads(done.stdout.strip().splitlines()[-1]))

        result = child("--child", path, "fangkong")
        rate = result["rows"] / result["seconds"]
        print(
            f"fangkong import ({engine}): {result['rows']} rows in "
            f"{result['seconds']:.2f}s = {rate:,.0f} rows/s (CPU {result['cpu']:.2f}s); peak memory "
            f"{result['peak_mb']:.0f} MB; {result['counts']}"
        )
        die_path = path
        if args.die_rows and args.die_rows < args.rows:
            die_path = Path(tmp) / "返乡人员名单-前部.xlsx"
            generate(die_path, args.die_rows)  # same seed: the first rows of the same list
        die = child("--die-child", die_path, "die")
        die_rate = die["rows"] / die["seconds"]
        print(
            f"django-import-export ({engine}, Person only, first {die['rows']} rows): "
            f"{die['seconds']:.2f}s = {die_rate:,.0f} rows/s (CPU {die['cpu']:.2f}s); peak memory "
            f"{die['peak_mb']:.0f} MB; {die['counts']}"
        )
        bars = (
            ("fangkong / raw limit", rate / raw_rate, 0.5),
            ("fangkong / django-import-export", rate / die_rate, 20.0),
        )
        # On a machine shared with other jobs wall time swings with their load; CPU time per
        # row does not, and on SQLite all the work is in the measured process.
        cpu_ratios = (
            raw_cpu / raw_rows / (result["cpu"] / result["rows"]),
            die["cpu"] / die["rows"] / (result["cpu"] / result["rows"]),
        )
        for (label, ratio, bar), cpu_ratio in zip(bars, cpu_ratios, strict=True):
            verdict = "met" if ratio >= bar else "NOT met"
            print(
                f"ratio {label}: {ratio:.2f} (bar >= {bar:g}: {verdict}); "
                f"by CPU time: {cpu_ratio:.2f}"
            )
        verdict = "met" if result["peak_mb"] < 400 else "NOT met"
        print(f"fangkong peak memory: {result['peak_mb']:.0f} MB (bar < 400 MB: {verdict})")


if __name__ == "__main__":
    main()
