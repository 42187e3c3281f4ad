"""Write helpers every app's services use: validate, save, audit — in that order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from fangkong.core import clock
from fangkong.core.audit import audit_create, audit_record, diff, snapshot
from fangkong.core.conflicts import stale_error, version_swap
from fangkong.core.text import model_text_errors

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

M = TypeVar("M", bound=models.Model)


def model_create(*, model: type[M], by: AbstractBaseUser | None, **values: Any) -> M:
    """Create a row after full_clean(), with its audit entry. Call inside a transaction."""
    obj = model(**values)
    _check_texts(obj, values)
    obj.full_clean()
    obj.save()
    audit_create(actor=by, obj=obj)
    return obj


def _check_texts(instance: models.Model, names: Iterable[str]) -> None:
    """No row is written with a hidden character in a text it was given (U+202E, U+200B,
    BEL, NUL: core.text.hidden_char), whichever service wrote it and whether or not it
    cleaned the text first: each refused naming its field."""
    if errors := model_text_errors(instance, names):
        raise ValidationError(errors)


def model_update(
    *,
    instance: M,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> tuple[M, dict[str, list[Any]]]:
    """Apply `data`, validate, save only the changed fields and audit them.

    With `expected_version` (the version the user's page was drawn from), the row is written
    by one conditional UPDATE and only if its version is still that one; otherwise a
    ValidationError with code "conflict" (core/conflicts.py). Returns the instance and the
    changes ({field: [old, new]}), empty when nothing changed.
    """
    changes = _apply(instance=instance, data=data, expected_version=expected_version)
    if changes:
        audit_record(actor=by, action="update", obj=instance, changes=changes)
    return instance, changes


def model_update_related(
    *,
    instance: M,
    by: AbstractBaseUser | None,
    data: dict[str, Any],
    related: dict[str, Iterable[models.Model]],
) -> tuple[M, dict[str, list[Any]]]:
    """model_update, plus many-to-many fields set to the given rows (`related`); the changed
    fields and sets audited in one entry, the sets as sorted lists of names."""
    changes = _apply(instance=instance, data=data, expected_version=None)
    for name, rows in related.items():
        manager = getattr(instance, name)
        rows = list(rows)
        before = sorted(str(o) for o in manager.all())
        after = sorted(str(o) for o in rows)
        if before != after:
            manager.set(rows)
            changes[name] = [before, after]
    if changes:
        audit_record(actor=by, action="update", obj=instance, changes=changes)
    return instance, changes


def _apply(
    *, instance: models.Model, data: dict[str, Any], expected_version: int | None
) -> dict[str, list[Any]]:
    """Validate and save `data` on the instance without auditing; the changes."""
    if expected_version is not None and instance.version != expected_version:  # type: ignore[attr-defined]
        raise stale_error()
    fields = list(data)
    before = snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    _check_texts(instance, fields)
    instance.full_clean()
    after = snapshot(instance, fields)
    changed = [name for name in fields if before.get(name) != after.get(name)]
    if not changed:
        return {}
    update_fields = [instance._meta.get_field(n).name for n in changed]
    if expected_version is not None:
        values = {name: getattr(instance, name) for name in update_fields}
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            values["updated_at"] = clock.now()
        version_swap(
            type(instance), pk=instance.pk, expected_version=expected_version, values=values
        )
        instance.version = expected_version + 1  # type: ignore[attr-defined]
    else:
        for auto in ("updated_at", "version"):
            if any(f.name == auto for f in instance._meta.concrete_fields):
                if auto == "version":
                    instance.version = instance.version + 1  # type: ignore[attr-defined]
                update_fields.append(auto)
        instance.save(update_fields=update_fields)
    return diff(before, after)
