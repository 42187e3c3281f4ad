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
- `new(model, values)`: a new, unsaved object from the values of its concrete fields by
  attname (the others at their defaults), as `model(**values)` makes it — without
  `Model.__init__`'s sorting of keyword arguments when the model has no init signals
  connected (as unpickling makes one); related rows the caller holds are cached on it by
  `related`, as a query with select_related leaves them.
- `loaded(model, values)`: an object of a stored row of which some values are at hand, the
  other fields deferred (read when used), as `Model.from_db` makes it from part of a row.
- `insert(objs)`: one INSERT … RETURNING of new objects of one model, their values prepared
  as `Model.save` prepares them (`pre_save`, then text and numbers as they are, datetimes,
  dates and JSON by the connection's adapter as `get_db_prep_save` would, anything else by
  `get_db_prep_save`), their ids set on them (`inserted`, also for written-out INSERTs). With
  `conflict=<column>` (one object) a row whose value of that unique column exists is
  skipped (ON CONFLICT DO NOTHING, SQLite ≥ 3.35 and PostgreSQL): nothing is returned.

- `insert_rows(model, fields, rows)`: one INSERT of a few rows given as tuples of values,
  prepared as `insert` prepares them, for rows nobody reads back (no objects, no RETURNING).

- `cursor(db)`: a cursor kept for the connection, not made and closed for every statement
  of a hot path: Django's own while anything is to see the statements (an execute wrapper —
  the bench's recorder, the query-count pins — or the queries logged: DEBUG,
  CaptureQueriesContext), otherwise the driver's cursor behind it with what Django's wrapper
  does that matters (`Direct`: the driver's placeholders, a broken transaction refused, the
  driver's errors raised as django.db's).

