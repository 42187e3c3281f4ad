"""Old passages lose what they said about people: where from and to, travel history,
temperature and symptoms, the phone given, the plate; the occupants of people purged lose
the name given too. The per-day counts behind the dashboard stay."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from fangkong.checkpoints.models import Occupant, Passage, SelfRegistration


def persons_still_needed(before: datetime.date) -> QuerySet[Occupant, int]:
    return Occupant.objects.filter(day__gte=before).values_list("person_id", flat=True)


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
        origin="", destination="", travel_history=[], symptoms=[], temperature=None, phone=""
    )
    # The name given at a checkpoint is a copy of the person's: it goes with them.
    Occupant.objects.filter(person_id__in=person_ids).update(name="（已清除）", phone="")
    plates = Passage.objects.filter(day__lt=before).exclude(plate="").update(plate="")
    # The digests of what was sent (core/idempotency.py) are keyed hashes of personal data.
    Passage.objects.filter(day__lt=before, request_digest__isnull=False).update(request_digest=None)
    selfreg, _ = SelfRegistration.objects.filter(created_at__lt=start).delete()
    return {
        "checkpoints.occupant": occupants,
        "checkpoints.passage": plates,
        "checkpoints.selfregistration": selfreg,
    }
