"""The password policy (等保2.0 第三级 身份鉴别: 口令复杂度), written once as Django password
validators, so that every way a password is set applies it: the password page, the admin
site's forms, `fangkong createuser` (accounts/services.user_create) and Django's
`changepassword`. Listed in settings.AUTH_PASSWORD_VALIDATORS beside Django's own (length
12, not common, not all digits, not like the user's names).

PasswordHistoryValidator also records each new password's hash when it is saved
(`password_changed`, called by Django's User.save()), so the history cannot be skipped.
`password_change_due` says when the password must be changed before anything else — it was
set by someone other than its owner (`password_given`: a temporary password), or it is
older than FANGKONG_PASSWORD_DAYS (定期更换, `password_expired`); accounts/signin.py then
holds the session at the password page until it is changed.
"""

from __future__ import annotations

import datetime
import itertools
import string
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core import clock

if TYPE_CHECKING:
    from fangkong.accounts.models import User

HISTORY = 5  # no reuse of the last five passwords


class HiddenCharacterValidator:
    """No hidden character: a control or format character — NUL, the direction overrides
    (U+202E turns what is typed around on screen), zero-width spaces, the BOM, a tab or a
    line break (NEL, U+0085), any space but the plain one — is in no
    password anyone can type again on another keyboard. The set core.text.hidden_char
    refuses in every person's text, named as its refusals name it."""

    def validate(self, password: str, user: Any = None) -> None:
        from fangkong.core.text import hidden_char, shown_char

        # hidden_char lets a text's line breaks and tabs through (a note has lines); a
        # password has none: a tab, a line break, NEL (U+0085) or a wide space is refused
        # too (the seventh attack's second round), the plain space kept.
        bad = hidden_char(password) or next((c for c in password if c.isspace() and c != " "), None)
        if bad is not None:
            raise ValidationError(
                _("密码含有非法字符：“%(char)s”") % {"char": shown_char(bad)},
                code="password_hidden_character",
            )

    def get_help_text(self) -> str:
        return _("密码不能含有控制字符或不可见的格式字符。")


