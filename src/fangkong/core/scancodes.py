"""What a QR code shown at the checkpoint carries, so that the officer scans instead of
typing, with or without a network.

The text is `FK1:` and the base64url (no padding) of a compact JSON object:

    {"k": "receipt" | "release",  what the code is on
     "c": "ABC234",               the 登记码 of a traveller's own submission (receipts)
     "p": "鲁J12345", "v": "car", "d": "in",   the vehicle, when the traveller gave it
     "o": [{"n": name, "i": ID number, "t": phone, "f": from, "to": to,
            "h": [places visited], "s": [symptoms]}],
     "r": "2020-02-10"}           the day a returnee's quarantine ended (release notices)

A receipt's QR is a link to the officer's register page (`…/checkpoints/register/?code=…`)
with this text as its fragment: a phone's own camera opens the page and fetches the
submission by its code; the page's scanner (static/checkpoints/scan.js) reads the fragment
and needs no network. It holds only what the person wrote about themselves (a receipt) or
what their ID card holds (a release notice handed to them), like the card they show.
"""

from __future__ import annotations

import base64
import json
from typing import Any

PREFIX = "FK1:"


def scan_text(payload: dict[str, Any]) -> str:
    raw = json.dumps(
        {k: v for k, v in payload.items() if v not in ("", None, [])},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def scan_payload(text: str) -> dict[str, Any] | None:
    """The object a scanned text carries, None when it carries none (tests and tools)."""
    at = text.find(PREFIX)
    if at < 0:
        return None
    body = text[at + len(PREFIX) :]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def occupant_payload(o: dict[str, Any]) -> dict[str, Any]:
    """One person as a scan carries them, from the keys of a passage's occupant."""
    short = {
        "n": o.get("name", ""),
        "i": o.get("id_number", ""),
        "t": o.get("phone", ""),
        "f": o.get("origin", ""),
        "to": o.get("destination", ""),
        "h": list(o.get("travel_history") or []),
        "s": list(o.get("symptoms") or []),
    }
    return {k: v for k, v in short.items() if v}
