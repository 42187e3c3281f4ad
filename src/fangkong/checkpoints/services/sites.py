"""Checkpoints themselves: their reference data (name, road, lanes, shift times) and who
is posted to them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import jurisdiction_change_check
from fangkong.checkpoints.models import Checkpoint, CheckpointPost
from fangkong.core.audit import audit_record
from fangkong.core.services import model_create, model_update

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def checkpoint_post(*, user: User, checkpoint: Checkpoint, by: User | None) -> None:
    """Post a checkpoint-role user to a checkpoint (their registrations go there)."""
    CheckpointPost.objects.update_or_create(user=user, defaults={"checkpoint": checkpoint})
    audit_record(
        actor=by,
        action="update",
        obj=user,
        changes={"checkpoint_post": [None, checkpoint.code]},
    )


@transaction.atomic
def checkpoint_create(*, by: User | None, **values: Any) -> Checkpoint:
    return model_create(model=Checkpoint, by=by, **values)


@transaction.atomic
def checkpoint_update(*, checkpoint: Checkpoint, by: User | None, **values: Any) -> Checkpoint:
    """Edit a checkpoint's reference data (name, code, road, unit, lanes, dates, shifts);
    validated like a new one, only the changed fields saved and audited. Its unit decides
    which unit's accounts read its registrations (Passage.jurisdiction): changed by the
    security administrator only (jurisdiction_change_check)."""
    locked = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    if "unit" in values and getattr(values["unit"], "pk", None) != locked.unit_id:
        jurisdiction_change_check(by, field="unit", label=_("责任单位"))
    checkpoint, _changes = model_update(instance=locked, by=by, data=values)
    return checkpoint