class NoUsernameValidator:
    """The password must not contain the username (any case); a short username of one or
    two characters is ignored, it would forbid too much and reveal nothing."""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(
                _("密码不能包含用户名“%(username)s”。") % {"username": username},
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class CharacterClassesValidator:
    """At least three of four kinds: capital letters, small letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        kinds = [
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        return sum(kinds)

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d种。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d种。") % {
            "n": self.min_classes
        }


class RepeatsAndSequencesValidator:
    """No run of `run` characters that are one character repeated (aaaa, 1111) or follow
    each other up or down (abcd, 1234, 9876, DCBA): aaaaaaaaaaaA1 has length and three
    kinds of character and is still guessed at once."""

    def __init__(self, run: int = 4) -> None:
        self.run = run

    def _offending(self, password: str) -> str | None:
        low = password.lower()
        for i in range(len(low) - self.run + 1):
            chunk = low[i : i + self.run]
            steps = {ord(b) - ord(a) for a, b in itertools.pairwise(chunk)}
            if len(steps) == 1 and steps <= {-1, 0, 1} and (chunk.isalnum()):
                return password[i : i + self.run]
        return None

    def validate(self, password: str, user: Any = None) -> None:
        found = self._offending(password)
        if found is not None:
            raise ValidationError(
                _(
                    "密码不能包含%(n)d个及以上重复或连续的字符（如 aaaa、1234、abcd），"
                    "当前密码含“%(found)s”。"
                )
                % {"n": self.run, "found": found},
                code="password_repeats_or_sequence",
            )

    def get_help_text(self) -> str:
        return _("密码不能包含%(n)d个及以上重复或连续的字符（如 aaaa、1234、abcd）。") % {
            "n": self.run
        }


class PasswordHistoryValidator:
    """None of the user's last five passwords (the current one included) may be set again."""

    def __init__(self, keep: int = HISTORY) -> None:
        self.keep = keep

    def _recent(self, user: User) -> list[str]:
        from fangkong.accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                : self.keep
            ]
        )
        # Users made before the history existed: their current password still counts.
        if user.password and user.password not in hashes and len(hashes) < self.keep:
            hashes.insert(0, user.password)
        return hashes

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        if any(check_password(password, stored) for stored in self._recent(user)):
            raise ValidationError(
                ngettext(
                    "新密码不能与最近%(n)d次使用过的密码相同。",
                    "新密码不能与最近%(n)d次使用过的密码相同。",
                    self.keep,
                )
                % {"n": self.keep},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        from fangkong.accounts.models import PasswordHistory

        if user is None or not getattr(user, "pk", None) or not user.has_usable_password():
            return
        # The hash just saved, not a new one: one slow hash per change is enough.
        PasswordHistory.objects.create(user=user, password=user.password, set_at=clock.system_now())
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("不能与最近%(n)d次使用过的密码相同。") % {"n": self.keep}


# Why a password must be changed before anything else (password_change_due).
TEMPORARY = "temporary"
EXPIRED = "expired"


def password_given(user: User, *, by: User | None) -> None:
    """`by` has just set `user`'s password (saved, audited by the caller; or a new account's,
    before it is saved). Set by its owner
    (the password page, with the old one) it is theirs. Set by anyone else — the system
    administrator on the admin site's password page or add form — it is temporary: at the
    account's next sign-in its owner chooses their own before anything else
    (password_change_due), and every open session of the account ends now, so whoever set
    it shares no session with the owner. Passwords given on the server's command line
    (`createuser`, `changepassword`) and the demo's are the operator's, not temporary —
    unless `createuser --temporary` (user_create's `temporary`) says they are the owner's to
    replace."""
    from fangkong.accounts import mfa

    temporary = by is None or by.pk != user.pk
    if user.pk is None:  # a new account: saved (and its creation audited) with the flag
        user.password_temporary = temporary
        return
    if temporary != user.password_temporary:
        user.password_temporary = temporary
        user.save(update_fields=["password_temporary"])
    if temporary:
        mfa.end_other_sessions(user)


def password_set_on_server(user: Any) -> bool:
    """Whether the user's password — their own included — is set only on the server's
    command line (`fangkong changepassword`), never on the web: the three administrators'
    (system, security, audit; a superuser is a system administrator), as their accounts
    are made and repaired there (README, docs/roles.md). The one home of the rule: the
    password page and the admin site's refuse them (accounts/views.PasswordChangeView),
    the header offers them no link, `createuser` gives them no temporary password."""
    from fangkong.accounts.roles import is_administrator

    return bool(getattr(user, "is_authenticated", False)) and is_administrator(user)


def password_change_due(user: User) -> str | None:
    """Whether `user` must change their password before anything else, and why: TEMPORARY
    (someone else set it, password_given), EXPIRED (older than FANGKONG_PASSWORD_DAYS), or
    None. The one home of the rule: the sign-in reads it (accounts/signin.on_login). An
    administrator's password is never temporary (password_set_on_server: no one but the
    operator sets it, and the web could not replace it); an expired one holds their session
    at the password page, which says it is changed on the server."""
    if user.password_temporary and not password_set_on_server(user):
        return TEMPORARY
    return EXPIRED if password_expired(user) else None


def password_expired(user: User) -> bool:
    """Whether the user's password is older than FANGKONG_PASSWORD_DAYS (定期更换): they
    change it at sign-in before anything else. Counted from the last entry of the history
    (the upgrade that added it seeded one for every user)."""
    from fangkong.accounts.models import PasswordHistory

    days = int(settings.FANGKONG.get("PASSWORD_DAYS") or 0)
    if days <= 0:
        return False
    latest = PasswordHistory.objects.filter(user=user).values_list("set_at", flat=True).first()
    return latest is not None and clock.system_now() - latest > datetime.timedelta(days=days)
