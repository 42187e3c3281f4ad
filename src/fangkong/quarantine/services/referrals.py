"""Referral of a person for verification — the one write path of a case's opening and of
its referrals: open a case (case_opening, the rule; cases_insert, the bulk writer) or join
the open one and fill it (case_fill), for a checkpoint's occupants, a station's page, the
demo and a pushed list's rows."""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fangkong.core import clock, statements
from fangkong.core.audit import (
    audit_batch,
    audit_create,
    audit_rows_created,
)
from fangkong.core.bulk import insert_rows, reserve_ids
from fangkong.core.regions import region_name
from fangkong.core.text import translated
from fangkong.org.models import Township
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    CASE_ROLLUP,
    OPEN_STATUSES,
    TRANSITIONS,
    CaseReferral,
    CaseStatus,
    CaseTransition,
    QuarantineCase,
)
from fangkong.quarantine.schedule import SHANGHAI
from fangkong.quarantine.services.cases import _update_rows

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Village


@dataclass
class Referral:
    """One person referred for verification, with what the referrer knows of them."""

    person: Person
    came_from_code: str = ""
    came_from: str = ""
    arrival_date: datetime.date | None = None
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    note: str = ""
    ref_type: str = ""
    ref_id: str = ""
    needs_review: list[str] | None = None


def case_refer(
    *,
    person: Person,
    source: str,
    by: User | None,
    at: datetime.datetime | None = None,
    **known: Any,
) -> tuple[QuarantineCase, bool]:
    """Refer a person for verification: join their open case, or open a new one in the
    待核查 queue of the station responsible for their township. Returns (case, opened).
    `known`: what the referrer knows of them, by the names of Referral's fields.

    Every referral is kept on the case (its timeline), whoever made it.
    """
    return cases_refer([Referral(person=person, **known)], source=source, by=by, at=at)[0]


@transaction.atomic(savepoint=False)  # no partial undo: a failure fails the caller
def cases_refer(
    referrals: Sequence[Referral],
    *,
    source: str,
    by: User | None,
    at: datetime.datetime | None = None,
    whole_cases: bool = True,
) -> list[tuple[QuarantineCase, bool]]:
    """case_refer for several people at once (a car's occupants): their open cases found
    and locked with one query, the referrals stored with one INSERT. Two referrals of one
    person in the list join the same case.

    `whole_cases=False`, for a caller that reads no more of the cases than their ids (a
    checkpoint's car): an open case joined is read only as far as joining it reads and
    writes (_JOINED: its key, person, status and what case_fill fills), its other 16
    fields deferred. The rule is the same; what nobody reads is not read and converted.

    Rows are locked in one order whatever the order of the list — open cases by id, new
    cases (and the count rows their triggers add to) by township, then person — so two
    cars referring the same people in other orders wait for each other instead of
    deadlocking on PostgreSQL (seen under 8 concurrent registrations)."""
    at = at or clock.now()
    people = list({r.person.pk for r in referrals})
    # Written out (core/statements.py): compiled by the ORM, this one query cost a car
    # joining its cases more CPU than the database took to find and lock them.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    open_cases = {
        c.person_id: c
        for c in statements.fetch(
            QuarantineCase,
            f"WHERE person_id IN ({', '.join(['%s'] * len(people))}) "
            f"AND status IN ({', '.join(['%s'] * len(OPEN_STATUSES))}) ORDER BY id{lock}",
            [*people, *map(str, OPEN_STATUSES)],
            only=() if whole_cases else _JOINED,
        )
    }
    places = [_referral_place(r) for r in referrals]
    results: list[tuple[QuarantineCase, bool]] = [None] * len(referrals)  # type: ignore[list-item]

    def lock_order(i: int) -> tuple[int, int]:
        township = places[i][0]
        return (township.pk if township is not None else 0, referrals[i].person.pk)

    order = sorted(range(len(referrals)), key=lock_order)
    # The people without an open case get new ones, written together in that order.
    opening: dict[int, int] = {}  # person → the referral opening their case
    for i in order:
        if referrals[i].person.pk not in open_cases:
            opening.setdefault(referrals[i].person.pk, i)
    opened_now = _cases_open([(referrals[i], *places[i]) for i in opening.values()], source, by, at)
    if opened_now:  # else the batch failed: someone opened one of these cases meanwhile
        open_cases.update(zip(opening, opened_now, strict=True))
    for i in order:
        r, (township, village) = referrals[i], places[i]
        found = open_cases.get(r.person.pk)
        if found is None:  # opened one by one (the batch failed)
            case, opened = _case_open(r, source, by, at, township, village)
            open_cases[r.person.pk] = case
        else:
            case, opened = found, opening.get(r.person.pk) == i
        if not opened:
            _case_fill(case, r, township, village)
        results[i] = (case, opened)
    by_id = by.pk if by is not None and by.pk else None
    referrals_insert(
        [
            (case.pk, source, at, r.note, r.ref_type, r.ref_id, by_id)
            for r, (case, _opened) in zip(referrals, results, strict=True)
        ]
    )
    return results


