"""The duty shifts' version (core/refcache.py, row 2 of core_referenceversion): triggers
change it when a shift is made, removed, or its checkpoint, day or slot changes — what a
registration's look-up of its shift (services/passages.py shift_for) answers from. A
leader or hand count entered changes nothing a registration keeps.

On SQLite each change sets a random 64-bit version, on PostgreSQL the next value of core
0003's sequence: neither comes back when a transaction rolls back. On SQLite, a later
migration that rebuilds checkpoints_dutyshift (most AlterFields) drops these triggers and
must make them again (as org 0007 does for the townships'):
tests/checkpoints/test_reference_kept.py fails without them."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations

TABLE = "checkpoints_dutyshift"
KEYS = "checkpoint_id, day, slot"


def install(apps: Any, schema_editor: Any) -> None:
    apps.get_model("core", "ReferenceVersion").objects.get_or_create(
        pk=2, defaults={"version": secrets.randbits(62)}
    )
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE OR REPLACE FUNCTION fk_shifts_bump() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN UPDATE core_referenceversion SET version = "
            "nextval('fk_reference_version_seq') WHERE id = 2; RETURN NULL; END $$"
        )
        run(
            f"CREATE TRIGGER fk_shiftver AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {KEYS} "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION fk_shifts_bump()"
        )
        return
    for name, event in (("insert", "INSERT"), ("delete", "DELETE"), ("update", f"UPDATE OF {KEYS}")):
        run(
            f"CREATE TRIGGER fk_shiftver_{name} AFTER {event} ON {TABLE} BEGIN "
            "UPDATE core_referenceversion SET version = random() WHERE id = 2; END"
        )


def uninstall(apps: Any, schema_editor: Any) -> None:
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP TRIGGER IF EXISTS fk_shiftver ON {TABLE}")
        run("DROP FUNCTION IF EXISTS fk_shifts_bump()")
    else:
        for name in ("insert", "delete", "update"):
            run(f"DROP TRIGGER IF EXISTS fk_shiftver_{name}")
    apps.get_model("core", "ReferenceVersion").objects.filter(pk=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0008_stamps_on_platform_clock"),
        ("core", "0004_audit_trail_from_accounts"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
