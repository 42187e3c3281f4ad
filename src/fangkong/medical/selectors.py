"""Reads of the medical hand-off: the hand-offs a user may see, the sources still to hand
over (a checkpoint's 移交医疗 decision, an open fever alert), the contact links, the chain
of transmission."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import get_in_scope, restrict
from fangkong.checkpoints.models import Decision, Occupant
from fangkong.core.disclosure import shown
from fangkong.core.masking import mask_name
from fangkong.medical.contacts import (
    Contact,
    contact_status,
    contacts_of,
    unreached_filter,
    visible_ids,
)
from fangkong.medical.models import (
    CONTACT_OUTCOMES,
    CaseDocument,
    ContactLink,
    Handoff,
    MedicalInstitution,
)
from fangkong.people.models import Person
from fangkong.quarantine.models import OPEN_STATUSES, Alert, QuarantineCase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

    AnyUser = User | AnonymousUser

STATES = ("awaiting", "done", "all")


def handoff_list(*, user: AnyUser, state: str = "all", outcome: str = "") -> QuerySet[Handoff]:
    qs = restrict(Handoff.objects.all(), user).select_related(
        "person", "institution", "case__township", "case__village", "case__station", "occupant"
    )
    if state == "awaiting":
        qs = qs.filter(outcome="")
    elif state == "done":
        qs = qs.exclude(outcome="")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("-handed_at", "-id")


def handoff_get(*, user: AnyUser, pk: int) -> Handoff:
    return get_in_scope(
        Handoff.objects.select_related(
            "person__township",
            "person__village",
            "institution",
            "case__township",
            "case__village",
            "case__station",
            "occupant__passage__checkpoint",
            "handed_by",
            "outcome_by",
        ),
        user,
        pk=pk,
    )


def case_place(case: QuarantineCase) -> str:
    """Where the case's person lives, as far as the village (QuarantineCase.place)."""
    return case.place()


@dataclass(frozen=True)
class Subject:
    """The person handed over, as one user may see them: one rule for the hand-over form,
    the hand-off's page, the hand-off list and the receipt (交接单).

    Who may open the person's record (the station in charge, the command, the follow-up
    team: `visible_ids`) and the staff of the institution receiving the hand-off see the
    record: its name, the number and phone masked, the case's address, origin and state.
    Anyone else — the checkpoint that registered them, a station that handed them over
    before they moved away — sees what the checkpoint recorded at the passage: the name and
    phone as given, the destination and origin typed, and no case. A typed ID number never
    opens the record behind it (the checkpoint's pages read their occupants alike)."""

    visible: bool
    name: str
    document: str
    phone: str
    place: str  # the case's township and village; outside: the destination as typed
    address_detail: str  # the house, masked; '' outside
    came_from: str
    case: QuarantineCase | None
    # The case's other hand-offs awaiting their outcome (a checkpoint's is per occupant, so
    # a case may have two): shown to those who see the record, so the station and each
    # receiving institution see one picture; never to anyone else (the checkpoint).
    others: tuple[OtherHandoff, ...] = ()


@dataclass(frozen=True)
class OtherHandoff:
    """Another open hand-off of the same case: its receipt's number, where it went, from
    what, when; `pk` only when the reader may open it (the receiving clinic of one may
    not open the other's)."""

    pk: int | None
    number: str
    institution: str
    origin: str
    handed_at: datetime.datetime


def subject_of(
    *, person: Person, case: QuarantineCase, occupant: Occupant | None, visible: bool
) -> Subject:
    """The `Subject` for a user who may (`visible`) or may not see the person's record."""
    if visible:
        return Subject(
            visible=True,
            name=person.name,
            document=shown("document", person.document_label),
            phone=shown("phone", person.phone),
            place=case_place(case),
            address_detail=shown("address_detail", case.address_detail),
            came_from=case.came_from,
            case=case,
        )
    if occupant is None:  # handed over from a record the user no longer reaches
        return Subject(False, str(_("（非本辖区）")), "", "", "", "", "", None)
    return Subject(
        visible=False,
        name=occupant.name or str(_("（未登记姓名）")),
        # The number the checkpoint typed, masked as on its passage pages.
        document=shown("document", person.document_label),
        phone=shown("phone", occupant.phone),
        place=occupant.destination,
        address_detail="",
        came_from=occupant.origin,
        case=None,
    )


def _receiving(user: AnyUser) -> set[int]:
    """The institutions whose staff the user is (the receiving side of their hand-offs)."""
    if not user.is_authenticated:
        return set()
    return set(MedicalInstitution.objects.filter(staff=user).values_list("pk", flat=True))