# What joining an open case reads and may write of it (cases_refer, `whole_cases=False`):
# the person (one open case each), the status the caller may show, what case_fill fills
# and the time its save writes back.
_JOINED = (
    "person_id",
    "status",
    "came_from_code",
    "came_from",
    "arrival_date",
    "township_id",
    "village_id",
    "station_id",
    "updated_at",
)


def _referral_place(r: Referral) -> tuple[Township | None, Village | None]:
    """The township and village a referral puts the case in: what the referrer said, else
    where the person lives."""
    person = r.person
    township = r.township or (r.village.township if r.village else None) or person.township
    village = r.village
    if village is None and township is not None and person.village is not None:
        village = person.village if person.village.township_id == township.pk else None
    return township, village


def _case_new(
    r: Referral,
    source: str,
    by: User | None,
    at: datetime.datetime,
    township: Township | None,
    village: Village | None,
) -> QuarantineCase:
    """A new case in the 待核查 queue (not yet saved), validated: case_opening's values."""
    case = statements.new(
        QuarantineCase,
        case_opening(
            person_id=r.person.pk,
            source=source,
            at=at,
            by_id=by.pk if by is not None else None,
            came_from_code=r.came_from_code,
            came_from=r.came_from,
            arrival_date=r.arrival_date,
            township_id=township.pk if township is not None else None,
            village_id=village.pk if village is not None else None,
            station_id=township.station_id if township is not None else None,
            address_detail=r.address_detail or r.person.address_detail,
            needs_review=r.needs_review or (),
        ),
        # The related rows are the caller's (no queries for them, in the audit label either).
        {"person": r.person, "township": township, "village": village},
    )
    # The related rows were just read (no existence queries); one open case per
    # person is the database's rule: a second one raises IntegrityError on insert.
    case.full_clean(
        exclude=["person", "township", "village", "station", "created_by"],
        validate_constraints=False,
    )
    return case


def _first_transition(
    case: QuarantineCase, by: User | None, at: datetime.datetime, reason: str
) -> CaseTransition:
    """Its `reason`: _opening_reason(case.source), worded once for a batch of one source."""
    return statements.new(
        CaseTransition,
        {
            "case_id": case.pk,
            "from_status": "",
            "to_status": CaseStatus.PENDING,
            "at": at,
            "by_id": by.pk if by is not None else None,
            "reason": reason,
        },
        {"case": case, "by": by},
    )


def _cases_open(
    items: Sequence[tuple[Referral, Township | None, Village | None]],
    source: str,
    by: User | None,
    at: datetime.datetime,
) -> list[QuarantineCase]:
    """New cases for referrals of people without one, in the order given (the lock order):
    one INSERT of the cases and one of their first transitions, their audit entries. Empty
    when one of them has an open case by now (someone referred them a moment ago): the
    INSERT fails inside its savepoint and the caller opens or joins them one by one."""
    if not items:
        return []
    cases = [_case_new(r, source, by, at, township, village) for r, township, village in items]
    try:
        with transaction.atomic():
            statements.insert(cases)
    except IntegrityError:
        return []
    reason = _opening_reason(source)
    statements.insert([_first_transition(c, by, at, reason) for c in cases])
    for case in cases:
        audit_create(actor=by, obj=case)
    return cases


def _case_open(
    r: Referral,
    source: str,
    by: User | None,
    at: datetime.datetime,
    township: Township | None,
    village: Village | None,
) -> tuple[QuarantineCase, bool]:
    """A new case in the 待核查 queue — or, when another referral opened the person's case a
    moment ago, that case (opened False)."""
    case = _case_new(r, source, by, at, township, village)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # Another referral opened the person's case a moment ago: join it.
        return (
            QuarantineCase.objects.select_for_update().get(
                person=r.person, status__in=OPEN_STATUSES
            ),
            False,
        )
    _first_transition(case, by, at, _opening_reason(case.source)).save()
    audit_create(actor=by, obj=case)
    return case, True


