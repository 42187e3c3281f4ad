"""Every write to people: registering (find-or-create, never a second row) one at a time or
in bulk, editing, revealing the full personal data (audited)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import bounds, clock, statements
from fangkong.core.audit import audit_batch, audit_record, audit_rows_created
from fangkong.core.bulk import insert_rows, reserve_ids
from fangkong.core.conflicts import stale_error
from fangkong.core.disclosure import REVEALED_FIELDS, audit_person_label, search_counted
from fangkong.core.idnumber import parse_id_number
from fangkong.core.phones import parse_phone
from fangkong.core.pinyin import name_pinyin
from fangkong.core.services import model_create, model_update
from fangkong.core.text import length_error, name_error, normalize_text, plain_text_error
from fangkong.people.models import Person, TransferRequest
from fangkong.people.ownership import (
    ELSEWHERE,
    ELSEWHERE_CODE,
    NOT_YOUR_PLACE,
    person_in_charge,
    place_allowed,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Township, Village


@dataclass
class PersonInput:
    """What a form, an API call or an import row says about a person, before validation."""

    name: str
    id_number: str = ""
    doc_type: str = Person.DocType.ID_CARD
    doc_number: str = ""
    phone: str = ""
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    note: str = ""


# The fields' names in person_clean's messages: translated when a message is shown, not for
# every person checked (a registration checks three).
ID_LABEL = gettext_lazy("身份证号")
PHONE_LABEL = gettext_lazy("联系电话")
ADDRESS_LABEL = gettext_lazy("详细住址")
NOTE_LABEL = gettext_lazy("备注")
DOC_NUMBER_LABEL = gettext_lazy("证件号码")
REASON_LABEL = gettext_lazy("申请理由")
DECISION_LABEL = gettext_lazy("处理意见")


RESIDENT_ID_AS_DOCUMENT = gettext_lazy(
    "证件号码：该号码是居民身份证号码，证件类型请选择“居民身份证”，在“身份证号”一栏填写"
)


def resident_id_number(doc_number: str) -> str | None:
    """The resident ID number (GB 11643, as 18 digits) a number typed as another document's
    is, once all but its letters and digits are dropped (spaces, dashes, slashes, hidden
    characters); None when it is none. A person with a resident ID number is keyed by it:
    the same number under 护照 or 其他证件 would open a second file for them, beside (or in
    another station's area than) the one their ID number finds — the transfer rule
    ("asked for, never taken") sidestepped. Every entry point refuses it through
    person_clean, and a list import's row through its own check of the ID column."""
    core = "".join(char for char in doc_number if char.isalnum())
    if not 15 <= len(core) <= 18:
        return None
    try:
        return parse_id_number(core, remember=False).number
    except ValidationError:
        return None


def person_clean(data: PersonInput) -> dict[str, Any]:
    """Validate and normalise; raise one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    name = normalize_text(data.name)
    if not name:
        errors["name"] = [_("姓名不能为空")]
    elif refused := name_error(name):
        errors["name"] = [refused]
    values["name"] = name
    # Pinyin only of a name that passed its length check: its cost grows with the text.
    full, initials = name_pinyin(name) if "name" not in errors else ("", "")
    values["name_pinyin"], values["name_initials"] = full[:200], initials[:50]

    doc_type = data.doc_type or Person.DocType.ID_CARD
    values["doc_type"] = doc_type
    values["sex"] = data.sex
    values["birth_date"] = data.birth_date
    values["household_region"] = ""
    if doc_type == Person.DocType.ID_CARD:
        try:
            parsed = parse_id_number(data.id_number, field=ID_LABEL)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            values["id_number"] = parsed.number
            values["sex"] = parsed.sex
            values["birth_date"] = parsed.birth_date
            values["household_region"] = parsed.region_code
        values["doc_number"] = ""
    else:
        values["id_number"] = None
        doc_number = normalize_text(data.doc_number).upper()
        if doc_type != Person.DocType.NONE and not doc_number:
            errors["doc_number"] = [_("证件号码不能为空")]
        values["doc_number"] = doc_number
        if refused := length_error(
            doc_number, DOC_NUMBER_LABEL, bounds.ID_NUMBER
        ) or plain_text_error(doc_number, DOC_NUMBER_LABEL):
            errors["doc_number"] = [refused]
        elif resident_id_number(doc_number) is not None:
            errors["doc_number"] = [str(RESIDENT_ID_AS_DOCUMENT)]

    values["phone"] = ""
    if data.phone and data.phone.strip():
        try:
            values["phone"] = parse_phone(data.phone, field=PHONE_LABEL)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if (
        data.village is not None
        and data.township is not None
        and (data.village.township_id != data.township.pk)
    ):
        errors["village"] = [_("村居不属于所选乡镇街道")]
    values["township"] = data.township or (data.village.township if data.village else None)
    values["village"] = data.village
    values["address_detail"] = normalize_text(data.address_detail)
    values["note"] = normalize_text(data.note)
    for key, label in (("address_detail", ADDRESS_LABEL), ("note", NOTE_LABEL)):
        if refused := length_error(values[key], label, bounds.LINE) or plain_text_error(
            values[key], label
        ):
            errors[key] = [refused]
    if errors:
        raise ValidationError(errors)
    return values


def find_existing(values: dict[str, Any]) -> Person | None:
    if values.get("id_number"):
        return Person.objects.filter(id_number=values["id_number"]).first()
    if values.get("doc_number"):
        # exclude(doc_number=""): the unique index's condition, so that SQLite uses it.
        return (
            Person.objects.filter(doc_type=values["doc_type"], doc_number=values["doc_number"])
            .exclude(doc_number="")
            .first()
        )
    return None


def _document_field(values: dict[str, Any]) -> str:
    return "id_number" if values.get("id_number") else "doc_number"


def elsewhere_error(values: dict[str, Any]) -> ValidationError:
    """The number typed is on file in a jurisdiction not the user's: said, nothing shown."""
    return ValidationError(
        {_document_field(values): [ValidationError(ELSEWHERE, code=ELSEWHERE_CODE)]}
    )


def is_elsewhere(exc: ValidationError) -> bool:
    """Whether a refusal is `elsewhere_error` (the page then offers a transfer request)."""
    if not hasattr(exc, "error_dict"):
        return False
    return any(e.code == ELSEWHERE_CODE for errors in exc.error_dict.values() for e in errors)


@transaction.atomic
def person_find_or_create(*, data: PersonInput, by: User | None) -> tuple[Person, bool]:
    """The person with this document, untouched, or a new one made from `data`. Returns
    (person, created). For callers that record what they saw elsewhere (a checkpoint's
    occupant, a list's row): knowing a number never changes the record it leads to."""
    values = person_clean(data)
    existing = find_existing(values)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return model_create(model=Person, by=by, **values), True
    except (IntegrityError, ValidationError):
        # Someone registered the same document a moment ago: theirs is the person. (Their
        # commit shows in full_clean's uniqueness check, or else in the insert.)
        existing = find_existing(values)
        if existing is None:
            raise
        return existing, False


def _place_errors(values: dict[str, Any], by: User | None) -> dict[str, list[str]]:
    if place_allowed(by, values.get("township")):
        return {}
    return {"township": [str(NOT_YOUR_PLACE)]}


def person_register(*, data: PersonInput, by: User | None) -> tuple[Person, bool]:
    """Register a person by hand: find them by document, or create them. Returns
    (person, created).

    Typing a number asks "is someone on file with it": a user's registration counts as
    a search (core.disclosure.search_counted, the search box's limit), and an answer
    "on file elsewhere" is audited (`lookup`, the record's id only), so that the form is
    no faster an oracle than the search box and every probe shows in the trail.
    """
    if by is not None and (data.id_number or data.doc_number):
        search_counted(by)
    try:
        return _person_register(data=data, by=by)
    except ValidationError as exc:
        if by is not None and is_elsewhere(exc):
            # Outside the refused write's transaction: the refusal stays in the trail.
            existing = find_existing(person_clean(data))
            audit_record(
                actor=by,
                action="lookup",
                object_type="people.person",
                object_id=str(existing.pk) if existing else "",
                changes={"answer": str(ELSEWHERE)},
            )
        raise


@transaction.atomic
def _person_register(*, data: PersonInput, by: User | None) -> tuple[Person, bool]:
    """person_register's write, in one transaction.

    Jurisdiction of writes (people/ownership.py): `by` places people only in their own
    area; a known person is updated only by whoever is in charge of them — blanks are
    filled, and a newer phone or address replaces the old (people move and change
    numbers; both versions stay in the audit trail). A known person in the charge of
    someone else is refused with `elsewhere_error`, which shows nothing of them.
    """
    values = person_clean(data)
    existing = find_existing(values)
    # A new person needs a place in `by`'s area; a known one keeps theirs unless one is given.
    errors = _place_errors(values, by) if existing is None or values["township"] else {}
    if existing is not None and not person_in_charge(by, existing):
        errors.update(elsewhere_error(values).error_dict)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    if existing is None:
        existing, created = person_find_or_create(data=data, by=by)
        if created:
            return existing, True
        if not person_in_charge(by, existing):  # registered elsewhere a moment ago
            raise elsewhere_error(values)
    updates = {
        key: value
        for key, value in values.items()
        if value not in (None, "")
        and (
            getattr(existing, key) in (None, "")
            or key in {"phone", "township", "village", "address_detail"}
        )
    }
    return person_change(person=existing, by=by, data=updates), False


@transaction.atomic
def person_update(
    *, person: Person, data: PersonInput, by: User, expected_version: int | None = None
) -> Person:
    """Edit a person from a form. With `expected_version`, refuse to overwrite a newer save.

    Only whoever is in charge of the person edits them, places them only in their own area,
    and an ID number on file for someone they are not in charge of is refused like in
    person_register, naming no record."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()  # first: what changed since the page was drawn says why
    if not person_in_charge(by, locked):
        raise PermissionDenied(_("该人员不在本单位辖区，不能修改"))
    values = person_clean(data)
    errors = _place_errors(values, by)
    other = find_existing(values)
    if other is not None and other.pk != locked.pk:
        if person_in_charge(by, other):
            errors[_document_field(values)] = [
                _("该证件号码已登记为另一人员（编号%(pk)s）") % {"pk": other.pk}
            ]
        else:
            errors.update(elsewhere_error(values).error_dict)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    return person_change(person=locked, by=by, data=values)


# --- A person moving ----------------------------------------------------------------------

# fn(person=, by=) -> how many records followed. Another app's records that name the place
# or the station of a person beside the person (their cases: quarantine registers
# cases_follow_person) follow the person when they move.
PersonFollower = Callable[..., int]
_person_followers: list[PersonFollower] = []

# What says where a person lives, and so whose they are (a person is their township's
# station's, people/ownership.py).
PLACE_FIELDS = frozenset({"township", "village", "address_detail"})


def register_person_follower(fn: PersonFollower) -> None:
    if fn not in _person_followers:
        _person_followers.append(fn)


def person_moved(*, person: Person, by: User | None) -> None:
    """The person lives elsewhere now — a transfer accepted, an edit, a registration giving a
    newer address, a merge (their records joined to the kept person): every app's records
    that follow them are moved in the caller's transaction, so that no station keeps a
    person's case once the person is another's (the seventh attack, finding 1). The one
    call of every path that changes a person's place, as township_set_station's followers
    are of a township's."""
    for follow in _person_followers:
        follow(person=person, by=by)


def person_change(*, person: Person, by: User | None, data: dict[str, Any]) -> Person:
    """model_update of a person (validated, audited), and the records following them
    moved when their place changed (person_moved)."""
    person, changes = model_update(instance=person, by=by, data=data)
    if PLACE_FIELDS & changes.keys():
        person_moved(person=person, by=by)
    return person


def person_reveal(
    *, person: Person, by: User, fields: list[str] | None = None, purpose: str = ""
) -> Person:
    """Record that `by` saw these fields of this person unmasked (by default the full ID
    number, phone and address), and what for when the view is not the person's page."""
    changes: dict[str, object] = {"fields": fields or REVEALED_FIELDS}
    if purpose:
        changes["purpose"] = purpose
    audit_record(actor=by, action="reveal", obj=person, changes=changes)
    return person


# --- Bulk ---------------------------------------------------------------------------------

# The columns persons_insert writes, in order (values as person_clean gives them, with
# township_id and village_id instead of the objects).
_INSERTED = (
    "id_number",
    "doc_type",
    "doc_number",
    "id_unverified",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "birth_date",
    "phone",
    "household_region",
    "township_id",
    "village_id",
    "address_detail",
    "note",
    "created_at",
    "updated_at",
    "version",
)
_NAME = _INSERTED.index("name")
PERSON_COLUMNS = _INSERTED


def person_row(values: dict[str, Any], *, at: Any) -> tuple[Any, ...]:
    """A new person's row in the order of PERSON_COLUMNS, from values as person_clean gives
    them (township_id and village_id instead of the objects), created at `at`: the one row
    rule for people, whoever writes the rows (persons_insert; the scale generator, which
    writes millions with COPY and passes `at` as the text the backend stores)."""
    full, initials = name_pinyin(values["name"])
    get = values.get
    return (
        get("id_number") or None,
        get("doc_type") or Person.DocType.ID_CARD,
        get("doc_number", ""),
        get("id_unverified", False),
        values["name"],
        full[:200],
        initials[:50],
        get("sex", ""),
        get("birth_date"),
        get("phone", ""),
        get("household_region", ""),
        get("township_id"),
        get("village_id"),
        get("address_detail", ""),
        get("note", ""),
        at,
        at,
        1,
    )


def persons_insert(
    *,
    values: Sequence[dict[str, Any]],
    by: User | None,
    batch: tuple[str, dict[str, Any]] | None = None,
) -> list[int]:
    """Insert new people, already validated and known to be new (the caller looked them
    up), with one executemany; returns their ids in order. The one bulk path for people:
    `persons_register_bulk` and the list import both end here.

    Audit: one entry per person, as audit_create writes it; or, with `batch` — (what the
    batch is, its details) — one entry naming every id, for callers that keep a row per
    person elsewhere (a list import's entries say which row made which person)."""
    if not values:
        return []
    now = clock.now()
    rows = [person_row(v, at=now) for v in values]
    ids = reserve_ids(Person, len(rows))
    insert_rows(Person, _INSERTED, rows, ids=ids)
    if batch is not None:
        label, details = batch
        audit_batch(actor=by, model=Person, label=label, ids=ids, details=details)
        return ids
    audit_rows_created(
        actor=by,
        model=Person,
        fields=_INSERTED,
        rows=rows,
        ids=ids,
        describe=lambda pk, row: audit_person_label(str(row[_NAME]), pk),
    )
    return ids


def _document_key(values: dict[str, Any]) -> tuple[str, ...] | None:
    if values.get("id_number"):
        return ("id", values["id_number"])
    if values.get("doc_number"):
        return ("doc", values["doc_type"], values["doc_number"])
    return None


@transaction.atomic
def persons_register_bulk(*, data: Sequence[PersonInput], by: User | None) -> list[Person]:
    """person_register for many people (the demo, large lists): person_clean's rules, one
    row per document — a person already known, or given twice, is returned as the same
    person and not changed. All or nothing: a bad item raises ValidationError naming its
    position. Returns the people in the order given."""
    cleaned: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(data):
        try:
            cleaned.append(person_clean(item))
        except ValidationError as exc:
            for field_name, msgs in exc.message_dict.items():
                errors.setdefault(field_name, []).extend(
                    _("第%(n)s条：%(msg)s") % {"n": index + 1, "msg": m} for m in msgs
                )
    if errors:
        raise ValidationError(errors)
    return persons_add_cleaned(cleaned=cleaned, by=by)


def persons_add_cleaned(*, cleaned: Sequence[dict[str, Any]], by: User | None) -> list[Person]:
    """The people these values (person_clean's, each already validated) name: a person on
    file, or given twice, is found and not changed; the others are inserted together by
    persons_insert. Returns one person per item, in order. The bulk services that validate
    people as part of something else (a batch of passages) end here, as
    persons_register_bulk does."""
    known: dict[tuple[str, ...], Person] = {}
    numbers = [v["id_number"] for v in cleaned if v.get("id_number")]
    for person in Person.objects.filter(id_number__in=numbers):
        known[("id", str(person.id_number))] = person
    documents = {v["doc_number"] for v in cleaned if not v.get("id_number") and v["doc_number"]}
    for person in Person.objects.filter(doc_number__in=documents).exclude(doc_number=""):
        known[("doc", person.doc_type, person.doc_number)] = person
    new: list[dict[str, Any]] = []
    first: dict[tuple[str, ...], int] = {}  # a document given twice: its place in `new`
    refs: list[Person | int] = []  # per item: the known person, or its place in `new`
    for v in cleaned:
        key = _document_key(v)
        if key is not None and key in known:
            refs.append(known[key])
        elif key is not None and key in first:
            refs.append(first[key])
        else:
            if key is not None:
                first[key] = len(new)
            refs.append(len(new))
            new.append(v)
    made = persons_insert_cleaned(cleaned=new, by=by)
    return [made[ref] if isinstance(ref, int) else ref for ref in refs]


def persons_insert_cleaned(*, cleaned: Sequence[dict[str, Any]], by: User | None) -> list[Person]:
    """New people from person_clean's values (validated, none on file): written together by
    persons_insert, returned in order. Uniqueness is the database's: a person registered a
    moment ago makes the INSERT raise IntegrityError."""
    rows = [
        {
            **{k: v for k, v in values.items() if k not in ("township", "village")},
            "township_id": values["township"].pk if values["township"] else None,
            "village_id": values["village"].pk if values["village"] else None,
        }
        for values in cleaned
    ]
    ids = persons_insert(values=rows, by=by)
    made = []
    for values, row, pk in zip(cleaned, rows, ids, strict=True):
        person = statements.new(
            Person,
            {**row, "id": pk},
            {"township": values["township"], "village": values["village"]},
        )
        person._state.adding = False
        made.append(person)
    return made


# --- Transfer requests (移交申请) ----------------------------------------------------------


@dataclass
class TransferInput:
    """What a station says when it asks for a person on file elsewhere: the document it
    holds, the name it was given, where the person lives now in its area, and why."""

    name: str
    id_number: str = ""
    doc_type: str = Person.DocType.ID_CARD
    doc_number: str = ""
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    reason: str = ""


def _transfer_values(data: TransferInput, by: User) -> tuple[dict[str, Any], Person]:
    errors: dict[str, list[str]] = {}
    try:
        values = person_clean(
            PersonInput(
                name=data.name,
                id_number=data.id_number,
                doc_type=data.doc_type,
                doc_number=data.doc_number,
                township=data.township,
                village=data.village,
                address_detail=data.address_detail,
            )
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        values = {}
    reason = normalize_text(data.reason)
    if not reason:
        errors["reason"] = [_("申请理由：请写明申请移交的理由，如本人已迁入本辖区居住")]
    elif len(reason) > 200:
        errors["reason"] = [_("申请理由过长：最多200个字符")]
    elif refused := plain_text_error(reason, REASON_LABEL):
        errors["reason"] = [refused]
    if data.township is None:
        errors["township"] = [_("现住乡镇街道：请选择该人员现住的本辖区乡镇街道")]
    elif not place_allowed(by, data.township):
        errors["township"] = [str(NOT_YOUR_PLACE)]
    person = None
    if values and not errors.get("id_number") and not errors.get("doc_number"):
        person = find_existing(values)
        field_name = _document_field(values)
        if person is None:
            errors[field_name] = [_("该证件号码尚未登记，请直接登记人员")]
        elif person_in_charge(by, person):
            errors[field_name] = [_("该人员已在本单位辖区，无需申请移交")]
    if errors or person is None:
        raise ValidationError(errors)
    values["reason"] = reason
    return values, person


def transfer_request(*, data: TransferInput, by: User) -> TransferRequest:
    """Ask for a person on file in another jurisdiction to be moved to `by`'s area. The
    request names the person by the document typed; until it is accepted the requester
    sees nothing of the record (people/ownership.py). Its answers ("not on file", "already
    yours", a request made) say whether a number is on file: each counts as a search, as
    person_register's does (counted outside the transaction a refusal rolls back)."""
    search_counted(by)
    return _transfer_request(data=data, by=by)


@transaction.atomic
def _transfer_request(*, data: TransferInput, by: User) -> TransferRequest:
    values, person = _transfer_values(data, by)
    if TransferRequest.objects.filter(
        person=person, requested_unit=by.unit_id, status=TransferRequest.Status.PENDING
    ).exists():
        raise ValidationError(_("本单位已申请移交该人员，正在等待对方处理"))
    township = person.township
    request = TransferRequest(
        person=person,
        name=values["name"],
        from_township=township,
        from_station_id=township.station_id if township is not None else None,
        to_township=values["township"],
        to_village=values["village"],
        to_address=values["address_detail"],
        reason=values["reason"],
        requested_by=by,
        requested_unit_id=by.unit_id,
        created_at=clock.now(),
    )
    request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # the same request, sent twice at once
        raise ValidationError(_("本单位已申请移交该人员，正在等待对方处理")) from exc
    audit_record(
        actor=by,
        action="create",
        obj=request,
        changes={
            "person": [None, person.pk],
            "from_station": [None, request.from_station_id],
            "to_township": [None, request.to_township_id],
            "reason": [None, request.reason],
        },
    )
    return request


@transaction.atomic
def transfer_decide(
    *, request: TransferRequest, by: User, accept: bool, reason: str = ""
) -> TransferRequest:
    """The station in charge of the person (or the command centre) accepts — the person
    moves to the requested township, village and address — or declines with a reason.
    Both are audited; the requester sees the outcome on their request."""
    locked = TransferRequest.objects.select_for_update().get(pk=request.pk)
    person = (  # the person's row only: the township is a nullable join
        Person.objects.select_for_update(of=("self",))
        .select_related("township")
        .get(pk=locked.person_id)
    )
    if not person_in_charge(by, person):
        raise PermissionDenied(_("该人员不在本单位辖区，不能处理其移交申请"))
    if locked.status != TransferRequest.Status.PENDING:
        raise ValidationError(
            _("该申请已处理（%(status)s），不能再次处理") % {"status": locked.get_status_display()}
        )
    note = normalize_text(reason)
    if not accept and not note:
        raise ValidationError({"reason": [_("不同意的理由：请写明，申请单位会看到")]})
    if len(note) > 200:
        raise ValidationError({"reason": [_("处理意见过长：最多200个字符")]})
    # Read by the requesting station as written: no hidden character (core.text's one rule).
    if refused := plain_text_error(note, DECISION_LABEL):
        raise ValidationError({"reason": [refused]})
    locked.status = TransferRequest.Status.ACCEPTED if accept else TransferRequest.Status.DECLINED
    locked.decided_by = by
    locked.decided_at = clock.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:  # the person and their cases (person_moved) are the requester's now
        person_change(
            person=person,
            by=by,
            data={
                "township": locked.to_township,
                "village": locked.to_village,
                "address_detail": locked.to_address,
            },
        )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={
            "status": [TransferRequest.Status.PENDING.value, locked.status],
            **({"decision_note": [None, note]} if note else {}),
        },
    )
    return locked
