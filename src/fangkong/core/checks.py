"""`fangkong check --deploy`: what production still needs beyond Django's own checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_outside_var(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.FANGKONG_AUDIT_KEY_CONFIGURED:
        return []
    return [
        Warning(
            "审计链密钥是自动生成在 var/audit_key 的，与数据库在同一台机器的同一目录。"
            "The audit chain's key was generated into var/ beside the database.",
            hint=(
                "生产环境把密钥放在数据库之外的文件里并单独备份："
                "FANGKONG_AUDIT_KEY_FILE=/etc/fangkong/audit_key（权限 600）。"
                "见 docs/deployment.md“审计链密钥”。"
            ),
            id="fangkong.W001",
        )
    ]