# The columns of a new case, in the order cases_insert writes them.
CASE_FIELDS = (
    "person_id",
    "source",
    "status",
    "measure",
    "came_from_code",
    "came_from",
    "arrival_date",
    "township_id",
    "village_id",
    "address_detail",
    "station_id",
    "county",
    "finding",
    "verification_note",
    "opened_on",
    "needs_review",
    "created_at",
    "created_by_id",
    "updated_at",
    "version",
)

_case_row = operator.itemgetter(*CASE_FIELDS)  # values → their row, in CASE_FIELDS' order


def case_opening(
    *,
    person_id: int,
    source: str,
    at: datetime.datetime,
    by_id: int | None,
    came_from_code: str = "",
    came_from: str = "",
    arrival_date: datetime.date | None = None,
    township_id: int | None = None,
    village_id: int | None = None,
    station_id: int | None = None,
    address_detail: str = "",
    needs_review: Sequence[str] = (),
    county: str = "",
) -> dict[str, Any]:
    """A new case in the 待核查 queue, as values of CASE_FIELDS: the one rule for opening a
    case — a referral one at a time (`cases_refer`), the demo's (`cases_open_bulk`) and a
    pushed list's rows (the import). The words of where they came from are the referrer's,
    else the name of the region; it is opened on the local day of `at`; the station is the
    township's (the caller's look-up)."""
    return {
        "person_id": person_id,
        "source": source,
        "status": CaseStatus.PENDING,
        "measure": "",
        "came_from_code": came_from_code,
        "came_from": came_from or region_name(came_from_code),
        "arrival_date": arrival_date,
        "township_id": township_id,
        "village_id": village_id,
        "address_detail": address_detail,
        "station_id": station_id,
        "county": county,
        "finding": "",
        "verification_note": "",
        "opened_on": _local_day(at),
        "needs_review": sorted(set(needs_review)) if needs_review else [],
        "created_at": at,
        "created_by_id": by_id,
        "updated_at": at,
        "version": 1,
    }


@functools.lru_cache(maxsize=64)
def _local_day(at: datetime.datetime) -> datetime.date:
    """The local day of a moment: a batch opens every case at the same moment (an import's
    100,000 rows converted the same time to Shanghai's day one by one)."""
    return timezone.localdate(at, SHANGHAI)


# A case's first transition's reason, in the words of the active language
# (core.text.translated: looked up once per language, not for every case opened).
_OPENING_WORDS = {"reason": gettext_lazy("建档：%(source)s")}
_SOURCE_LABELS = dict(QuarantineCase.Source.choices)


def _opening_reason(source: str) -> str:
    return translated(_OPENING_WORDS)["reason"] % {"source": translated(_SOURCE_LABELS)[source]}


TRANSITION_FIELDS = ("case_id", "from_status", "to_status", "at", "by_id", "reason")


def opening_transition(
    case_id: int, values: dict[str, Any], *, reasons: dict[str, str] | None = None
) -> tuple[Any, ...]:
    """The first transition of a case case_opening opened (`values`), in the order of
    TRANSITION_FIELDS: into 待核查, by whoever opened it, when, and from which source. The
    one rule for it, whoever writes the rows (cases_insert; the scale generator).
    `reasons`: a batch's memo of the reason by source (a translated text, the same for
    every case of a source: 7 µs a case to make again, a tenth of an import's row)."""
    source = values["source"]
    if reasons is None:
        reason = _opening_reason(source)
    else:
        reason = reasons.get(source) or reasons.setdefault(source, _opening_reason(source))
    return (case_id, "", CaseStatus.PENDING, values["created_at"], values["created_by_id"], reason)


def transition_row(
    case_id: int, before: str, after: str, at: Any, by_id: int | None, reason: str
) -> tuple[Any, ...]:
    """A later transition of a case, in the order of TRANSITION_FIELDS, for a writer of rows
    (the scale generator): only a step the status machine allows (models.TRANSITIONS, the
    rule case_transition applies), with a reason, as case_transition would record it."""
    if after not in TRANSITIONS.get(before, ()):
        raise ValueError(f"{before} → {after} is not a transition a case may make")
    if not reason.strip():
        raise ValueError("a transition needs a reason")
    return (case_id, before, after, at, by_id, reason.strip()[:200])


