"""Quarantine keeps the people of open cases and of cases closed on or after the date;
for the rest, team members' phones and follow-up notes go."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from fangkong.quarantine.models import OPEN_STATUSES, FollowUp, QuarantineCase, TeamMember


def _closed_before(before: datetime.date) -> Q:
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return Q(ended_at__lt=start) & ~Q(status__in=OPEN_STATUSES)


def persons_still_needed(before: datetime.date) -> QuerySet[QuarantineCase]:
    return QuarantineCase.objects.exclude(_closed_before(before)).values_list(  # type: ignore[return-value]
        "person_id", flat=True
    )


def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]:
    closed = QuarantineCase.objects.filter(_closed_before(before), person_id__in=person_ids)
    cases = closed.update(address_detail="", verification_note="")
    members = TeamMember.objects.filter(case__in=closed).update(phone="")
    notes = FollowUp.objects.filter(case__in=closed).exclude(note="").update(note="")
    # Keyed hashes of what was sent (core/idempotency.py): health data, however hashed.
    FollowUp.objects.filter(case__in=closed, request_digest__isnull=False).update(
        request_digest=None
    )
    return {
        "quarantine.case": cases,
        "quarantine.teammember": members,
        "quarantine.followup": notes,
    }


def purge_imports(before: datetime.date) -> dict[str, int]:
    """Pushed lists uploaded before the date: the files and the rows as uploaded go."""
    from fangkong.quarantine.models import ListEntry, ListImport

    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    old = ListImport.objects.filter(created_at__lt=start)
    files = 0
    for li in old.exclude(file=""):
        li.file.delete(save=False)
        files += 1
    old.update(file="")
    rows = ListEntry.objects.filter(list_import__in=old).update(raw=[], name="", messages={})
    return {"quarantine.listimport_file": files, "quarantine.listentry": rows}
