"""TOTP secrets stored by earlier versions in clear (hex) are encrypted under
FANGKONG_MFA_KEY (accounts/totp_keys.py); backwards, decrypted again."""

from typing import Any

from django.db import migrations

from fangkong.accounts import totp_keys


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    device_model = apps.get_model("otp_totp", "TOTPDevice")
    for device in device_model.objects.only("pk", "user_id", "key").iterator():
        if not totp_keys.is_encrypted(device.key):
            device.key = totp_keys.encrypt(device.key, user_id=device.user_id)
            device.save(update_fields=["key"])


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    device_model = apps.get_model("otp_totp", "TOTPDevice")
    for device in device_model.objects.only("pk", "user_id", "key").iterator():
        if totp_keys.is_encrypted(device.key):
            device.key = totp_keys.decrypt(device.key, user_id=device.user_id)
            device.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_audit_trail_to_core"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
