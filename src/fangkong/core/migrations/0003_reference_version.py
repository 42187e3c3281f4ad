"""The reference version row and the triggers that change it (core/refcache.py).

On SQLite each change sets a random 64-bit version; on PostgreSQL the next value of a
sequence. Neither comes back when a transaction rolls back, so a version is never reused
for other contents (a counter would be: +1, rolled back, +1 again)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations, models

TABLES = ("org_township", "org_village", "core_keyarea")


def install(apps: Any, schema_editor: Any) -> None:
    apps.get_model("core", "ReferenceVersion").objects.create(
        pk=1, version=secrets.randbits(62)
    )
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("CREATE SEQUENCE IF NOT EXISTS fk_reference_version_seq")
        run(
            "CREATE OR REPLACE FUNCTION fk_reference_bump() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN UPDATE core_referenceversion SET version = "
            "nextval('fk_reference_version_seq') WHERE id = 1; RETURN NULL; END $$"
        )
        for table in TABLES:
            run(
                f"CREATE TRIGGER fk_refver_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fk_reference_bump()"
            )
        return
    for table in TABLES:
        for op in ("INSERT", "UPDATE", "DELETE"):
            run(
                f"CREATE TRIGGER fk_refver_{table}_{op.lower()} AFTER {op} ON {table} BEGIN "
                "UPDATE core_referenceversion SET version = random() WHERE id = 1; END"
            )


def uninstall(apps: Any, schema_editor: Any) -> None:
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            run(f"DROP TRIGGER IF EXISTS fk_refver_{table} ON {table}")
        run("DROP FUNCTION IF EXISTS fk_reference_bump()")
        run("DROP SEQUENCE IF EXISTS fk_reference_version_seq")
        return
    for table in TABLES:
        for op in ("insert", "update", "delete"):
            run(f"DROP TRIGGER IF EXISTS fk_refver_{table}_{op}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_rate_counter"),
        ("org", "0002_welfarecase_welfarehelp"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "基础数据版本", "verbose_name_plural": "基础数据版本"},
        ),
        migrations.RunPython(install, uninstall),
    ]
