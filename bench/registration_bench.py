"""Registration of a car against its same-work floor (issue #19), by process CPU time.

    .venv/bin/python bench/registration_bench.py [--cars 500] [--rounds 3] [--profile]
    FANGKONG_BENCH_PG=postgres://postgres@127.0.0.1:5432/fk_bench .venv/bin/python bench/registration_bench.py

For each database (a SQLite file in a temporary directory; the PostgreSQL database named by
FANGKONG_BENCH_PG — a scratch database: emptied, and copies of it named <name>_svc, _rec,
_floor, _api are made and dropped):

1. a template: the demo county (`fangkong demo`), a checkpoint with its officer and device
   token, 300 known local people and 300 people from Hubei with open cases, registered the
   day before through passage_register (bench/samework.py `prepare`);
2. each round, four copies of the template, and in a fresh process for each:
   - fangkong: `passage_register` (the service the API calls) on --cars cars of each kind,
     after --warmup cars, unrecorded — the figure;
   - recorded + floor: the same cars through passage_register with every statement recorded,
     then the recording replayed car by car through the bare driver on the fourth copy (one
     transaction per car, as recorded) — the floor;
   - API: the same cars as JSON through fangkong's WSGI application with the device token
     (what gunicorn calls, without gunicorn's HTTP parsing) — the framework's part shows as
     API minus passage_register;
   and the four end states must have the same rows per table;
3. prints per kind the CPU per car (min and median of the rounds) of the floor, fangkong and
   the API, the ratio fangkong / floor and the bar (≤ 3×). On PostgreSQL the server's CPU is
   read from /proc for the connection's backend process and the ratio is of client + server.

Car kinds: "new" (3 new people from Hubei: people, cases, transitions, referrals, audit),
"known" (3 known local people: nothing about them changes, nobody referred) and "join"
(3 people from Hubei whose open cases they join: a referral each).

--compare DIR: another checkout's fangkong (e.g. a git archive of main) run in each round
next to this one's, on its own copy: its CPU per car, its ratio to the same floor and
fangkong / before by round.

--profile: cProfile of --profile-cars new cars and known cars (one process, SQLite unless
--skip-sqlite), the costs grouped by step of the path and by kind of work.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn_server import checkout_env

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOURS = {"new": 8, "known": 10, "join": 12}  # each kind's cars spread over 2 hours of DAY
BAR = 3.0


# -- in the child processes --------------------------------------------------------------


def _setup() -> tuple[Any, Any]:
    import django

    django.setup()
    import samework
    from django.db import connection

    from fangkong.accounts.models import User
    from fangkong.checkpoints.models import Checkpoint

    connection.ensure_connection()
    cp = Checkpoint.objects.get(code=samework.CHECKPOINT)
    user = User.objects.get(username="bench")
    return cp, user


def _cars(args: argparse.Namespace) -> dict[str, tuple[list[dict], list[dict]]]:
    """Each kind's (warm-up, timed) cars: the same in every process of a round."""
    import samework

    out = {}
    for kind in args.kinds:
        n = args.warmup + args.cars
        specs = samework.car_specs(kind, n, seed=args.seed, hour=HOURS[kind], spacing=7200 / n)
        out[kind] = (specs[: args.warmup], specs[args.warmup :])
    return out


def _timed(run: Callable[[Any], Any], items: list[Any], server_pid: int | None) -> dict:
    import samework

    gc.collect()
    server = samework.proc_cpu(server_pid) if server_pid else 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        run(item)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if server_pid:
        server = samework.proc_cpu(server_pid) - server
    n = len(items)
    return {"cpu": cpu / n * 1000, "wall": wall / n * 1000, "server": server / n * 1000}


def _end_state() -> dict[str, int]:
    import samework
    from django.db import connection

    connection.ensure_connection()
    return samework.table_counts(connection.connection, connection.vendor)


