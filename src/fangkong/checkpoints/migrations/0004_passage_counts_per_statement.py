"""PostgreSQL: the passage counts' insert trigger sums per statement, from the statement's
new rows (as the case counts', quarantine 0006). The sums are kept as they are."""

from django.db import migrations

from fangkong.checkpoints.models import PASSAGE_DAY_ROLLUP as ROLLUP


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0003_day_brin"),
    ]

    operations = [
        migrations.RunPython(ROLLUP.reinstall, migrations.RunPython.noop),
    ]
