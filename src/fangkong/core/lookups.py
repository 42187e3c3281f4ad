"""`field__prefix="王伟"`: begins with, in a form an ordinary B-tree index serves.

Django's `startswith` is `LIKE 'x%'`. PostgreSQL serves that from the `varchar_pattern_ops`
index Django adds beside every indexed CharField; SQLite's LIKE is case-insensitive and uses
no index on a column of binary collation, so a million-row table is scanned. On SQLite the
prefix is therefore written as a range: with binary (UTF-8 byte) order, every string that
begins with x lies in [x, x + U+10FFFF).
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        value = str(self.rhs)
        if connection.vendor == "sqlite":
            return (
                f"({lhs} >= %s AND {lhs} < %s)",
                [*lhs_params, value, *lhs_params, value + "\U0010ffff"],
            )
        return f"{lhs} LIKE %s", [*lhs_params, connection.ops.prep_for_like_query(value) + "%"]
