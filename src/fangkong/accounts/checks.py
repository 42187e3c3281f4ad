"""Configuration checks (`fangkong check`): settings that would weaken sign-in silently."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from fangkong.accounts.roles import Role


@register(Tags.security)
def mfa_roles_are_roles(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    # A misspelt role ("comand") would quietly let that role sign in with a password alone.
    unknown = [r for r in settings.FANGKONG.get("MFA_ROLES", []) if r not in Role.values]
    if not unknown:
        return []
    return [
        Error(
            f"FANGKONG_MFA_ROLES 中的角色不存在：{', '.join(unknown)}",
            hint=f"可用的角色：{', '.join(Role.values)}",
            id="fangkong.E001",
        )
    ]
