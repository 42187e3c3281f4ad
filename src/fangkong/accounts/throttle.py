"""Sign-in throttling, so that guessing is slow and nobody is locked out by someone else.

Two counts of failed sign-ins in the last `FANGKONG_LOCKOUT_MINUTES`, both keyed by the
client address (core/client_address.py, through the trusted proxies):

- an **account from one address**: after `LOCKOUT_FAILURES` failures for a username from
  an address, that username is refused from that address, even with the right password
  (guessing one account from one machine);
- an **address**: after `LOCKOUT_IP_FAILURES` failures of any usernames from an address,
  that address is refused (password spraying: one password tried on many accounts).

Neither count refuses anyone at another address, so an attacker's failures never lock out
a user who did not fail. The price is that guessing one account from many addresses at once
is slowed per address only; docs/security.md ("Addresses, sign-in and input bounds") says
why that is the right trade here. Kept in the database so that every server process sees
the same counts; windows run on the machine's clock (`clock.system_now`), not the working
day's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from fangkong.accounts.models import LoginFailure, User
from fangkong.core.audit import audit_record
from fangkong.core.clock import system_now


def _minutes() -> int:
    return int(settings.FANGKONG["LOCKOUT_MINUTES"])


def _username(username: str) -> str:
    return username.strip().lower()[:150]


def locked_reason(*, username: str, ip: str | None) -> str | None:
    """A Chinese sentence saying why this sign-in from `ip` is refused now, or None."""
    since = system_now() - datetime.timedelta(minutes=_minutes())
    recent = LoginFailure.objects.filter(at__gte=since, ip=ip)
    if recent.filter(username=_username(username)).count() >= int(
        settings.FANGKONG["LOCKOUT_FAILURES"]
    ):
        return _(
            "该账号在本机连续登录失败次数过多，已锁定%(minutes)d分钟；在其他电脑上登录不受影响。"
        ) % {"minutes": _minutes()}
    if ip and recent.count() >= int(settings.FANGKONG["LOCKOUT_IP_FAILURES"]):
        return _("本机登录失败次数过多，请%(minutes)d分钟后再试。") % {"minutes": _minutes()}
    return None


def username_in_trail(typed: str) -> str:
    """The username typed at a refused sign-in, as the audit trail keeps it (a failed
    password, a locked account): an account's name as it is; anything else — often a
    password typed into the wrong box — as stars of its length, which says as much as the
    auditor needs. The one rule for both entries (accounts/signals.py, views.LoginForm)."""
    typed = typed[:60]
    if User.objects.filter(username=typed).exists():
        return typed
    return "*" * len(typed)


def record_failure(*, username: str, ip: str | None) -> None:
    now = system_now()
    LoginFailure.objects.create(username=_username(username), ip=ip, at=now)
    # Old failures are of no further use: keep the table small.
    LoginFailure.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()


def wrong_password(*, user: User, ip: str | None, reason: str) -> str | None:
    """A wrong password typed by a signed-in user for their own account — the old password
    on the password page (`reason` "wrong_old_password"): a failed sign-in of that account,
    on the same count as the sign-in's (record_failure) and on the trail as a failed sign-in
    (`login_failed`, naming the account). Returns why the account is now locked from `ip`
    (locked_reason), for the caller to end the session, or None."""
    record_failure(username=user.username, ip=ip)
    audit_record(
        actor=user,
        action="login_failed",
        obj=user,
        changes={"username": user.username, "reason": reason},
    )
    return locked_reason(username=user.username, ip=ip)


def refused_locked(*, user: User, reason: str) -> None:
    """On the trail: a signed-in user's password was not even checked, their account being
    locked from this address (`reason`, locked_reason's sentence), as the sign-in page
    records a refused sign-in."""
    audit_record(
        actor=user,
        action="login_failed",
        obj=user,
        changes={"username": user.username, "refused": reason},
    )


def clear_failures(*, username: str, ip: str | None) -> None:
    """After a successful sign-in: this user's failures from this address are forgotten.
    Failures from other addresses stay, so signing in does not reset someone else's lock."""
    LoginFailure.objects.filter(username=_username(username), ip=ip).delete()
