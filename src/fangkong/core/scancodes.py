"""What a QR code shown at the checkpoint carries, so that the officer scans instead of
typing, with or without a network.

The text is `FK1:` and the base64url (no padding) of a compact JSON object:

    {"k": "receipt" | "release",  what the code is on
     "c": "ABC234",               the 登记码 of a traveller's own submission (receipts)
     "p": "鲁J12345", "v": "car", "d": "in",   the vehicle, when the traveller gave it
     "o": [{"n": name, "i": ID number, "t": phone, "f": from, "to": to,
            "h": [places visited], "s": [symptoms]}],
     "r": "2020-02-10",           the day a returnee's quarantine ended (release notices)
     "s": "…"}                    a release notice's seal (release_seal)

A release notice is paper shown at checkpoints and photographed by anyone: its code holds
the name and the **masked** ID number ("m", as printed on it), never the full number, and a
seal — an HMAC under the server's SECRET_KEY of kind, name, masked number and day,
truncated — so that the server tells a notice it printed from a forged `FK1:` text
(release_genuine; the register page asks when online). The officer checks the ID card and
types its number either way.


A receipt's QR is a link to the officer's register page (`…/checkpoints/register/?code=…`)
with this text as its fragment: a phone's own camera opens the page and fetches the
submission by its code; the page's scanner (static/checkpoints/scan.js) reads the fragment
and needs no network. It holds only what the person wrote about themselves (a receipt) or
what the notice printed (a release notice: name, masked ID number, day, seal).
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

from django.utils.crypto import constant_time_compare, salted_hmac

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


def release_seal(name: str, masked_id: str, released: str) -> str:
    """The seal of a release notice's code: 64 bits of an HMAC keyed by SECRET_KEY."""
    value = json.dumps(["release", name, masked_id, released], ensure_ascii=False)
    return salted_hmac("fangkong.scancodes.release", value, algorithm="sha256").hexdigest()[:16]


def release_text(name: str, masked_id: str, released: datetime.date) -> str:
    """The text of a release notice's QR: the name and masked ID as printed, the day, sealed."""
    day = released.isoformat()
    return scan_text(
        {
            "k": "release",
            "o": [{"n": name, "m": masked_id}],
            "r": day,
            "s": release_seal(name, masked_id, day),
        }
    )


def release_genuine(text: str) -> bool:
    """Whether a scanned text is a release notice's code as the server printed it: exactly
    the fields it prints, and their seal. A full ID number in it is no notice of ours."""
    data = scan_payload(text)
    if not data or data.get("k") != "release" or set(data) != {"k", "o", "r", "s"}:
        return False
    people = data["o"]
    if not (isinstance(people, list) and len(people) == 1 and isinstance(people[0], dict)):
        return False
    person = people[0]
    if set(person) != {"n", "m"} or not all(
        isinstance(v, str) for v in (person["n"], person["m"], data["r"], data["s"])
    ):
        return False
    return constant_time_compare(release_seal(person["n"], person["m"], data["r"]), data["s"])
