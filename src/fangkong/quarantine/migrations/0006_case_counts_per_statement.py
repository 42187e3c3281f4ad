"""PostgreSQL: the case counts' insert trigger sums per statement, from the statement's new
rows (a COPY of 5,000 cases made 5,000 upserts). The sums are kept as they are."""

from django.db import migrations

from fangkong.quarantine.models import CASE_ROLLUP_BEFORE_COUNTY as ROLLUP


class Migration(migrations.Migration):
    dependencies = [
        ("quarantine", "0005_indexes_covered_by_composites"),
    ]

    operations = [
        migrations.RunPython(ROLLUP.reinstall, migrations.RunPython.noop),
    ]