def show_subjects(*, user: AnyUser, handoffs: Iterable[Handoff]) -> None:
    """Each hand-off's `subject` for the user (Subject): two queries whatever the count."""
    handoffs = list(handoffs)
    seen = visible_ids(user, (h.person_id for h in handoffs))
    receiving = _receiving(user) if handoffs else set()
    visible = {h.pk for h in handoffs if h.person_id in seen or h.institution_id in receiving}
    others = _other_handoffs(user, [h for h in handoffs if h.pk in visible])
    for h in handoffs:
        subject = subject_of(
            person=h.person, case=h.case, occupant=h.occupant, visible=h.pk in visible
        )
        if h.pk in visible:
            mine = tuple(
                o for case_id, o in others if case_id == h.case_id and o.number != h.number
            )
            subject = replace(subject, others=mine)
        h.subject = subject  # type: ignore[attr-defined]


def _other_handoffs(user: AnyUser, handoffs: list[Handoff]) -> list[tuple[int, OtherHandoff]]:
    """The open hand-offs of the cases of `handoffs` (by case), each with its id when the
    user may open it: two queries, the second only when a case has more than one."""
    if not handoffs:
        return []
    rows = list(
        Handoff.objects.filter(case_id__in={h.case_id for h in handoffs}, outcome="")
        .select_related("institution")
        .order_by("handed_at", "id")
    )
    per_case = Counter(r.case_id for r in rows)
    if all(n == 1 for n in per_case.values()):
        return []
    openable = set(
        restrict(Handoff.objects.filter(pk__in=[r.pk for r in rows]), user).values_list(
            "pk", flat=True
        )
    )
    return [
        (
            r.case_id,
            OtherHandoff(
                pk=r.pk if r.pk in openable else None,
                number=r.number,
                institution=r.institution.name,
                origin=str(r.get_origin_display()),
                handed_at=r.handed_at,
            ),
        )
        for r in rows
    ]


def handoff_subject(*, user: AnyUser, handoff: Handoff) -> Subject:
    show_subjects(user=user, handoffs=[handoff])
    subject: Subject = handoff.subject  # type: ignore[attr-defined]
    return subject


def source_subject(
    *, user: AnyUser, case: QuarantineCase, occupant: Occupant | None = None
) -> Subject:
    """The person of a hand-over not made yet (the form), as the user may see them."""
    return subject_of(
        person=case.person,
        case=case,
        occupant=occupant,
        visible=bool(visible_ids(user, [case.person_id])),
    )


def occupants_to_hand_over(*, user: AnyUser, since: datetime.date) -> QuerySet[Occupant]:
    """Travellers a checkpoint decided to hand to medical care (移交医疗) not handed over
    yet: by their own hand-off (a checkpoint's is per occupant), never by the case on
    file their referral joined — its hand-offs and its state are the station's, and
    would tell a checkpoint that the person behind a typed number is at medical care."""
    handed = Handoff.objects.filter(occupant_id=OuterRef("pk"))
    return (
        restrict(Occupant.objects.all(), user)
        .filter(decision=Decision.MEDICAL, day__gte=since, case__isnull=False)
        .filter(~Exists(handed))
        .select_related("passage__checkpoint", "case")
        .order_by("-day", "-passage_id")
    )


def alerts_to_hand_over(*, user: AnyUser) -> QuerySet[Alert]:
    """Open fever and symptom alerts whose case is open and not handed over yet."""
    handed = Handoff.objects.filter(case_id=OuterRef("case_id"), outcome="")
    return (
        restrict(Alert.objects.all(), user)
        .filter(
            resolved_at__isnull=True,
            kind__in=[Alert.Kind.FEVER, Alert.Kind.SYMPTOM],
            case__status__in=OPEN_STATUSES,
        )
        .filter(~Exists(handed))
        .select_related("case__person", "case__township")
        .order_by("-raised_at")
    )


def link_list(*, user: AnyUser, state: str = "") -> QuerySet[ContactLink]:
    """Contact links of the sources the user may see."""
    sources = restrict(Person.objects.all(), user).values("pk")
    qs = ContactLink.objects.filter(source_id__in=sources).select_related(
        "source", "contact__township", "contact__village", "case"
    )
    if state == "referred":
        qs = qs.filter(referred_at__isnull=False)
    elif state == "unreached":
        qs = qs.filter(unreached_filter())
    return qs.order_by("-found_at", "source_id", "id")


def show_links(*, user: AnyUser, links: Iterable[ContactLink]) -> None:
    """Each link's `shown_name` and `shown_case` for the user, by the rule of contact_rows:
    a contact the user may not open is named as written at the shared passage, masked, and
    shows no case (its state is the other unit's)."""
    links = list(links)
    seen = visible_ids(user, (link.contact_id for link in links))
    hidden = [link for link in links if link.contact_id not in seen]
    typed: dict[tuple[int | None, int], str] = {
        (passage, person): name
        for passage, person, name in Occupant.objects.filter(
            passage_id__in={link.passage_id for link in hidden if link.passage_id},
            person_id__in={link.contact_id for link in hidden},
        ).values_list("passage_id", "person_id", "name")
    }
    for link in links:
        visible = link.contact_id in seen
        name = typed.get((link.passage_id, link.contact_id), "")
        link.shown_name = (  # type: ignore[attr-defined]
            link.contact.name if visible else mask_name(name) if name else str(_("（未登记姓名）"))
        )
        link.shown_case = link.case if visible else None  # type: ignore[attr-defined]


