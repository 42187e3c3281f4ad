"""Configuration checks (`fangkong check`): settings that would weaken sign-in silently."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

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


@register(Tags.security, deploy=True)
def usernames_before_the_ascii_rule(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Accounts made before the username rule (accounts.models.UsernameValidator, migration
    # accounts 0015) keep their names: renaming them would change how their owners sign in.
    # The security administrator renames them, and is told which, here.
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError

    from fangkong.accounts.models import User, UsernameValidator

    rule = UsernameValidator()
    try:
        names = list(User.objects.order_by("username").values_list("username", flat=True))
    except DatabaseError:  # not migrated yet: nothing to say
        return []
    bad = []
    for name in names:
        try:
            rule(name)
        except ValidationError:
            bad.append(name)
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(name.casefold(), []).append(name)
    twins = [" / ".join(group) for group in folded.values() if len(group) > 1]
    if not bad and not twins:
        return []
    listed = "；".join([*(repr(n) for n in bad), *twins])
    return [
        Warning(
            f"有账号的用户名不合现行规则（只能由英文字母、数字和“.”“_”“-”组成，不分大小写不得重名）：{listed}。"
            "Accounts made before the username rule have names it refuses, or that differ "
            "from another only in case.",
            hint="由安全管理员在后台改为合规的用户名并告知本人；改名前这些账号编辑时会被拒绝。",
            id="fangkong.W006",
        )
    ]
