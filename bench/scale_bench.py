"""The command dashboard, the stats API, the daily report and person search at province
scale, next to the same requests on the demo county and a floor page, in one run.

    .venv/bin/python bench/scale_bench.py [--persons N] [--cases N] [--passages N]
        [--cities N] [--per-city N] [--explain]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/scale_bench.py

For each database (SQLite in a temporary directory; then PostgreSQL when FANGKONG_BENCH_PG
names a scratch database, which is emptied), on a province installation
(FANGKONG_AREA_CODE=37): builds the demo county and times the requests on it as its
commander (zhihui); grows it to a province (`fangkong demo --scale province`: 山东's 16
cities and 137 counties, 1,000,000 persons, 100,000 cases, 5,000,000 passages over 60 days
unless overridden) and times the same requests again as the province's commander
(shandong_zhihui: every city, one row each), and the dashboard and stats API once more as
the demo county's commander on the province's database (one county of 137).
Each request is sent many times, one at a time, to gunicorn (one sync worker) on 127.0.0.1
(FANGKONG_BENCH_PORT, else a free port) as a signed-in command-centre user; the median is
reported. The floor is a view returning constant JSON through the same middleware (served
only with FANGKONG_BENCH=1), so it holds what every request costs: the connection, HTTP,
the middleware.

Bars (issues #7, #18): dashboard and stats API at province ≤ 3× their demo time, ≤ 3× their
time for one county of the province, and ≤ 10× the floor; daily report < 2× its demo time;
search by ID number, phone, name, pinyin initials ≤ 3× the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gunicorn_server import checkout_env, gunicorn

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO_DAY = datetime.date(2020, 2, 3)


@dataclass
class Sample:
    median: float  # seconds
    queries: int
    slowest: list[tuple[float, str]]


def setup(url: str, var: str) -> None:
    os.environ["FANGKONG_DATABASE_URL"] = url or f"sqlite:///{var}/bench.sqlite3"
    os.environ["FANGKONG_VAR_DIR"] = var
    os.environ["FANGKONG_BENCH"] = "1"
    os.environ["FANGKONG_AREA_CODE"] = "37"  # a province installation (issue 18)
    # The searches are repeated dozens of times a minute by one user: past the rate limit.
    os.environ["FANGKONG_SEARCH_RATE"] = "100000"
    os.environ["FANGKONG_LOG_LEVEL"] = "WARNING"
    # Persistent connections, as docs/scaling.md recommends: a new PostgreSQL connection per
    # request costs more than most of these requests.
    os.environ.setdefault("FANGKONG_DB_CONN_MAX_AGE", "600")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


@contextlib.contextmanager
def server() -> Iterator[int]:
    """gunicorn (one sync worker: the requests are timed one at a time) on a free port."""
    with gunicorn(checkout_env(), "--workers", "1", "--timeout", "600") as running:
        yield running.port


def get(port: int, path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "localhost"})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - began
    conn.close()
    assert 200 <= response.status < 300, (path, response.status)
    return elapsed


def queries(client: Any, path: str) -> tuple[int, list[tuple[float, str]]]:
    """The SQL one request runs (in this process, through the test client)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if response.streaming:
            b"".join(response)
    slowest = sorted(((float(q["time"]), q["sql"]) for q in ctx.captured_queries), reverse=True)
    return len(ctx.captured_queries), slowest[:5]


