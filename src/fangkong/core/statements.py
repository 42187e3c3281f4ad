"""Statements of hot paths written once and re-bound: the SQL of a read by key or of an
INSERT of a few model objects, built once per process (per database alias, vendor, model
and shape) instead of compiled by the ORM on every call (issue #19).

A registration sends about fifteen statements; compiling them through the ORM cost more CPU
than SQLite took to run them. What is kept here is only SQL text, column names and value
converters — nothing of the data — so it never goes stale: the schema does not change while
a process runs.

- `fetch(model, where, params)`: model objects of the rows matching a written-out WHERE, all
  concrete columns, converted as the ORM converts them (`Model.from_db`, the database's and
  the fields' converters). Parameters must already be in the database's form (dates through
  `connection.ops.adapt_datefield_value`; strings and integers as they are).
- `insert(objs)`: one INSERT … RETURNING of new objects of one model, their values prepared
  as `Model.save` prepares them (`pre_save`, then text and numbers as they are, datetimes,
  dates and JSON by the connection's adapter as `get_db_prep_save` would, anything else by
  `get_db_prep_save`), their ids set on them (`inserted`, also for written-out INSERTs). With
  `conflict=<column>` (one object) a row whose value of that unique column exists is
  skipped (ON CONFLICT DO NOTHING, SQLite ≥ 3.35 and PostgreSQL): nothing is returned.

Both are for rows already validated by their service (constraints are the database's); no
signals are sent (fangkong connects none to these models).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import Expression

M = TypeVar("M", bound=models.Model)

_readers: dict[tuple[str, str, type[models.Model]], tuple[str, list[str], list[Any]]] = {}
_Prep = Callable[[models.Field[Any, Any], Any, Any], Any]
_inserts: dict[
    tuple[Any, ...], tuple[str, list[tuple[models.Field[Any, Any], frozenset[type], _Prep]]]
] = {}


def _reader(db: Any, model: type[models.Model]) -> tuple[str, list[str], list[Any]]:
    key = (db.alias, db.vendor, model)
    hit = _readers.get(key)
    if hit is None:
        qn = db.ops.quote_name
        fields = list(model._meta.concrete_fields)
        table = model._meta.db_table
        head = (
            f"SELECT {', '.join(f'{qn(table)}.{qn(f.column)}' for f in fields)} FROM {qn(table)} "
        )
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(table)
            found = db.ops.get_db_converters(col) + col.get_db_converters(db)
            if found:
                converters.append((i, col, found))
        hit = (head, [f.attname for f in fields], converters)
        _readers[key] = hit
    return hit


def fetch(model: type[M], where: str, params: Sequence[Any] = ()) -> list[M]:
    """Objects of `model` whose rows match `where` (SQL after FROM the model's table: "WHERE
    … [ORDER BY …] [FOR UPDATE]"), with %s placeholders for `params`."""
    db = current()
    head, names, converters = _reader(db, model)
    with db.cursor() as cursor:
        cursor.execute(head + where, params)
        rows = cursor.fetchall()
    alias = db.alias
    out = []
    for row in rows:
        if converters:
            row = list(row)
            for i, col, fns in converters:
                value = row[i]
                for fn in fns:
                    value = fn(value, col, db)
                row[i] = value
        out.append(model.from_db(alias, names, row))
    return out


# Values passed as they are, as get_db_prep_save passes them: text for text columns,
# integers and booleans for integer and boolean ones (the keys of foreign keys): calling it
# per value, through the connection proxy, cost more than building the statement.
_TEXT: frozenset[type] = frozenset({str, type(None)})
_NUMBER: frozenset[type] = frozenset({int, bool, type(None)})
_OTHER: frozenset[type] = frozenset()


def _as_is(field: models.Field[Any, Any]) -> frozenset[type]:
    """The types of value `field` takes as they are."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.CharField | models.TextField):
        return _TEXT
    if isinstance(field, models.IntegerField | models.BooleanField):
        return _NUMBER
    return _OTHER


def _datetime(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    # An aware datetime: what DateTimeField.get_db_prep_save makes of it (to_python leaves
    # it, and only a naive one is warned about and made aware).
    if type(value) is datetime.datetime and value.utcoffset() is not None:
        return db.ops.adapt_datetimefield_value(value)
    return field.get_db_prep_save(value, db)


def _date(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    if type(value) is datetime.date:
        return db.ops.adapt_datefield_value(value)
    return field.get_db_prep_save(value, db)


def _json(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    # A plain list or dict: what JSONField.get_db_prep_save makes of it.
    if type(value) is list or type(value) is dict:
        return db.ops.adapt_json_value(value, field.encoder)  # type: ignore[attr-defined]
    return field.get_db_prep_save(value, db)


def _prep_save(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    return field.get_db_prep_save(value, db)


def _prep(field: models.Field[Any, Any]) -> _Prep:
    """How `field`'s values other than those passed as they are become the database's:
    the common ones by the connection's adapter, as get_db_prep_save would, without its
    chain of calls; anything else by get_db_prep_save."""
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.JSONField):
        return _json
    return _prep_save


def current() -> Any:
    """The connection object behind the `connection` proxy (django.db's default alias):
    looked up once per statement, not through the proxy (a thread-local look-up) for every
    attribute and value."""
    return connections[DEFAULT_DB_ALIAS]


def insert(objs: Sequence[M], *, conflict: str = "") -> list[M]:
    """INSERT new objects of one model with one statement; their ids are set from RETURNING.
    Returns the objects written: all of them, or with `conflict` (a unique column; one
    object) none when its value of that column is in the table already."""
    if not objs:
        return []
    if conflict and len(objs) > 1:
        raise ValueError("conflict: one object at a time (RETURNING names no skipped row)")
    model = type(objs[0])
    opts = model._meta
    db = current()
    key = (db.alias, db.vendor, model, len(objs), conflict)
    hit = _inserts.get(key)
    if hit is None:
        qn = db.ops.quote_name
        names = [f for f in opts.concrete_fields if f is not opts.pk]
        row = f"({', '.join(['%s'] * len(names))})"
        sql = (
            f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in names)}) "
            f"VALUES {', '.join([row] * len(objs))}"
            + (f" ON CONFLICT ({qn(conflict)}) DO NOTHING" if conflict else "")
            + f" RETURNING {qn(opts.pk.column)}"
        )
        hit = (sql, [(f, _as_is(f), _prep(f)) for f in names])
        _inserts[key] = hit
    sql, fields = hit
    params: list[Any] = []
    for obj in objs:
        for f, as_is, prep in fields:
            value = f.pre_save(obj, True)
            if type(value) in as_is or (str in as_is and isinstance(value, str)):
                params.append(value)  # what get_db_prep_save gives for these: the value
                continue
            if isinstance(value, Expression):  # a db_default left to the database
                raise ValueError(f"{opts.label}.{f.name}: give a value (db_default)")
            params.append(prep(f, value, db))
    return inserted(objs, sql, params)


def inserted(objs: Sequence[M], sql: str, params: Sequence[Any]) -> list[M]:
    """Run an INSERT … RETURNING id of `objs` (the values of each in order in `params`) and
    set their ids; returns the objects written (fewer when rows were skipped on conflict)."""
    db = current()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [r[0] for r in cursor.fetchall()]
    alias = db.alias
    for obj, pk in zip(objs, ids, strict=False):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return list(objs[: len(ids)])