def child_template(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import samework

    print(json.dumps(samework.prepare()))


def child_service(args: argparse.Namespace) -> None:
    """fangkong: passage_register on the cars, unrecorded."""
    cp, user = _setup()
    import samework
    from django.db import connection

    from fangkong.checkpoints.services import passage_register

    pid = samework.backend_pid(connection.connection, connection.vendor)
    result: dict[str, Any] = {"kinds": {}}
    for kind, (warm, timed) in _cars(args).items():
        inputs = [samework.passage_input(s, cp) for s in warm + timed]
        for data in inputs[: len(warm)]:
            passage_register(data=data, by=user)
        result["kinds"][kind] = _timed(
            lambda data: passage_register(data=data, by=user), inputs[len(warm) :], pid
        )
    result["counts"] = _end_state()
    print(json.dumps(result))


def child_floor(args: argparse.Namespace) -> None:
    """The same cars through passage_register, recorded; then the recording replayed
    through the bare driver on the floor's copy, timed."""
    cp, user = _setup()
    import samework
    from django.db import connection

    from fangkong.checkpoints.services import passage_register

    recorder = samework.Recorder(connection)
    cars = _cars(args)
    with recorder:
        for kind, (warm, timed) in cars.items():
            for phase, specs in (("warm", warm), ("timed", timed)):
                for spec in specs:
                    data = samework.passage_input(spec, cp)
                    recorder.item(f"{kind}:{phase}")
                    passage_register(data=data, by=user)
    recorded_counts = _end_state()
    stats = {}
    for kind in cars:
        items = [ops for label, ops in recorder.items if label == f"{kind}:timed"]
        n = len(items)
        stats[kind] = {
            "statements": sum(recorder.statements(f"{kind}:timed")) / n,
            "savepoints": sum(sum(map(samework.is_savepoint, ops)) for ops in items) / n,
            "commits": sum(ops.count(("c",)) for ops in items) / n,
        }
    floor = samework.bare_connection(connection.settings_dict, name=args.floor)
    raw, vendor = floor.connection, floor.vendor
    pid = samework.backend_pid(raw, vendor)
    result: dict[str, Any] = {"kinds": {}, "stats": stats}
    for kind in cars:
        for label, ops in recorder.items:
            if label == f"{kind}:warm":
                samework.replay(raw, vendor, ops)
        recorded = [ops for label, ops in recorder.items if label == f"{kind}:timed"]
        gc.freeze()  # the recording is not garbage: keep the collector off it, as in a worker
        result["kinds"][kind] = _timed(lambda ops: samework.replay(raw, vendor, ops), recorded, pid)
    result["counts"] = samework.table_counts(raw, vendor)
    result["recorded_counts"] = recorded_counts
    floor.close()
    print(json.dumps(result))


def child_api(args: argparse.Namespace) -> None:
    """The same cars as JSON bodies through the WSGI application, with the device token."""
    _setup()
    import samework
    from django.db import connection

    from fangkong.checkpoints import services
    from fangkong.wsgi import application

    token = args.token
    # The CPU spent inside passage_register, measured in the same requests: the rest of a
    # request is the framework's part (ninja, middleware, the token, the response).
    inside = [0.0]
    register = services.passage_register

    def timed_register(**kw: Any) -> Any:
        began = time.process_time()
        try:
            return register(**kw)
        finally:
            inside[0] += time.process_time() - began

    services.passage_register = timed_register
    pid = samework.backend_pid(connection.connection, connection.vendor)

    def post(body: bytes) -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/passages",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(line: str, _headers: Any, _exc: Any = None) -> Any:
            status.append(line)

        response: Any = application(environ, start_response)
        content = b"".join(response)
        response.close()
        if not status[0].startswith("201"):
            raise RuntimeError(f"{status[0]}: {content[:500]!r}")

    result: dict[str, Any] = {"kinds": {}}
    for kind, (warm, timed) in _cars(args).items():
        bodies = [json.dumps(s).encode() for s in warm + timed]
        for body in bodies[: len(warm)]:
            post(body)
        pid = samework.backend_pid(connection.connection, connection.vendor)
        inside[0] = 0.0
        result["kinds"][kind] = _timed(post, bodies[len(warm) :], pid)
        result["kinds"][kind]["service"] = inside[0] / (len(bodies) - len(warm)) * 1000
        if pid != samework.backend_pid(connection.connection, connection.vendor):
            raise RuntimeError("the connection was replaced while timing")
    result["counts"] = _end_state()
    print(json.dumps(result))


# -- profile -------------------------------------------------------------------------------

Key = tuple[str, int, str]


def _django(path: str, *names: str) -> Callable[[Key], bool]:
    return lambda k: f"django/{path}" in k[0] and (not names or k[2] in names)


def _fangkong(path: str, *names: str) -> Callable[[Key], bool]:
    return lambda k: f"fangkong/{path}" in k[0] and (not names or k[2] in names)


def _driver(k: Key) -> bool:
    """sqlite3's C methods (called through Django's cursor subclass, cProfile names some of
    them after it) and psycopg, Python and C parts."""
    if k[0] == "~":
        return any(p in k[2] for p in ("sqlite3", "SQLiteCursorWrapper", "psycopg"))
    return "/psycopg/" in k[0]


def _any(*tests: Callable[[Key], bool]) -> Callable[[Key], bool]:
    return lambda k: any(t(k) for t in tests)


# Each line is a group of functions whose time is counted where the group is entered (see
# group_time), optionally only from given callers. Groups are chosen closed — what their
# members call does not call back into them — so that nothing is counted twice.
Group = tuple[str, Callable[[Key], bool], Callable[[Key], bool] | None]
_services = _fangkong("checkpoints/services")

# Steps of the path: fangkong's functions, cumulative (a line includes the lines under it).
STEPS: list[Group] = [
    ("passage_register, all of it", _fangkong("checkpoints/services", "passage_register"), None),
    ("  passage_assess: validation, flags", _fangkong("checkpoints/services", "passage_assess"), None),
    ("    of which person_clean (ID number, phone, pinyin)", _fangkong("people/", "person_clean"),
     _fangkong("checkpoints/services", "passage_assess")),
    ("  shift_for", _fangkong("checkpoints/services", "shift_for"), None),
    ("  _passage_store: the write transaction, commit included",
     _fangkong("checkpoints/services", "_passage_store"), None),
    ("    Passage full_clean", _django("db/models/base.py", "full_clean"),
     _fangkong("checkpoints/services", "_passage_store")),
    ("    Passage save", _django("db/models/base.py", "save"),
     _fangkong("checkpoints/services", "_passage_store")),
    ("    person_register (new people)", _fangkong("people/services", "person_register"), None),
    ("      model_create: full_clean", _django("db/models/base.py", "full_clean"),
     _fangkong("core/services", "model_create")),
    ("      model_create: save", _django("db/models/base.py", "save"),
     _fangkong("core/services", "model_create")),
    ("    Occupant bulk_create", _django("db/models/query.py", "bulk_create"),
     _fangkong("checkpoints/services", "_passage_store")),
    ("    _refer: cases, referrals, occupants' case", _fangkong("checkpoints/services", "_refer"),
     None),
    ("      cases_refer", _fangkong("quarantine/services", "cases_refer"), None),
    ("        _case_open (case, transition, audit)", _fangkong("quarantine/services", "_case_open"),
     None),
    ("    _counts_add", _fangkong("checkpoints/services", "_counts_add"), None),
    ("    audit entries (core/audit.py)", _fangkong("core/audit"), None),
    ("    commit", _django("db/backends/base/base.py", "commit"), None),
]  # fmt: skip

# Kinds of work across the path, cumulative; kinds overlap (SQL compilation and the driver
# inside full_clean's validate_constraints, audit's own queries …).
WORK: list[Group] = [
    ("Model.full_clean (all calls)", _django("db/models/base.py", "full_clean"), None),
    ("  Model.validate_constraints", _django("db/models/base.py", "validate_constraints"), None),
    ("  Model.validate_unique", _django("db/models/base.py", "validate_unique"), None),
    ("  Model.clean_fields", _django("db/models/base.py", "clean_fields"), None),
    ("SQL compilation (compiler.as_sql, from execute_sql)",
     _django("db/models/sql/compiler.py", "as_sql"),
     _django("db/models/sql/compiler.py", "execute_sql")),
    ("query building (Query.add_q: filters, lookups, joins)",
     _django("db/models/sql/query.py", "add_q"), None),
    ("queryset cloning (QuerySet._clone)", _django("db/models/query.py", "_clone"), None),
    ("model instances (Model.__init__, core.statements.new)",
     _any(_django("db/models/base.py", "__init__"), _fangkong("core/statements", "new")), None),
    ("signals (Signal.send: pre/post save and init)", _django("dispatch/dispatcher.py", "send"),
     None),
    ("pinyin (core/pinyin.py, pypinyin)",
     lambda k: "fangkong/core/pinyin" in k[0] or "/pypinyin/" in k[0], None),
    ("audit (core/audit.py, its queries included)", _fangkong("core/audit"), None),
    ("atomic blocks (Atomic enter/exit: savepoints, begin, commit)",
     _django("db/transaction.py", "__enter__", "__exit__"), None),
    ("  savepoints (SAVEPOINT, RELEASE, ROLLBACK TO)",
     _django("db/backends/base/base.py", "savepoint", "savepoint_commit", "savepoint_rollback"),
     None),
    ("  begin and commit",
     _any(_django("db/backends/base/base.py", "commit", "set_autocommit")), None),
    ("Django's cursor wrapper (backends/utils.py), driver included",
     _django("db/backends/utils.py"), None),
    ("driver: execute, fetch, commit (sqlite3 / psycopg)", _driver, None),
    ("translation (gettext, lazy strings)", _django("utils/translation/"), None),
]  # fmt: skip


def group_time(
    stats: dict[Key, Any],
    member: Callable[[Key], bool],
    caller: Callable[[Key], bool] | None = None,
) -> float:
    """Time inside a group of functions, counted where it is entered: the cumulative time of
    calls into a member from a non-member (or from `caller` only), so that members calling
    members (recursion, wrappers) are not counted twice. Calls that leave the group and
    come back (a member → other code → a member) are counted twice: rare here."""
    total = 0.0
    for key, (_cc, _nc, _tt, ct, callers) in stats.items():
        if not member(key):
            continue
        if not callers:
            total += ct
        for c, edge in callers.items():
            if caller(c) if caller else not member(c):
                total += edge[3]
    return total


def child_profile(args: argparse.Namespace) -> None:
    cp, user = _setup()
    import samework
    from django.db import connection

    from fangkong.checkpoints.services import passage_register

    for kind, (warm, timed) in _cars(args).items():
        for spec in warm:
            passage_register(data=samework.passage_input(spec, cp), by=user)
        inputs = [samework.passage_input(s, cp) for s in timed]
        gc.collect()
        # cProfile's own clock (perf_counter): reading the process's CPU clock is a system
        # call on every call and return — five times the car's time, charged mostly to
        # functions called often. On a shared machine the wall clock also counts time the
        # process waits for a core, but that falls where the process happens to be, in
        # proportion to the CPU it uses: the shares hold (a registration blocks on nothing
        # else — SQLite in WAL with synchronous=NORMAL does not sync at commit).
        profile = cProfile.Profile()
        cpu = time.process_time()
        profile.enable()
        for data in inputs:
            passage_register(data=data, by=user)
        profile.disable()
        cpu = time.process_time() - cpu
        stats: dict[Key, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        total = group_time(stats, *STEPS[0][1:])  # passage_register, all of it
        n = len(inputs)
        if connection.vendor == "postgresql":
            print("\n(PostgreSQL: cProfile's clock also runs while the client waits for the "
                  "server's answers — psycopg's `wait` and `_execute_send` — so the shares "
                  "below are of the time a car takes, round trips included, not of its CPU)")  # fmt: skip
        print(f"\n-- profile: {n} cars, {samework.KINDS[kind]}: {cpu / n * 1000:.2f} ms CPU a "
              f"car under cProfile (its overhead included); shares of the time in "
              f"passage_register, {total / n * 1000:.2f} ms a car by cProfile's clock")  # fmt: skip
        for title, groups in (("by step of the path", STEPS), ("by kind of work", WORK)):
            print(f"{title} (cumulative: a line includes what it calls)")
            for label, member, caller in groups:
                t = group_time(stats, member, caller)
                if t:
                    print(f"  {label:66} {t / total:6.1%} {t / n * 1000:6.2f} ms")
        print("functions with the most time of their own (tottime)")
        own = sorted(stats.items(), key=lambda kv: -kv[1][2])[: args.profile_top]
        for (file, line, name), v in own:
            where = file.split("site-packages/")[-1].split("src/")[-1]
            print(f"  {v[2] / total:6.1%}  {v[1]:8d} calls  {name}  ({where}:{line})")


# -- the parent ----------------------------------------------------------------------------


def _child(
    role: str, env: dict[str, str], args: argparse.Namespace, *extra: str, root: Path = ROOT
) -> Any:
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "registration_bench.py"), "--child", role, "--seed", str(args.seed), "--cars",
         str(args.cars), "--warmup", str(args.warmup), "--kinds", ",".join(args.kinds),
         "--profile-top", str(args.profile_top), *extra],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"{role} failed:\n{done.stderr[-4000:]}")
    if role == "profile":
        return done.stdout
    return json.loads(done.stdout.strip().splitlines()[-1])


