"""Who a person may have passed the virus to (密切接触者), found from what fangkong already
holds: everyone registered in the same vehicle at a checkpoint (同车, the passage's other
occupants) in the previous N days, and everyone on file at the same address (同住, the
same township, village and house, written alike once normalised).

One rule for the contacts API, the contacts page, the person file, the chain view and the
links recorded when a hand-off's outcome is suspected or confirmed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from fangkong.checkpoints.models import Occupant
from fangkong.core import clock
from fangkong.core.text import normalize_text
from fangkong.medical.models import ContactLink, Relation
from fangkong.people.models import Person
from fangkong.people.selectors import visible_person_ids as visible_ids  # noqa: F401
from fangkong.quarantine.models import OPEN_STATUSES, QuarantineCase

if TYPE_CHECKING:
    pass


def contact_days() -> int:
    """The default window (FANGKONG_CONTACT_DAYS, 14)."""
    return int(settings.FANGKONG["CONTACT_DAYS"])


def address_key(person: Person) -> str:
    """A person's house as compared: the detail NFKC-folded, without spaces; empty when
    there is no detail (a township alone names no household)."""
    return "".join(normalize_text(person.address_detail).split())


@dataclass
class Contact:
    person: Person
    relation: str
    day: datetime.date | None
    passage_id: int | None = None
    place: str = ""  # 同住: the township and village of the shared address
    detail: str = ""  # 同住: its house, as written on the source's record (masked when shown)
    typed_name: str = ""  # 同车: the name as written at that passage (not the person's record)
    case: QuarantineCase | None = None
    link: ContactLink | None = None

    @property
    def referred(self) -> bool:
        return self.link is not None and self.link.referred_at is not None

    @property
    def address(self) -> str:
        return f"{self.place}{self.detail}"

    @property
    def address_shown(self) -> str:
        """The address as any page shows it: the house masked (core/disclosure.py)."""
        from fangkong.core.disclosure import shown

        return f"{self.place}{shown('address_detail', self.detail)}" if self.place else ""

    @property
    def relation_label(self) -> str:
        return str(Relation(self.relation).label)


def contacts_of(
    person: Person, *, days: int | None = None, until: datetime.date | None = None
) -> list[Contact]:
    """The person's co-travellers in the `days` (default CONTACT_DAYS) up to `until`
    (default today), latest passage first, then their housemates. One entry per contact
    and relation; a few queries whatever the history."""
    days = contact_days() if days is None else days
    until = until or clock.today()
    start = until - datetime.timedelta(days=days)
    found: dict[tuple[int, str], Contact] = {}
    passages = dict(
        Occupant.objects.filter(person=person, day__gte=start, day__lte=until).values_list(
            "passage_id", "day"
        )
    )
    if passages:
        companions = (
            Occupant.objects.filter(passage_id__in=list(passages))
            .exclude(person_id=person.pk)
            .select_related("person__township", "person__village")
            .order_by("-day", "-passage_id", "position")
        )
        for occ in companions:
            key = (occ.person_id, Relation.SAME_VEHICLE)
            if key not in found:
                found[key] = Contact(
                    person=occ.person,
                    relation=Relation.SAME_VEHICLE,
                    day=occ.day,
                    passage_id=occ.passage_id,
                    typed_name=occ.name,
                )
    home = address_key(person)
    if home and person.township_id:
        variants = {person.address_detail, normalize_text(person.address_detail), home}
        nearby = Person.objects.filter(township_id=person.township_id, purged_at__isnull=True)
        nearby = (
            nearby.filter(village_id=person.village_id)
            if person.village_id
            else nearby.filter(village__isnull=True, address_detail__in=variants)
        )
        place = _place_text(person)
        for other in (
            nearby.exclude(pk=person.pk)
            .exclude(address_detail="")
            .select_related("township", "village")
            .order_by("pk")
        ):
            if address_key(other) == home:
                found[(other.pk, Relation.SAME_ADDRESS)] = Contact(
                    person=other,
                    relation=Relation.SAME_ADDRESS,
                    day=None,
                    place=place,
                    detail=person.address_detail,
                )
    contacts = list(found.values())
    _attach(person, contacts)
    return contacts


def _place_text(person: Person) -> str:
    township = person.township.name if person.township else ""
    village = person.village.name if person.village else ""
    return f"{township}{village}"


def _attach(source: Person, contacts: list[Contact]) -> None:
    """Each contact's recorded link and case: the referral's, else their open case, else
    their latest."""
    ids = {c.person.pk for c in contacts}
    if not ids:
        return
    links = {
        (link.contact_id, link.relation): link
        for link in ContactLink.objects.filter(source=source, contact_id__in=ids).select_related(
            "case"
        )
    }
    cases: dict[int, QuarantineCase] = {}
    for case in QuarantineCase.objects.filter(person_id__in=ids).order_by("person_id", "-id"):
        current = cases.get(case.person_id)
        if current is None or (case.is_open and not current.is_open):
            cases[case.person_id] = case
    for c in contacts:
        c.link = links.get((c.person.pk, c.relation))
        linked = c.link.case if c.link is not None else None
        c.case = cases.get(c.person.pk) or linked


def contact_status(contact: Contact) -> str:
    """The colour a contact takes in the chain view: at hospital, in quarantine, referred
    (or already in a station's queue), or only found."""
    status = contact.case.status if contact.case is not None else ""
    if status in ("hospital", "quarantined"):
        return status
    if contact.referred or status in OPEN_STATUSES:
        return "referred"
    return "found"


def unreached_filter() -> Q:
    """Links whose contact no station has reached yet: not referred, or referred and the
    case still 待核查."""
    return Q(referred_at__isnull=True) | Q(case__status="pending")
