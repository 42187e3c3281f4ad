"""Writing many validated rows at once, for the bulk services (list imports, the demo).

Django's `bulk_create` builds SQL and converts values per object and field: it was most of
an import's time. Here each table gets one `executemany` of plain tuples (SQLite reuses one
prepared statement, psycopg pipelines the rows — three times faster there than multi-row
VALUES statements), and primary keys can be reserved in advance so that rows of several
tables can refer to each other before any is written. Values must already be valid: the
services calling this validate every row first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from fangkong.core.fields import model_field
from fangkong.core.jsontext import unescaped

BATCH = 5000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """Reserve n primary keys of `model`. Call inside the transaction that inserts the rows
    (on SQLite it holds the write lock, so nobody else takes the same keys)."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        cursor.execute(f'SELECT MAX("id") FROM "{table}"')
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
    return list(range(start, start + n))


class _Memo(dict[Any, Any]):
    """The same few dates and timestamps recur on every row: adapt each once. Read as
    `memo[value]` (the dict's own look-up; a miss adapts the value and keeps it)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, value: Any) -> Any:
        adapted = self[value] = self.fn(value)
        return adapted


# Fields whose values the database's operations adapt (a DateTimeField is a DateField).
_ADAPTED = (models.DateField, models.JSONField, models.DecimalField, models.UUIDField)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if not isinstance(field, _ADAPTED):
        return None  # most columns: without a look-up of the connection for each
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return _Memo(ops.adapt_datetimefield_value).__getitem__
    if isinstance(field, models.DateField):
        return _Memo(ops.adapt_datefield_value).__getitem__
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if connection.vendor == "sqlite" and encoder is None:
            # What adapt_json_value does, without escaping every Chinese character.
            return unescaped
        return lambda value: ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda value: value.hex
    return None


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ids: Sequence[int] | None = None,
) -> None:
    """INSERT `rows`, each a tuple of Python values for `fields` (attnames, e.g. "case_id"),
    with `ids` as their primary keys when given (see reserve_ids). Columns not named are
    NULL: name every column without a null default."""
    if not rows:
        return
    opts = model._meta
    objs = [model_field(model, name) for name in fields]
    columns: list[str] = [str(f.column) for f in objs]
    shift = 0
    if ids is not None:
        columns.insert(0, str(opts.pk.column))
        shift = 1
        if len(ids) != len(rows):
            raise ValueError(f"{len(ids)} ids for {len(rows)} rows")
    adapters = [(i + shift, fn) for i, f in enumerate(objs) if (fn := _adapter(f)) is not None]
    values: Sequence[Sequence[Any]]
    if adapters:
        # Column by column: one pass over each adapted column, rows rebuilt by zip (the
        # ids, when given, as the first column).
        cols: list[Sequence[Any]] = list(zip(*rows, strict=True))
        if ids is not None:
            cols.insert(0, ids)
        for i, fn in adapters:
            cols[i] = [None if v is None else fn(v) for v in cols[i]]
        values = list(zip(*cols, strict=True))
    elif ids is not None:
        values = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
    else:
        values = rows
    insert_values(opts.db_table, columns, values)


def insert_values(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT rows of values already in the database's form, in batches of BATCH (on
    PostgreSQL with COPY, which measured several times faster than pipelined INSERTs)."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        # The driver's cursor, past Django's wrapper: its errors are made Django's here (a
        # unique violation is an IntegrityError the caller can catch, as for an INSERT).
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(sql) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    key: str,
    values: Iterable[Any],
    *,
    extra: tuple[str, Sequence[Any]] = ("", ()),
) -> list[tuple[Any, ...]]:
    """SELECT `columns` of the rows whose `key` column is one of `values` (plain values of
    the column's type), in batches; `extra` adds SQL conditions with their parameters.
    For bulk look-ups: the ORM prepares each value of an IN list one by one."""
    qn = connection.ops.quote_name
    head = f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)} "
    sql_extra, extra_params = extra
    wanted = list(values)
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), 2000):
            part = wanted[start : start + 2000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"{head}WHERE {qn(key)} IN ({marks}){sql_extra}", [*part, *extra_params])
            found.extend(cursor.fetchall())
    return found
