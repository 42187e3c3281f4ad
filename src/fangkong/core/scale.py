"""Synthetic data the size of a city or a province: `fangkong demo --scale city|province`.

The demo county (core/demo.py) is built first, through the services, so the organisation,
the users and a county's worth of records obey every rule. Each app's `scale.py` then adds
the bulk of a larger area with `build(ctx: ScaleContext)`, in INSTALLED_APPS order: rows
written straight into the tables in large chunks (COPY on PostgreSQL, executemany on
SQLite), because the services write and audit row by row — right for people at work, far
too slow for millions of rows.

What keeps the bulk rows honest:
- they carry every column the services set, the derived ones too (local days and hours,
  pinyin and initials, flag codes, the region of an ID number or a plate), with valid ID
  numbers, real region codes and the county's own townships and villages;
- the pre-aggregated counts are written from the same rows in the same run, so every
  figure equals a count made from the rows;
- each chunk is one audit entry (what was written, how many rows, which ids), appended to
  the hash chain like any other, so `fangkong audit verify` holds.

The same seed gives the same data.
"""

from __future__ import annotations

import datetime
import functools
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from fangkong.core.apps import app_modules, run_builds
from fangkong.core.clock import SHANGHAI
from fangkong.core.demo import DemoContext, build_demo
from fangkong.core.pinyin import name_pinyin


@dataclass(frozen=True)
class Size:
    """How much a scale adds on top of the demo county (which is one of its counties).

    A province is built as its real cities and counties (`cities`: the first so many of
    山东's 16, 泰安 always among them; `per_city`: at most so many counties a city besides
    the demo county, 0 for all): `counties` is then what was built, the demo county too.
    """

    counties: int
    persons: int
    cases: int
    passages: int
    days: int = 60
    cities: int = 16
    per_city: int = 0

    def replace(self, **changes: int | None) -> Size:
        values = {k: v for k, v in changes.items() if v is not None}
        return Size(**{**self.__dict__, **values})


# A province of 137 counties (山东's 16 cities, all their counties) over 60 days: 1,000,000
# persons, 100,000 returnees under verification or quarantine, 5,000,000 passages at three
# checkpoints a county (about 200 vehicles a checkpoint a day). A city is 6 counties of
# 泰安, built through the services (command/counties.py), without bulk volume.
SIZES: dict[str, Size] = {
    "city": Size(counties=6, persons=150_000, cases=15_000, passages=750_000),
    "province": Size(counties=137, persons=1_000_000, cases=100_000, passages=5_000_000),
}
SCALES = ("county", *SIZES)
START = datetime.date(2020, 1, 24)  # the first-level response; the scale's first day


def last_day(size: Size) -> datetime.date:
    return START + datetime.timedelta(days=size.days - 1)


