"""Sign-ins, sign-outs and failed attempts go into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fangkong.core.audit import audit_record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="login", obj=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout", obj=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    from fangkong.accounts.throttle import username_in_trail

    username = username_in_trail(str(credentials.get("username", "")))
    audit_record(
        actor=None,
        action="login_failed",
        object_type="accounts.user",
        object_repr=username,
        changes={"username": username},
    )
