"""JSON text of small values written often: the json module's C encoder, made once per set
of options.

`json.dumps(value, **options)` makes a JSONEncoder and its C encoder on every call: for
the dozens of small values a registration writes — the canonical texts its digests are
taken of, its JSON columns, its audit entries' changes — that was about half of the time
spent writing them. `writer(**options)` makes the encoder once and gives a function that
writes what `json.dumps(value, **options)` writes, character for character.

No check for circular references (markers=None): the values written here are trees of plain
data built by the caller (a circular one would end in RecursionError, not ValueError).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
    encode_basestring_ascii,
)
from typing import Any


def _not_serializable(value: Any) -> Any:
    return json.JSONEncoder().default(value)  # raises TypeError, as json.dumps does


def writer(
    *,
    ensure_ascii: bool = True,
    sort_keys: bool = False,
    separators: tuple[str, str] = (", ", ": "),
    default: Callable[[Any], Any] | None = None,
) -> Callable[[Any], str]:
    """A function writing what `json.dumps(value, ensure_ascii=…, sort_keys=…, separators=…,
    default=…)` writes."""
    item_separator, key_separator = separators
    if c_make_encoder is None:  # a Python without the json accelerator
        return json.JSONEncoder(
            ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=separators, default=default
        ).encode
    encode = c_make_encoder(
        None,  # markers: no circular-reference check (see above)
        default or _not_serializable,
        encode_basestring_ascii if ensure_ascii else encode_basestring,
        None,  # indent
        key_separator,
        item_separator,
        sort_keys,
        False,  # skipkeys
        True,  # allow_nan
    )

    def write(value: Any) -> str:
        return "".join(encode(value, 0))

    return write


_EMPTY: dict[type, str] = {dict: "{}", list: "[]"}
_unescaped = writer(ensure_ascii=False)


def unescaped(value: Any) -> str:
    """What `json.dumps(value, ensure_ascii=False)` writes: the text of a JSON column on
    SQLite, Chinese characters as they are (not six-character escapes each)."""
    if not value and type(value) in _EMPTY:
        return _EMPTY[type(value)]  # most rows' messages, flags, symptoms
    return _unescaped(value)
