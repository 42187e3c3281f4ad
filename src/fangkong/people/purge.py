"""Anonymise people: the row stays (cases and passages point to it), the person is gone."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from fangkong.people.models import Person


def persons_still_needed(before: datetime.date) -> QuerySet[Person]:
    # People edited on or after the date are in current work.
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return Person.objects.filter(updated_at__gte=start).values_list("pk", flat=True)  # type: ignore[return-value]


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
        purged_at=timezone.now(),
    )
    return {"people.person": n}
