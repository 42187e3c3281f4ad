"""The audit chain becomes keyed (HMAC with FANGKONG_AUDIT_KEY) and covers each record's
personal part through a keyed digest, so a purge can redact it (core/audit.py).

Existing records are re-chained with the key here, once. The old unkeyed chain is checked
first and its state (intact, or where it broke) is written into a record appended after
them, so that re-chaining never hides a break that was already there."""

from django.db import migrations, models


def rechain(apps, schema_editor):  # type: ignore[no-untyped-def]
    from fangkong.core.audit import audit_rechain

    audit_rechain(apps.get_model("accounts", "AuditEntry"), apps.get_model("accounts", "AuditChainHead"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_second_factor_password_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="personal_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="redacted_by",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        # Not reversible in content: the old code would take the keyed hashes for a break.
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
