"""Finding people: by ID number, document, phone, name or pinyin, within jurisdiction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from fangkong.accounts.jurisdiction import get_in_scope, restrict
from fangkong.accounts.roles import user_can
from fangkong.core.disclosure import search_counted, whole_values
from fangkong.core.idnumber import normalize_id_number
from fangkong.core.pinyin import search_key
from fangkong.core.text import normalize_text
from fangkong.people.models import Person, TransferRequest
from fangkong.people.ownership import persons_in_charge

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User
    from fangkong.org.models import Unit

_DIGITS = re.compile(r"^\d+[\dX]?$")
_LATIN = re.compile(r"^[a-z]+$")
_ALNUM = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True)
class SearchFields:
    """Where a search term looks. A person is searched in their record; a checkpoint's
    occupant in what the checkpoint recorded (the name and phone as given there, the ID
    number it typed), never in the record behind it: else a checkpoint that registers
    someone's ID number under any name learns the record's name and phone from which
    guesses find the passage (issue 19)."""

    name: str = "name"
    phone: str = "phone"
    id_number: str = "id_number"
    doc_number: str = "doc_number"
    pinyin: str = "name_pinyin"
    initials: str = "name_initials"
    # The name the pinyin fields spell, when it is not `name`: pinyin then matches only where
    # that name is the one searched in (the recorded name is the name on file).
    pinyin_of: str = ""


PERSON_FIELDS = SearchFields()


def search_filter(
    q: str, among: QuerySet[Any] | None = None, fields: SearchFields = PERSON_FIELDS
) -> Q | None:
    """How a search box term finds a person: the shape of the term decides the field.

    Digits (an ID number may end in X) → only whole values, as the disclosure rule says
    (core.disclosure.whole_values): an ID number, its first 17 characters or its 15-digit
    form, a phone number, a document number — never the end of one, which would tell the
    hidden digits of a masked value one search at a time. Latin letters → the beginning of
    the pinyin initials or full spelling; anything else → the beginning of the name, else any
    part of it. `among` is whom the caller searches (the user's jurisdiction): a name
    that begins with the term outside it must not hide the ones that contain it inside.
    `fields` says where those values are (SearchFields).
    """
    f = fields
    text = normalize_text(q)
    if not text:
        return None
    compact = normalize_id_number(text)
    if _DIGITS.match(compact):
        whole = whole_values(compact)
        found = Q(**{f.doc_number: whole.doc_number})
        if whole.id_number:
            found |= Q(**{f.id_number: whole.id_number})
        if whole.phone:
            found |= Q(**{f.phone: whole.phone})
        return found
    key = search_key(text)
    if _LATIN.match(key):
        spoken = Q(**{f"{f.initials}__prefix": key}) | Q(**{f"{f.pinyin}__prefix": key})
        if f.pinyin_of:
            spoken &= Q(**{f.name: F(f.pinyin_of)})
        return spoken | Q(**{f.doc_number: key.upper()})
    # A name: where it begins (the full name, or the surname and more) is found through the
    # index among a million people; any other part of a name ("建国" for 王建国) only when
    # no name among those searched begins with it, which scans the names.
    begins = Q(**{f"{f.name}__prefix": text})
    anywhere = Q(**{f"{f.name}__contains": text})
    if _ALNUM.search(compact):  # could be a passport or permit number (stored upper-case)
        begins |= Q(**{f.doc_number: compact.upper()})
        anywhere |= Q(**{f.doc_number: compact.upper()})
    if (among if among is not None else Person.objects.all()).filter(begins).exists():
        return begins
    return anywhere


def person_list(
    *, user: User | AnonymousUser, q: str = "", township_id: int | None = None
) -> QuerySet[Person]:
    qs = restrict(Person.objects.select_related("township", "village"), user)
    if q.strip():
        search_counted(user)
    if township_id:
        qs = qs.filter(township_id=township_id)
    flt = search_filter(q, among=qs)
    if flt is not None:
        qs = qs.filter(flt)
    if flt is not None:
        # Newest first, sorted after the search's indexes found the few matches: ordered by
        # "-id" itself, SQLite (and PostgreSQL) walk the whole table backwards instead,
        # testing each row, which for a rare name means a million rows.
        return qs.order_by((F("id") * -1).asc())
    return qs.order_by("-id")


def visible_person_ids(user: User | AnonymousUser, people: Iterable[int]) -> set[int]:
    """Which of these people `user` may open (their jurisdiction). Any other person is
    named by no record id: an id says the number is on file and is the key to the rest
    (a passage's occupants, a contact, a seat companion)."""
    ids = list(set(people))
    if not ids or not user_can(user, "people.view"):
        return set()  # (a checkpoint, a device: no query)
    return set(restrict(Person.objects.filter(pk__in=ids), user).values_list("pk", flat=True))


def person_get(*, user: User | AnonymousUser, pk: int) -> Person:
    return get_in_scope(
        Person.objects.select_related("township", "village", "township__station"), user, pk=pk
    )


# --- Transfer requests ------------------------------------------------------------------


def _transfers() -> QuerySet[TransferRequest]:
    return TransferRequest.objects.select_related(
        "person",
        "to_township",
        "to_village",
        "from_station",
        "requested_unit",
        "requested_by",
        "decided_by__unit",
    )


def transfer_list(*, user: User | AnonymousUser) -> QuerySet[TransferRequest]:
    """Requests the user may see: made by them or their unit, addressed to their unit, or
    about a person now in their charge."""
    return restrict(_transfers(), user)


def transfers_to_decide(*, user: User | AnonymousUser) -> QuerySet[TransferRequest]:
    """Requests about people in the user's charge (pending or not): whoever is in charge of
    the person decides, wherever the person was when the request was made."""
    mine = persons_in_charge(Person.objects.all(), user).values("pk")
    return _transfers().filter(person__in=mine)


def transfers_pending(*, user: User | AnonymousUser) -> QuerySet[TransferRequest]:
    return transfers_to_decide(user=user).filter(status=TransferRequest.Status.PENDING)


def transfer_party(viewer: User | AnonymousUser, actor: User | None, unit: Unit | None) -> str:
    """Who asked for or decided a transfer, as `viewer` reads it on the request: the unit
    (the other jurisdiction learns the outcome and which unit gave it); the officer's name
    only for themself and their own unit's colleagues. The trail keeps who it was."""
    if actor is None:
        return str(unit or "")
    colleague = viewer.pk == actor.pk or (
        unit is not None and getattr(viewer, "unit_id", None) == unit.pk
    )
    if unit is None:
        return str(actor) if colleague else ""
    return f"{unit} · {actor}" if colleague else str(unit)


def transfer_get(*, user: User | AnonymousUser, pk: int) -> TransferRequest:
    return get_in_scope(_transfers(), user, pk=pk)


def transfer_get_to_decide(*, user: User | AnonymousUser, pk: int) -> TransferRequest:
    """A request the user may decide, or 404 (the requester, another station: not found)."""
    try:
        return transfers_to_decide(user=user).get(pk=pk)
    except (TransferRequest.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
