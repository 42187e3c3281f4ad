"""The attacker's arithmetic: how many values of a hidden ID number or phone are consistent
with what a user was shown. Written from the number formats alone (GB 11643, mobile number
blocks), not from fangkong's masks, so that it measures them.

    assert_discloses_little(page_text, person)   # ≥ 10,000 candidates for each hidden value
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from fangkong.people.models import Person

MIN_CANDIDATES = 10_000

# GB 11643: weights of the first 17 digits, and the check character for each residue mod 11.
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
# The birth dates an attacker must try: a hundred years back from the demo's working day.
FIRST_BIRTH = datetime.date(1920, 1, 1)
LAST_BIRTH = datetime.date(2020, 2, 3)

# Mobile numbers: 3-digit prefix, 4 digits naming a block of 10,000 numbers (号段) that is
# allotted to one prefecture city, 4 digits within the block. A user who sees where someone
# lives knows the city; lower bounds for the blocks in use there (Tai'an: ~6 million
# subscriptions need at least 600 blocks; spread over the ~50 prefixes, 12 per prefix).
CITY_BLOCKS = 600
BLOCKS_PER_PREFIX = 12


def _dates(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def id_candidates(
    shown: str,
    *,
    birth_dates: Iterable[datetime.date] | None = None,
    sex: str = "",
) -> int:
    """Valid 18-digit ID numbers that agree with `shown` ('*' = hidden), born on one of
    `birth_dates` (default: a hundred years of days), of the given sex (the 17th digit is
    odd for men)."""
    assert len(shown) == 18, shown
    # The hidden digits outside the birth date: how their weighted sum spreads mod 11.
    spread = [0] * 11
    spread[0] = 1
    fixed = 0
    for position in (0, 1, 2, 3, 4, 5, 14, 15, 16):
        char = shown[position]
        if char != "*":
            fixed += int(char) * _WEIGHTS[position]
            if position == 16 and sex and int(char) % 2 != (1 if sex == "M" else 0):
                return 0
            continue
        digits = range(10)
        if position == 16 and sex:
            digits = range(1, 10, 2) if sex == "M" else range(0, 10, 2)
        new = [0] * 11
        for residue, ways in enumerate(spread):
            if ways:
                for digit in digits:
                    new[(residue + digit * _WEIGHTS[position]) % 11] += ways
        spread = new
    total = 0
    for day in birth_dates if birth_dates is not None else _dates(FIRST_BIRTH, LAST_BIRTH):
        text = f"{day:%Y%m%d}"
        if any(shown[6 + i] not in ("*", text[i]) for i in range(8)):
            continue
        base = fixed + sum(int(text[i]) * _WEIGHTS[6 + i] for i in range(8))
        if shown[17] == "*":
            total += sum(spread)  # the check character follows from the rest
        else:
            total += sum(
                ways
                for residue, ways in enumerate(spread)
                if _CHECK[(base + residue) % 11] == shown[17]
            )
    return total


def phone_candidates(shown: str) -> int:
    """Numbers that agree with a shown mobile number ('*' = hidden), for an attacker who
    knows the city; for a landline, the local numbers of its area code."""
    if re.fullmatch(r"0\d{2,3}-[0-9*]{7,8}", shown):
        local = shown.split("-", 1)[1]
        # A prefecture's local numbers: at least a million in use (7 digits, few exchanges
        # unused); each shown digit divides them by ten.
        return max(1, 10**6 // 10 ** sum(c != "*" for c in local))
    assert len(shown) == 11, shown
    head, tail = shown[:7], shown[7:]
    if "*" not in head:
        blocks = 1
    elif "*" not in shown[:3]:
        blocks = max(1, BLOCKS_PER_PREFIX // 10 ** sum(c != "*" for c in shown[3:7]))
    else:
        blocks = max(1, CITY_BLOCKS // 10 ** sum(c != "*" for c in head))
    return blocks * 10 ** tail.count("*")


def _agrees(shown: str, full: str) -> bool:
    return len(shown) == len(full) and all(s in ("*", f) for s, f in zip(shown, full, strict=True))


def birth_date_renderings(day: datetime.date) -> list[str]:
    return [
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day:%Y.%m.%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y年%m月%d日}",
    ]


def shown_birth_dates(text: str, person: Person) -> list[datetime.date] | None:
    """The birth dates a text narrows the person's to: their own when it is shown, the
    years an age allows when one is, else None (any)."""
    day = person.birth_date
    if day is None:
        return None
    if any(r in text for r in birth_date_renderings(day)):
        return [day]
    ages = {int(a) for a in re.findall(r"(\d{1,3})\s*岁", text)}
    if ages:
        return [
            d
            for d in _dates(FIRST_BIRTH, LAST_BIRTH)
            if any(LAST_BIRTH.year - d.year - a in (0, 1) for a in ages)
        ]
    return None


def assert_discloses_little(text: str, person: Person) -> None:
    """Everything in `text` (a page, a JSON body, a spreadsheet's cells) that shows part of
    the person's ID number or phone leaves at least MIN_CANDIDATES values of each."""
    full_id = person.id_number or ""
    if full_id:
        assert full_id not in text, "the full ID number is shown"
        births = shown_birth_dates(text, person)
        shown_ids = [t for t in re.findall(r"[0-9X*]{18}", text) if _agrees(t, full_id)]
        for token in shown_ids:
            n = id_candidates(token, birth_dates=births, sex=person.sex)
            assert n >= MIN_CANDIDATES, f"{token} with {births and births[:2]}: {n} candidates"
    if person.phone:
        assert person.phone not in text, "the full phone number is shown"
        pattern = r"0\d{2,3}-[0-9*]{7,8}" if person.phone.startswith("0") else r"[0-9*]{11}"
        for token in re.findall(pattern, text):
            if _agrees(token, person.phone) and "*" in token:
                n = phone_candidates(token)
                assert n >= MIN_CANDIDATES, f"{token}: {n} candidates"


def json_text(body: Any) -> str:
    """A JSON body as one text, values separated, for assert_discloses_little."""
    if isinstance(body, dict):
        return " ".join(f"{k}={json_text(v)}" for k, v in body.items())
    if isinstance(body, list):
        return " ".join(json_text(v) for v in body)
    return "" if body is None else str(body)