def _url(settings: dict[str, Any], name: str) -> str:
    if "sqlite" in settings["ENGINE"]:
        return f"sqlite:///{name}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    return f"postgres://{auth}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


def _summary(values: list[float]) -> str:
    return f"{min(values):7.2f} {statistics.median(values):7.2f}"


def run(label: str, url: str, args: argparse.Namespace) -> None:
    import dj_database_url
    import samework

    var = tempfile.mkdtemp(prefix="fk-regbench-")
    settings: dict[str, Any] = dict(dj_database_url.parse(url))
    sqlite = "sqlite" in settings["ENGINE"]
    base_env = checkout_env(
        FANGKONG_VAR_DIR=var,
        FANGKONG_TODAY=str(samework.DAY),
        DJANGO_SETTINGS_MODULE="fangkong.settings",
        FANGKONG_LOG_LEVEL="WARNING",
        # One connection for the whole run (production keeps them 60 s): the server CPU of
        # a PostgreSQL backend is read from its process, which must not change midway.
        FANGKONG_DB_CONN_MAX_AGE="36000",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
    )
    info_path = Path(f"{settings['NAME']}.bench.json") if sqlite else None
    if sqlite and args.template and info_path and info_path.exists():
        info = json.loads(info_path.read_text())
        print(f"template: {settings['NAME']} (built earlier)")
    else:
        samework.ensure_database(settings)
        env = {**base_env, "FANGKONG_DATABASE_URL": url}
        began = time.perf_counter()
        if args.state == "demo":
            cmd = [str(BIN / "fangkong"), "demo", "--no-serve", "--reset"]
        else:
            cmd = [str(BIN / "fangkong"), "init", "--no-static"]
            if not sqlite:
                subprocess.run([str(BIN / "fangkong"), "flush", "--no-input"], env=env,
                               check=True, capture_output=True)  # fmt: skip
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        info = _child("template", env, args)
        if info_path:
            info_path.write_text(json.dumps(info))
        print(f"template ({args.state} state + bench checkpoint and pools) built in "
              f"{time.perf_counter() - began:.0f}s")  # fmt: skip
    compare = Path(args.compare).resolve() if args.compare else None
    roles = ("svc", "rec", "floor", "api") + (("before",) if compare else ())
    name = settings["NAME"]
    copies = {r: (f"{var}/{r}.sqlite3" if sqlite else f"{name}_{r}") for r in roles}
    rounds: list[dict[str, Any]] = []
    try:
        for r in range(args.rounds):
            args.seed = r + 1  # fresh values every round (each round starts from the template)
            for role in roles:
                samework.clone(settings, copies[role])
            envs = {
                role: {**base_env, "FANGKONG_DATABASE_URL": _url(settings, copies[role])}
                for role in roles
            }
            before = None
            if compare is not None:
                # The other checkout's fangkong next to this one's, first every other round:
                # the two meet the same load on the machine (its own code and bench child).
                other = {
                    **envs["before"],
                    "PYTHONPATH": os.pathsep.join([str(compare / "src"), str(compare / "bench")]),
                }
                if r % 2:
                    before = _child("svc", other, args, root=compare)
                svc = _child("svc", envs["svc"], args)
                if not r % 2:
                    before = _child("svc", other, args, root=compare)
            else:
                svc = _child("svc", envs["svc"], args)
            floor = _child("floor", envs["rec"], args, "--floor", copies["floor"])
            api = _child("api", envs["api"], args, "--token", info["token"])
            differ = samework.count_differences(
                svc["counts"], floor["recorded_counts"], floor["counts"], api["counts"],
                *([before["counts"]] if before else []),
            )  # fmt: skip
            if differ:
                sys.exit(
                    "end states differ (fangkong / recorded / floor / API):\n" + "\n".join(differ)
                )
            rounds.append({"svc": svc, "floor": floor, "api": api, "tables": len(svc["counts"])})
            if before:
                rounds[-1]["before"] = before
            print(f"  round {r + 1}: " + "; ".join(
                f"{k} {svc['kinds'][k]['cpu'] + svc['kinds'][k]['server']:.2f} / "
                f"{floor['kinds'][k]['cpu'] + floor['kinds'][k]['server']:.2f} ms"
                for k in args.kinds)
                + ("; before " + "; ".join(
                    f"{k} {before['kinds'][k]['cpu'] + before['kinds'][k]['server']:.2f}"
                    for k in args.kinds) if before else ""))  # fmt: skip
        if args.profile:
            samework.clone(settings, copies["svc"])
            env = {**base_env, "FANGKONG_DATABASE_URL": _url(settings, copies["svc"])}
            print(_child("profile", env, args, "--cars", str(args.profile_cars)))
    finally:
        for role in roles:
            samework.drop(settings, copies[role])
        shutil.rmtree(var, ignore_errors=True)
    report(label, rounds, args, sqlite)


