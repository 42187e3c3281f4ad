"""Import of a pushed list against its same-work floor (issue #19), by CPU time.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--rounds 3] [--die-rows 20000]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/import_bench.py

1. generates an .xlsx of N returnees with real-world mess (invalid and 15-digit ID numbers,
   rows without ID numbers, bad phones, dates as text, as Excel serials and as date cells,
   addresses in and outside the county, full-width digits, a few rows nobody can be found by);
2. a template database: migrated, the county's reference data and villages (a fresh SQLite
   file; with FANGKONG_BENCH_PG that scratch database, flushed — copies of it named
   <name>_svc, _rec and _floor are made and dropped each round);
3. each round, three copies of the template:
   - fangkong: the file through the service path the CLI and the background task use
     (`list_import_start` + `list_import_run`), unrecorded, in a fresh process (its peak
     memory is its own);
   - the same import on the second copy with every statement recorded (bench/samework.py),
     then the same-work floor, timed: python-calamine reads the sheet and the recorded
     statements are replayed through the bare driver on the third copy, in the same
     transactions (the import's chunks) — the end states must have the same rows;
4. prints the CPU time of both (min and median of the rounds; on PostgreSQL client + the
   server's backend process), the ratio and its bar (fangkong ≤ 1.7× the floor), peak memory
   (< 400 MB), and as context the raw limit (calamine + executemany of 8 text columns into one
   table without indexes) and django-import-export (Person only, the first --die-rows rows).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

import samework  # noqa: E402  (bench/samework.py: the same-work floor)

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


def template_child() -> None:
    """The database every copy of a round is taken from: migrated (and on PostgreSQL
    flushed), the county's reference data and its villages."""
    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.core.reference import load_reference_data
    from fangkong.org.models import Township, Village

    call_command("migrate", verbosity=0)
    if os.environ.get("FANGKONG_BENCH_PG"):
        call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    Village.objects.bulk_create(
        [Village(township=t, name=v) for t in Township.objects.all() for v in VILLAGES]
    )


def _import(path: Path) -> Any:
    from fangkong.quarantine.imports import list_import_run, list_import_start

    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=None, enqueue=False)
    return list_import_run(list_import_id=li.pk)


def _ready() -> tuple[Any, int | None]:
    """Django set up on this process's copy, pypinyin's dictionaries loaded: they take about
    0.7 s on first use, once per process, and the background worker that runs imports has
    them loaded after its first import."""
    import django

    django.setup()
    from django.db import connection

    from fangkong.core.pinyin import name_pinyin

    name_pinyin("张三")
    connection.ensure_connection()
    return connection, samework.backend_pid(connection.connection, connection.vendor)


def fangkong_child(path: Path) -> None:
    """fangkong's import on a copy of the template, unrecorded, in a fresh process (its peak
    memory is its own); reading the sheet included. Reports as JSON."""
    connection, pid = _ready()
    server = samework.proc_cpu(pid) if pid else 0.0
    start, cpu = time.perf_counter(), time.process_time()
    li = _import(path)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    server = samework.proc_cpu(pid) - server if pid else 0.0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": li.counts.get("rows", 0),
                "seconds": elapsed,
                "cpu": cpu,
                "server": server,
                "peak_mb": peak_kb / 1024,
                "counts": li.counts,
                "status": li.status,
                "tables": samework.table_counts(connection.connection, connection.vendor),
            }
        )
    )


