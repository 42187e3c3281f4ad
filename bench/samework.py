"""The same-work floor: fangkong's own statements, replayed through the bare driver.

A hot path (a registration, an import) is run through fangkong on database A while every
statement it sends is recorded with its parameters, item by item (a car; an import), together
with the transaction boundaries the driver is told about (commit, rollback, autocommit). The
same statements are then replayed, in the same order and with the same values, through the
bare driver (sqlite3, psycopg) on database B: a copy of A taken before the path ran — same
migrations, reference data, demo state, indexes, triggers and sequences — opened with the
connection settings fangkong uses (pragmas, isolation, psycopg's client-side binding). B has
never seen the values, so its work is fangkong's database work without fangkong: the floor.

What is recorded (checked against Django 5.2):
- every `cursor.execute` / `executemany` through Django's cursor wrapper, via
  `connection.execute_wrapper` — ORM queries, written-out SQL, savepoints (SAVEPOINT,
  RELEASE, ROLLBACK TO go through `cursor.execute`) and SQLite's `BEGIN IMMEDIATE`
  (`_start_transaction_under_autocommit` executes it through a cursor too); a statement that
  raised is marked, and the replay expects it to raise;
- what never reaches a cursor: `commit()` / `rollback()` of the driver connection and
  psycopg's autocommit switch (Django's `atomic` on PostgreSQL starts a transaction by
  turning autocommit off) — by wrapping `_commit`, `_rollback` and `_set_autocommit` of the
  connection object for the recording's duration;
- PostgreSQL `COPY … FROM STDIN` (core.bulk writes bulk rows with it through the psycopg
  cursor, past Django's wrapper): the statement and every row written.

The recording is a bench tool: nothing in fangkong knows about it, and the run that is
timed is a separate, unrecorded run of the same items on another copy (see the benches).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import os
import pickle
import random
import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

# An operation of a recording: ("x", sql, params, raised) one statement; ("m", sql,
# param_list, raised) executemany; ("copy", sql, rows) a COPY FROM STDIN; ("c",) commit;
# ("r",) rollback; ("a", on) the driver's autocommit switched. SQL is in the driver's own
# placeholder style (sqlite3's ?), as the driver receives it.
Op = tuple[Any, ...]

# Django's sqlite3 cursor wrapper turns %s into ? (and %% into %) on every execute with
# parameters: the driver sees the converted text, so the replay sends that.
_FORMAT_QMARK = re.compile(r"(?<!%)%s")
_FORMAT_NAMED = re.compile(r"%\(([^)]+)\)s")


def _sqlite_sql(sql: str, params: Any) -> str:
    if params is None:
        return sql
    if isinstance(params, Mapping):
        return _FORMAT_NAMED.sub(r":\1", sql).replace("%%", "%")
    return _FORMAT_QMARK.sub("?", sql).replace("%%", "%")


def _frozen(params: Any) -> Any:
    """A copy of a statement's parameters that later changes by the caller cannot reach."""
    if params is None:
        return None
    if isinstance(params, Mapping):
        return dict(params)
    return tuple(params)


