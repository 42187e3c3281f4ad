"""PostgreSQL only: BRIN indexes on the local day of passages and occupants.

Rows arrive in time order, so the tables are physically ordered by day and a block-range
index of a few dozen kilobytes lets a scan of weeks (the purge of old passages, an archive)
read only their blocks — what partitioning by month would give, without its costs (see
docs/scaling.md). SQLite has no such index; its B-tree indexes serve those queries.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "checkpoints_passage_day_brin": "checkpoints_passage",
    "checkpoints_occupant_day_brin": "checkpoints_occupant",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING brin (day)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0002_passage_day_counts")]

    operations = [migrations.RunPython(create, drop)]
