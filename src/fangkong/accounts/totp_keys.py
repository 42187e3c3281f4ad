"""TOTP secrets at rest. The server must read an authenticator's secret to check its codes,
so the secret cannot be hashed like a password; it is encrypted instead (AES-256-GCM, from
the `cryptography` package) under settings.FANGKONG_MFA_KEY, a key kept outside the
database like the audit chain's. A copy of the database, a backup or a SQL prompt then
shows no secret from which codes can be computed.

Each value is bound to its user (the associated data): a secret copied from one account's
row into another's does not decrypt there, so write access to the table does not let
someone sign in as another user with their own phone.

Stored in django-otp's own column (TOTPDevice.key, 80 characters): `fk1:` and the URL-safe
base64 of a 12-byte nonce, the 20-byte secret encrypted and the 16-byte tag (68 in all).
Keys in FANGKONG_MFA_KEY_FALLBACKS are still read, so the key can be rotated.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fk1:"
NONCE_BYTES = 12


class UnreadableSecret(ValueError):
    """Not a value this installation encrypted (another key, another user, or plain)."""


def _cipher(key: str) -> AESGCM:
    # The setting is any string (generated, or given by the deployment): stretched into
    # an AES key with HKDF, labelled so that the same string used elsewhere gives another.
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"fangkong totp secret at rest"
    ).derive(key.encode("utf-8"))
    return AESGCM(derived)


def _bound_to(user_id: int) -> bytes:
    return f"fangkong.totp:{user_id}".encode()


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(key_hex: str, *, user_id: int, key: str | None = None) -> str:
    """The column's value for this secret (hex, as django-otp makes it) of this user."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key or settings.FANGKONG_MFA_KEY).encrypt(
        nonce, binascii.unhexlify(key_hex), _bound_to(user_id)
    )
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt_with(stored: str, *, user_id: int) -> tuple[str, bool]:
    """The secret (hex), and whether it was read with the current key (False: a fallback,
    so the caller should store it again under the current one)."""
    if not is_encrypted(stored):
        raise UnreadableSecret("not encrypted")
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise UnreadableSecret("not base64") from exc
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    keys = [settings.FANGKONG_MFA_KEY, *settings.FANGKONG_MFA_KEY_FALLBACKS]
    for i, key in enumerate(keys):
        try:
            plain = _cipher(key).decrypt(nonce, sealed, _bound_to(user_id))
        except InvalidTag:
            continue
        return plain.hex(), i == 0
    raise UnreadableSecret("no key opens it")


def decrypt(stored: str, *, user_id: int) -> str:
    return decrypt_with(stored, user_id=user_id)[0]