class _CopyTap:
    """psycopg's Copy, with every row written also kept for the recording."""

    def __init__(self, inner: Any, rows: list[Any]) -> None:
        self._inner, self._rows = inner, rows

    def write_row(self, row: Sequence[Any]) -> None:
        self._rows.append(tuple(row))
        self._inner.write_row(row)

    def write(self, buffer: Any) -> None:
        raise NotImplementedError("COPY by buffer is not recorded: write_row only")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Recorder:
    """Records what `connection` sends to its driver, item by item.

    recorder = Recorder(connection)
    with recorder:
        for car in cars:
            recorder.item("new")
            passage_register(...)
    recorder.items  # [(label, [op, ...]), ...]
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.vendor: str = connection.vendor
        self.items: list[tuple[str, list[Op]]] = []
        self._ops: list[Op] = []
        self._undo: list[Any] = []

    def item(self, label: str) -> None:
        """Start a new item: the operations from here on belong to it."""
        if self.items and self.items[-1] == ("", []):
            self.items.pop()  # nothing was sent before the first item
        self._ops = []
        self.items.append((label, self._ops))

    # -- what Django's cursor wrapper executes ----------------------------------------
    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # (A generator of parameter lists would be used up by the copy: pass the copy on.)
        params = [_frozen(p) for p in params] if many else _frozen(params)
        if self.vendor == "sqlite" and many:  # converted even for an empty list
            first = params[0] if params else ()
            driver_sql = _sqlite_sql(sql, first if isinstance(first, Mapping) else ())
        elif self.vendor == "sqlite":
            driver_sql = _sqlite_sql(sql, params)
        else:
            driver_sql = sql
        op = ["m" if many else "x", driver_sql, params, False]
        self._ops.append(op)  # type: ignore[arg-type]
        try:
            return execute(sql, params, many, context)
        except Exception:
            op[3] = True
            raise

    # -- what never reaches a cursor ----------------------------------------------------
    def __enter__(self) -> Recorder:
        conn = self.connection
        conn.ensure_connection()
        if not self.items:
            self.item("")
        wrapper = conn.execute_wrapper(self)
        wrapper.__enter__()
        self._undo.append(lambda: wrapper.__exit__(None, None, None))
        for name, event in (("_commit", ("c",)), ("_rollback", ("r",))):
            original = getattr(conn, name)

            def hooked(original: Any = original, event: Op = event) -> Any:
                self._ops.append(event)
                return original()

            setattr(conn, name, hooked)
            self._undo.append(lambda name=name: delattr(conn, name))
        original_autocommit = conn._set_autocommit

        def set_autocommit(on: bool) -> Any:
            self._ops.append(("a", bool(on)))
            return original_autocommit(on)

        conn._set_autocommit = set_autocommit
        self._undo.append(lambda: delattr(conn, "_set_autocommit"))
        if self.vendor == "postgresql":
            import psycopg

            original_copy = psycopg.Cursor.copy
            recorder = self

            @contextlib.contextmanager
            def tapped(cur: Any, statement: Any, params: Any = None, **kw: Any) -> Iterator[Any]:
                if params is not None:
                    raise NotImplementedError("COPY with parameters is not recorded")
                rows: list[Any] = []
                text = statement if isinstance(statement, str) else statement.as_string(cur)
                recorder._ops.append(("copy", text, rows))
                with original_copy(cur, statement, **kw) as inner:
                    yield _CopyTap(inner, rows)

            psycopg.Cursor.copy = tapped  # type: ignore[method-assign,assignment]
            self._undo.append(lambda: setattr(psycopg.Cursor, "copy", original_copy))
        return self

    def __exit__(self, *exc: object) -> None:
        while self._undo:
            self._undo.pop()()

    # -- what was recorded ------------------------------------------------------------
    def statements(self, label: str | None = None) -> list[int]:
        """Statements sent per item (of `label`): executes, executemanys, COPYs."""
        return [
            sum(1 for op in ops if op[0] in ("x", "m", "copy"))
            for lab, ops in self.items
            if label is None or lab == label
        ]


def save(ops: Sequence[Op], path: str | Path) -> None:
    """Keep a recording in a file, for floors replayed in other processes (the import's:
    recorded once, replayed on a fresh copy beside each of fangkong's runs)."""
    with open(path, "wb") as f:
        pickle.dump(list(ops), f, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: str | Path) -> list[Op]:
    """A recording kept by `save`: the same operations, statements and values."""
    with open(path, "rb") as f:
        ops: list[Op] = pickle.load(f)
    return ops


def is_savepoint(op: Op) -> bool:
    return op[0] == "x" and str(op[1]).lstrip().upper().startswith(
        ("SAVEPOINT", "RELEASE", "ROLLBACK TO")
    )


def replay(raw: Any, vendor: str, ops: Sequence[Op]) -> None:
    """Send the recorded operations to `raw`, a bare driver connection: the same statements
    with the same values, results fetched as fangkong fetched them (all rows), commits and
    autocommit switches where the recording had them. One cursor per call."""
    error: type[Exception]
    if vendor == "sqlite":
        error = sqlite3.Error
    else:
        import psycopg

        error = psycopg.Error
    cur = raw.cursor()
    execute, executemany = cur.execute, cur.executemany
    for op in ops:
        kind = op[0]
        if kind == "x" or kind == "m":
            sql, params, raised = op[1], op[2], op[3]
            try:
                if kind == "m":
                    executemany(sql, params)
                elif params is None:
                    execute(sql)
                else:
                    execute(sql, params)
            except error:
                if raised:
                    continue
                raise
            if raised:
                raise AssertionError(f"the recorded statement raised, its replay did not: {sql}")
            if kind == "x" and cur.description is not None:
                cur.fetchall()
        elif kind == "c":
            raw.commit()
        elif kind == "r":
            raw.rollback()
        elif kind == "a":
            if vendor == "sqlite":
                raw.isolation_level = None if op[1] else ""
            else:
                raw.autocommit = op[1]
        elif kind == "copy":
            with cur.copy(op[1]) as out:
                write = out.write_row
                for row in op[2]:
                    write(row)
        else:
            raise ValueError(f"unknown operation {kind!r}")
    cur.close()


# -- databases ---------------------------------------------------------------------------


def bare_connection(settings_dict: Mapping[str, Any], name: str | None = None) -> Any:
    """A Django connection object for `settings_dict` (with NAME `name`), connected: its
    `.connection` is the driver's connection, set up exactly as fangkong sets up its own
    (sqlite3: detect_types, SQL functions, foreign_keys and the init pragmas; psycopg:
    client-side binding cursors, adapters, time zone). The replay uses only `.connection`."""
    from django.db import connections
    from django.db.utils import load_backend

    base = dict(connections["default"].settings_dict)
    base.update(copy.deepcopy(dict(settings_dict)))
    if name is not None:
        base["NAME"] = name
    backend = load_backend(base["ENGINE"])
    wrapper = backend.DatabaseWrapper(base, alias="samework")
    wrapper.ensure_connection()
    return wrapper


def _pg_admin(settings_dict: Mapping[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def clone(settings_dict: Mapping[str, Any], target: str, *, source: Any = None) -> str:
    """Copy the database of `settings_dict` to `target` (a file path on SQLite, a database
    name on PostgreSQL — dropped first if it exists) and return the target. SQLite copies
    page by page with the backup API (`source`: a live sqlite3 connection to copy from, e.g.
    an in-memory test database); PostgreSQL uses the database as a template (nobody may be
    connected to it meanwhile)."""
    if "sqlite" in settings_dict["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        src = source or sqlite3.connect(settings_dict["NAME"], uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            if source is None:
                src.close()
        return target
    with _pg_admin(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(
            f'CREATE DATABASE "{target}" TEMPLATE "{settings_dict["NAME"]}" STRATEGY FILE_COPY'
        )
    return target


def disconnect_others(settings_dict: Mapping[str, Any]) -> int:
    """End every other session of the PostgreSQL database of `settings_dict` (a template
    copy needs it unused); returns how many. For a test database only: the sessions a
    test run's earlier threads left open."""
    if "sqlite" in settings_dict["ENGINE"]:
        return 0
    with _pg_admin(settings_dict) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings_dict["NAME"]],
        ).fetchall()
    return len(rows)


def drop(settings_dict: Mapping[str, Any], target: str) -> None:
    if "sqlite" in settings_dict["ENGINE"]:
        for suffix in ("", "-wal", "-shm", ".writers"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    with _pg_admin(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def ensure_database(settings_dict: Mapping[str, Any]) -> None:
    """Create the PostgreSQL database named by the settings if it does not exist."""
    if "sqlite" in settings_dict["ENGINE"]:
        return
    with _pg_admin(settings_dict) as admin:
        name = settings_dict["NAME"]
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def tables(raw: Any, vendor: str) -> list[str]:
    cur = raw.cursor()
    if vendor == "sqlite":
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'"
        )
    else:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(r[0] for r in cur.fetchall())


def table_counts(raw: Any, vendor: str) -> dict[str, int]:
    """Rows per table: the end state the floor must reach (sqlite_sequence included)."""
    cur = raw.cursor()
    counts = {}
    for name in tables(raw, vendor):
        cur.execute(f'SELECT count(*) FROM "{name}"')
        counts[name] = int(cur.fetchone()[0])
    return counts


def table_contents(raw: Any, vendor: str) -> dict[str, list[str]]:
    """Every row of every table, as sorted text: for small databases (the test)."""
    cur = raw.cursor()
    out = {}
    for name in tables(raw, vendor):
        cur.execute(f'SELECT * FROM "{name}"')
        out[name] = sorted(repr(tuple(r)) for r in cur.fetchall())
    return out


def count_differences(*states: Mapping[str, int]) -> list[str]:
    """Tables whose row counts differ between end states, with the counts."""
    names = sorted(set().union(*states))
    return [
        f"{name}: {' / '.join(str(s.get(name)) for s in states)}"
        for name in names
        if len({s.get(name) for s in states}) > 1
    ]


# -- CPU ---------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used: a PostgreSQL backend's, read from
    /proc (clock ticks of 10 ms: read over many items)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid(raw: Any, vendor: str) -> int | None:
    """The PostgreSQL server process serving a driver connection (None on SQLite)."""
    return int(raw.info.backend_pid) if vendor == "postgresql" else None


# -- the registration's cars -------------------------------------------------------------

KINDS = {
    "new": "a car of 3 new people",
    "known": "a car of 3 known people",
    "join": "a car whose people join open cases",
}
CHECKPOINT = "BENCH"
DAY = datetime.date(2020, 2, 3)  # the demo county's day
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强海燕"
_HUBEI = ["420102", "420103", "420106", "420111", "420902", "421002", "421102"]
_LOCAL = "370921"
_SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _person(rng: random.Random, region: str, destination: str) -> dict[str, Any]:
    from fangkong.core.idnumber import make_id_number

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 60))
    hubei = region.startswith("42")
    return {
        "name": rng.choice(_SURNAMES)
        + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2))),
        "id_number": make_id_number(region, born, rng.randrange(100), rng.choice("MF")),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        "temperature": 36.5,
        "origin": rng.choice(["武汉", "湖北省武汉市", "湖北孝感"]) if hubei else "泰安",
        "destination": destination,
        "travel_history": [],
        "symptoms": [],
    }


