"""fangkong against a real PostgreSQL streaming replica: what goes where, how far behind the
replica is, and what users notice (docs/scaling.md, "Reading from the replica").

    .venv/bin/python bench/replica_bench.py [--writes 200] [--delay 2]

Starts two PostgreSQL clusters of its own in a temporary directory (never the machine's
5432): a primary on a free port, and a hot standby made from it with `pg_basebackup -R`
streaming from it, then `fangkong init` on the primary. Then, in this process, with
FANGKONG_DATABASE_URL on the primary and FANGKONG_DATABASE_REPLICA_URL on the standby:

1. routing: the queries of a dashboard, a person search and a person's file, per
   connection;
2. lag: --writes rows written on the primary one at a time, each polled for on the standby
   until it is there — the time from commit to visible (median, 95th percentile, max), and
   the lag the standby reports (what /healthz shows);
3. what users notice: an officer registers a person and searches for them at once (their
   browser carries the stamp: the primary answers), and a commander searches at the same
   moment (the replica answers) — first as the standby runs, then with the standby held
   --delay seconds behind (`recovery_min_apply_delay`, a stand-in for a busy or distant
   replica), and then with FANGKONG_REPLICA_MAX_LAG_SECONDS below that delay (the router
   leaves the replica alone).
Needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup; PG_BIN or
/usr/lib/postgresql/*/bin) and, when run as root, the `postgres` system user.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import glob
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pg_bin(name: str) -> str:
    folder = (
        os.environ.get("PG_BIN") or (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or [""])[-1]
    )
    path = Path(folder) / name
    return str(path) if path.exists() else name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres(*command: str) -> list[str]:
    """Server binaries refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def run(*command: str) -> None:
    subprocess.run(as_postgres(*command), check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def clusters(folder: Path) -> Iterator[tuple[int, int]]:
    """A primary and its hot standby (pg_basebackup -R), both on free ports; their ports."""
    primary, standby = folder / "primary", folder / "standby"
    primary_port, standby_port = free_port(), free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    run(pg_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    with open(primary / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(
            f"port = {primary_port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{folder}'\nwal_level = replica\n"
            "max_wal_senders = 4\nhot_standby = on\nfsync = off\n"
        )
    started = []
    try:
        run(pg_bin("pg_ctl"), "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start")
        started.append(primary)
        run(
            pg_bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres"),
            *("-D", str(standby), "-R", "-X", "stream"),
        )
        with open(standby / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {standby_port}\n")
        run(pg_bin("pg_ctl"), "-D", str(standby), "-l", str(folder / "standby.log"), "-w", "start")
        started.append(standby)
        yield primary_port, standby_port
    finally:
        for data in reversed(started):
            subprocess.run(
                as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"),
                check=False,
                stdout=subprocess.DEVNULL,
            )


def psql(port: int, sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
         "-Atc", sql],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def setup_django(primary: int, standby: int, var_dir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fangkong.settings",
        FANGKONG_VAR_DIR=str(var_dir),
        FANGKONG_DATABASE_URL=f"postgres://postgres@127.0.0.1:{primary}/fangkong",
        FANGKONG_DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{standby}/fangkong",
        FANGKONG_ALLOWED_HOSTS="127.0.0.1",
        FANGKONG_REPLICA_STICKY_SECONDS="10",
        FANGKONG_SEARCH_RATE="0",  # the commander searches again and again below
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-m", "fangkong.cli", "init"], env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    import django

    django.setup()


class Setup:
    def __init__(self) -> None:
        from fangkong.accounts.roles import Role
        from fangkong.accounts.services import user_create
        from fangkong.org import services as org
        from fangkong.org.models import Township, Unit, Village

        bureau = org.unit_create(name="宁阳县公安局", kind=Unit.Kind.BUREAU, parent=None, by=None)
        centre = org.unit_create(name="指挥中心", kind=Unit.Kind.DEPARTMENT, parent=bureau, by=None)
        station = org.unit_create(name="堽城派出所", kind=Unit.Kind.STATION, parent=bureau, by=None)
        self.township = Township.objects.get(name="堽城镇")
        self.township.station = station
        self.township.save()
        self.village = Village.objects.create(township=self.township, name="东王庄村")
        officer = org.officer_create(
            name="王伟", badge_number="371101", kind="police", unit=station, by=None
        )
        password = "Bench-pass-2020"
        self.officer = user_create(
            username="officer", password=password, role=Role.STATION, unit=station,
            officer=officer, by=None, check_password=False,
        )  # fmt: skip
        self.commander = user_create(
            username="commander", password=password, role=Role.COMMAND, unit=centre,
            by=None, check_password=False,
        )  # fmt: skip


def client_for(user: Any) -> Any:
    from django.test import Client

    from fangkong.accounts.signin import mark_verified

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    mark_verified(session)  # past the second sign-in step, as after a real sign-in
    session.save()
    return client


class Seen:
    def __init__(self) -> None:
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self) -> Seen:
        # A full log (9000 queries) would leave nothing to count: start each count empty.
        self.primary.connection.queries_log.clear()
        self.replica.connection.queries_log.clear()
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)
        # Counted now: the next request empties the connections' logs (reset_queries).
        self.counts = (len(self.replica), len(self.primary))

    def __str__(self) -> str:
        return f"{self.counts[0]} on the replica, {self.counts[1]} on the primary"


def routing(setup: Setup) -> None:
    from fangkong.people.models import Person

    commander = client_for(setup.commander)
    officer = client_for(setup.officer)
    person = Person.objects.order_by("pk").first()
    print("\n1. Where each page's queries go")
    for label, client, url in [
        ("dashboard (commander)", commander, "/command/dashboard/"),
        ("person search (commander)", commander, "/people/?q=钱"),
        ("daily report .xlsx", commander, "/command/report/daily.xlsx"),
        ("a person's file (officer)", officer, f"/people/{person.pk}/" if person else "/"),
    ]:
        with Seen() as seen:
            status = client.get(url).status_code
        print(f"   {label:<28} {status}  {seen}")


def lag(writes: int) -> None:
    from django.db import connections

    from fangkong.core import clock
    from fangkong.core.models import RateCounter
    from fangkong.core.replica import replica_lag

    print(f"\n2. Replica lag: {writes} rows written on the primary one at a time")
    waits = []
    replica = connections["replica"]
    for i in range(writes):
        row = RateCounter.objects.create(
            key=f"bench-lag:{i}", count=1, expires_at=clock.now() + datetime.timedelta(hours=1)
        )
        committed = time.perf_counter()
        while True:
            with replica.cursor() as cursor:
                cursor.execute("SELECT 1 FROM core_ratecounter WHERE id = %s", [row.pk])
                if cursor.fetchone():
                    break
            time.sleep(0.0005)
        waits.append((time.perf_counter() - committed) * 1000)
    waits.sort()
    p95 = waits[int(len(waits) * 0.95) - 1]
    print(
        f"   commit on the primary → visible on the replica: median {statistics.median(waits):.1f} ms,"
        f" 95% {p95:.1f} ms, max {waits[-1]:.1f} ms"
    )
    print(f"   the replica's own figure (/healthz replica_lag_seconds): {replica_lag():.1f} s")
    RateCounter.objects.filter(key__startswith="bench-lag:").delete()


def noticed(setup: Setup, label: str, serial: int) -> None:
    """An officer registers a person and searches for them; a commander searches too."""
    from fangkong.core.replica import COOKIE

    officer = client_for(setup.officer)
    commander = client_for(setup.commander)
    number = f"E{serial:08d}"
    name = "钱" + "一二三四五六七八九十"[serial % 10] + "宝"
    posted = officer.post(
        "/people/new/",
        {
            "name": name, "doc_type": "passport", "doc_number": number,
            "township": setup.township.pk, "village": setup.village.pk,
            "address_detail": "9组2号",
        },
    )  # fmt: skip
    assert posted.status_code == 302, posted.content.decode()[:300]
    written = time.perf_counter()
    # The new person's row links to their file: the search page repeats the query itself.
    link = posted["Location"]
    with Seen() as own:
        officer_sees = link in officer.get(f"/people/?q={number}").content.decode()
    with Seen() as other:
        commander_sees = link in commander.get(f"/people/?q={number}").content.decode()
    waited = 0.0
    while not commander_sees and waited < 30:
        time.sleep(0.05)
        commander_sees = link in commander.get(f"/people/?q={number}").content.decode()
        waited = time.perf_counter() - written
    print(
        f"   {label}:\n"
        f"     the officer's own search right after saving: {'found' if officer_sees else 'NOT found'}"
        f" ({own}; stamp cookie {COOKIE} set: {COOKIE in posted.cookies})\n"
        f"     a commander's search at the same moment: {other};"
        f" the new person shows {'at once' if waited == 0 else f'after {waited:.2f} s'}"
    )


def held_behind(delay: float, primary: int) -> None:
    """/healthz and /metrics of a real gunicorn on this primary and standby, the standby
    still held behind: what the load balancer and the monitoring server see."""
    import json
    import urllib.request

    from gunicorn_server import checkout_env, gunicorn  # bench/, this script's folder

    from fangkong.core import clock
    from fangkong.core.models import RateCounter

    env = checkout_env(FANGKONG_HEALTH_WORKER="false", FANGKONG_HEALTH_DISK_MIN_MB="1")
    print(f"\n4. A gunicorn on the same databases, the standby {delay:g} s behind")
    from django.conf import settings

    from fangkong.core.management.commands.serve import prepare_instance

    # As `fangkong serve` runs it: the workers' counters summed from this instance's folder.
    files = prepare_instance(Path(settings.VAR_DIR))
    env["PROMETHEUS_MULTIPROC_DIR"] = str(files["metrics"])
    with gunicorn(env, "--workers", "2") as server:
        base = f"http://127.0.0.1:{server.port}"
        for _i in range(4):  # both workers up (Django loads at a worker's first request)
            urllib.request.urlopen(f"{base}/healthz").close()
        # A write on the primary that the standby holds back for `delay` seconds.
        RateCounter.objects.create(
            key="bench-held", count=1, expires_at=clock.now() + datetime.timedelta(hours=1)
        )
        time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/healthz") as response:
            print(f"   GET /healthz → {response.status} {json.load(response)}")
        # The standby can only date what it last replayed; the primary times the round trip.
        on_primary = psql(primary, "SELECT replay_lag FROM pg_stat_replication")
        print(
            f"   the primary's pg_stat_replication.replay_lag at that moment: {on_primary or 'none'}"
        )
        with urllib.request.urlopen(f"{base}/metrics") as response:
            lines = response.read().decode().splitlines()
        shown = [line for line in lines if line.startswith(("fangkong_http_requests_total",
                 "fangkong_task_queue_depth", "fangkong_registrations_per_minute"))]  # fmt: skip
        print("   GET /metrics (from 127.0.0.1) →", *shown, sep="\n     ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fangkong-replica-"))
    os.chmod(folder, 0o755)
    try:
        with clusters(folder) as (primary, standby):
            psql(primary, "CREATE DATABASE fangkong")
            print(
                f"primary 127.0.0.1:{primary}, hot standby 127.0.0.1:{standby} (pg_basebackup -R)"
            )
            print("   standby in recovery:", psql(standby, "SELECT pg_is_in_recovery()"))
            setup_django(primary, standby, folder / "var")
            print(
                "   streaming:", psql(primary, "SELECT state, sync_state FROM pg_stat_replication")
            )
            setup = Setup()
            time.sleep(0.5)
            routing(setup)
            lag(args.writes)

            from django.conf import settings

            from fangkong.core.replica import replica_lag, replica_usable

            print("\n3. What users notice")
            noticed(setup, "standby streaming as it does", 1)
            psql(
                standby, f"ALTER SYSTEM SET recovery_min_apply_delay = '{int(args.delay * 1000)}ms'"
            )
            psql(standby, "SELECT pg_reload_conf()")
            time.sleep(0.5)
            replica_usable.forget()
            noticed(setup, f"standby held {args.delay:g} s behind (recovery_min_apply_delay)", 2)
            print(f"     the replica's own figure then: {replica_lag():.1f} s behind")
            settings.FANGKONG_REPLICA_MAX_LAG_SECONDS = max(0.5, args.delay / 4)
            # Writes keep coming (the lag the standby reports is the age of what it replayed).
            noticed(setup, "standby still held behind, a second time", 3)
            replica_usable.forget()
            noticed(
                setup,
                f"the same, with FANGKONG_REPLICA_MAX_LAG_SECONDS={settings.FANGKONG_REPLICA_MAX_LAG_SECONDS:g}"
                " (the router leaves a replica that far behind alone)",
                4,
            )
            held_behind(args.delay, primary)
            from django.db import connections

            connections.close_all()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
