"""Purpose limitation: when the emergency ends, personal data collected for it is removed.

Rows are kept and anonymised, not deleted, so that every count behind the dashboard and
the daily reports still adds up. Each app may have a `purge.py` with

    def persons_still_needed(before: datetime.date) -> QuerySet  # person ids it must keep
    def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]
        # anonymise its own personal fields for those persons / for its rows before `before`

`fangkong purge --closed-before DATE` runs them all in one transaction and audits it.
"""

from __future__ import annotations

import datetime
import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction

from fangkong.accounts.audit import audit_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fangkong."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.purge"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.purge":
                raise
    return modules


def purgeable_person_ids(before: datetime.date) -> set[int]:
    """People last touched before `before` whom no app still needs."""
    from fangkong.people.models import Person

    tz_start = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
    candidates = set(
        Person.objects.filter(updated_at__lt=tz_start, purged_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for module in _modules():
        needed = getattr(module, "persons_still_needed", None)
        if needed is not None:
            candidates -= set(needed(before))
    return candidates


@transaction.atomic
def purge_personal_data(
    *, before: datetime.date, by: User | None, dry_run: bool = False
) -> dict[str, int]:
    person_ids = purgeable_person_ids(before)
    counts: dict[str, int] = {}
    for module in _modules():
        fn = getattr(module, "purge", None)
        if fn is not None:
            counts.update(fn(before, person_ids))
    audit_record(
        actor=by,
        action="delete",
        object_type="core.purge",
        object_repr=f"清除 {before} 之前已结案的个人信息" + ("（演练）" if dry_run else ""),
        changes={k: [None, v] for k, v in counts.items()},
    )
    if dry_run:
        transaction.set_rollback(True)
    return counts