Both are for rows already validated by their service (constraints are the database's); no
signals are sent (fangkong connects none to these models).
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState
from django.db.models.expressions import Expression
from django.db.models.signals import post_init, pre_init
from django.utils.dateparse import parse_datetime

from fangkong.core.jsontext import unescaped

M = TypeVar("M", bound=models.Model)

_readers: dict[tuple[Any, ...], tuple[str, list[str], list[Any]]] = {}
_Prep = Callable[[models.Field[Any, Any], Any, Any], Any]
_Get = Callable[[Any], Any]
_inserts: dict[
    tuple[Any, ...],
    tuple[str, list[tuple[_Get, models.Field[Any, Any], frozenset[type], _Prep]]],
] = {}
_layouts: dict[type[models.Model], list[tuple[str, Callable[[], Any]]]] = {}
_relations: dict[tuple[type[models.Model], str], Any] = {}


def _reader(
    db: Any, model: type[models.Model], only: tuple[str, ...] = ()
) -> tuple[str, list[str], list[Any]]:
    key = (db.alias, db.vendor, model, only)
    hit = _readers.get(key)
    if hit is None:
        qn = db.ops.quote_name
        fields = [
            f
            for f in model._meta.concrete_fields
            if not only or f.attname in only or f is model._meta.pk
        ]
        if only and len(fields) != len({*only, model._meta.pk.attname}):
            raise ValueError(f"{model._meta.label}: not all of {only} are columns (attnames)")
        table = model._meta.db_table
        head = (
            f"SELECT {', '.join(f'{qn(table)}.{qn(f.column)}' for f in fields)} FROM {qn(table)} "
        )
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(table)
            found = db.ops.get_db_converters(col) + col.get_db_converters(db)
            if db.vendor == "sqlite":
                # (Imported here: the backend's module is loaded only where it is used.)
                from django.db.backends.sqlite3.operations import DatabaseOperations

                django_own = DatabaseOperations.convert_datetimefield_value
                found = [
                    _sqlite_datetime if getattr(fn, "__func__", None) is django_own else fn
                    for fn in found
                ]
            if found:
                converters.append((i, col, found, _keeps_none(found, col, db)))
        hit = (head, [f.attname for f in fields], converters)
        _readers[key] = hit
    return hit


def _keeps_none(fns: Sequence[Any], col: Any, db: Any) -> bool:
    """Whether a column's converters give None for None (Django's all do: a date, a time, a
    boolean, JSON): then a NULL is not passed through them, row after row."""
    value = None
    try:
        for fn in fns:
            value = _sqlite_datetime(value, None) if fn is _sqlite_datetime else fn(value, col, db)
    except Exception:
        return False
    return value is None


def fetch(
    model: type[M], where: str, params: Sequence[Any] = (), *, only: tuple[str, ...] = ()
) -> list[M]:
    """Objects of `model` whose rows match `where` (SQL after FROM the model's table: "WHERE
    … [ORDER BY …] [FOR UPDATE]"), with %s placeholders for `params`. `only`: the columns
    to read (attnames; the primary key always), the other fields deferred — read from the
    database when first used — as `QuerySet.only` leaves them: for a caller that reads no
    more, never for one that hands the objects on to code that may."""
    db = current()
    head, names, converters = _reader(db, model, only)
    kept = cursor(db)
    kept.execute(head + where, params)
    rows = kept.fetchall()
    alias = db.alias
    plain = _plain_init(model) and model.from_db.__func__ is _FROM_DB  # type: ignore[attr-defined]
    out = []
    zone = db.timezone if converters else None  # None without USE_TZ
    for row in rows:
        if converters:
            row = list(row)
            for i, col, fns, keeps_none in converters:
                value = row[i]
                if value is None and keeps_none:
                    continue  # (most of a row's empty dates and times)
                for fn in fns:
                    if fn is _sqlite_datetime:  # (value, zone): see _reader
                        value = _sqlite_datetime(value, zone)
                    else:
                        value = fn(value, col, db)
                row[i] = value
        if plain:  # what Model.from_db makes of a whole row, as new() makes an object
            obj = model.__new__(model)
            obj._state = state = ModelState()
            state.adding, state.db = False, alias
            obj.__dict__.update(zip(names, row, strict=True))
            out.append(obj)
        else:
            out.append(model.from_db(alias, names, row))
    return out


_FROM_DB = models.Model.from_db.__func__  # type: ignore[attr-defined]


def _sqlite_datetime(value: Any, zone: Any) -> Any:
    """What SQLite's convert_datetimefield_value makes of a stored time: parse_datetime, then
    aware in the connection's zone under USE_TZ (`zone`, the connection's: None without
    it) — read once per statement by fetch, not the setting through the settings proxy
    for every value (a person's or a case's row has four times)."""
    if value is not None:
        if type(value) is not datetime.datetime:
            value = parse_datetime(value)
        if zone is not None and value.utcoffset() is None:
            value = value.replace(tzinfo=zone)  # what timezone.make_aware does
    return value


def _plain_init(model: type[models.Model]) -> bool:
    """Whether `model(...)` does nothing but set its fields' attributes: no init signal is
    connected to it (none is, in fangkong)."""
    return not (
        (pre_init.receivers or post_init.receivers)
        and (pre_init.has_listeners(model) or post_init.has_listeners(model))
    )


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
        return db_datetime(value, db)
    return field.get_db_prep_save(value, db)


def db_datetime(value: datetime.datetime, db: Any) -> Any:
    """A datetime as `db.ops.adapt_datetimefield_value` gives it. An aware one on SQLite, under
    USE_TZ (the connection's zone is None without it), the text it makes — naive in the
    connection's zone — without reading the setting through the settings proxy for each."""
    if db.vendor == "sqlite" and value.utcoffset() is not None:
        zone = db.timezone
        if zone is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))  # make_naive, then str
    return db.ops.adapt_datetimefield_value(value)


