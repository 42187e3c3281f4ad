"""HMAC-SHA256 under keys used again and again: the request digests' (core/idempotency.py)
and the audit chain's (core/audit.py) — a dozen HMACs a registration.

`hmac.digest(key, message, "sha256")` sets up the key on every call: OpenSSL looks the
digest up by name and hashes the key's two pads before the message. Here each key's two
padded hashes — RFC 2104's inner and outer hash, with hmac's own pads (`hmac.trans_36`,
`hmac.trans_5C`), as `hmac.HMAC` makes them for a digest of Python's — are made once per
key and process, and each message is hashed on copies of them: the same HMAC, without
`hmac.HMAC`'s copy and digest made in Python for every message (half of its time).
`tests/core/test_keyed.py` holds it to `hmac.digest`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

_BLOCK = hashlib.sha256().block_size  # 64 bytes


@functools.lru_cache(maxsize=16)
def _pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """The inner and outer hashes of `key`'s pads (RFC 2104: a key longer than a block is
    hashed first; then padded with zeros to a block)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return hashlib.sha256(key.translate(hmac.trans_36)), hashlib.sha256(
        key.translate(hmac.trans_5C)
    )


def hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `message` under `key`, in hex: `hmac.digest(key, message,
    "sha256").hex()`."""
    inner, outer = _pads(key)
    inner = inner.copy()
    inner.update(message)
    outer = outer.copy()
    outer.update(inner.digest())
    return outer.hexdigest()
