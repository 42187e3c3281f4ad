"""The person file (人员档案): everything about one person the user may see, on one page.

One read for the page and the API. Each part is shown only to the roles whose rights cover
it (accounts/roles.py), each within the user's jurisdiction, and each costs a fixed number
of queries however long the person's history is: a part shows its newest `LATEST` records
and says how many there are in all.

| part | shown with | scope |
| --- | --- | --- |
| identity | people.view | the person (Person.jurisdiction), masked by core.disclosure |
| cases, 四包一 team, follow-ups, alerts, documents issued | quarantine.view | the cases the user may see (QuarantineCase.jurisdiction) |
| passages, seat companions | quarantine.view or checkpoints.passages | the person's own passages; a companion's name is masked unless the user may see that person |
| list entries | quarantine.import | the person's rows; a link to the list only when the user may see the import |
| who viewed the full data | people.viewers (command, stations) | the person's reveal entries in the audit trail, for whoever is in charge of the person (people/ownership.py: the command centre, the person's own station) |

Other apps add their parts (hand-offs, contacts, quarantine documents) through
`register_part`; the page draws them in the include point `people/_person_more.html`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Window

from fangkong.accounts.jurisdiction import restrict
from fangkong.accounts.roles import user_can
from fangkong.core.disclosure import name_beside
from fangkong.people.disclosure import PersonShown, person_shown
from fangkong.people.ownership import person_in_charge

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User
    from fangkong.checkpoints.models import Occupant
    from fangkong.people.models import Person
    from fangkong.quarantine.models import ListEntry, QuarantineCase

# How many of each kind of record the file shows (newest first); the rest are counted.
LATEST = 20


@dataclass(frozen=True)
class Companion:
    """Someone who shared the vehicle: their name as given at the checkpoint, masked unless
    the user may see their record (then with its id, for a link)."""

    name: str
    person_id: int | None


@dataclass(frozen=True)
class PassageLine:
    occupant: Occupant
    companions: list[Companion]


@dataclass(frozen=True)
class ListLine:
    entry: ListEntry
    list_visible: bool  # the user may open the import it came from


@dataclass(frozen=True)
class DocumentLine:
    """A document issued about one of the person's cases (the audit entry of its export)."""

    title: str
    case_id: int
    at: datetime.datetime
    by: str


@dataclass
class Part:
    """A list of records in the file: the newest `LATEST`, and how many there are in all."""

    items: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass
class PersonFile:
    person: Person
    shown: PersonShown
    # None: the user's role may not see that part (the page leaves it out).
    cases: list[QuarantineCase] | None = None
    passages: Part | None = None
    list_entries: Part | None = None
    followups: Part | None = None
    alerts: Part | None = None
    documents: Part | None = None
    viewers: Part | None = None
    # What other apps add (register_part): name → their data, for people/_person_more.html.
    more: dict[str, Any] = field(default_factory=dict)


PartLoader = Callable[["User | AnonymousUser", "Person", PersonFile], Any]
_parts: dict[str, PartLoader] = {}


def register_part(name: str, loader: PartLoader) -> None:
    """Add a part to every person file: `loader(user, person, file)` returns the part's data
    (or None to leave it out) and must cost a fixed number of queries. The page reaches it
    as `file.more.<name>` in people/_person_more.html."""
    _parts[name] = loader


def _part(qs: Any) -> Part:
    """The newest `LATEST` rows of `qs` and how many there are in all, in one query (the
    count rides along as a window over the whole filtered set, before the limit)."""
    items = list(qs.annotate(fk_total=Window(expression=Count("pk")))[:LATEST])
    return Part(items=items, total=items[0].fk_total if items else 0)


def person_file(*, user: User | AnonymousUser, person: Person) -> PersonFile:
    """The file of `person`, whom the caller has already found within the user's scope."""
    file = PersonFile(person=person, shown=person_shown(person))
    sees_cases = user_can(user, "quarantine.view")
    case_ids: list[int] = []
    if sees_cases:
        file.cases = _cases(user, person)
        case_ids = [c.pk for c in file.cases]
        file.followups = _followups(case_ids)
        file.alerts = _alerts(case_ids)
        file.documents = _documents(case_ids)
    if sees_cases or user_can(user, "checkpoints.passages"):
        file.passages = _passages(user, person)
    if user_can(user, "quarantine.import"):
        file.list_entries = _list_entries(user, person)
    if user_can(user, "people.viewers") and person_in_charge(user, person):
        file.viewers = _viewers(person)
    for name, loader in _parts.items():
        data = loader(user, person, file)
        if data is not None:
            file.more[name] = data
    return file


