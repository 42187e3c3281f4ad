"""The disclosure rule (个人信息展示规则): what a user is shown of a person, in one place.

Pages, the API, exports, documents, search and the audit trail all show personal data
through this module; nothing else calls the masks of :mod:`fangkong.core.masking`.

The rule (DESIGN.md, issue 14): for a user without ``people.reveal``, nothing shown together
of a person — masked ID number, birth date or age, sex, region, phone tail, what a search
answers — narrows a hidden value to fewer than ``MIN_CANDIDATES`` (10,000) candidates.
Users with the right see the same masked values, and the full ones only through an audited
action: the person's 显示完整信息 (and the edit form), the checkpoint's ID check, an export
with full values (audited as a reveal with its row count).

The arithmetic, value by value (``tests/disclosure.py`` counts it on what users receive):

**ID number**, 18 characters: region 6 | birth date 8 | sequence 3 (odd for men) | check 1.
Shown: the region and the last two, ``370921**********34``, and the sex. Hidden: the birth
date and the first two sequence digits. The sex is the parity of the 17th digit, which is
shown anyway; the check character depends on the other 17 and keeps 1 in 11 of them. So
100 years of birth dates (36,524 days) × 100 sequences / 11 ≈ 332,000 candidates. Beside
it no birth date and no age: a known year of birth would leave 365 × 100 / 11 ≈ 3,300.
The former mask ``370921********1234`` (only the birth digits hidden) left 36,524 / 11 ≈
3,300 candidates on its own, and exactly one beside the birth date the API sent with it.
The region stays because it is shown anyway, as the household place (户籍地) that decides
key-area flags.

**Mobile phone**, 11 digits: prefix 3 | block 4 | number 4. A block of 10,000 numbers (号段)
is allotted to one prefecture city, and the page says where the person lives, so the first
seven digits are among that city's blocks: at least 600 (Tai'an's ~6 million subscriptions
need 600 blocks of 10,000), at least 12 for any one prefix. Shown: the last two digits,
``*********78``: ≥ 600 × 100 = 60,000 candidates. The former ``138****5678`` left the ~12
blocks of prefix 138 in the city, i.e. a dozen; ``138******78`` would leave ~1,200. The end
stays rather than the prefix because officers confirm a number by its end (尾号).
**Landline**: the area code only (``0538-*******``): a prefecture has over a million.

**Other document numbers** (passports, permits, old 15-digit cards): at least six characters
hidden (≥ 10⁶ for digits); the first two and the last two only when eight or more remain.

**Birth date, age**: never shown without the reveal; ``****-**-**`` in the audit trail.

**Address**: the township and village stay — the work is organised by them (jurisdiction,
四包一 teams) — and a village has far fewer than 10,000 households: for the household as a
whole the rule cannot hold, by design. The house number is the hidden value: nothing of it
shows, not even how many digits it has (``*组*号``).

**Name**: shown: people are worked with by name, and a name is no key to other records here.
A seat companion whose record the user may not see (the person file's passages) shows the
surname only (:func:`name_beside`).

**Search** answers "is there someone with this value among the people I may see": an oracle.
Digits match only a whole value (:func:`whole_values`): an 18-character ID number, its first
17 characters (the check character follows from them), a 15-digit card number, an 11-digit
mobile, a landline with its area code, a whole document number; never the end of one (a
digit before a phone's shown tail told one hidden digit per ~10 searches). Every search
counts against a per-user limit (:func:`search_counted`; ``FANGKONG_SEARCH_RATE`` a minute,
``FANGKONG_SEARCH_DAILY`` a day): trying the ≥ 60,000 numbers a masked phone leaves takes at
least 30 days at 2,000 searches a day, an ID number's ≥ 332,000 at least 166 days. Users with
the reveal right search the same way: their result lists are masked too.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.masking import (
    mask_address,
    mask_date,
    mask_id_number,
    mask_name,
    mask_phone,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

MIN_CANDIDATES = 10_000

logger = logging.getLogger("fangkong.security")

# Field name → how a user without an audited reveal sees its value. The audit trail stores
# these fields the same way (core/audit.py).
HIDDEN: dict[str, Callable[[Any], str]] = {
    "id_number": mask_id_number,
    "doc_number": mask_id_number,
    "document": mask_id_number,  # a person's ID number, else their other document's number
    "phone": mask_phone,
    "address_detail": mask_address,
    "birth_date": mask_date,
}


def audit_name(value: Any) -> Any:
    """A person's name as the audit trail and its page show it, wherever it appears: it
    outlives a purge, so never in full ('张三' → '张*')."""
    return mask_name(value) if isinstance(value, str) else value


def audit_person_label(name: str, person_id: object) -> str:
    """How the audit trail names a person (the record's object), in one form everywhere."""
    return f"{audit_name(name)}（#{person_id}）"


# The fields an audited reveal shows in full (people.services.person_reveal records them).
REVEALED_FIELDS = ["id_number", "doc_number", "phone", "address_detail", "birth_date"]


def shown(field: str, value: Any, *, revealed: bool = False) -> Any:
    """A value of `field` as the user may see it: masked, unless `revealed` — which only
    code that has just written the audit entry of that reveal may pass."""
    if value is None:
        return "" if field in HIDDEN and not revealed else None
    if revealed or field not in HIDDEN:
        return value
    return HIDDEN[field](value)


def name_beside(name: str) -> str:
    """The name of someone shown only because they were beside a person the user may see
    (a seat companion on a passage) and whose own record the user may not see: the surname
    only (``张*``). Who they are is for the station in charge of them to know."""
    return mask_name(name)


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class WholeValues:
    """The whole values a digit search term names; it matches nothing else."""

    id_number: str | None = None
    phone: str | None = None
    doc_number: str | None = None


def whole_values(term: str) -> WholeValues:
    """What a term of digits (an ID number may end in X) may match: a whole ID number, its
    first 17 characters, a 15-digit card number, a whole phone number, a whole document
    number — never a part of one. `term` is already folded (normalize_id_number)."""
    from stdnum.cn import ric

    from fangkong.core.phones import parse_phone

    id_number = None
    if len(term) == 18:
        id_number = term
    elif len(term) == 17 and term.isdigit():
        # The check character follows from the first 17: the user's own question.
        id_number = term + ric.calc_check_digit(term + "0")  # stdnum ignores the last
    elif len(term) == 15 and term.isdigit():
        body = term[:6] + "19" + term[6:]  # a card before 1999 (upgraded on entry)
        id_number = body + ric.calc_check_digit(body + "0")
    phone = None
    if term.isdigit() and (
        (len(term) == 11 and term.startswith("1")) or (term.startswith("0") and len(term) >= 10)
    ):
        try:
            phone = parse_phone(term)
        except ValidationError:  # not a phone number: nothing to match
            phone = None
    return WholeValues(id_number=id_number, phone=phone, doc_number=term)


# A number as people type it: digits, perhaps in groups (spaces, dashes), an ID number's X.
_NUMBER = re.compile(r"\d[\d \-]*[\dXx]|\d")


def _number_shown(number: str) -> str:
    digits = number.replace(" ", "").replace("-", "")
    if digits[:17].isdigit() and len(digits) in (15, 17, 18):
        return mask_id_number(digits)
    if digits.isdigit() and len(digits) >= 10:
        return mask_phone(digits) if digits.startswith("1") else "*" * len(digits)
    if sum(c.isdigit() for c in digits) >= 10:
        # A number with more around it ("…1491x", an ID number and a letter): it may hold
        # a whole one, so nothing of it is kept.
        return "*" * len(digits)
    return number


def search_term_shown(term: object) -> object:
    """A search term or filter value as the audit trail may keep it: every whole ID number
    or phone in it masked, wherever it stands ("张三 3709…", a number in another parameter:
    issue 19); other text, and values that are not text, as they are."""
    if not isinstance(term, str):
        return term
    text = unicodedata.normalize("NFKC", term).strip()
    return _NUMBER.sub(lambda m: _number_shown(m.group(0)), text)


class SearchRateExceeded(Exception):
    """Too many searches by one user: pages and the API answer 429 with `message`."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _seconds_left(window: int) -> int:
    return window - int(clock.system_now().timestamp()) % window


def search_limits() -> tuple[int, int]:
    """The searches a user may make a minute and a day (0: no limit)."""
    return (
        int(settings.FANGKONG.get("SEARCH_RATE", 30)),
        int(settings.FANGKONG.get("SEARCH_DAILY", 2000)),
    )


def _search_ident(user: AbstractBaseUser | AnonymousUser) -> str:
    return f"user{user.pk}" if getattr(user, "pk", None) else "anonymous"


def searches_room(user: AbstractBaseUser | AnonymousUser, hits: int) -> int:
    """Count `hits` searches by `user` at once (a list import's numbers on file elsewhere,
    each a lookup like the person form's) against search_counted's limits; return how many
    of them are within both (`hits=0`: how many would be, counting nothing)."""
    from fangkong.core.ratelimit import rate_room

    ident = _search_ident(user)
    per_minute, per_day = search_limits()
    room = hits if hits else 2**31
    if per_minute > 0:
        room = min(
            room,
            rate_room(bucket="search-minute", ident=ident, limit=per_minute, seconds=60, hits=hits),
        )
    if per_day > 0:
        # As search_counted: what the minute refused is not counted in the day.
        counted = min(room, hits)
        room = min(
            room,
            rate_room(bucket="search-day", ident=ident, limit=per_day, seconds=86400, hits=counted),
        )
    return min(room, hits) if hits else room


def search_counted(user: AbstractBaseUser | AnonymousUser) -> None:
    """Count one search by `user`; raise SearchRateExceeded past the limits. Every search
    box (people, cases, passages; page and API) calls this once per search."""
    from fangkong.core.ratelimit import rate_limited

    ident = _search_ident(user)
    per_minute, per_day = search_limits()
    if per_minute > 0 and rate_limited(
        bucket="search-minute", ident=ident, limit=per_minute, seconds=60
    ):
        logger.warning("search rate exceeded: %s, %d a minute", ident, per_minute)
        wait = _seconds_left(60)
        raise SearchRateExceeded(
            _("查询过于频繁：每人每分钟最多查询%(n)d次，请%(s)d秒后再试")
            % {"n": per_minute, "s": wait},
            wait,
        )
    if per_day > 0 and rate_limited(bucket="search-day", ident=ident, limit=per_day, seconds=86400):
        logger.warning("search rate exceeded: %s, %d a day", ident, per_day)
        raise SearchRateExceeded(
            _("今日查询次数已达上限（%(n)d次），请明日再试或联系系统管理员") % {"n": per_day},
            _seconds_left(86400),
        )
