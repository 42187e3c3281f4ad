"""fangkong's own `check --deploy` warnings: settings production needs that Django's
checks cannot know about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_behind_tls(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # FANGKONG_HTTPS means TLS ends at a proxy in front of us (docs/deployment.md): without
    # the proxy on the trusted list every client has the proxy's address, and one person's
    # failed sign-ins or QR submissions count against the whole bureau.
    if settings.HTTPS and not settings.FANGKONG.get("TRUSTED_PROXIES"):
        return [
            Warning(
                "FANGKONG_HTTPS is on but FANGKONG_TRUSTED_PROXIES is empty: behind nginx "
                "every client would have nginx's address (lockouts, rate limits and the "
                "audit trail would see one client).",
                hint="Set FANGKONG_TRUSTED_PROXIES to the proxy's address, e.g. 127.0.0.1.",
                id="fangkong.W001",
            )
        ]
    return []


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
            id="fangkong.W002",
        )
    ]


@register(Tags.security, deploy=True)
def mfa_key_outside_var(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.FANGKONG_MFA_KEY_CONFIGURED:
        return []
    return [
        Warning(
            "二次验证密钥的加密密钥是自动生成在 var/mfa_key 的，与数据库在同一台机器的同一目录。"
            "The key encrypting TOTP secrets was generated into var/ beside the database.",
            hint=(
                "生产环境把密钥放在数据库之外的文件里并单独备份："
                "FANGKONG_MFA_KEY_FILE=/etc/fangkong/mfa_key（权限 600）；"
                "丢失该密钥则所有人须重新绑定手机。"
            ),
            id="fangkong.W004",
        )
    ]


@register(Tags.security, deploy=True)
def metrics_open_wide(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # /metrics has no sign-in: its list of addresses is its only lock (core/metrics.py).
    import ipaddress

    wide = [
        entry
        for entry in settings.FANGKONG_METRICS_ALLOW
        if ipaddress.ip_network(entry, strict=False).num_addresses > 256
    ]
    if not wide:
        return []
    return [
        Warning(
            f"FANGKONG_METRICS_ALLOW lets whole networks read /metrics: {', '.join(wide)}.",
            hint="List the monitoring server's address only, or use FANGKONG_METRICS_TOKEN.",
            id="fangkong.W003",
        )
    ]


@register(deploy=True)
def bureau_name_of_another_area(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # The bureau's name is the installation's words for itself (header, documents, the
    # authenticator's label); its default is the seed county's, right only for that county.
    area = str(settings.FANGKONG["AREA_CODE"])
    seed = settings.SEED_BUREAU_NAME
    if area == settings.SEED_COUNTY_CODE or settings.FANGKONG["BUREAU_NAME"] != seed:
        return []
    return [
        Warning(
            f"FANGKONG_AREA_CODE 是 {area}，但 FANGKONG_BUREAU_NAME 仍是默认的“{seed}”："
            f"页头、文书和验证器上的单位名称会是{seed}。"
            f"The installation serves area {area} but is named after the seed county.",
            hint="设置 FANGKONG_BUREAU_NAME，如 FANGKONG_BUREAU_NAME=泰安市公安局。",
            id="fangkong.W005",
        )
    ]