def report(
    label: str, rounds: list[dict[str, Any]], args: argparse.Namespace, sqlite: bool
) -> None:
    def per(run: str, kind: str, part: str) -> list[float]:
        return [r[run]["kinds"][kind][part] for r in rounds]

    def total(run: str, kind: str) -> list[float]:
        return [a + b for a, b in zip(per(run, kind, "cpu"), per(run, kind, "server"), strict=True)]

    what = "process CPU" if sqlite else "client + server CPU (server: the backend process)"
    print(f"\n== {label}: {args.cars} cars of each kind after {args.warmup} warm-up cars, "
          f"{len(rounds)} rounds; {what} per car in ms, min and median of the rounds")  # fmt: skip
    print(f"{'path':38} {'stmts':>5} {'svp':>4} {'floor':>15} {'fangkong':>15} {'ratio':>14}  bar")
    print(f"{'':38} {'':>5} {'':>4} {'min  median':>15} {'min  median':>15} {'med (range)':>14}")
    for kind in args.kinds:
        stats = rounds[0]["floor"]["stats"][kind]
        floor, ours = total("floor", kind), total("svc", kind)
        ratios = [o / f for o, f in zip(ours, floor, strict=True)]
        ratio = statistics.median(ratios)
        verdict = "met" if ratio <= BAR else "NOT met"
        print(f"{samework_kind(kind):38} {stats['statements']:5.0f} {stats['savepoints']:4.0f} "
              f"{_summary(floor)} {_summary(ours)} {ratio:5.1f} ({min(ratios):.1f}–{max(ratios):.1f})"
              f"  ≤ {BAR:g}×: {verdict}")  # fmt: skip
    if "before" in rounds[0]:
        print(f"before ({args.compare}), measured in the same rounds next to fangkong:")
        for kind in args.kinds:
            floor, ours, old = total("floor", kind), total("svc", kind), total("before", kind)
            ratios = [o / f for o, f in zip(old, floor, strict=True)]
            change = [n / o for n, o in zip(ours, old, strict=True)]
            print(f"  {samework_kind(kind):36} before {_summary(old)}  ratio "
                  f"{statistics.median(ratios):5.1f} ({min(ratios):.1f}–{max(ratios):.1f})  "
                  f"fangkong / before by round: {', '.join(f'{c:.2f}' for c in change)} "
                  f"(median {statistics.median(change):.2f})")  # fmt: skip
    print("through the API (WSGI, device token), same cars; client CPU per car in ms, min and "
          "median, and the framework's part: the request's CPU outside passage_register")  # fmt: skip
    for kind in args.kinds:
        api, floor = per("api", kind, "cpu"), per("floor", kind, "cpu")
        frame = [a - s for a, s in zip(api, per("api", kind, "service"), strict=True)]
        print(f"  {samework_kind(kind):36} API {_summary(api)}  framework {_summary(frame)}  "
              f"API / floor (client) {statistics.median(api) / statistics.median(floor):5.1f}")  # fmt: skip
    if not sqlite:
        print("client and server apart (medians, ms per car):")
        for kind in args.kinds:
            parts = [
                f"{run} client {statistics.median(per(run, kind, 'cpu')):.2f} "
                f"server {statistics.median(per(run, kind, 'server')):.2f}"
                for run in ("floor", "svc", "api")
            ]
            ratio = statistics.median(per("svc", kind, "cpu")) / statistics.median(
                per("floor", kind, "cpu")
            )
            print(f"  {kind:6} " + "; ".join(parts) + f"; client-only ratio {ratio:.1f}")
    walls = [
        f"{kind} {statistics.median(per('svc', kind, 'wall')):.2f} / "
        f"{statistics.median(per('floor', kind, 'wall')):.2f}"
        for kind in args.kinds
    ]
    print("wall ms per car, fangkong / floor (medians; the machine is shared): " + "; ".join(walls))
    print(f"end state: fangkong, its recorded run, the floor and the API left the same rows in "
          f"each of {rounds[0]['tables']} tables, every round")  # fmt: skip