def sources_with_contacts(*, user: AnyUser) -> QuerySet[Handoff]:
    """Hand-offs whose outcome opened contacts (疑似, 确诊)."""
    return handoff_list(user=user).filter(outcome__in=CONTACT_OUTCOMES)


def documents_of(person: Person) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case__person=person).select_related("case", "issued_by")


@dataclass
class ContactRow:
    """A contact as one user may see it. Outside the user's jurisdiction it carries no id of
    the person or of their case (an id says the number is on file and is the key to the
    rest): the row is acted on by `key`, opaque, and good for this user and source only."""

    contact: Contact
    visible: bool
    name: str
    status: str
    key: str

    @property
    def person_id(self) -> int | None:
        return int(self.contact.person.pk) if self.visible else None

    @property
    def case_id(self) -> int | None:
        case = self.contact.case
        return case.pk if case is not None and self.visible else None


def contact_key(user: AnyUser, source: Person, contact: Contact) -> str:
    """The referral form's name for a contact row: a keyed digest of who asks, whose
    contact and which, so the form never carries the other person's id."""
    value = f"{user.pk}:{source.pk}:{contact.person.pk}:{contact.relation}"
    return salted_hmac("fangkong.medical.contact", value, algorithm="sha256").hexdigest()[:24]


OUTSIDE = "outside"


def _name_outside(contact: Contact) -> str:
    """A contact outside the user's jurisdiction, named by what the user's own records
    hold: the name as written at the shared passage, masked. Never their record's name
    (the surname on file would say the number is on file, and whose it is)."""
    return mask_name(contact.typed_name) if contact.typed_name else str(_("（未登记姓名）"))


def contact_rows(*, user: AnyUser, person: Person, days: int | None = None) -> list[ContactRow]:
    """The person's contacts as the user may see them. A contact outside the user's
    jurisdiction is named as written at the passage, masked, with no id (ContactRow), and
    takes one status, 非本辖区 (OUTSIDE), whatever their record and case: found vs referred,
    at hospital or in quarantine, would tell whether another unit holds a case for them.
    Whether the user has referred them is on the row (`contact.referred`): the user's own."""
    contacts = contacts_of(person, days=days)
    seen = visible_ids(user, (c.person.pk for c in contacts))
    return [
        ContactRow(
            contact=c,
            visible=c.person.pk in seen,
            name=c.person.name if c.person.pk in seen else _name_outside(c),
            status=contact_status(c) if c.person.pk in seen else OUTSIDE,
            key=contact_key(user, person, c),
        )
        for c in contacts
    ]


@dataclass
class Chain:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


def chain(*, user: AnyUser, person: Person, days: int | None = None, depth: int = 2) -> Chain:
    """Source → contacts → their contacts, for the chain view: each person once, coloured
    by status, named masked unless the user may see them."""
    out = Chain()
    outcome = (
        Handoff.objects.filter(person=person).exclude(outcome="").order_by("-outcome_at").first()
    )
    # Nodes are numbered in the order found: a contact outside the user's jurisdiction
    # must not be named by their record id here either.
    node_ids: dict[int, str] = {person.pk: "n0"}
    out.nodes.append(
        {
            "id": "n0",
            "name": person.name,
            "status": outcome.outcome if outcome else "source",
            "level": 0,
        }
    )
    known = {person.pk}
    frontier = [person]
    for level in range(1, depth + 1):
        next_frontier = []
        for source in frontier:
            for row in contact_rows(user=user, person=source, days=days):
                pid = row.contact.person.pk
                node = node_ids.setdefault(pid, f"n{len(node_ids)}")
                out.links.append(
                    {
                        "source": node_ids[source.pk],
                        "target": node,
                        "relation": row.contact.relation_label,
                    }
                )
                if pid in known:
                    continue
                known.add(pid)
                out.nodes.append(
                    {"id": node, "name": row.name, "status": row.status, "level": level}
                )
                if row.visible:
                    # Contacts of someone the user may not open are the other unit's.
                    next_frontier.append(row.contact.person)
        frontier = next_frontier[:50]  # a coach's 50 passengers' contacts, no further
    # One line per pair, whichever way it was found.
    seen_pairs: set[frozenset[str]] = set()
    unique = []
    for link in out.links:
        pair = frozenset((link["source"], link["target"]))
        if pair not in seen_pairs:
            seen_pairs.add(pair)
            unique.append(link)
    out.links = unique
    return out


def person_handoffs(person: Person) -> QuerySet[Handoff]:
    return (
        Handoff.objects.filter(person=person).select_related("institution").order_by("-handed_at")
    )


def open_case_filter() -> Q:
    return Q(status__in=OPEN_STATUSES)