def _townships() -> list[str]:
    from fangkong.org.models import Township

    return sorted(Township.objects.values_list("name", flat=True))


def _pool(kind: str, size: int) -> list[dict[str, Any]]:
    """The people of the known (local) and joining (Hubei, with open cases) pools: the same
    for a given size, so cars built later send exactly what prepare() registered."""
    rng = random.Random(f"pool-{kind}")
    places = _townships()
    region = (lambda: _LOCAL) if kind == "known" else (lambda: rng.choice(_HUBEI))
    people: dict[str, dict[str, Any]] = {}
    while len(people) < size:
        p = _person(rng, region(), rng.choice(places))
        people.setdefault(p["id_number"], p)
    return list(people.values())


def _car(rng: random.Random, occupants: list[dict[str, Any]], at: datetime.datetime) -> dict:
    hubei = occupants[0]["id_number"].startswith("42")
    return {
        "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "checkpoint": CHECKPOINT,
        "direction": "in",
        "occurred_at": at.isoformat(),
        "plate": ("鄂A" if hubei else "鲁J") + f"{rng.randrange(10000, 99999)}",
        "vehicle_type": "car",
        "occupants": occupants,
    }


def prepare(*, known: int = 300, joining: int = 300) -> dict[str, str]:
    """The bench's checkpoint, its officer and device token, and two pools of people
    registered through passage_register the day before: `known` local people (their later
    cars change nothing about them) and `joining` people from Hubei whose cases are open.
    Run once on the database every copy is taken from. Returns the device token."""
    from fangkong.accounts.services import user_create
    from fangkong.checkpoints import services

    cp = services.checkpoint_create(
        code=CHECKPOINT,
        name="基准检查站",
        road="G104",
        opened_on=datetime.date(2020, 1, 1),
        by=None,
    )
    user = user_create(
        username="bench", password="Bench-pass-2020", role="checkpoint", by=None,
        check_password=False,
    )  # fmt: skip
    services.checkpoint_post(user=user, checkpoint=cp, by=None)
    _token, raw = services.token_create(checkpoint=cp, user=user, by=None)
    rng = random.Random("prepare")
    at = datetime.datetime.combine(DAY - datetime.timedelta(days=1), datetime.time(9), _SHANGHAI)
    for kind, size in (("known", known), ("join", joining)):
        pool = _pool(kind, size)
        for i in range(0, len(pool), 3):
            at += datetime.timedelta(seconds=30)
            services.passage_register(
                data=passage_input(_car(rng, pool[i : i + 3], at), cp), by=user
            )
    return {"token": raw}


