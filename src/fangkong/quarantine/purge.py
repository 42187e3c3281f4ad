"""Quarantine keeps the people of open cases and of cases closed on or after the date;
for the rest, team members' phones and follow-up notes go."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from fangkong.quarantine.models import (
    OPEN_STATUSES,
    Alert,
    CaseReferral,
    CaseTransition,
    FollowUp,
    PossibleDuplicate,
    QuarantineCase,
    TeamMember,
)


def _closed_before(before: datetime.date) -> Q:
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return Q(ended_at__lt=start) & ~Q(status__in=OPEN_STATUSES)


def persons_still_needed(before: datetime.date) -> QuerySet[QuarantineCase, int]:
    return QuarantineCase.objects.exclude(_closed_before(before)).values_list(
        "person_id", flat=True
    )


def audit_subjects(before: datetime.date, person_ids: set[int]) -> dict[str, set[int]]:
    """The audit records about the purged people's cases and everything on them: a case's
    label is its person's name, a follow-up holds temperatures and notes, a team member a
    name and phone."""
    cases = set(
        QuarantineCase.objects.filter(_closed_before(before), person_id__in=person_ids).values_list(
            "pk", flat=True
        )
    )

    def on_cases(model: type[Any]) -> set[int]:
        return set(model.objects.filter(case_id__in=cases).values_list("pk", flat=True))

    return {
        QuarantineCase._meta.label_lower: cases,
        FollowUp._meta.label_lower: on_cases(FollowUp),
        Alert._meta.label_lower: on_cases(Alert),
        TeamMember._meta.label_lower: on_cases(TeamMember),
        CaseTransition._meta.label_lower: on_cases(CaseTransition),
        CaseReferral._meta.label_lower: on_cases(CaseReferral),
        PossibleDuplicate._meta.label_lower: set(
            PossibleDuplicate.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
        ),
    }


def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]:
    closed = QuarantineCase.objects.filter(_closed_before(before), person_id__in=person_ids)
    cases = closed.update(address_detail="", verification_note="")
    members = TeamMember.objects.filter(case__in=closed).update(phone="")
    notes = FollowUp.objects.filter(case__in=closed).exclude(note="").update(note="")
    # Keyed hashes of what was sent (core/idempotency.py): health data, however hashed.
    FollowUp.objects.filter(case__in=closed, request_digest__isnull=False).update(
        request_digest=None
    )
    # A possible duplicate holds the list row's name, phone and address.
    duplicates = PossibleDuplicate.objects.filter(person_id__in=person_ids).update(data={})
    return {
        "quarantine.case": cases,
        "quarantine.teammember": members,
        "quarantine.followup": notes,
        "quarantine.possibleduplicate": duplicates,
        **purge_imports(before),
    }


def purge_imports(before: datetime.date) -> dict[str, int]:
    """Pushed lists uploaded before the date: the files and the rows as uploaded go."""
    from fangkong.quarantine.models import ListEntry, ListImport

    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    old = ListImport.objects.filter(created_at__lt=start)
    files = 0
    for li in old.exclude(file=""):
        # Deleted once the purge commits: a dry run (rolled back) keeps every file.
        transaction.on_commit(functools.partial(li.file.storage.delete, li.file.name))
        files += 1
    old.update(file="")
    rows = ListEntry.objects.filter(list_import__in=old).update(raw=[], name="", messages={})
    return {"quarantine.listimport_file": files, "quarantine.listentry": rows}
