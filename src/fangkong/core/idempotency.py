"""A client_id names one record. Sent again with the same content, the stored record is the
answer (a retry after a lost answer); sent with other content, it is refused — 409 in the
API, a message on the page — naming what differs, and nothing is stored. Before, the
second record was silently dropped and the stored one answered 200: the device never learnt
that its second car was not registered (issue 14).

How content is compared: when a record is stored, each part of what was sent (a field, or
one occupant of a car) is kept as a digest — an HMAC under the installation's secret key,
so the row holds no copy of the personal values and the digests cannot be brute-forced
from the database alone. A retry's parts are digested the same way and compared part by
part. Each app says what its parts are, normalised by the same parsers the services use,
so the page form and the device's JSON of one record compare equal (a temperature typed
"36.5" on the page and sent as 36.5 by the device, an ID number with a lower-case x).

Only a retry is compared: a record stored under the client_id by someone else, or for
another record (another case, another checkpoint), is one the sender may not read, and its
parts are never compared with what they send — a list of what differs (or the lack of it)
would tell them its values, one guess at a time. It is refused with one answer naming the
client_id only (`refuse_retry`, `own=False`), whatever it holds.

A part that one side does not carry is not compared: the page form has no time of passage
(the server takes its own), the device's copy of the same record has one. Rows stored
before digests were kept (or purged since) carry none and are answered as before.
Changing the secret key makes every earlier digest differ: retries that straddle the
change are refused as different (and come back to the officer to send as new).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.translation import gettext as _

from fangkong.core import jsontext
from fangkong.core.keyed import hmac_sha256

SALT = "fangkong.core.idempotency"


class ClientIdConflict(ValidationError):
    """A client_id already stored with other content. `fields`: the parts that differ, by
    their API names (`plate`, `occupants.1` …). A ValidationError, so pages show it like
    any refusal; the API answers it with 409 (fangkong/api.py)."""

    def __init__(self, fields: list[str], labels: dict[str, str]) -> None:
        self.fields = fields
        errors: dict[str, list[str]] = {
            field: [
                _("%(what)s与先前以同一编号（client_id）保存的记录不同")
                % {"what": labels.get(field, field)}
            ]
            for field in fields
        }
        errors["client_id"] = [
            _("该编号（client_id）已用于另一条记录，本次提交未保存；核对后再次提交将另存为新记录")
        ]
        super().__init__(errors, code="client_id_conflict")


# One encoder for every part (core/jsontext.py): json.dumps with options builds a new one
# per call.
_canonical = jsontext.writer(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical(value: Any) -> str:
    return _canonical(value)


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    """The HMAC key Django's salted_hmac(SALT, …, algorithm="sha256") derives from the
    secret key: derived once, not for every part of every record (the digests are the same)."""
    return hashlib.sha256(force_bytes(SALT) + force_bytes(secret)).digest()


def digests(parts: dict[str, Any]) -> dict[str, str]:
    """{part: digest} of the parts that were sent (None: not sent, not compared)."""
    key = _key(settings.SECRET_KEY)
    # The same HMAC-SHA256 as hmac.new(…).hexdigest(), the key's pads hashed once (core/keyed.py).
    return {
        name: hmac_sha256(key, f"{name}={_canonical(value)}".encode())[:24]
        for name, value in parts.items()
        if value is not None
    }


def differing(stored: dict[str, str] | None, sent: dict[str, str]) -> list[str]:
    """The parts both sides carry whose content differs, in the order they were sent."""
    if not stored:
        return []
    return [name for name, digest in sent.items() if name in stored and stored[name] != digest]


def refuse_retry(
    stored: dict[str, str] | None,
    sent: dict[str, str],
    labels: dict[str, str],
    *,
    own: bool,
) -> None:
    """The one rule of a client_id sent again, for every record that has one: a retry of
    the sender's own record (`own`: the same sender, for the same case or checkpoint) that
    says something else is refused naming each part that differs; any other record under
    that client_id is refused naming the client_id only — nothing compared, nothing of it
    said. Returns when it is the same record sent again."""
    if not own:
        raise ClientIdConflict([], {})
    differ = differing(stored, sent)
    if differ:
        raise ClientIdConflict(differ, labels)


# ---------------------------------------------------------------- normalising parts


def moment_key(value: datetime.datetime | None) -> str | None:
    """An instant, whatever zone it was written in, to the second."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.replace(microsecond=0).isoformat()


def number_key(value: Any) -> str | None:
    """A number as typed or sent ("36.5", 36.5, "36，5"), or the text when it is none."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace("，", ".").replace("。", ".")
    try:
        return str(Decimal(text).normalize())
    except (InvalidOperation, ValueError):
        return text


def renew_client_id(form: Any, field: str = "client_id") -> None:
    """After a conflict, the page's form gets a new client_id: sent again (after the user
    has read what differs), it is a new record, not the same refusal once more."""
    data = form.data.copy()
    data[form.add_prefix(field)] = str(uuid.uuid4())
    form.data = data