def car_specs(
    kind: str, count: int, *, seed: int, hour: int, pool: int = 300, spacing: float = 5.0
) -> list[dict]:
    """`count` cars of `kind` as API bodies (dicts), one every `spacing` seconds from `hour`
    on DAY, with fresh client ids; for "new", people nobody has registered yet (ID numbers
    not in the database). The same cars for the same arguments and database."""
    from fangkong.people.models import Person

    rng = random.Random(f"{kind}-{seed}")
    start = datetime.datetime.combine(DAY, datetime.time(hour), _SHANGHAI)
    cars = []
    if kind == "new":
        places = _townships()
        wanted = [_person(rng, rng.choice(_HUBEI), rng.choice(places)) for _ in range(count * 4)]
        taken = set(
            Person.objects.filter(id_number__in=[p["id_number"] for p in wanted]).values_list(
                "id_number", flat=True
            )
        )
        fresh: dict[str, dict[str, Any]] = {}
        for p in wanted:
            if p["id_number"] not in taken:
                fresh.setdefault(p["id_number"], p)
        people = list(fresh.values())
        if len(people) < 3 * count:
            raise RuntimeError("not enough fresh ID numbers")
        groups = [people[3 * i : 3 * i + 3] for i in range(count)]
    else:
        members = _pool(kind, pool)
        groups = [rng.sample(members, 3) for _ in range(count)]
    for i, group in enumerate(groups):
        cars.append(_car(rng, group, start + datetime.timedelta(seconds=spacing * i)))
    return cars


def passage_input(spec: Mapping[str, Any], checkpoint: Any) -> Any:
    """The PassageInput the API builds from the same body (a device's registration)."""
    from fangkong.checkpoints.services import OccupantInput, PassageInput

    return PassageInput(
        checkpoint=checkpoint,
        client_id=uuid.UUID(spec["client_id"]),
        direction=spec["direction"],
        occurred_at=datetime.datetime.fromisoformat(spec["occurred_at"]),
        plate=spec["plate"],
        vehicle_type=spec["vehicle_type"],
        source="device",
        occupants=[OccupantInput(**o) for o in spec["occupants"]],
    )
