"""Counts the database keeps itself: row triggers add every insert, update and delete of a
source table into a small table of sums, keyed by a few of the source's columns, in the
same transaction as the write.

Used where the day's figures must not scan history (issue #7: the dashboard at province
scale) and where many writers touch the source — services, bulk list imports, the scale
generator, purges, the admin. A trigger cannot be forgotten by any of them.

Keys that may be NULL in the source are stored with a sentinel (a date far in the past or
future, township 0), so that a plain unique constraint serves the upsert on SQLite and
PostgreSQL alike, and so that the same date filters apply to source and sums: an opening
day "before everything", a start or end "after everything". Rows whose sums fall to zero
are deleted, so the table holds only the combinations that exist.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NEVER_BEFORE = datetime.date(1, 1, 1)  # an opening day that was never recorded
NEVER = datetime.date(9999, 12, 31)  # a start or an end that has not come


@dataclass(frozen=True)
class Key:
    column: str  # same name in source and sums
    null_as: int | datetime.date | None = None  # sentinel stored for NULL


@dataclass(frozen=True)
class Rollup:
    name: str  # names the trigger(s) and, on PostgreSQL, the function
    source: str  # table written by the application
    target: str  # table of sums
    keys: tuple[Key, ...]
    sums: tuple[tuple[str, str], ...]  # (sum column, source column or "1" to count rows)

    # ------------------------------------------------------------------ SQL pieces

    def _literal(self, value: int | datetime.date, vendor: str) -> str:
        if isinstance(value, datetime.date):
            return (
                f"DATE '{value.isoformat()}'"
                if vendor == "postgresql"
                else f"'{value.isoformat()}'"
            )
        return str(int(value))

    def _key(self, row: str, key: Key, vendor: str) -> str:
        ref = f"{row}.{key.column}" if row else key.column
        if key.null_as is None:
            return ref
        return f"COALESCE({ref}, {self._literal(key.null_as, vendor)})"

    def _value(self, row: str, expr: str) -> str:
        return "1" if expr == "1" else f"{row}.{expr}"

    def _columns(self) -> str:
        return ", ".join([k.column for k in self.keys] + [s for s, _e in self.sums])

    def _add(self, row: str, vendor: str) -> str:
        values = [self._key(row, k, vendor) for k in self.keys]
        values += [self._value(row, e) for _s, e in self.sums]
        keys = ", ".join(k.column for k in self.keys)
        sets = ", ".join(f"{s} = {self.target}.{s} + excluded.{s}" for s, _e in self.sums)
        return (
            f"INSERT INTO {self.target} ({self._columns()}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )

    def _match(self, row: str, vendor: str) -> str:
        return " AND ".join(f"{k.column} = {self._key(row, k, vendor)}" for k in self.keys)

    def _subtract(self, row: str, vendor: str) -> list[str]:
        sets = ", ".join(f"{s} = {s} - {self._value(row, e)}" for s, e in self.sums)
        zero = " AND ".join(f"{s} = 0" for s, _e in self.sums)
        return [
            f"UPDATE {self.target} SET {sets} WHERE {self._match(row, vendor)}",
            f"DELETE FROM {self.target} WHERE {self._match(row, vendor)} AND {zero}",
        ]

    def _watched(self) -> list[str]:
        cols = [k.column for k in self.keys] + [e for _s, e in self.sums if e != "1"]
        return list(dict.fromkeys(cols))

    def _changed(self, vendor: str) -> str:
        op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in self._watched())

    # ------------------------------------------------------------------ statements

    def _add_grouped(self, rows: str, vendor: str) -> str:
        """The sums of a set of rows added, one upsert per combination of keys."""
        keys = [self._key("", k, vendor) for k in self.keys]
        sums = ["COUNT(*)" if e == "1" else f"SUM({e})" for _s, e in self.sums]
        columns = ", ".join(k.column for k in self.keys)
        sets = ", ".join(f"{s} = {self.target}.{s} + excluded.{s}" for s, _e in self.sums)
        return (
            f"INSERT INTO {self.target} ({self._columns()}) "
            f"SELECT {', '.join(keys + sums)} FROM {rows} GROUP BY {', '.join(keys)} "
            f"ON CONFLICT ({columns}) DO UPDATE SET {sets}"
        )

    def install_sql(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            subtract = ";\n    ".join(self._subtract("OLD", vendor))
            # Inserts are summed per statement, from its new rows (a transition table): a
            # COPY of 5,000 cases makes a few upserts, not 5,000.
            return [
                f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    {subtract};\n  END IF;\n"
                f"  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    {self._add('NEW', vendor)};\n"
                f"  END IF;\n  RETURN NULL;\nEND $$",
                f"CREATE OR REPLACE FUNCTION {self.name}_ins() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"  {self._add_grouped('new_rows', vendor)};\n  RETURN NULL;\nEND $$",
                f"CREATE TRIGGER {self.name}_ins AFTER INSERT ON {self.source} "
                f"REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {self.name}_ins()",
                f"CREATE TRIGGER {self.name}_upd AFTER UPDATE OF {', '.join(self._watched())} "
                f"ON {self.source} FOR EACH ROW WHEN ({self._changed(vendor)}) "
                f"EXECUTE FUNCTION {self.name}()",
                f"CREATE TRIGGER {self.name}_del AFTER DELETE ON {self.source} "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}()",
            ]
        if vendor != "sqlite":
            raise NotImplementedError(vendor)
        subtract = "; ".join(self._subtract("OLD", vendor))
        return [
            f"CREATE TRIGGER {self.name}_ins AFTER INSERT ON {self.source} "
            f"BEGIN {self._add('NEW', vendor)}; END",
            f"CREATE TRIGGER {self.name}_upd AFTER UPDATE OF {', '.join(self._watched())} "
            f"ON {self.source} WHEN {self._changed(vendor)} "
            f"BEGIN {subtract}; {self._add('NEW', vendor)}; END",
            f"CREATE TRIGGER {self.name}_del AFTER DELETE ON {self.source} BEGIN {subtract}; END",
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [
                *(
                    f"DROP TRIGGER IF EXISTS {self.name}_{op} ON {self.source}"
                    for op in ("ins", "upd", "del")
                ),
                f"DROP FUNCTION IF EXISTS {self.name}()",
                f"DROP FUNCTION IF EXISTS {self.name}_ins()",
            ]
        return [f"DROP TRIGGER IF EXISTS {self.name}_{op}" for op in ("ins", "upd", "del")]

    def backfill_sql(self, vendor: str) -> list[str]:
        """Sums of the rows already there (for databases that had data before the rollup)."""
        keys = [self._key("", k, vendor) for k in self.keys]
        sums = ["COUNT(*)" if e == "1" else f"SUM({e})" for _s, e in self.sums]
        return [
            f"DELETE FROM {self.target}",
            f"INSERT INTO {self.target} ({self._columns()}) SELECT {', '.join(keys + sums)} "
            f"FROM {self.source} GROUP BY {', '.join(keys)}",
        ]

    # ------------------------------------------------------------------ bulk inserts

    def insert_counted(
        self, fields: Sequence[str], rows: Sequence[Sequence[Any]], insert: Callable[[], None]
    ) -> None:
        """A bulk insert into the source (`insert()` writes `rows`, values of `fields`),
        inside its transaction. On SQLite the per-row trigger's upsert cost twice the insert
        itself: the insert trigger is dropped, the rows inserted, their sums added with one
        upsert per combination of keys (`add_inserted`) and the trigger re-created — all in
        the transaction, which holds the write lock: no other connection writes, or sees the
        table without its trigger. PostgreSQL's insert trigger already sums per statement
        (from the statement's new rows)."""
        if not connection.in_atomic_block:
            raise RuntimeError("insert_counted needs a transaction")
        if connection.vendor != "sqlite":
            insert()
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {self.name}_ins")
        insert()
        self.add_inserted(fields, rows)
        with connection.cursor() as cursor:
            cursor.execute(self.install_sql("sqlite")[0])

    def add_inserted(self, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Add rows inserted into the source while its insert trigger was off (SQLite, see
        insert_counted): `fields` names the values of each row (source columns; a key column
        not named is NULL); the sums are added as the trigger would, one upsert per
        combination of keys."""
        if not rows:
            return
        position = {name: i for i, name in enumerate(fields)}
        keyed = [k for k in self.keys if k.column in position]
        summed = [e for _s, e in self.sums if e != "1"]
        picks = [position[k.column] for k in keyed] + [position[e] for e in summed]
        if not picks:
            raise ValueError("add_inserted: no key column among the fields")
        # Rows grouped by what the sums depend on: itemgetter and Counter, no Python per row.
        groups = Counter(map(itemgetter(*picks), rows))
        totals: dict[tuple[Any, ...], list[Any]] = {}
        for group, count in groups.items():
            picked = dict(
                zip(
                    [k.column for k in keyed] + summed,
                    group if len(picks) > 1 else (group,),
                    strict=True,
                )
            )
            key = tuple(k.null_as if (v := picked.get(k.column)) is None else v for k in self.keys)
            add = [count if e == "1" else picked[e] * count for _s, e in self.sums]
            if key in totals:
                totals[key] = [a + b for a, b in zip(totals[key], add, strict=True)]
            else:
                totals[key] = add
        ops = connection.ops
        adapt = [
            ops.adapt_datefield_value if isinstance(k.null_as, datetime.date) else None
            for k in self.keys
        ]
        values = [
            [fn(v) if fn else v for fn, v in zip(adapt, key, strict=True)] + total
            for key, total in totals.items()
        ]
        keys = ", ".join(k.column for k in self.keys)
        sets = ", ".join(f"{s} = {self.target}.{s} + excluded.{s}" for s, _e in self.sums)
        marks = ", ".join(["%s"] * (len(self.keys) + len(self.sums)))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.target} ({self._columns()}) VALUES ({marks}) "
                f"ON CONFLICT ({keys}) DO UPDATE SET {sets}",
                values,
            )

    # ------------------------------------------------------------------ migrations

    def install(self, apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        vendor = schema_editor.connection.vendor
        for sql in [*self.drop_sql(vendor), *self.install_sql(vendor), *self.backfill_sql(vendor)]:
            schema_editor.execute(sql)

    def reinstall(self, apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        """The triggers as this code writes them, the sums kept (no backfill)."""
        vendor = schema_editor.connection.vendor
        for sql in [*self.drop_sql(vendor), *self.install_sql(vendor)]:
            schema_editor.execute(sql)

    def uninstall(self, apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for sql in self.drop_sql(schema_editor.connection.vendor):
            schema_editor.execute(sql)