def cases_insert(
    *,
    values: Sequence[dict[str, Any]],
    by: User | None,
    labels: Sequence[str] | None = None,
    batch: tuple[str, dict[str, Any]] | None = None,
) -> list[int]:
    """Write new cases (case_opening's values; the caller knows each person has no open
    case) with one insert, their first transition with another; returns their ids. The one
    bulk path for cases: `cases_open_bulk` and the list import end here.

    The case counts are kept by CASE_ROLLUP. Audit: one entry per case, as audit_create
    writes it, with `labels` (each case's audit label); or, with `batch` — (what the batch
    is, its details) — one entry naming every id (audit_batch)."""
    if not values:
        return []
    rows = [_case_row(v) for v in values]
    ids = reserve_ids(QuarantineCase, len(rows))
    CASE_ROLLUP.insert_counted(
        CASE_FIELDS, rows, lambda: insert_rows(QuarantineCase, CASE_FIELDS, rows, ids=ids)
    )
    reasons: dict[str, str] = {}
    transitions = [
        opening_transition(pk, v, reasons=reasons) for pk, v in zip(ids, values, strict=True)
    ]
    insert_rows(CaseTransition, TRANSITION_FIELDS, transitions)
    if batch is not None:
        label, details = batch
        audit_batch(actor=by, model=QuarantineCase, label=label, ids=ids, details=details)
    else:
        label_of = dict(zip(ids, labels, strict=True)) if labels is not None else {}
        audit_rows_created(
            actor=by,
            model=QuarantineCase,
            fields=CASE_FIELDS,
            rows=rows,
            ids=ids,
            describe=lambda pk, _row: label_of.get(pk, str(pk)),
        )
    return ids


REFERRAL_FIELDS = ("case_id", "source", "at", "note", "ref_type", "ref_id", "by_id")
_FEW = 50  # below this, an ORM INSERT: COPY pays off for batches


def referrals_insert(rows: Sequence[tuple[Any, ...]]) -> None:
    """Write referrals, each (case_id, source, at, note, ref_type, ref_id, by_id): the one
    write of a case's referrals (`cases_refer`, `cases_open_bulk`, the list import). The
    note is cut to its column's 200 characters (referral_row). A car's few go in one
    written-out INSERT of the rows as they are (core/statements.py `insert_rows`: nobody
    reads their ids, so no objects are made for them and none returned); a batch through
    core.bulk (COPY on PostgreSQL)."""
    rows = [referral_row(*row) for row in rows]
    if len(rows) < _FEW:
        statements.insert_rows(CaseReferral, REFERRAL_FIELDS, rows)
        return
    insert_rows(CaseReferral, REFERRAL_FIELDS, rows)


def referral_row(
    case_id: int, source: str, at: Any, note: str, ref_type: str, ref_id: str, by_id: int | None
) -> tuple[Any, ...]:
    """A referral's row in the order of REFERRAL_FIELDS: the note cut to its column's 200
    characters. The one rule for it, whoever writes the rows (referrals_insert; the scale
    generator)."""
    return (case_id, source, at, (note or "")[:200], ref_type, ref_id, by_id)


def case_fill(
    case: QuarantineCase,
    *,
    came_from_code: str = "",
    came_from: str = "",
    arrival_date: datetime.date | None = None,
    township_id: int | None = None,
    village_id: int | None = None,
    station_of: Callable[[int], int | None],
) -> list[str]:
    """Fill what an open case did not know yet from a new referral of its person; never
    overwrite what a station verified. The one rule for a referral joining a case (a
    checkpoint's, a page's — `cases_refer` — and a pushed list's row — the import), issue 15:

    - where they came from (code), the arrival date, the township: each when the case has
      none; the village when the case has none and it lies in the case's township;
    - the words of where they came from when the case has none: the referral's when they
      go with the case's code (both none included), else the name of the case's code;
    - the station of the case's township when the case has none (`station_of(township_id)`).

    Changes the case in memory; returns the names of the fields changed (for the caller's
    write: one row's save or the import's bulk update)."""
    changed: list[str] = []
    if came_from_code and not case.came_from_code:
        case.came_from_code = came_from_code
        changed.append("came_from_code")
    if not case.came_from:
        words = came_from if came_from_code == case.came_from_code else ""
        words = (words or region_name(case.came_from_code))[:100]
        if words:
            case.came_from = words
            changed.append("came_from")
    if arrival_date and not case.arrival_date:
        case.arrival_date = arrival_date
        changed.append("arrival_date")
    if township_id and not case.township_id:
        case.township_id = township_id
        changed.append("township")
    if village_id and not case.village_id and township_id == case.township_id:
        case.village_id = village_id
        changed.append("village")
    if case.station_id is None and case.township_id:
        station_id = station_of(case.township_id)
        if station_id:
            case.station_id = station_id
            changed.append("station")
    return changed


