"""Import of a pushed list against its same-work floor (issue #19), by CPU time.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--rounds 3] [--die-rows 20000] [--compare DIR]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/import_bench.py

1. generates an .xlsx of N returnees with real-world mess (invalid and 15-digit ID numbers,
   rows without ID numbers, bad phones, dates as text, as Excel serials and as date cells,
   addresses in and outside the county, full-width digits, a few rows nobody can be found by);
2. a template database: migrated, the county's reference data and villages (a fresh SQLite
   file; with FANGKONG_BENCH_PG that scratch database, flushed — copies of it named
   <name>_svc, _rec and _floor are made and dropped for each run);
3. the import recorded once on a copy of the template, every statement with its values
   (bench/samework.py), kept on disk;
4. each round runs fangkong, the floor, the floor again and fangkong again, each on a fresh
   copy of the template, in a fresh process:
   - fangkong: the file through the service path the CLI and the background task use
     (`list_import_start` + `list_import_run`), unrecorded (its peak memory is its own);
   - the same-work floor, timed: python-calamine reads the sheet and the recorded
     statements are replayed through the bare driver, in the same transactions (the
     import's chunks) — every end state must have the recording's rows;
   a pair is a run of fangkong and the floor run next to it, under the same load;
   `--compare DIR` runs another checkout's fangkong in each pair too (before and after);
5. prints the CPU time of both (min and median; on PostgreSQL client + the server's backend
   process), the ratio per pair, its median and range, and the bar (fangkong ≤ 1.7× the
   floor), peak memory (< 400 MB), and as context the raw limit (calamine + executemany of 8
   text columns into one table without indexes) and django-import-export (Person only, the
   first --die-rows rows).
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


def record_child(path: Path, recording: Path) -> None:
    """The same import on a copy of the template with every statement recorded
    (bench/samework.py), kept in `recording` for the floors of every round. Reports as
    JSON: what was recorded and the rows it left."""
    connection, _pid = _ready()
    recorder = samework.Recorder(connection)
    with recorder:
        li = _import(path)
    ops = recorder.items[0][1]
    samework.save(ops, recording)
    print(
        json.dumps(
            {
                "rows": li.counts.get("rows", 0),
                "statements": sum(recorder.statements()),
                "commits": ops.count(("c",)),
                "recorded": samework.table_counts(connection.connection, connection.vendor),
            }
        )
    )


def floor_child(path: Path, recording: Path) -> None:
    """The same-work floor on a copy of the template, in a fresh process, timed:
    python-calamine reads the sheet and the recorded statements are replayed through the
    bare driver (same transactions, same chunks). The recording is loaded before the clock."""
    import django

    django.setup()
    from django.db import connection
    from python_calamine import CalamineWorkbook

    gc.disable()  # loading: a few million objects, none of them garbage
    ops = samework.load(recording)
    gc.enable()
    floor = samework.bare_connection(connection.settings_dict)
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
                "sheet_rows": len(rows),
                "seconds": elapsed,
                "cpu": cpu,
                "read_cpu": read_cpu,
                "server": server,
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
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of fangkong, floor, floor, fangkong (two pairs each)",
    )
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="also run the fangkong of another checkout (e.g. a git archive of main) in "
        "every pair, with the same floor: before and after under the same load",
    )
    parser.add_argument(
        "--die-rows",
        type=int,
        default=20_000,
        help="rows for django-import-export (the first rows of the same list; 0 = all; "
        "-1 = skip it)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--record-child", nargs=2, help=argparse.SUPPRESS)
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
    if args.record_child:
        record_child(Path(args.record_child[0]), Path(args.record_child[1]))
        return
    if args.floor_child:
        floor_child(Path(args.floor_child[0]), Path(args.floor_child[1]))
        return
    if args.die_child:
        die_child(Path(args.die_child))
        return
    import dj_database_url

    compare = Path(args.compare).resolve() if args.compare else None
    if compare is not None and not (compare / "bench" / "import_bench.py").exists():
        sys.exit(f"--compare {compare}: no bench/import_bench.py there")
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

        def copy_of(role: str) -> str:
            return f"{tmp}/{role}.sqlite3" if not pg else f"{settings['NAME']}_{role}"

        def url(name: str) -> str:
            if not pg:
                return f"sqlite:///{name}"
            return template.rsplit("/", 1)[0] + "/" + name

        def child(flags: list[str], database: str, root: Path = ROOT) -> dict[str, Any]:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "fangkong.settings",
                "FANGKONG_VAR_DIR": tmp,
                "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root), str(root / "bench")]),
                "FANGKONG_DATABASE_URL": database,
                "FANGKONG_LOG_LEVEL": "WARNING",
            }
            done = subprocess.run(
                [sys.executable, str(root / "bench" / "import_bench.py"), *flags],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"{flags[0]} failed:\n{done.stderr[-4000:]}")
            lines = done.stdout.strip().splitlines()
            return dict(json.loads(lines[-1])) if lines else {}

        def on_copy(role: str, flags: list[str], root: Path = ROOT) -> dict[str, Any]:
            """A child on a fresh copy of the template, dropped after it."""
            name = samework.clone(settings, copy_of(role))
            try:
                return child(flags, url(name), root)
            finally:
                samework.drop(settings, name)

        samework.ensure_database(settings)
        child(["--template-child"], template)
        # The statements are recorded once (the same list every round) and kept on disk;
        # every floor replays them on a fresh copy, in a fresh process.
        recording = Path(tmp) / "recording.pickle"
        rec = on_copy("rec", ["--record-child", str(path), str(recording)])
        # Each round: fangkong, floor, floor, fangkong — each run on a fresh copy, in a fresh
        # process; a pair is a run of fangkong and the floor run next to it, so both meet the
        # same load on the machine. With --compare the other checkout's fangkong runs in each
        # pair too (fangkong, floor, before | before, floor, fangkong).
        versions = ["fangkong"] + (["before"] if compare else [])
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in [*versions, "floor"]}
        pairs: list[dict[str, dict[str, Any]]] = []
        for r in range(args.rounds):
            for half in "ab":
                order = ["fangkong", "floor", *versions[1:]]
                pair: dict[str, dict[str, Any]] = {}
                for who in order if half == "a" else order[::-1]:
                    if who == "floor":
                        result = on_copy("floor", ["--floor-child", str(path), str(recording)])
                    else:
                        root = ROOT if who == "fangkong" else compare
                        assert root is not None
                        result = on_copy("svc", ["--child", str(path)], root)
                    differ = samework.count_differences(rec["recorded"], result["tables"])
                    if differ:
                        sys.exit(f"end states differ (recorded / {who}):\n" + "\n".join(differ))
                    runs[who].append(result)
                    pair[who] = result
                pairs.append(pair)
                print(
                    f"round {r + 1}{half}: "
                    + "; ".join(
                        f"{who} CPU {pair[who]['cpu'] + pair[who]['server']:.2f}s "
                        f"(wall {pair[who]['seconds']:.2f}s)"
                        for who in order
                    )
                    + "; "
                    + ", ".join(
                        f"{who} / floor {_cpu(pair[who]) / _cpu(pair['floor']):.2f}"
                        for who in versions
                    ),
                    flush=True,
                )
        ours, floors = runs["fangkong"], runs["floor"]
        result, floor = ours[0], floors[0]
        print(
            f"fangkong import ({engine}): {result['rows']} rows; {result['counts']}; peak memory "
            f"{max(o['peak_mb'] for o in ours):.0f} MB"
        )
        print(
            f"same-work floor: python-calamine reads the sheet ({floor['sheet_rows']} rows, CPU "
            f"{statistics.median(f['read_cpu'] for f in floors):.2f}s) and fangkong's "
            f"{rec['statements']:,} statements ({rec['commits']} transactions), recorded once, "
            f"are replayed through the bare driver on a copy of the same database; end state: "
            f"the same rows in each of {len(result['tables'])} tables"
        )
        server = " + server" if pg else ""

        def line(label: str, runs: list[dict[str, Any]]) -> None:
            cpus = [_cpu(o) for o in runs]
            walls = [o["seconds"] for o in runs]
            print(
                f"  {label:9} CPU{server} {min(cpus):6.2f}s min {statistics.median(cpus):6.2f}s "
                f"median; wall {statistics.median(walls):6.2f}s median "
                f"({result['rows'] / statistics.median(walls):,.0f} rows/s)"
            )

        print(
            f"{args.rounds} rounds, {len(pairs)} pairs (each run next to its floor), CPU time "
            f"of the import, reading the sheet included:"
        )
        line("floor", floors)
        for who in versions:
            line(who if who == "fangkong" else f"{who} ({compare})", runs[who])
        for who in versions:
            ratios = [_cpu(p[who]) / _cpu(p["floor"]) for p in pairs]
            ratio = statistics.median(ratios)
            verdict = "met" if ratio <= 1.7 else "NOT met"
            print(
                f"ratio {who} / same-work floor by CPU{server}, median of the pairs: {ratio:.2f} "
                f"(pairs {min(ratios):.2f}–{max(ratios):.2f}: "
                f"{', '.join(f'{x:.2f}' for x in ratios)}; bar <= 1.7: {verdict})"
            )
            if pg:
                client = [p[who]["cpu"] / p["floor"]["cpu"] for p in pairs]
                print(
                    f"  client and server apart (medians): {who} client "
                    f"{statistics.median(o['cpu'] for o in runs[who]):.2f}s server "
                    f"{statistics.median(o['server'] for o in runs[who]):.2f}s; floor client "
                    f"{statistics.median(f['cpu'] for f in floors):.2f}s server "
                    f"{statistics.median(f['server'] for f in floors):.2f}s; client-only ratio "
                    f"{statistics.median(client):.2f}"
                )
        if compare:
            change = [_cpu(p["fangkong"]) / _cpu(p["before"]) for p in pairs]
            print(
                f"fangkong / before by CPU{server}, median of the pairs: "
                f"{statistics.median(change):.2f} ({min(change):.2f}–{max(change):.2f})"
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


def _cpu(run: dict[str, Any]) -> float:
    """A run's CPU: the process's, and on PostgreSQL its server backend's."""
    return float(run["cpu"] + run["server"])


if __name__ == "__main__":
    main()