def _date(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    if type(value) is datetime.date:
        return db.ops.adapt_datefield_value(value)
    return field.get_db_prep_save(value, db)


def _json(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    # A plain list or dict: what JSONField.get_db_prep_save makes of it — on SQLite, without
    # its own encoder, the JSON text as core.bulk writes it (core/jsontext.py: the C encoder
    # made once, Chinese characters as they are).
    if type(value) is list or type(value) is dict:
        encoder = field.encoder  # type: ignore[attr-defined]
        if encoder is None and db.vendor == "sqlite":
            return unescaped(value)
        return db.ops.adapt_json_value(value, encoder)
    return field.get_db_prep_save(value, db)


def _decimal(field: models.Field[Any, Any], value: Any, db: Any) -> Any:
    # A finite Decimal: what DecimalField.get_db_prep_save makes of it (to_python, twice,
    # copies it; then the connection's adapter).
    if type(value) is decimal.Decimal and value.is_finite():
        return db.ops.adapt_decimalfield_value(
            value,
            field.max_digits,  # type: ignore[attr-defined]
            field.decimal_places,  # type: ignore[attr-defined]
        )
    return field.get_db_prep_save(value, db)


# Django's date and time fields' own pre_save: the attribute, unless auto_now(_add).
_DATE_PRE_SAVES = (
    models.DateField.pre_save,
    models.DateTimeField.pre_save,
    models.TimeField.pre_save,
)


def _getter(field: models.Field[Any, Any]) -> _Get:
    """A field's value as `pre_save(obj, add=True)` gives it: the attribute, unless the
    field's class has another pre_save (a default made on save), or it is auto_now(_add)."""
    own = type(field).pre_save
    if own is models.Field.pre_save or (
        own in _DATE_PRE_SAVES and not (field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]
    ):
        return operator.attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, True)


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
    if isinstance(field, models.DecimalField):
        return _decimal
    return _prep_save


def _default(field: models.Field[Any, Any]) -> Callable[[], Any]:
    """What makes `field`'s default, as `field.get_default` gives it: the field's own
    callable (`_get_default`, made once by Django) where get_default only calls it — a
    plain field's, and a foreign key's without a default, whose get_default looks for a
    model instance in None for every object made."""
    own = type(field).get_default
    if own is models.Field.get_default or (
        own is models.ForeignKey.get_default and not field.has_default()
    ):
        return field._get_default  # type: ignore[attr-defined]
    return field.get_default


def _layout(model: type[models.Model]) -> list[tuple[str, Callable[[], Any]]]:
    hit = _layouts.get(model)
    if hit is None:
        hit = [(f.attname, _default(f)) for f in model._meta.concrete_fields]
        _layouts[model] = hit
    return hit


def new(model: type[M], values: Mapping[str, Any], related: Mapping[str, Any] = {}) -> M:
    """A new, unsaved object of `model`: `values` by attname ("checkpoint_id", not
    "checkpoint"), the fields not given at their defaults; `related` (by field name) the
    related objects whose keys are in `values`, cached on it. What `model(**values)` makes,
    built as unpickling builds one (the attributes set, `_state` new) when no init signal
    is connected to the model — `Model.__init__` sorting keyword arguments field by field
    cost a registration more than its INSERTs' parameters."""
    if not _plain_init(model):
        layout = _layout(model)
        obj = model(*[values[n] if n in values else default() for n, default in layout])
    else:
        obj = model.__new__(model)
        obj._state = ModelState()
        attrs = obj.__dict__
        attrs.update(values)
        for name, default in _missing(model, tuple(values)):
            attrs[name] = default()
    _cache_related(model, obj, related)
    return obj


_missings: dict[
    tuple[type[models.Model], tuple[str, ...]], list[tuple[str, Callable[[], Any]]]
] = {}


def _missing(
    model: type[models.Model], given: tuple[str, ...]
) -> list[tuple[str, Callable[[], Any]]]:
    """The fields of `model` not among the names `given`, with their defaults: worked out
    once per model and set of names (a hot path gives the same names every time). A name
    that is no field raises TypeError, as `model(**values)` does."""
    key = (model, given)
    hit = _missings.get(key)
    if hit is None:
        layout, names = _layout(model), set(given)
        unknown = names - {name for name, _d in layout}
        if unknown:
            raise TypeError(f"{model.__name__}: no such field(s) {sorted(unknown)}")
        hit = _missings[key] = [(name, d) for name, d in layout if name not in names]
    return hit


def loaded(
    model: type[M], values: Mapping[str, Any], related: Mapping[str, Any] = {}, *, alias: str
) -> M:
    """An object of a stored row of which only `values` (by attname) are at hand: its other
    fields deferred — read from the database when first used — as `Model.from_db` makes it
    when given part of a row; `related` (by field name) cached on it, as `new` does. Built
    as fetch builds whole rows, when no init signal is connected to the model."""
    if not _plain_init(model) or model.from_db.__func__ is not _FROM_DB:  # type: ignore[attr-defined]
        names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
        obj = model.from_db(alias, names, [values[n] for n in names])
    else:
        obj = model.__new__(model)
        obj._state = state = ModelState()
        state.adding, state.db = False, alias
        obj.__dict__.update(values)
    _cache_related(model, obj, related)
    return obj


def _cache_related(model: type[models.Model], obj: Any, related: Mapping[str, Any]) -> None:
    for name, rel in related.items():
        field = _relations.get((model, name))
        if field is None:
            field = _relations[(model, name)] = model._meta.get_field(name)
        field.set_cached_value(obj, rel)  # type: ignore[union-attr]


def current() -> Any:
    """The connection object behind the `connection` proxy (django.db's default alias):
    looked up once per statement, not through the proxy (a thread-local look-up) for every
    attribute and value."""
    return connections[DEFAULT_DB_ALIAS]


def cursor(db: Any) -> Any:
    """A cursor for `db` (the connection object, `current()`), kept for its next statements.

    Made by `db.cursor()` — Django's wrapper, its execute wrappers and error wrapping — and
    made again when the driver's connection is another (closed, reopened) or the debug
    cursor was switched on or off (CaptureQueriesContext does, mid-way), or a health check is
    due. Returned as it is while an execute wrapper is installed or queries are logged (they
    see every statement, as the ORM's); otherwise the driver's cursor behind it, as `Direct`
    (on SQLite and PostgreSQL): Django's wrapper and SQLite's placeholder conversion cost a
    registration (a dozen statements) 3–4 % of its CPU. Not closed after a statement: use it
    without `with` and fetch every row of what it reads. A cursor made and closed per
    statement cost a registration about as much as Django's wrapper around executing them."""
    raw = db.connection
    logged = db.queries_logged
    hit = db.__dict__.get("_fangkong_cursor")
    if (
        hit is None
        or raw is None
        or hit[0] is not raw
        or hit[1] != logged
        or not (db.health_check_done or not db.health_check_enabled)
    ):
        made = db.cursor()
        hit = (db.connection, logged, made, _direct(db, made))
        db._fangkong_cursor = hit
    if logged or db.execute_wrappers or hit[3] is None:
        return hit[2]
    return hit[3]


def _direct(db: Any, made: Any) -> Direct | None:
    """The driver's cursor behind Django's `made`, as `Direct`: the same cursor object
    (on PostgreSQL as `create_cursor` made it, with the connection's time zone)."""
    if db.vendor == "sqlite":
        import sqlite3

        # Django's SQLite cursor converts the placeholders on every execute: the base
        # class's execute is called on it with the statement converted once (`Direct`).
        return Direct(db, made.cursor, sqlite3.Cursor.execute, made.cursor.convert_query)
    if db.vendor == "postgresql":
        raw = made.cursor
        return Direct(db, raw, type(raw).execute, None)  # psycopg's style is Django's: %s
    return None


# SQL in SQLite's placeholder style, by the text in Django's (%s): converted once a text.
_qmark: dict[str, str] = {}
_QMARK_KEPT = 2048


class Direct:
    """A driver's cursor used as Django's CursorWrapper uses it, for the statements of
    this module's callers when nothing is to see them (`cursor`). What the wrapper does
    that matters is kept:
    - the SQL in the driver's placeholder style: on SQLite Django's own conversion (`%s` →
      `?`, `%%` → `%`; none without parameters, as Django's), made once per statement text
      and kept, not on every execution;
    - no statement in a transaction that must be rolled back first
      (`validate_no_broken_transaction`: an error inside `atomic` not handled by a savepoint);
    - the driver's errors raised as django.db's (IntegrityError, OperationalError …) by
      `db.wrap_database_errors`, which also marks the connection as having had errors (it is
      then checked before reuse), on execute and fetch alike."""

    __slots__ = ("_convert", "_run", "db", "raw")

    def __init__(
        self,
        db: Any,
        raw: Any,
        run: Callable[..., Any],
        convert: Callable[[str], str] | None,
    ) -> None:
        self.db, self.raw, self._run, self._convert = db, raw, run, convert

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        db = self.db
        if db.needs_rollback:
            db.validate_no_broken_transaction()
        if params is None or self._convert is None:
            run_sql = sql  # (without parameters Django converts nothing either)
        else:
            run_sql = _qmark.get(sql)  # type: ignore[assignment]
            if run_sql is None:
                if len(_qmark) >= _QMARK_KEPT:  # texts with values in them: not kept for ever
                    _qmark.clear()
                run_sql = _qmark[sql] = self._convert(sql)
        try:
            if params is None:
                return self._run(self.raw, run_sql)
            return self._run(self.raw, run_sql, params)
        except Exception:
            with db.wrap_database_errors:
                raise

    def fetchall(self) -> list[Any]:
        try:
            return self.raw.fetchall()
        except Exception:
            with self.db.wrap_database_errors:
                raise

    def fetchone(self) -> Any:
        try:
            return self.raw.fetchone()
        except Exception:
            with self.db.wrap_database_errors:
                raise

    @property
    def rowcount(self) -> int:
        return self.raw.rowcount


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
        hit = (sql, [(_getter(f), f, _as_is(f), _prep(f)) for f in names])
        _inserts[key] = hit
    sql, fields = hit
    params: list[Any] = []
    for obj in objs:
        for get, f, as_is, prep in fields:
            value = get(obj)
            if type(value) in as_is or (str in as_is and isinstance(value, str)):
                params.append(value)  # what get_db_prep_save gives for these: the value
                continue
            if isinstance(value, Expression):  # a db_default left to the database
                raise ValueError(f"{opts.label}.{f.name}: give a value (db_default)")
            params.append(prep(f, value, db))
    return inserted(objs, sql, params, db)


_row_inserts: dict[
    tuple[Any, ...], tuple[str, list[tuple[models.Field[Any, Any], frozenset[type], _Prep]]]
] = {}


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """One written-out INSERT of a few rows given as tuples, each the values of `fields`
    (attnames, in that order), prepared as `insert` prepares an object's values: for rows
    nobody reads back (no model objects made for them, no RETURNING of their ids). The
    other columns are left to the database (NULL): name every column without one. The rows
    must be valid already (their service's rules; constraints are the database's)."""
    if not rows:
        return
    db = current()
    key = (db.alias, db.vendor, model, tuple(fields), len(rows))
    hit = _row_inserts.get(key)
    if hit is None:
        qn = db.ops.quote_name
        named: list[models.Field[Any, Any]] = []
        for name in fields:
            f = model._meta.get_field(name)
            if not isinstance(f, models.Field) or f.attname != name:
                raise ValueError(f"{model._meta.label}: {name} is no column's attname")
            named.append(f)
        row = f"({', '.join(['%s'] * len(named))})"
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} "
            f"({', '.join(qn(f.column) for f in named)}) VALUES {', '.join([row] * len(rows))}"
        )
        hit = (sql, [(f, _as_is(f), _prep(f)) for f in named])
        _row_inserts[key] = hit
    sql, prepared = hit
    params: list[Any] = []
    for values in rows:
        for value, (f, as_is, prep) in zip(values, prepared, strict=True):
            if type(value) in as_is or (str in as_is and isinstance(value, str)):
                params.append(value)
            else:
                params.append(prep(f, value, db))
    cursor(db).execute(sql, params)


def inserted(objs: Sequence[M], sql: str, params: Sequence[Any], db: Any = None) -> list[M]:
    """Run an INSERT … RETURNING id of `objs` (the values of each in order in `params`) and
    set their ids; returns the objects written (fewer when rows were skipped on conflict).
    `db`: the connection object, when the caller has it (`current()`)."""
    db = db or current()
    kept = cursor(db)
    kept.execute(sql, params)
    ids = [r[0] for r in kept.fetchall()]
    alias = db.alias
    for obj, pk in zip(objs, ids, strict=False):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return list(objs[: len(ids)])
