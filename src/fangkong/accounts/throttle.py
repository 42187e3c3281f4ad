"""Sign-in throttling: after repeated failures an account is locked for a while, and an
address that tries many accounts is slowed down. Kept in the database so that every
server process sees the same counts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from fangkong.accounts.models import LoginFailure


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(settings.FANGKONG["LOCKOUT_MINUTES"]))


def locked_reason(*, username: str, ip: str | None) -> str | None:
    """A Chinese sentence saying why sign-in is refused now, or None."""
    since = timezone.now() - _window()
    minutes = int(settings.FANGKONG["LOCKOUT_MINUTES"])
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.strip().lower()).count() >= int(
        settings.FANGKONG["LOCKOUT_FAILURES"]
    ):
        return f"该账号连续登录失败次数过多，已锁定{minutes}分钟；如需立即解锁请联系系统管理员。"
    if ip and recent.filter(ip=ip).count() >= int(settings.FANGKONG["LOCKOUT_IP_FAILURES"]):
        return f"本机登录失败次数过多，请{minutes}分钟后再试。"
    return None


def record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().lower()[:150], ip=ip, at=timezone.now())
    # Old failures are of no further use: keep the table small.
    LoginFailure.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=1)).delete()


def clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower()).delete()
