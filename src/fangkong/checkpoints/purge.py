"""Old passages lose what they said about people: where from and to, travel history,
temperature and symptoms, the plate. The per-day counts behind the dashboard stay."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from fangkong.checkpoints.models import Occupant, Passage, SelfRegistration


def persons_still_needed(before: datetime.date) -> QuerySet[Occupant]:
    return Occupant.objects.filter(day__gte=before).values_list("person_id", flat=True)  # type: ignore[return-value]


def audit_subjects(before: datetime.date, person_ids: set[int]) -> dict[str, set[int]]:
    """The audit records of the passages whose plates go (a passage's record names its
    plate) and of the self-registrations deleted."""
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    return {
        Passage._meta.label_lower: set(
            Passage.objects.filter(day__lt=before).exclude(plate="").values_list("pk", flat=True)
        ),
        SelfRegistration._meta.label_lower: set(
            SelfRegistration.objects.filter(created_at__lt=start).values_list("pk", flat=True)
        ),
    }


def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]:
    start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    occupants = Occupant.objects.filter(day__lt=before).update(
        origin="", destination="", travel_history=[], symptoms=[], temperature=None
    )
    plates = Passage.objects.filter(day__lt=before).exclude(plate="").update(plate="")
    selfreg, _ = SelfRegistration.objects.filter(created_at__lt=start).delete()
    return {
        "checkpoints.occupant": occupants,
        "checkpoints.passage": plates,
        "checkpoints.selfregistration": selfreg,
    }
