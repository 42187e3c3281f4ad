"""Purpose limitation: when the emergency ends, personal data collected for it is removed.

Rows are kept and anonymised, not deleted, so that every count behind the dashboard and
the daily reports still adds up. Each app may have a `purge.py` (found by
core.apps.app_modules, as the demo's builds are) with

    def persons_purgeable(before: datetime.date) -> QuerySet  # person ids untouched since
        # (the people app's: core knows no Person)
    def persons_still_needed(before: datetime.date) -> QuerySet  # person ids it must keep
    def purge(before: datetime.date, person_ids: set[int]) -> dict[str, int]
        # anonymise its own personal fields for those persons / for its rows before `before`
    def audit_subjects(before, person_ids) -> dict[str, set[int]]
        # {object_type: ids}: objects whose audit records lose their personal part
    def audit_mentions(person_ids) -> tuple[set[str], set[str]]
        # (numbers, names) to look for in the text of every other audit record

`fangkong purge --closed-before DATE` runs them all in one transaction and audits it. The
audit trail is purged too: the records found are redacted (core.audit.audit_redact),
the purge's own record says how many and which, and `audit verify` still passes.
"""

from __future__ import annotations

import datetime
from types import ModuleType
from typing import TYPE_CHECKING

from django.db import transaction

from fangkong.core.apps import app_modules
from fangkong.core.audit import (
    PURGE_OBJECT_TYPE,
    REDACTION_CLAIM,
    audit_entries_about,
    audit_entries_mentioning,
    audit_record,
    audit_redact,
    redaction_claim,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def _modules() -> list[ModuleType]:
    return [module for _config, module in app_modules("purge")]


def purgeable_person_ids(before: datetime.date) -> set[int]:
    """People last touched before `before` whom no app still needs."""
    modules = _modules()
    candidates: set[int] = set()
    for module in modules:
        purgeable = getattr(module, "persons_purgeable", None)
        if purgeable is not None:
            candidates |= set(purgeable(before))
    for module in modules:
        needed = getattr(module, "persons_still_needed", None)
        if needed is not None:
            candidates -= set(needed(before))
    return candidates


@transaction.atomic
def purge_personal_data(
    *, before: datetime.date, by: AbstractBaseUser | None, dry_run: bool = False
) -> dict[str, int]:
    person_ids = purgeable_person_ids(before)
    modules = _modules()
    # What the audit trail holds about them is found before the rows are anonymised.
    subjects: dict[str, set[int]] = {}
    numbers: set[str] = set()
    names: set[str] = set()
    for module in modules:
        found = getattr(module, "audit_subjects", None)
        if found is not None:
            for object_type, ids in found(before, person_ids).items():
                subjects.setdefault(object_type, set()).update(ids)
        mentions = getattr(module, "audit_mentions", None)
        if mentions is not None:
            more_numbers, more_names = mentions(person_ids)
            numbers |= more_numbers
            names |= more_names
    counts: dict[str, int] = {}
    for module in modules:
        fn = getattr(module, "purge", None)
        if fn is not None:
            counts.update(fn(before, person_ids))
    entry_ids = audit_entries_about(subjects) | audit_entries_mentioning(numbers, names)
    counts["core.auditentry"] = len(entry_ids)
    record = audit_record(
        actor=by,
        action="delete",
        object_type=PURGE_OBJECT_TYPE,
        object_repr=f"清除 {before} 之前已结案的个人信息" + ("（演练）" if dry_run else ""),
        changes={
            **{k: [None, v] for k, v in counts.items()},
            REDACTION_CLAIM: [None, redaction_claim(entry_ids)],
        },
    )
    audit_redact(entry_ids=entry_ids, by_entry=record)
    if dry_run:
        transaction.set_rollback(True)
    return counts
