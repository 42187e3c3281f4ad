"""Streamed .xlsx exports of 100,000 rows against xlsxwriter writing the same rows, in one run.

    .venv/bin/python bench/export_bench.py [--rows 100000]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/export_bench.py

1. builds a database (a fresh SQLite file, or the scratch PostgreSQL database named by
   FANGKONG_BENCH_PG, migrated and flushed) with --rows people, one day's passages at one
   checkpoint carrying --rows occupants (cars of three), and --rows quarantine cases;
2. fangkong: the day's checkpoint register (卡口登记台账) and the case ledger (隔离管控台账)
   downloaded through their pages (/checkpoints/passages/?…&format=xlsx, /cases/export.xlsx)
   as a county commander, each in a fresh process so its peak memory is its own;
3. the baseline: the same rows, produced beforehand by the same sheet functions and held
   in memory, written by xlsxwriter alone in constant_memory mode (the faster of write_row
   and per-type writes).
Prints seconds and rows/s of each, the ratio fangkong / xlsxwriter (bar: at least 1/3) and
fangkong's peak memory while exporting (sampled) and its growth during the export (on SQLite
that includes its page cache, up to 64 MB: settings.py sets cache_size).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from fangkong.core import clock

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

DAY = datetime.date(2020, 2, 3)
PASSWORD = "Bench-pass-2020"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _setup_django() -> None:
    import django

    django.setup()


def build(rows: int) -> None:
    """Fill the database (not timed)."""
    _setup_django()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from fangkong.accounts.services import user_create
    from fangkong.checkpoints import services as cp_services
    from fangkong.checkpoints.models import Occupant, Passage
    from fangkong.core.bulk import insert_rows, reserve_ids
    from fangkong.core.reference import load_reference_data
    from fangkong.org.models import Township
    from fangkong.people.services import persons_insert
    from fangkong.quarantine.models import QuarantineCase

    call_command("migrate", verbosity=0)
    if os.environ.get("FANGKONG_BENCH_PG"):
        call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    user_create(username="bench", password=PASSWORD, role="command", by=None, check_password=False)
    cp = cp_services.checkpoint_create(
        code="BENCH", name="压测检查站", road="G104", opened_on=DAY, by=None
    )
    shifts = [cp_services.shift_get_or_create(checkpoint=cp, day=DAY, slot=s) for s in range(3)]
    townships = list(Township.objects.all())
    rnd = random.Random(2020)
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超"
    now = clock.now()
    with transaction.atomic():
        people = []
        for i in range(rows):
            township = rnd.choice(townships)
            people.append(
                {
                    "id_number": f"370921{i:012d}",  # unique; the exports do not check it
                    "name": rnd.choice(surnames) + rnd.choice(given) + rnd.choice(given),
                    "phone": f"139{i:08d}",
                    "township_id": township.pk,
                    "address_detail": f"{township.name}{i % 80}号",
                }
            )
        person_ids = persons_insert(values=people, by=None, batch=("bench", {}))
        n_passages = (rows + 2) // 3
        passage_ids = reserve_ids(Passage, n_passages)
        passage_rows = []
        for n in range(n_passages):
            at = datetime.datetime.combine(DAY, datetime.time(), timezone.get_current_timezone())
            at += datetime.timedelta(seconds=n * 86400 // n_passages)
            local = timezone.localtime(at)
            slot = cp.shift_at(at)[1]
            passage_rows.append(
                (
                    uuid.uuid4(), cp.pk, shifts[slot].pk, at, local.date(), local.hour,
                    "in", f"鲁J{n % 100000:05d}", "370900", "car", 3, n % 7 == 0,
                    "officer", now,
                )
            )  # fmt: skip
        insert_rows(
            Passage,
            ("client_id", "checkpoint_id", "shift_id", "occurred_at", "day", "hour", "direction",
             "plate", "plate_region", "vehicle_type", "persons", "flagged", "source",
             "created_at"),
            passage_rows,
            ids=passage_ids,
        )  # fmt: skip
        flags = [{"code": "fever", "reason": "体温37.5℃，超过37.3℃", "level": "high"}]
        insert_rows(
            Occupant,
            ("passage_id", "position", "person_id", "checkpoint_id", "day", "temperature",
             "origin", "origin_code", "destination", "travel_history", "symptoms", "flags",
             "flagged", "flag_codes", "recommended", "decision"),
            [
                (passage_ids[i // 3], i % 3, person_ids[i], cp.pk, DAY,
                 Decimal("37.5") if i % 11 == 0 else Decimal("36.6"), "泰安", "370900", "堽城镇", ["泰安"], [],
                 flags if i % 11 == 0 else [], i % 11 == 0, ",fever," if i % 11 == 0 else "",
                 "medical" if i % 11 == 0 else "pass", "medical" if i % 11 == 0 else "pass")
                for i in range(rows)
            ],
        )  # fmt: skip
        statuses = ["pending", "verified", "quarantined", "released"]
        insert_rows(
            QuarantineCase,
            ("person_id", "source", "status", "measure", "came_from_code", "came_from",
             "arrival_date", "township_id", "address_detail", "start_date", "planned_end",
             "finding", "verification_note", "opened_on", "needs_review", "created_at",
             "updated_at", "version"),
            [
                (pk, "pushed_list", statuses[i % 4], "home" if i % 4 >= 2 else "", "420100",
                 "湖北省武汉市", DAY, people[i]["township_id"], people[i]["address_detail"],
                 DAY if i % 4 >= 2 else None,
                 DAY + datetime.timedelta(days=13) if i % 4 >= 2 else None,
                 "", "", DAY, [], now, now, 1)
                for i, pk in enumerate(person_ids)
            ],
        )  # fmt: skip
    print(json.dumps({"checkpoint": cp.pk}))


def _client() -> Any:
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.accounts.signin import mark_verified

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench"))
    # Past the second sign-in step (a command user), as after typing the authenticator's code.
    session = client.session
    mark_verified(session)
    session.save()
    return client


def _download(url: str, target: Path) -> None:
    response = _client().get(url)
    assert response.status_code == 200, response.status_code
    with target.open("wb") as out:
        for block in response.streaming_content:
            out.write(block)


def fangkong_child(url: str, target: Path) -> None:
    """One export through its page, in a fresh process (timed, with its memory)."""
    _setup_django()
    _client().get("/")  # URLs, views, templates and the API loaded before the clock
    before = _rss_mb()
    peak = [before]
    running = threading.Event()
    running.set()

    def sample() -> None:  # the resident size while exporting, every 10 ms
        while running.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    _download(url, target)
    elapsed = time.perf_counter() - start
    running.clear()
    sampler.join()
    print(json.dumps({"seconds": elapsed, "peak_mb": max(peak[0], _rss_mb()), "before_mb": before}))


def _sheets(checkpoint: int) -> dict[str, Any]:
    from fangkong.accounts.models import User
    from fangkong.accounts.roles import user_can
    from fangkong.checkpoints import selectors as cp_selectors
    from fangkong.quarantine import schedule
    from fangkong.quarantine import selectors as q_selectors
    from fangkong.quarantine.notices import export_sheet

    user = User.objects.get(username="bench")
    reveal = user_can(user, "people.reveal")
    f = cp_selectors.PassageFilter(checkpoint=checkpoint, day=DAY)
    now = schedule.work_now()
    return {
        "register": cp_selectors.register_sheet(
            cp_selectors.occupant_rows(user=user, f=f), reveal=reveal
        ),
        "ledger": export_sheet(
            q_selectors.case_list(user=user, now=now), reveal=reveal, day=now.date()
        ),
    }


def baseline_child(checkpoint: int, tmp: Path) -> None:
    """xlsxwriter alone (constant_memory) writing the same rows, held in memory beforehand."""
    _setup_django()
    import xlsxwriter

    from fangkong.core.exports import safe_cell

    out = {}
    for name, sheet in _sheets(checkpoint).items():
        rows = [[safe_cell(v) for v in row] for row in sheet.rows]  # not timed
        times = []
        for per_type in (False, True):
            start = time.perf_counter()
            workbook = xlsxwriter.Workbook(
                str(tmp / f"baseline-{name}.xlsx"),
                {"constant_memory": True, "default_date_format": "yyyy-mm-dd"},
            )
            ws = workbook.add_worksheet(sheet.title)
            ws.write_row(0, 0, sheet.headers)
            if per_type:
                dt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        if isinstance(value, datetime.date):
                            ws.write_datetime(r, c, value, dt)
                        elif isinstance(value, int | float):
                            ws.write_number(r, c, value)
                        else:
                            ws.write_string(r, c, value)
            else:
                for r, row in enumerate(rows, start=1):
                    ws.write_row(r, 0, row)
            workbook.close()
            times.append(time.perf_counter() - start)
        out[name] = {"rows": len(rows), "seconds": min(times)}
    print(json.dumps(out))


def count_rows(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return int(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.rows)
        return
    if args.export:
        fangkong_child(args.export[0], Path(args.export[1]))
        return
    if args.baseline:
        baseline_child(int(args.baseline[0]), Path(args.baseline[1]))
        return
    pg = os.environ.get("FANGKONG_BENCH_PG")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "FANGKONG_VAR_DIR": tmp_name,
            "FANGKONG_DATABASE_URL": pg or f"sqlite:///{tmp}/bench.sqlite3",
            "FANGKONG_TODAY": DAY.isoformat(),
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        }

        def child(*extra: str) -> dict[str, Any]:
            done = subprocess.run(
                [sys.executable, __file__, "--rows", str(args.rows), *extra],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"{extra[0]} failed:\n{done.stderr}")
            return dict(json.loads(done.stdout.strip().splitlines()[-1]))

        t0 = time.perf_counter()
        checkpoint = child("--build")["checkpoint"]
        engine = "PostgreSQL" if pg else "SQLite"
        print(f"built {args.rows} people, occupants and cases ({engine}) in "
              f"{time.perf_counter() - t0:.0f}s")  # fmt: skip
        base = child("--baseline", str(checkpoint), tmp_name)
        exports = {
            "register": f"/checkpoints/passages/?day={DAY}&checkpoint={checkpoint}&format=xlsx",
            "ledger": "/cases/export.xlsx",
        }
        for name, url in exports.items():
            target = tmp / f"{name}.xlsx"
            got = child("--export", url, str(target))
            rows = count_rows(target)
            rate = rows / got["seconds"]
            base_rate = base[name]["rows"] / base[name]["seconds"]
            ratio = rate / base_rate
            print(
                f"{name:8} fangkong: {rows} rows in {got['seconds']:.2f}s = {rate:,.0f} rows/s; "
                f"peak memory {got['peak_mb']:.0f} MB ({got['peak_mb'] - got['before_mb']:+.0f} "
                f"MB during the export)"
            )
            print(
                f"{name:8} xlsxwriter alone: {base[name]['rows']} rows in "
                f"{base[name]['seconds']:.2f}s = {base_rate:,.0f} rows/s"
            )
            verdict = "met" if ratio >= 1 / 3 else "NOT met"
            print(f"{name:8} ratio fangkong / xlsxwriter: {ratio:.2f} (bar >= 0.33: {verdict})")


if __name__ == "__main__":
    main()
