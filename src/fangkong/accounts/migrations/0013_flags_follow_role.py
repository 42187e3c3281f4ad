"""Django's is_staff and is_superuser follow the role (User.save): accounts whose flags were
set by hand in the admin site lose them, administrators keep them."""

from django.db import migrations


def follow_role(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    User.objects.exclude(role="admin").update(is_staff=False, is_superuser=False)
    User.objects.filter(role="admin").update(is_staff=True, is_superuser=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0012_auditor_role")]

    operations = [migrations.RunPython(follow_role, migrations.RunPython.noop)]
