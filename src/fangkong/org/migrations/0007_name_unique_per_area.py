"""Unit and township names unique per area (a county's 城关派出所, 城关镇), not
installation-wide. On SQLite, altering org_township remakes the table, which drops the
triggers that bump the reference version (core 0003, core/refcache.py): they are made
again, or registrations would keep matching yesterday's townships."""

from typing import Any

import django.db.models.functions.text
from django.db import migrations, models


def triggers_again(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL keeps a table's triggers through ALTER TABLE
    for op in ("INSERT", "UPDATE", "DELETE"):
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS fk_refver_org_township_{op.lower()} AFTER {op} "
            "ON org_township BEGIN "
            "UPDATE core_referenceversion SET version = random() WHERE id = 1; END"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0006_working_group_area'),
        ('core', '0003_reference_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='township',
            name='name',
            field=models.CharField(max_length=30, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='name',
            field=models.CharField(max_length=50, verbose_name='名称'),
        ),
        migrations.AddConstraint(
            model_name='township',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Substr('code', 1, 6), models.F('name'), name='township_name_unique_per_county', violation_error_message='名称：本县（市、区）已有同名乡镇街道'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(fields=('area_code', 'name'), name='unit_name_unique_per_area', violation_error_message='名称：本区划已有同名单位'),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