class BulkWriter:
    """Rows into one table, chunk by chunk, each chunk one transaction and one audit entry.

    Values are Python ints, floats, strs, bools and None, with dates and times already as
    text (see `stamp`), so SQLite takes them as they are and PostgreSQL's COPY parses them.
    """

    def __init__(self, *, chunk: int = 100_000, log: Callable[[str], None] = print) -> None:
        self.chunk = chunk
        self.log = log
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, int] = {}
        self._dropped: dict[str, list[tuple[str, str]]] = {}

    def next_id(self, model: type[models.Model]) -> int:
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        return int(last or 0) + 1

    def stamp(self, moment: datetime.datetime) -> str:
        """An aware datetime as the text the backend stores (UTC)."""
        return _stamp(int(moment.timestamp()), self.postgres)

    def write(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        label: str,
        quiet: bool = False,
    ) -> int:
        """Write `rows` (tuples in the order of `columns`, `id` first) into `model`'s table."""
        table = model._meta.db_table
        expected = {f.column for f in model._meta.concrete_fields}
        if set(columns) != expected:
            # Every column, so that no derived column is silently left empty.
            raise ValueError(f"{table}: columns differ by {sorted(expected ^ set(columns))}")
        self._drop_indexes(table)
        total = 0
        iterator = iter(rows)
        began = time.monotonic()
        while True:
            batch = list(islice(iterator, self.chunk))
            if not batch:
                break
            with transaction.atomic():
                self._insert(table, columns, batch)
                self._audit(model, columns, batch, label)
            total += len(batch)
        self.written[model._meta.label_lower] = self.written.get(model._meta.label_lower, 0) + total
        if total and not quiet:
            seconds = time.monotonic() - began
            self.log(f"    {label}: {total:,} rows in {seconds:.1f}s")
        return total

    def objects(self, objs: Sequence[models.Model], *, label: str) -> list[models.Model]:
        """Small tables through the ORM's bulk_create (ids come back), audited per chunk."""
        if not objs:
            return []
        model = type(objs[0])
        created: list[models.Model] = []
        for i in range(0, len(objs), self.chunk):
            with transaction.atomic():
                part = model._default_manager.bulk_create(objs[i : i + self.chunk], batch_size=500)
                ids = [o.pk for o in part]
                _audit_chunk(model, len(part), ids[0], ids[-1], label)
            created += part
        return created

    def _insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)

    def _audit(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        label: str,
    ) -> None:
        first = last = None
        if columns[0] == "id":
            first, last = rows[0][0], rows[-1][0]
        _audit_chunk(model, len(rows), first, last, label)

    def _drop_indexes(self, table: str) -> None:
        """Secondary indexes go while the rows go in and are built again by `finish`: one
        sorted build is many times faster than millions of random inserts into B-trees."""
        if table in self._dropped:
            return
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                    "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            indexes = [(str(name), str(sql)) for name, sql in cursor.fetchall()]
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self._dropped[table] = indexes

    def finish(self) -> None:
        """Build the dropped indexes again and move PostgreSQL's sequences past the ids."""
        began = time.monotonic()
        if self.postgres and connection.in_atomic_block:
            # Inside one transaction (tests) the deferred foreign-key checks are still
            # pending, and PostgreSQL builds no index on a table with pending checks.
            connection.check_constraints()
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET maintenance_work_mem = '512MB'")
            while self._dropped:
                _table, indexes = self._dropped.popitem()
                for _name, sql in indexes:
                    cursor.execute(sql)
        self.log(f"    索引 indexes: {time.monotonic() - began:.1f}s")
        self.reset_sequences()

    def reset_sequences(self) -> None:
        """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
        if not self.postgres:
            return
        sql = connection.ops.sequence_reset_sql(no_style(), list(apps.get_models()))
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _audit_chunk(model: type[models.Model], rows: int, first: Any, last: Any, label: str) -> None:
    from fangkong.core.audit import audit_bulk

    ids = f"{first}-{last}" if first is not None else ""
    audit_bulk(
        actor=None,
        action="create",
        items=[
            (
                model._meta.label_lower,
                ids,
                f"规模数据：{label} {rows} 条",
                {"rows": rows, "first_id": first, "last_id": last, "generator": "scale"},
            )
        ],
    )


@functools.lru_cache(maxsize=200_000)
def _stamp(epoch: int, postgres: bool) -> str:
    text = datetime.datetime.fromtimestamp(epoch, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return text + "+00" if postgres else text


@functools.cache
def pinyin_of(name: str) -> tuple[str, str]:
    """name_pinyin, remembered: a million names repeat a few hundred thousand spellings."""
    return name_pinyin(name)


@dataclass
class ScaleContext:
    size: Size
    rng: random.Random
    demo: DemoContext
    writer: BulkWriter
    log: Callable[[str], None] = print
    data: dict[str, Any] = field(default_factory=dict)
    _hours: dict[tuple[datetime.date, int], str] = field(default_factory=dict)

    @property
    def start(self) -> datetime.date:
        return START

    @property
    def last(self) -> datetime.date:
        return last_day(self.size)

    @property
    def days(self) -> list[datetime.date]:
        return [START + datetime.timedelta(days=i) for i in range(self.size.days)]

    def at(self, day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> str:
        """A local (Asia/Shanghai) moment of `day`, as the text the backend stores (UTC)."""
        prefix = self._hours.get((day, hour))
        if prefix is None:
            local = datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)
            utc = local.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:")
            prefix = self._hours[(day, hour)] = utc
        text = f"{prefix}{minute:02d}:{second:02d}"
        return text + "+00" if self.writer.postgres else text


def build_scale(
    scale: str,
    *,
    seed: int = 2020,
    log: Callable[[str], None] = print,
    chunk: int = 100_000,
    **overrides: int | None,
) -> ScaleContext:
    """Build the demo county, then the rest of the area: for a city its other counties, each
    a county of its own (issue 18: each app's `counties.py`, `build_city`); for a province
    its cities and counties, then the bulk of their records (`grow`)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: one of {', '.join(SCALES)}")
    demo = build_demo(seed=seed, log=log)
    if scale == "city":
        for _config, module in app_modules("counties"):
            module.build_city(demo)
        return ScaleContext(
            size=Size(counties=6, persons=0, cases=0, passages=0, days=0),
            rng=random.Random(seed + 1),
            demo=demo,
            writer=BulkWriter(chunk=chunk, log=log),
            log=log,
        )
    return grow(scale, demo=demo, seed=seed, log=log, chunk=chunk, **overrides)


def grow(
    scale: str,
    *,
    demo: DemoContext,
    seed: int = 2020,
    log: Callable[[str], None] = print,
    chunk: int = 100_000,
    **overrides: int | None,
) -> ScaleContext:
    """Add the rest of a province to a database holding the demo county: its cities and
    counties (FANGKONG_AREA_CODE=37), then each app's bulk rows into them."""
    size = SIZES.get(scale, Size(counties=1, persons=0, cases=0, passages=0, days=0))
    size = size.replace(**overrides)
    ctx = ScaleContext(
        size=size,
        rng=random.Random(seed + 1),
        demo=demo,
        writer=BulkWriter(chunk=chunk, log=log),
        log=log,
    )
    if scale not in SIZES:
        return ctx
    if scale == "province":
        ctx.size = size = size.replace(counties=_build_province(ctx) + 1)
    log(
        f"规模数据 {scale}: {size.counties} 个县, {size.persons:,} 人, {size.cases:,} 名返乡人员, "
        f"{size.passages:,} 条通行记录, {size.days} 天"
    )
    with _fast_writes():
        try:
            run_builds("scale", ctx, log)
        finally:
            ctx.writer.finish()
    with connection.cursor() as cursor:
        if ctx.writer.postgres and not connection.in_atomic_block:
            # The visibility map too, as autovacuum would in time: index-only scans need it.
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    return ctx


def _build_province(ctx: ScaleContext) -> int:
    """The province's cities and counties, each its own, through the services (command/
    counties.py, `build_province`); their checkpoints, in order, are where the bulk passages
    and duty officers go: ctx.data["checkpoints"], (checkpoint id, unit id) pairs. Returns
    how many counties were built beside the demo county."""
    began = time.monotonic()
    counties: list[Any] = []
    for _config, module in app_modules("counties"):
        counties = module.build_province(
            ctx.demo, cities=ctx.size.cities, per_city=ctx.size.per_city
        )
    ctx.data["counties"] = counties
    ctx.data["checkpoints"] = [
        (cp.pk, cp.unit_id) for county in counties for cp in county.checkpoints
    ]
    ctx.log(
        f"  区划 areas: {len({c.city for c in counties})} 个市, {len(counties)} 个县: "
        f"{time.monotonic() - began:.1f}s"
    )
    return len(counties)


class _fast_writes:
    """SQLite: a bigger page cache and no fsync per commit while the data is generated (a
    crash mid-way leaves a database to rebuild, not one to trust). Inside a transaction
    (tests) the safety level cannot change and is left alone."""

    def __enter__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.sync = self.sqlite and not connection.in_atomic_block
        if self.sqlite:
            with connection.cursor() as cursor:
                if self.sync:
                    cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-1000000")

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            with connection.cursor() as cursor:
                if self.sync:
                    cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-64000")