def measure(
    day: datetime.date, person: Any, repeat: int, *, who: str = "zhihui", only: str = ""
) -> dict[str, Sample]:
    """The requests as `who` (the demo county's commander, else the province's); `only`:
    those whose name starts so."""
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.accounts.signin import mark_verified

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=who))
    # Past the second sign-in step, as after typing the authenticator's code.
    session = client.session
    mark_verified(session)
    session.save()
    cookie = client.cookies["sessionid"].value
    cases = {
        "floor (constant JSON)": ("/bench/constant/", repeat * 10),
        "signed in: GET /me": ("/api/v1/me", repeat * 4),
        "dashboard": (f"/command/dashboard/?date={day}", repeat),
        "stats API": (f"/api/v1/stats/daily?date={day}", repeat),
        "daily report .docx": (f"/command/report/daily.docx?date={day}", max(3, repeat // 2)),
        "search: ID number": (f"/api/v1/persons?q={person.id_number}", repeat * 4),
        "search: phone": (f"/api/v1/persons?q={person.phone}", repeat * 4),
        "search: name": (f"/api/v1/persons?q={quote(person.name)}", repeat * 4),
        "search: initials": (f"/api/v1/persons?q={person.name_initials}", repeat * 4),
    }
    if only:
        cases = {k: v for k, v in cases.items() if k.startswith(only) or k.startswith("floor")}
    else:
        found = client.get(cases["search: ID number"][0]).json()
        assert found["count"] == 1 and found["items"][0]["id"] == person.pk, found
        named = client.get(cases["search: name"][0]).json()
        assert person.pk in [p["id"] for p in named["items"]] or named["count"] > 50
    samples = {}
    with server() as port:
        for name, (path, n) in cases.items():
            for _i in range(2):  # warm the worker, its caches, the query planner
                get(port, path, cookie)
            times = [get(port, path, cookie) for _i in range(n)]
            count, slowest = queries(client, path)
            samples[name] = Sample(statistics.median(times), count, slowest)
    return samples


def target_person(first_id: int = 0) -> Any:
    """A person to look for: from the middle of the rows (those generated, at scale)."""
    from fangkong.people.models import Person

    people = Person.objects.filter(pk__gte=first_id, id_number__isnull=False)
    return people.order_by("pk")[people.count() // 2]


def explain(sql: str) -> str:
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}")
        rows = cursor.fetchall()
    return "\n".join("      " + " ".join(str(c) for c in row) for row in rows)


def build_demo_county() -> float:
    from django.core.management import call_command

    began = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("demo", reset=True, no_serve=True, stdout=quiet)
    return time.perf_counter() - began


def child(args: argparse.Namespace) -> None:
    var = tempfile.mkdtemp(prefix="fk-scale-")
    try:
        setup(args.url, var)
        run(args)
    finally:
        if args.keep:
            print(f"kept: {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


def generator_only(args: argparse.Namespace) -> None:
    """The generator's own speed: an empty database (migrated, reference data), the
    province's cities and counties, then the bulk rows; each table's time (--verbose) and
    the CPU time of this process (the generator's, not the database server's)."""
    import random

    from django.core.management import call_command
    from django.db import connection

    from fangkong.core.demo import DemoContext
    from fangkong.core.reference import load_reference_data
    from fangkong.core.scale import grow

    call_command("migrate", interactive=False, verbosity=0)
    load_reference_data()
    began, cpu = time.perf_counter(), time.process_time()
    ctx = grow(
        "province",
        demo=DemoContext(rng=random.Random(0)),
        log=print if args.verbose else (lambda _msg: None),
        cities=args.cities,
        per_city=args.per_city,
        persons=args.persons,
        cases=args.cases,
        passages=args.passages,
    )
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    rows = sum(ctx.writer.written.values())
    print(
        f"== {connection.vendor}: {ctx.size.counties} counties, {rows:,} rows in {seconds:.1f}s "
        f"({rows / seconds:,.0f} rows/s); generator CPU {cpu:.1f}s"
    )


def run(args: argparse.Namespace) -> None:
    from django.db import connection

    if args.generator_only:
        generator_only(args)
        return

    from fangkong.core.demo import DemoContext
    from fangkong.core.scale import grow, last_day

    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"\n== {label}: building the demo county …", flush=True)
    demo_build = build_demo_county()
    demo = measure(DEMO_DAY, target_person(), args.repeat)
    first_generated = _next_person_id()
    print("== growing it to a province …", flush=True)
    began = time.perf_counter()
    log = print if args.verbose else (lambda _msg: None)
    import random

    ctx = grow(
        "province",
        demo=DemoContext(rng=random.Random(0)),
        log=log,
        cities=args.cities,
        per_city=args.per_city,
        persons=args.persons,
        cases=args.cases,
        passages=args.passages,
    )
    grow_seconds = time.perf_counter() - began
    day = last_day(ctx.size)
    rows = sum(ctx.writer.written.values())
    person = target_person(first_generated)
    province = measure(day, person, args.repeat, who="shandong_zhihui")
    county = {}
    for only in ("dashboard", "stats API"):
        county.update(measure(day, person, args.repeat, only=only))
    size = ctx.size
    from fangkong.checkpoints.models import Checkpoint

    print(
        f"\n== {label}, {os.cpu_count()} CPUs. Demo county built in {demo_build:.0f}s; province "
        f"({len({c.city for c in ctx.data['counties']})} cities, {size.counties} counties, "
        f"{size.persons:,} persons, {size.cases:,} cases, {size.passages:,} passages, "
        f"{size.days} days, {Checkpoint.objects.count()} checkpoints) grown in "
        f"{grow_seconds:.0f}s ({rows / grow_seconds:,.0f} rows/s, {rows:,} rows); peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"   demo county as of {DEMO_DAY}, province as of {day} (its last day); medians")
    floor_demo = demo["floor (constant JSON)"].median
    floor_prov = province["floor (constant JSON)"].median
    print(
        f"{'request':24}{'demo ms':>10}{'province ms':>13}{'prov/demo':>11}{'prov/floor':>12}"
        f"{'queries':>10}  bar"
    )
    bars = {
        "dashboard": "prov/demo ≤ 3, prov/floor ≤ 10",
        "stats API": "prov/demo ≤ 3, prov/floor ≤ 10",
        "signed in: GET /me": "(session and user: what every signed-in request costs)",
        "daily report .docx": "prov/demo < 2",
        "search: ID number": "prov/floor ≤ 3",
        "search: phone": "prov/floor ≤ 3",
        "search: name": "prov/floor ≤ 3",
        "search: initials": "prov/floor ≤ 3",
    }
    for name in demo:
        a, b = demo[name], province[name]
        print(
            f"{name:24}{a.median * 1000:>10.1f}{b.median * 1000:>13.1f}"
            f"{b.median / a.median:>11.2f}{b.median / floor_prov:>12.1f}"
            f"{a.queries:>5} →{b.queries:>3}  {bars.get(name, '')}"
        )
    print(f"floor demo/province: {floor_demo * 1000:.2f} / {floor_prov * 1000:.2f} ms")
    print("\n   the province's commander against one county's (zhihui, 宁阳县) on the same data:")
    print(
        f"{'request':24}{'county ms':>10}{'province ms':>13}{'prov/county':>13}{'queries':>10}  bar"
    )
    for name in ("dashboard", "stats API"):
        a, b = county[name], province[name]
        print(
            f"{name:24}{a.median * 1000:>10.1f}{b.median * 1000:>13.1f}"
            f"{b.median / a.median:>13.2f}{a.queries:>5} →{b.queries:>3}  prov/county ≤ 3"
        )
    if args.explain:
        print("\nslowest queries at province scale, with their plans:")
        for name, sample in province.items():
            if name.startswith("floor"):
                continue
            print(f"  {name}")
            for seconds, sql in sample.slowest[:3]:
                print(f"    {seconds * 1000:8.1f} ms  {sql[:300]}")
                try:
                    print(explain(sql))
                except Exception as exc:
                    print(f"      (no plan: {exc})")


def _next_person_id() -> int:
    from fangkong.people.models import Person

    last = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=None, help="default 1,000,000")
    parser.add_argument("--cases", type=int, default=None, help="default 100,000")
    parser.add_argument("--passages", type=int, default=None, help="default 5,000,000")
    parser.add_argument("--cities", type=int, default=None, help="default 16 (泰安 always)")
    parser.add_argument("--per-city", type=int, default=None, help="counties a city; default all")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions of the big pages")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file, print its path")
    parser.add_argument("--verbose", action="store_true", help="log the generator's steps")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--generator-only", action="store_true", help="time the scale generator alone"
    )
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)  # the child's database
    args = parser.parse_args()
    if args.url is not None:
        child(args)
        return
    argv = [a for a in sys.argv[1:] if a != "--skip-sqlite"]
    urls = [] if args.skip_sqlite else [""]
    if os.environ.get("FANGKONG_BENCH_PG"):
        urls.append(os.environ["FANGKONG_BENCH_PG"])
    else:
        print("FANGKONG_BENCH_PG is not set: PostgreSQL run skipped")
    for url in urls:
        subprocess.run([sys.executable, __file__, *argv, "--url", url], check=True)


if __name__ == "__main__":
    main()
