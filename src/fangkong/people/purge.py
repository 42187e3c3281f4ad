"""Anonymise people: the row stays (cases and passages point to it), the person is gone."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from fangkong.core import clock
from fangkong.people.models import Person


def persons_purgeable(before: datetime.date) -> QuerySet[Person, int]:
    """People last touched before the date and not yet purged: the candidates that the
    apps' `persons_still_needed` then narrow (core/purge.py)."""
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return Person.objects.filter(updated_at__lt=start, purged_at__isnull=True).values_list(
        "pk", flat=True
    )


def persons_still_needed(before: datetime.date) -> QuerySet[Person, int]:
    # People edited on or after the date are in current work.
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return Person.objects.filter(updated_at__gte=start).values_list("pk", flat=True)


def audit_subjects(before: datetime.date, person_ids: set[int]) -> dict[str, set[int]]:
    """The audit records about these people (created, changed, revealed) lose their
    personal part with them."""
    return {Person._meta.label_lower: set(person_ids)}


def audit_mentions(person_ids: set[int]) -> tuple[set[str], set[str]]:
    """(numbers, names) of these people: the audit trail may hold them in records about
    other things — what was searched for in an export, the purpose of a reveal."""
    numbers: set[str] = set()
    names: set[str] = set()
    rows = Person.objects.filter(pk__in=person_ids).values_list(
        "id_number", "doc_number", "phone", "name"
    )
    for id_number, doc_number, phone, name in rows.iterator(chunk_size=2000):
        numbers.update(v for v in (id_number, doc_number, phone) if v and len(v) >= 6)
        if name and len(name) >= 2:
            names.add(name)
    return numbers, names


def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]:
    n = Person.objects.filter(pk__in=person_ids).update(
        name="（已清除）",
        name_pinyin="",
        name_initials="",
        id_number=None,
        doc_type=Person.DocType.NONE,
        doc_number="",
        phone="",
        address_detail="",
        note="",
        birth_date=None,
        purged_at=clock.now(),
    )
    # A merge keeps the removed person's record only for an undo on its day.
    from django.db.models import Q

    from fangkong.people.models import PersonMerge

    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    PersonMerge.objects.filter(Q(kept_person_id__in=person_ids) | Q(merged_at__lt=start)).update(
        removed_data={}
    )
    return {"people.person": n}