def samework_kind(kind: str) -> str:
    import samework

    return samework.KINDS[kind]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cars", type=int, default=500, help="timed cars of each kind")
    parser.add_argument("--warmup", type=int, default=20, help="untimed cars of each kind first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="new,known,join")
    parser.add_argument("--state", choices=("demo", "empty"), default="demo",
                        help="the template: the demo county, or reference data only")  # fmt: skip
    parser.add_argument("--template", help="SQLite template file: built there if missing, "
                        "reused if there (development)")  # fmt: skip
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also profile (cProfile)")
    parser.add_argument("--compare", help="another checkout (e.g. a git archive of main): its "
                        "fangkong runs in each round next to this one's (before / after)")  # fmt: skip
    parser.add_argument("--profile-cars", type=int, default=500)
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.kinds = [k for k in args.kinds.split(",") if k]
    if args.child:
        import datetime

        import samework

        from fangkong.core import clock

        # The cars are at fixed hours of the demo day: the working clock is held at the
        # day's end whatever the machine's hour (from 16:00 UTC, midnight in Shanghai, the
        # fixed day's time of day starts again at 00:00 and every car lay in the future).
        end = datetime.datetime.combine(samework.DAY, datetime.time(23, 59), clock.SHANGHAI)
        with clock.held(end):
            {
                "template": child_template,
                "svc": child_service,
                "floor": child_floor,
                "api": child_api,
                "profile": child_profile,
            }[args.child](args)
        return
    databases = []
    scratch = tempfile.mkdtemp(prefix="fk-regbench-")  # the SQLite template, unless kept
    if not args.skip_sqlite:
        template = args.template or f"{scratch}/template.sqlite3"
        databases.append(("SQLite", f"sqlite:///{Path(template).resolve()}"))
    pg = os.environ.get("FANGKONG_BENCH_PG")
    if pg:
        databases.append(("PostgreSQL", pg))
    try:
        for label, url in databases:
            print(f"\n== {label}")
            run(label, url, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
