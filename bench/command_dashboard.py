"""How fast the command dashboard and the stats API answer on a big county, next to the
demo county, measured in the same run (ratios, not wall-time promises).

    python bench/command_dashboard.py [--scale 0.2] [--repeat 5]

Builds the demo county in a scratch database (FANGKONG_DATABASE_URL, default a temporary
SQLite file), times GET /command/dashboard/ and /api/v1/stats/daily for 2020-02-03, then
bulk-loads a large county's command records (at --scale 1: 1,000,000 incidents with
dispositions, 200,000 tasks, 100,000 inspection problems) and times the same requests.

The dashboard renders every app's stats module, so once the checkpoints and quarantine
branches are merged their sections are timed here too; their fill (5,000,000 passages and
100,000 cases) is to be added by `fill_*` functions next to `fill_command` below.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2020, 2, 3)


def setup(tmp: str) -> None:
    os.environ.setdefault("FANGKONG_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("FANGKONG_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()


def reset_database() -> None:
    from django.core.management import call_command

    call_command("demo", reset=True, no_serve=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


SLOWEST: dict[str, list[tuple[float, str]]] = {}


def timed(path: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fangkong.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="zhihui"))
    assert client.get(path).status_code == 200  # warm caches and the session
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
        SLOWEST[path] = sorted(
            ((float(q["time"]), q["sql"][:160]) for q in ctx.captured_queries), reverse=True
        )[:3]
    return statistics.median(times), queries


def fill_command(scale: float, rng: random.Random) -> dict[str, int]:
    """Bulk rows straight into the tables: the services audit each write, far too slow for
    a million rows, and the figures read only the columns set here."""
    from fangkong.accounts.models import User
    from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task
    from fangkong.org.models import Officer, Unit, WorkingGroup

    boss = User.objects.get(username="zhihui")
    units = list(Unit.objects.all())
    officers = list(Officer.objects.all()[:200])
    groups = list(WorkingGroup.objects.all())
    days = [DAY - datetime.timedelta(days=i) for i in range(60)]
    kinds = [k for k, _label in Incident.Kind.choices]
    dkinds = [k for k, _label in Disposition.Kind.choices]
    batch = 20_000

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), SHANGHAI
        )

    n_incidents = int(1_000_000 * scale)
    for start in range(0, n_incidents, batch):
        rows = []
        for _ in range(min(batch, n_incidents - start)):
            day = rng.choice(days)
            rows.append(
                Incident(
                    kind=rng.choice(kinds),
                    unit=rng.choice(units),
                    occurred_at=moment(day),
                    day=day,
                    place="某地",
                    summary="基准测试",
                    recorded_by=boss,
                )
            )
        created = Incident.objects.bulk_create(rows)
        if created and created[0].pk is None:  # SQLite before 3.35 returns no ids
            created = list(Incident.objects.order_by("-id")[: len(rows)])
        Disposition.objects.bulk_create(
            Disposition(incident=i, kind=rng.choice(dkinds), persons=1, day=i.day)
            for i in created
            if rng.random() < 0.5
        )
    n_tasks = int(200_000 * scale)
    for start in range(0, n_tasks, batch):
        rows = []
        for _ in range(min(batch, n_tasks - start)):
            day = rng.choice(days)
            issued = moment(day)
            deadline = issued + datetime.timedelta(hours=rng.choice([12, 24, 48]))
            done = issued + datetime.timedelta(hours=rng.randint(1, 60))
            rows.append(
                Task(
                    title="基准任务",
                    group=rng.choice(groups),
                    deadline=deadline,
                    issued_by=boss,
                    issued_at=issued,
                    day=day,
                    status="done" if rng.random() < 0.8 else "assigned",
                    done_at=done if rng.random() < 0.8 else None,
                )
            )
        Task.objects.bulk_create(rows)
    n_problems = int(100_000 * scale)
    inspections = Inspection.objects.bulk_create(
        Inspection(
            unit=rng.choice(units),
            inspector=rng.choice(officers),
            at=moment(day := rng.choice(days)),
            day=day,
            recorded_by=boss,
        )
        for _ in range(max(1, n_problems // 5))
    )
    if inspections and inspections[0].pk is None:
        inspections = list(Inspection.objects.order_by("-id")[: len(inspections)])
    for start in range(0, n_problems, batch):
        rows = []
        for _ in range(min(batch, n_problems - start)):
            ins = rng.choice(inspections)
            fixed = ins.at + datetime.timedelta(hours=rng.randint(1, 72))
            rows.append(
                Problem(
                    inspection=ins,
                    description="基准问题",
                    owner=rng.choice(officers),
                    deadline=ins.day + datetime.timedelta(days=2),
                    day=ins.day,
                    rectified_at=fixed if rng.random() < 0.8 else None,
                )
            )
        Problem.objects.bulk_create(rows)
    return {"incidents": n_incidents, "tasks": n_tasks, "problems": n_problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        print("building the demo county …", flush=True)
        reset_database()
        paths = {
            "dashboard": f"/command/dashboard/?date={DAY}",
            "stats API": f"/api/v1/stats/daily?date={DAY}",
        }
        small = {name: timed(path, args.repeat) for name, path in paths.items()}
        print("filling a large county …", flush=True)
        began = time.perf_counter()
        sizes = fill_command(args.scale, random.Random(2020))
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"  {sizes} in {time.perf_counter() - began:.0f}s", flush=True)
        large = {name: timed(path, args.repeat) for name, path in paths.items()}
        print(f"\n{'page':<12}{'demo county':>16}{'large county':>16}{'ratio':>8}{'queries':>10}")
        for name in paths:
            (t_small, q_small), (t_large, q_large) = small[name], large[name]
            print(
                f"{name:<12}{t_small * 1000:>13.1f} ms{t_large * 1000:>13.1f} ms"
                f"{t_large / t_small:>8.1f}{q_small:>5} →{q_large:>3}"
            )
        print("\nslowest queries on the large county:")
        for path, rows in SLOWEST.items():
            print(f"  {path}")
            for seconds, sql in rows:
                print(f"    {seconds * 1000:7.1f} ms  {sql}")


if __name__ == "__main__":
    main()
