"""Jurisdiction of writes to people: who may change a person's record.

One rule, called by every entry point that could change a person or put one somewhere (the
person form, checkpoint registration, QR confirmation, list imports and their possible
duplicates, transfer requests):

- a person's record is changed only by whoever is in charge of it: the station whose area
  the person lives in (`Person.ownership`), and the command centre (county scope); a
  system action without a user (the demo, `fangkong import` run by an operator) too;
- a user who types an ID number that is on file elsewhere is told so and nothing more
  (`ELSEWHERE`), and may ask for a transfer (people/services.py `transfer_request`);
- a user registering people by hand places them only in townships they are in charge of;
- a checkpoint is in charge of nobody: it records what it saw on its own occupants.

Reading is a separate rule (`Person.jurisdiction`): being able to read a person through a
case or an assignment never gives the right to rewrite them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Scope, restrict, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User
    from fangkong.org.models import Township
    from fangkong.people.models import Person

# What a user is told when the number they typed is on file in a jurisdiction not theirs:
# no name, no place, no record number — only that it exists, which they must know to ask
# for a transfer instead of making a second record of the same person.
ELSEWHERE = _("该证件号码已在其他单位辖区登记")
ELSEWHERE_CODE = "elsewhere"
NOT_YOUR_PLACE = _("现住乡镇街道：只能选择本单位辖区内的乡镇街道（已在其他辖区的人员请申请移交）")


def scope_of(by: User | AnonymousUser | None) -> Scope | None:
    """The scope writes are checked against; None for a system action (no user)."""
    return None if by is None else scope_for(by)


def holds(scope: Scope | None, *, township_id: int | None, station_id: int | None) -> bool:
    """Whether a record of this township (whose station is `station_id`) is in the charge
    of a user with this scope. The in-memory form, for bulk callers holding the ids."""
    if scope is None:
        return True
    return scope.covers(unit_id=station_id, township_id=township_id)


def person_in_charge(by: User | AnonymousUser | None, person: Person) -> bool:
    """Whether `by` may change this person's record (or decide where they belong)."""
    scope = scope_of(by)
    if scope is None or scope.county:
        return True
    if person.township_id is None:
        return False  # nobody's area: the command centre's to place
    from fangkong.org.models import Township

    cached = _loaded_township(person)
    station_id = (
        cached.station_id
        if cached is not None
        else Township.objects.filter(pk=person.township_id)
        .values_list("station_id", flat=True)
        .first()
    )
    return holds(scope, township_id=person.township_id, station_id=station_id)


def _loaded_township(person: Person) -> Township | None:
    """The person's township if already loaded (no query), else None."""
    return person._state.fields_cache.get("township")


def place_allowed(by: User | AnonymousUser | None, township: Township | None) -> bool:
    """Whether `by` may register a person (or ask for one) to live in this township."""
    scope = scope_of(by)
    if scope is None or scope.county:
        return True
    if township is None:
        return False
    return holds(scope, township_id=township.pk, station_id=township.station_id)


def townships_for(by: User | AnonymousUser) -> QuerySet[Township]:
    """The townships `by` may place people in (the choices of the person form)."""
    from fangkong.org.models import Township

    scope = scope_for(by)
    qs = Township.objects.all()
    if scope.county:
        return qs
    return qs.filter(Q(pk__in=list(scope.township_ids)) | Q(station_id__in=list(scope.unit_ids)))


def persons_in_charge(qs: QuerySet[Person], by: User | AnonymousUser) -> QuerySet[Person]:
    """The people of `qs` whose record `by` may change."""
    from fangkong.people.models import Person

    return restrict(qs, by, jurisdiction=Person.ownership)
