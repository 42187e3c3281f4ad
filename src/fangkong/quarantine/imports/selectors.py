"""Reads for pushed-list imports: lists and details limited by jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import get_in_scope, restrict, scope_for
from fangkong.core.exports import Sheet
from fangkong.org.areas import is_multi_county
from fangkong.people.ownership import person_in_charge
from fangkong.quarantine.imports.filters import EntryFilter
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    ListEntry,
    ListImport,
    PossibleDuplicate,
    QuarantineCase,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User


def import_list(*, user: User | AnonymousUser) -> QuerySet[ListImport]:
    """A station sees its own unit's imports; the command centre all."""
    return restrict(ListImport.objects.select_related("created_by", "unit"), user)


def import_get(*, user: User | AnonymousUser, pk: int) -> ListImport:
    return get_in_scope(ListImport.objects.select_related("created_by", "unit"), user, pk=pk)


def import_entries(*, list_import: ListImport, f: EntryFilter | None = None) -> QuerySet[ListEntry]:
    qs = ListEntry.objects.filter(list_import=list_import).order_by("row_number")
    if f is not None and f.problems_only:
        qs = qs.exclude(level=ListEntry.Level.OK)
    return qs


def entry_problems(entry: ListEntry) -> list[tuple[str, str]]:
    """A row's messages as (column, message), in the order they were found."""
    return [(column, msg) for column, msgs in entry.messages.items() for msg in msgs]


# What the report holds in full: the list's own numbers, phones and addresses.
REPORT_FIELDS = ["id_number", "phone", "address_detail"]


def import_report_sheet(list_import: ListImport) -> Sheet:
    """The report the import page offers and `fangkong import --report` writes: the list's
    own rows with each row's result and problems."""
    width = max(len(list_import.headers), 1)
    headers = [_("行号"), *[h or "" for h in list_import.headers], _("处理结果"), _("问题说明")]

    def rows() -> Iterator[list[Any]]:
        for entry in import_entries(list_import=list_import).iterator(chunk_size=2000):
            raw = list(entry.raw[:width]) + [""] * (width - len(entry.raw[:width]))
            problems = "；".join(f"{column}：{msg}" for column, msg in entry_problems(entry))
            yield [entry.row_number, *raw, entry.get_outcome_display(), problems]

    return Sheet(_("导入报告"), headers, rows())


def import_noted_entries(list_import: ListImport) -> Iterator[ListEntry]:
    """The rows refused, stored with a warning or with a note (a date read in the list's
    year), in row order."""
    for entry in (
        import_entries(list_import=list_import)
        .only("row_number", "level", "outcome", "messages")
        .iterator(chunk_size=2000)
    ):
        if entry.messages:
            yield entry


def duplicate_list(*, user: User | AnonymousUser) -> QuerySet[PossibleDuplicate]:
    qs = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.PENDING).select_related(
        "entry__list_import", "person__township"
    )
    return restrict(qs, user).order_by("entry__list_import_id", "entry__row_number")


def duplicate_get(*, user: User | AnonymousUser, pk: int) -> PossibleDuplicate:
    return get_in_scope(PossibleDuplicate.objects.select_related("person", "entry"), user, pk=pk)


def duplicate_get_to_decide(*, user: User | AnonymousUser, pk: int) -> PossibleDuplicate:
    """A possible duplicate the user may decide: one whose person on file is in their
    charge (people/ownership.py). Any other answers 404, the importer's included."""
    dup = duplicate_get(user=user, pk=pk)
    if not person_in_charge(user, dup.person):
        raise Http404
    return dup


def unrouted_cases(*, user: User | AnonymousUser) -> QuerySet[QuarantineCase]:
    """Open cases no station answers for yet (their address matched no township). The
    command centre sees all; a station those its own people imported. In a city
    installation (issue 18 item 4) the city's queue holds the cases no county claims —
    no township, no county by ID region; a county's, those routed to it and those its own
    people imported."""
    qs = QuarantineCase.objects.filter(station__isnull=True, status__in=OPEN_STATUSES)
    scope = scope_for(user)
    if scope.county:
        if is_multi_county():
            qs = qs.filter(township__isnull=True, county="")
    else:
        if not scope.unit_ids:
            return qs.none()
        mine = Q(created_by__unit_id__in=scope.unit_ids)
        if scope.area:
            mine |= Q(county__startswith=scope.area) | Q(township_id__in=scope.township_ids)
        qs = qs.filter(mine)
    return qs.select_related("person", "township").order_by("created_at", "id")


def routed_entries(*, user: User | AnonymousUser) -> QuerySet[ListEntry]:
    """The rows of the city's pushed lists routed to the user's county (issue 18 item 4),
    newest list first; none for a user of no county inside a city."""
    scope = scope_for(user)
    if scope.county or not scope.area:
        return ListEntry.objects.none()
    return restrict(ListEntry.objects.select_related("list_import"), user).order_by(
        "-list_import_id", "row_number"
    )