def floor_child(path: Path, floor_name: str) -> None:
    """The same import on another copy with every statement recorded; then the same-work
    floor, timed: python-calamine reads the sheet and the recorded statements are replayed
    through the bare driver on a third copy (same transactions, same chunks)."""
    from python_calamine import CalamineWorkbook

    connection, _pid = _ready()
    recorder = samework.Recorder(connection)
    with recorder:
        li = _import(path)
    ops = recorder.items[0][1]
    recorded = samework.table_counts(connection.connection, connection.vendor)
    floor = samework.bare_connection(connection.settings_dict, name=floor_name)
    raw, vendor = floor.connection, floor.vendor
    pid = samework.backend_pid(raw, vendor)
    gc.collect()
    gc.freeze()  # the recording is not garbage: keep the collector off it
    server = samework.proc_cpu(pid) if pid else 0.0
    start, cpu = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    read_cpu = time.process_time() - cpu
    samework.replay(raw, vendor, ops)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    server = samework.proc_cpu(pid) - server if pid else 0.0
    print(
        json.dumps(
            {
                "rows": li.counts.get("rows", 0),
                "sheet_rows": len(rows),
                "seconds": elapsed,
                "cpu": cpu,
                "read_cpu": read_cpu,
                "server": server,
                "statements": sum(recorder.statements()),
                "commits": ops.count(("c",)),
                "recorded": recorded,
                "tables": samework.table_counts(raw, vendor),
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="fangkong and floor, each round")
    parser.add_argument(
        "--die-rows",
        type=int,
        default=20_000,
        help="rows for django-import-export (the first rows of the same list; 0 = all; "
        "-1 = skip it)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--floor-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--template-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--die-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.template_child:
        template_child()
        return
    if args.child:
        fangkong_child(Path(args.child))
        return
    if args.floor_child:
        floor_child(Path(args.floor_child[0]), args.floor_child[1])
        return
    if args.die_child:
        die_child(Path(args.die_child))
        return
    import dj_database_url

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "返乡人员名单.xlsx"
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        pg = os.environ.get("FANGKONG_BENCH_PG")
        engine = "PostgreSQL" if pg else "SQLite"
        template = pg or f"sqlite:///{tmp}/template.sqlite3"
        settings = dict(dj_database_url.parse(template))
        copies = {
            role: f"{tmp}/{role}.sqlite3" if not pg else f"{settings['NAME']}_{role}"
            for role in ("svc", "rec", "floor")
        }

        def url(name: str) -> str:
            if not pg:
                return f"sqlite:///{name}"
            return template.rsplit("/", 1)[0] + "/" + name

        def child(flags: list[str], database: str) -> dict[str, Any]:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "fangkong.settings",
                "FANGKONG_VAR_DIR": tmp,
                "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]),
                "FANGKONG_DATABASE_URL": database,
                "FANGKONG_LOG_LEVEL": "WARNING",
            }
            done = subprocess.run(
                [sys.executable, __file__, *flags], env=env, capture_output=True, text=True
            )
            if done.returncode:
                sys.exit(f"{flags[0]} failed:\n{done.stderr[-4000:]}")
            lines = done.stdout.strip().splitlines()
            return dict(json.loads(lines[-1])) if lines else {}

        samework.ensure_database(settings)
        child(["--template-child"], template)
        ours: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        try:
            for r in range(args.rounds):
                for name in copies.values():
                    samework.clone(settings, name)
                result = child(["--child", str(path)], url(copies["svc"]))
                floor = child(["--floor-child", str(path), copies["floor"]], url(copies["rec"]))
                differ = samework.count_differences(
                    result["tables"], floor["recorded"], floor["tables"]
                )
                if differ:
                    sys.exit(
                        "end states differ (fangkong / recorded / floor):\n" + "\n".join(differ)
                    )
                ours.append(result)
                floors.append(floor)
                total = result["cpu"] + result["server"]
                print(
                    f"round {r + 1}: fangkong {result['seconds']:.2f}s (CPU {total:.2f}s); "
                    f"floor {floor['seconds']:.2f}s (CPU {floor['cpu'] + floor['server']:.2f}s)"
                )
        finally:
            for name in copies.values():
                samework.drop(settings, name)
        result, floor = ours[0], floors[0]
        print(
            f"fangkong import ({engine}): {result['rows']} rows; {result['counts']}; peak memory "
            f"{max(o['peak_mb'] for o in ours):.0f} MB"
        )
        print(
            f"same-work floor: python-calamine reads the sheet ({floor['sheet_rows']} rows, CPU "
            f"{statistics.median(f['read_cpu'] for f in floors):.2f}s) and fangkong's "
            f"{floor['statements']:,} statements ({floor['commits']} transactions) are replayed "
            f"through the bare driver on a copy of the same database; end state: the same rows "
            f"in each of {len(result['tables'])} tables"
        )
        server = " + server" if pg else ""

        def line(label: str, runs: list[dict[str, Any]]) -> list[float]:
            cpus = [o["cpu"] + o["server"] for o in runs]
            walls = [o["seconds"] for o in runs]
            print(
                f"  {label:9} CPU{server} {min(cpus):6.2f}s min {statistics.median(cpus):6.2f}s "
                f"median; wall {statistics.median(walls):6.2f}s median "
                f"({result['rows'] / statistics.median(walls):,.0f} rows/s)"
            )
            return cpus

        print(f"{len(ours)} rounds, CPU time of the import, reading the sheet included:")
        floor_cpu = line("floor", floors)
        our_cpu = line("fangkong", ours)
        ratios = [o / f for o, f in zip(our_cpu, floor_cpu, strict=True)]
        ratio = statistics.median(ratios)
        verdict = "met" if ratio <= 1.7 else "NOT met"
        print(
            f"ratio fangkong / same-work floor by CPU{server}: {ratio:.2f} "
            f"(rounds {min(ratios):.2f}–{max(ratios):.2f}; bar <= 1.7: {verdict})"
        )
        if pg:
            client = [o["cpu"] / f["cpu"] for o, f in zip(ours, floors, strict=True)]
            print(
                f"  client and server apart (medians): fangkong client "
                f"{statistics.median(o['cpu'] for o in ours):.2f}s server "
                f"{statistics.median(o['server'] for o in ours):.2f}s; floor client "
                f"{statistics.median(f['cpu'] for f in floors):.2f}s server "
                f"{statistics.median(f['server'] for f in floors):.2f}s; client-only ratio "
                f"{statistics.median(client):.2f}"
            )
        verdict = "met" if max(o["peak_mb"] for o in ours) < 400 else "NOT met"
        print(
            f"fangkong peak memory: {max(o['peak_mb'] for o in ours):.0f} MB (bar < 400 MB: {verdict})"
        )

        # Context, not bars: what importing this file costs with far less work.
        print("context (not bars):")
        raw_rows, raw_s, raw_cpu = raw_limit(path)
        rate = result["rows"] / statistics.median(o["seconds"] for o in ours)
        cpu_row = statistics.median(o["cpu"] for o in ours) / result["rows"]
        print(
            f"  raw limit, calamine + sqlite3 executemany of 8 text columns into one table "
            f"without indexes: {raw_rows / raw_s:,.0f} rows/s (CPU {raw_cpu:.2f}s); fangkong / "
            f"raw {rate / (raw_rows / raw_s):.2f} by rows/s, {raw_cpu / raw_rows / cpu_row:.2f} by "
            f"CPU"
        )
        if args.die_rows >= 0:
            die_path = path
            if args.die_rows and args.die_rows < args.rows:
                die_path = Path(tmp) / "返乡人员名单-前部.xlsx"
                generate(die_path, args.die_rows)  # same seed: the first rows of the same list
            die_db = template if pg else f"sqlite:///{tmp}/die.sqlite3"  # flushed there
            die = child(["--die-child", str(die_path)], die_db)
            die_rate = die["rows"] / die["seconds"]
            verdict = "met" if rate / die_rate >= 20 else "NOT met"
            print(
                f"  django-import-export ({engine}, Person only, first {die['rows']} rows): "
                f"{die['seconds']:.2f}s = {die_rate:,.0f} rows/s (CPU {die['cpu']:.2f}s); "
                f"fangkong / DIE {rate / die_rate:.2f} by rows/s (bar >= 20: {verdict}), "
                f"{die['cpu'] / die['rows'] / cpu_row:.2f} by CPU"
            )


if __name__ == "__main__":
    main()