def _case_fill(
    case: QuarantineCase, r: Referral, township: Township | None, village: Village | None
) -> None:
    def station_of(township_id: int) -> int | None:
        if township is not None and township.pk == township_id:
            return township.station_id
        return Township.objects.filter(pk=township_id).values_list("station_id", flat=True).first()

    changed = case_fill(
        case,
        came_from_code=r.came_from_code,
        came_from=r.came_from,
        arrival_date=r.arrival_date,
        township_id=township.pk if township is not None else None,
        village_id=village.pk if village is not None else None,
        station_of=station_of,
    )
    if changed:
        case.save(update_fields=[*changed, "updated_at"])


@dataclass
class CaseOpenInput:
    person: Person
    source: str
    at: datetime.datetime
    came_from_code: str = ""
    arrival_date: datetime.date | None = None
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    note: str = ""


@transaction.atomic
def cases_open_bulk(*, entries: list[CaseOpenInput], by: User | None) -> list[QuarantineCase]:
    """cases_refer for many people (the demo): a person with an open case has the referral
    added to it and the case filled (case_fill); the others get a new 待核查 case
    (case_opening, written by cases_insert with its first transition and audit entry)."""
    people = [e.person.pk for e in entries]
    open_cases = {
        c.person_id: c
        for c in QuarantineCase.objects.filter(person_id__in=people, status__in=OPEN_STATUSES)
    }
    stations = dict(Township.objects.values_list("pk", "station_id"))
    by_id = by.pk if by is not None and by.pk else None
    new: list[tuple[CaseOpenInput, dict[str, Any]]] = []
    opening: dict[int, dict[str, Any]] = {}  # person → the case this call opens
    filled: dict[int, tuple[QuarantineCase, set[str]]] = {}
    out: list[QuarantineCase | dict[str, Any]] = []
    for e in entries:
        if e.person.pk in opening:  # given twice: the second joins the case the first opens
            out.append(opening[e.person.pk])
            continue
        township, village = _referral_place(
            Referral(person=e.person, township=e.township, village=e.village)
        )
        township_id = township.pk if township is not None else None
        village_id = village.pk if village is not None else None
        case = open_cases.get(e.person.pk)
        if case is None:
            values = case_opening(
                person_id=e.person.pk,
                source=e.source,
                at=e.at,
                by_id=by_id,
                came_from_code=e.came_from_code,
                arrival_date=e.arrival_date,
                township_id=township_id,
                village_id=village_id,
                station_id=stations.get(township_id) if township_id else None,
                address_detail=e.address_detail or e.person.address_detail,
            )
            new.append((e, values))
            opening[e.person.pk] = values
            out.append(values)
            continue
        changed = case_fill(
            case,
            came_from_code=e.came_from_code,
            arrival_date=e.arrival_date,
            township_id=township_id,
            village_id=village_id,
            station_of=stations.get,
        )
        if changed:
            filled.setdefault(case.pk, (case, set()))[1].update(changed)
        out.append(case)
    ids = cases_insert(
        values=[values for _e, values in new],
        by=by,
        labels=[f"{e.person.audit_label} · {CaseStatus.PENDING.label}" for e, _v in new],
    )
    made: dict[int, QuarantineCase] = {}
    for (e, values), pk in zip(new, ids, strict=True):
        case = QuarantineCase(pk=pk, **values)
        case._state.adding = False
        case.person = e.person
        made[id(values)] = case
    cases = [made[id(c)] if isinstance(c, dict) else c for c in out]
    for case, fields in filled.values():
        _update_rows([case], sorted(fields))
    referrals_insert(
        [
            (case.pk, e.source, e.at, e.note, "", "", by_id)
            for e, case in zip(entries, cases, strict=True)
        ]
    )
    return cases