def _cases(user: User | AnonymousUser, person: Person) -> list[QuarantineCase]:
    from fangkong.quarantine.models import QuarantineCase, TeamMember

    qs = (
        restrict(QuarantineCase.objects.filter(person=person), user)
        .select_related("township", "village", "station")
        .prefetch_related(
            Prefetch("team_members", queryset=TeamMember.objects.order_by("kind", "id"))
        )
        .order_by("-created_at", "-id")
    )
    return list(qs)


def _followups(case_ids: list[int]) -> Part:
    from fangkong.quarantine.models import FollowUp

    qs = (
        FollowUp.objects.filter(case_id__in=case_ids)
        .select_related("by")
        .order_by("-visited_at", "-id")
    )
    return _part(qs)


def _alerts(case_ids: list[int]) -> Part:
    from fangkong.quarantine.models import Alert

    qs = (
        Alert.objects.filter(case_id__in=case_ids)
        .select_related("resolved_by")
        .order_by("-raised_at", "-id")
    )
    return _part(qs)


def _documents(case_ids: list[int]) -> Part:
    from fangkong.core.models import AuditEntry

    qs = AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT,
        object_type="quarantine.quarantinecase",
        object_id__in=[str(pk) for pk in case_ids],
        changes__has_key="document",
    ).order_by("-at", "-id")
    part = _part(qs)
    part.items = [
        DocumentLine(
            title=str(e.changes.get("document", "")),
            case_id=int(e.object_id),
            at=e.at,
            by=e.actor_name,
        )
        for e in part.items
    ]
    return part


def _passages(user: User | AnonymousUser, person: Person) -> Part:
    from fangkong.checkpoints.models import Occupant
    from fangkong.people.models import Person as PersonModel

    qs = (
        Occupant.objects.filter(person=person)
        .select_related("passage", "checkpoint")
        .order_by("-passage__occurred_at", "-passage_id")
    )
    part = _part(qs)
    mine: list[Occupant] = part.items
    others = list(
        Occupant.objects.filter(passage_id__in=[o.passage_id for o in mine])
        .exclude(person_id=person.pk)
        .order_by("passage_id", "position")
        .values_list("passage_id", "person_id", "name", "person__name")
    )
    visible = set(
        restrict(PersonModel.objects.filter(pk__in={o[1] for o in others}), user).values_list(
            "pk", flat=True
        )
    )
    by_passage: dict[int, list[Companion]] = {}
    for passage_id, person_id, name, person_name in others:
        given = name or person_name
        by_passage.setdefault(passage_id, []).append(
            Companion(name=given, person_id=person_id)
            if person_id in visible
            else Companion(name=name_beside(given), person_id=None)
        )
    part.items = [
        PassageLine(occupant=o, companions=by_passage.get(o.passage_id, [])) for o in mine
    ]
    return part


def _list_entries(user: User | AnonymousUser, person: Person) -> Part:
    from fangkong.quarantine.models import ListEntry, ListImport

    qs = (
        ListEntry.objects.filter(person=person)
        .select_related("list_import")
        .order_by("-list_import__created_at", "-id")
    )
    part = _part(qs)
    entries: list[ListEntry] = part.items
    visible = set(
        restrict(
            ListImport.objects.filter(pk__in={e.list_import_id for e in entries}), user
        ).values_list("pk", flat=True)
    )
    part.items = [ListLine(entry=e, list_visible=e.list_import_id in visible) for e in entries]
    return part


def _viewers(person: Person) -> Part:
    from fangkong.core.models import AuditEntry

    qs = AuditEntry.objects.filter(
        action=AuditEntry.Action.REVEAL, object_type="people.person", object_id=str(person.pk)
    ).order_by("-at", "-id")
    return _part(qs)
