"""TOTP secrets encrypted at rest (accounts/totp_keys.py): what a copy of the database
shows, a secret moved to another account, a key rotated, the migration of plain secrets,
and `fangkong otp code` (make demo-code) still answering."""

from __future__ import annotations

import base64
import binascii
import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import mfa, totp_keys
from fangkong.accounts.models import User
from tests.conftest import World, enrol

pytestmark = pytest.mark.django_db

migration = importlib.import_module("fangkong.accounts.migrations.0011_totp_secrets_encrypted")


def raw_key(user: User) -> str:
    """The column as a SQL prompt or a dump of the database shows it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE user_id = %s", [user.pk])
        return str(cursor.fetchone()[0])


def accepted(user: User, key: str, minutes: int) -> bool:
    """Whether the code the phone with `key` shows `minutes` from now is accepted."""
    at = mfa._now(None) + 60 * minutes
    try:
        mfa.second_factor_check(user=user, code=mfa.totp_code(key, at=at), ip=None, at=at)
    except ValidationError:
        return False
    return True


def forms_of(key_hex: str) -> list[str]:
    """Every way the secret could be written: hex (django-otp's), base32 (the app's)."""
    raw = binascii.unhexlify(key_hex)
    b32 = base64.b32encode(raw).decode()
    return [key_hex, key_hex.upper(), b32, b32.rstrip("="), b32.lower(), raw.hex()[:16]]


def test_the_column_holds_no_secret_and_codes_still_work(world: World) -> None:
    user = world.users["command"]
    key = enrol(user)
    stored = raw_key(user)
    assert stored.startswith("fk1:") and len(stored) <= 80  # django-otp's column
    assert not any(form in stored for form in forms_of(key))
    assert not any(form in stored.upper() for form in forms_of(key)[:3])
    # The server still checks the phone's code, once.
    assert accepted(user, key, 1)
    # Two users with one secret (the demo's) are two different values.
    other = world.users["admin"]
    mfa.mfa_enrol_demo(user=other, key=key)
    assert raw_key(other) != stored and mfa.device_secret(TOTPDevice.objects.get(user=other)) == key


def test_a_secret_copied_into_another_account_does_not_open_it(world: World) -> None:
    """Write access to the table: the attacker's own secret copied over the commander's."""
    attacker, victim = world.users["station_a"], world.users["command"]
    key = enrol(attacker)
    enrol(victim)
    TOTPDevice.objects.filter(user=victim).update(key=raw_key(attacker))
    assert not accepted(victim, key, 1)
    # A plain secret written by hand is not read either.
    TOTPDevice.objects.filter(user=victim).update(key=key)
    assert not accepted(victim, key, 2)


def test_a_rotated_key_still_reads_and_the_secret_moves_to_the_new_one(
    world: World, settings: Any
) -> None:
    user = world.users["command"]
    key = enrol(user)
    old_value, old_key = raw_key(user), settings.FANGKONG_MFA_KEY
    settings.FANGKONG_MFA_KEY = "a-new-key-for-the-second-factor"
    # Without the old key among the fallbacks, nothing opens it.
    assert not accepted(user, key, 1)
    settings.FANGKONG_MFA_KEY_FALLBACKS = [old_key]
    assert accepted(user, key, 2)
    assert raw_key(user) != old_value
    settings.FANGKONG_MFA_KEY_FALLBACKS = []
    assert totp_keys.decrypt(raw_key(user), user_id=user.pk) == key


def test_the_migration_encrypts_plain_secrets_and_back(world: World) -> None:
    user = world.users["command"]
    key = enrol(user)
    TOTPDevice.objects.filter(user=user).update(key=key)  # as stored before the migration
    migration.encrypt_secrets(apps, None)
    assert raw_key(user).startswith("fk1:") and key not in raw_key(user)
    assert mfa.device_secret(TOTPDevice.objects.get(user=user)) == key
    migration.encrypt_secrets(apps, None)  # run twice: encrypted once only
    assert mfa.device_secret(TOTPDevice.objects.get(user=user)) == key
    migration.decrypt_secrets(apps, None)
    assert raw_key(user) == key


def test_fangkong_otp_code_prints_the_demo_devices_code(world: World) -> None:
    """`make demo-code WHO=admin`: the demo's published secret, read through the key."""
    user = world.users["admin"]
    key = mfa.new_secret()
    mfa.mfa_enrol_demo(user=user, key=key)
    out = io.StringIO()
    call_command("otp", "code", "admin", stdout=out)
    printed = out.getvalue().strip()
    assert printed in {mfa.totp_code(key, at=mfa._now(None) + d) for d in (-1, 0, 1)}
