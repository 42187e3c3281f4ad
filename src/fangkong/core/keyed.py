"""HMAC-SHA256 under keys used again and again: the request digests' (core/idempotency.py)
and the audit chain's (core/audit.py) — a dozen HMACs a registration.

`hmac.digest(key, message, "sha256")` sets up the key on every call: OpenSSL looks the
digest up by name and hashes the key's two pads before the message. Here each key's
`hmac.HMAC` is made once, with a digest constructor of Python's (so that hmac keeps the
hashes of the pads as two hashlib objects, RFC 2104's inner and outer hash), and each
message is hashed on a copy of it: the same HMAC, the pads hashed once per key and process.
"""

from __future__ import annotations

import functools
import hashlib
import hmac


def _sha256(data: bytes = b"") -> hashlib._Hash:
    return hashlib.sha256(data)


@functools.lru_cache(maxsize=16)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.HMAC(key, digestmod=_sha256)


def hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `message` under `key`, in hex: `hmac.digest(key, message,
    "sha256").hex()`."""
    mac = _keyed(key).copy()
    mac.update(message)
    return mac.hexdigest()
