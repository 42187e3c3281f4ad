"""HMAC-SHA256 under a kept key (core/keyed.py) is the HMAC of the standard library: the
request digests and the audit chain stored before compare and verify as before."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from fangkong.core.keyed import hmac_sha256


@pytest.mark.parametrize("key", [b"", b"k", b"x" * 32, b"y" * 64, b"z" * 65, bytes(range(200))])
@pytest.mark.parametrize("message", [b"", b'plate="\xe9\xb2\x81J12345"', b"m" * 1000])
def test_the_same_hmac_as_the_standard_library(key: bytes, message: bytes) -> None:
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    assert hmac_sha256(key, message) == expected
    assert hmac_sha256(key, message) == expected  # the kept key, a second time
