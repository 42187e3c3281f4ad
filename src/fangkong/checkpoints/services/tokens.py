"""Device tokens: a checkpoint device's bearer token, issued to an officer posted there,
kept as a hash, revoked by its prefix."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Checkpoint, DeviceToken
from fangkong.core import clock
from fangkong.core.audit import audit_create, audit_record
from fangkong.core.text import prose

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_refusal(*, checkpoint: Checkpoint, user: User) -> str | None:
    """Why `user` may not hold a device token for `checkpoint`, or None. A token acts for
    its user: only an active user who registers at checkpoints, and only at a checkpoint
    they are posted to, so that a token never reads more than that post. The same three
    conditions are checked on every use of a token, inside the query that reads it
    (checkpoints/api.py DeviceTokenAuth with selectors.posted_here): a user moved or given
    another role leaves a token that no longer works."""
    from fangkong.accounts.roles import user_can
    from fangkong.checkpoints.selectors import posted_checkpoint_ids

    if not user.is_active or not user_can(user, "checkpoints.register"):
        return _("设备令牌只能发给可在检查站登记的用户（检查站角色）：%(user)s的角色是%(role)s") % {
            "user": user.username,
            "role": user.get_role_display() or _("无角色"),
        }
    if checkpoint.pk not in posted_checkpoint_ids(user):
        return _(
            "%(user)s不在%(cp)s的岗位上（须先安排到该检查站或在该站当班），不能为其创建该站的设备令牌"
        ) % {"user": user.username, "cp": checkpoint.name}
    return None


@transaction.atomic
def token_create(
    *, checkpoint: Checkpoint, user: User, by: User | None, name: str = ""
) -> tuple[DeviceToken, str]:
    """A new device token; the raw value is returned once and only its hash is stored.
    Refused (ValidationError, naming the rule) for a user token_refusal turns away."""
    refusal = token_refusal(checkpoint=checkpoint, user=user)
    if refusal is not None:
        raise ValidationError({"user": [refusal]})
    name = prose(name, field="name", label=_("设备名称"))[:40]
    raw = "fk_" + secrets.token_urlsafe(32)
    token = DeviceToken.objects.create(
        checkpoint=checkpoint, user=user, name=name, prefix=raw[:8], token_hash=token_hash(raw)
    )
    audit_create(actor=by, obj=token)
    return token, raw


@transaction.atomic
def token_revoke(*, prefix: str, by: User | None) -> list[DeviceToken]:
    """Revoke the live tokens with this prefix (as `fangkong token list` shows it); each
    revocation is audited. Returns the tokens revoked (none: nothing matched)."""
    tokens = list(
        DeviceToken.objects.select_for_update(of=("self",))  # not the user's or checkpoint's
        .select_related("checkpoint", "user")
        .filter(prefix=prefix, revoked_at__isnull=True)
    )
    now = clock.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="revoke",
            obj=token,
            changes={
                "revoked_at": [None, str(now)],
                "checkpoint": token.checkpoint.code,
                "user": token.user.username,
            },
        )
    return tokens
