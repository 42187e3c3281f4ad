"""Two-factor sign-in (二次验证): a TOTP authenticator on the officer's phone and ten recovery
codes. The one home of the rule; the sign-in step, the settings pages, the admin's reset
page and `fangkong otp` all call these services.

TOTP (RFC 6238) needs no network on either side: the phone and the server each derive the
six digits from the shared secret and the time, so it works on the police intranet and on
a phone without signal. Codes are accepted one 30-second step early or late (clock drift),
each at most once (a code seen once is refused again: no replay).

Who must use it: the roles in settings.FANGKONG["MFA_ROLES"] (admin, auditor and command by
default: they manage the system, read its audit trail or see the whole county); everyone else may. A wrong code counts as a failed
sign-in for the account (accounts/throttle.py), like a wrong password.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import throttle, totp_keys
from fangkong.accounts.models import RecoveryCode, User
from fangkong.core import clock
from fangkong.core.audit import audit_record

RECOVERY_CODES = 10
# 32 letters and digits without 0/O, 1/I: read off paper without doubt. 12 of them: 60 bits.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 12
TOLERANCE = 1  # steps either side: ±30 seconds of clock difference between phone and server
DEVICE_NAME = "手机验证器"
# The demo county's devices share a published secret (README): `fangkong otp code` prints
# their current code, and only theirs.
DEMO_DEVICE_NAME = "演示验证器（密钥公开，仅供演示）"


def mfa_required(user: User) -> bool:
    return bool(user.role) and user.role in settings.FANGKONG["MFA_ROLES"]


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- secrets, shown to the user while enrolling -------------------------------------------


def new_secret() -> str:
    """A new TOTP secret: 20 random bytes, hex (as django-otp stores it)."""
    return secrets.token_hex(20)


def secret_base32(key_hex: str) -> str:
    return base64.b32encode(binascii.unhexlify(key_hex)).decode("ascii")


def secret_groups(key_hex: str) -> str:
    """The secret as an authenticator app asks for it, in groups of four for typing."""
    b32 = secret_base32(key_hex)
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def demo_secret_note(key_hex: str) -> str:
    """What `fangkong demo` says of the demo accounts that need a second factor."""
    return (
        "须二次验证的账号：在手机验证器中手动添加密钥 "
        f"{secret_groups(key_hex)}（基于时间），或运行 "
        "`make demo-code WHO=用户名`（即 `fangkong otp code 用户名`）取得当前的6位验证码。"
    )


def otpauth_uri(user: User, key_hex: str) -> str:
    # django-otp's own URI (issuer from settings.OTP_TOTP_ISSUER), from an unsaved device.
    return str(TOTPDevice(user=user, key=key_hex).config_url)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn here (segno), never by a service."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True))


def totp_code(key_hex: str, *, at: float | None = None) -> str:
    """The code a phone shows at `at` (for the demo and for tests)."""
    totp = TOTP(binascii.unhexlify(key_hex))
    totp.time = clock.system_now().timestamp() if at is None else at
    return f"{totp.token():06d}"


def _now(at: float | None) -> float:
    return clock.system_now().timestamp() if at is None else at


def _totp_step(key_hex: str, code: str, *, at: float, after: int) -> int | None:
    """The time step whose code this is (within the tolerance and later than `after`)."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = TOTP(binascii.unhexlify(key_hex))
    totp.time = at
    if totp.verify(int(code), tolerance=TOLERANCE, min_t=after + 1):
        return int(totp.t())
    return None


# --- recovery codes ---------------------------------------------------------------------


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def normalise_recovery(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def is_recovery_format(code: str) -> bool:
    value = normalise_recovery(code)
    return len(value) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in value)


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the plain codes are returned
    once, for the page that shows them, and never stored."""
    RecoveryCode.objects.filter(user=user).delete()
    now = clock.system_now()
    codes = []
    rows = []
    for _i in range(RECOVERY_CODES):
        plain = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(RECOVERY_LENGTH))
        salt = secrets.token_hex(8)
        rows.append(
            RecoveryCode(user=user, digest=f"{salt}${_digest(plain, salt)}", created_at=now)
        )
        codes.append("-".join(plain[k : k + 4] for k in range(0, RECOVERY_LENGTH, 4)))
    RecoveryCode.objects.bulk_create(rows)
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    value = normalise_recovery(code)
    if not is_recovery_format(value):
        return False
    for row in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
        salt, _sep, digest = row.digest.partition("$")
        if hmac.compare_digest(digest, _digest(value, salt)):
            row.used_at = clock.system_now()
            row.save(update_fields=["used_at"])
            return True
    return False


def device_secret(device: TOTPDevice) -> str:
    """The device's secret (hex), decrypted (accounts/totp_keys.py)."""
    return totp_keys.decrypt(device.key, user_id=device.user_id)


def _use_totp(user: User, code: str, at: float) -> bool:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return False
    try:
        secret, current = totp_keys.decrypt_with(device.key, user_id=user.pk)
    except totp_keys.UnreadableSecret:
        # Written by hand, copied from another account, or under a key since dropped: no
        # code can be checked against it (an administrator resets the second factor).
        return False
    step = _totp_step(secret, code.strip(), at=at, after=device.last_t)
    if step is None:
        return False
    device.last_t = step
    device.last_used_at = clock.system_now()
    fields = ["last_t", "last_used_at"]
    if not current:  # read with a key being rotated out: stored under the current one
        device.key = totp_keys.encrypt(secret, user_id=user.pk)
        fields.append("key")
    device.save(update_fields=fields)
    return True


def end_other_sessions(user: User) -> None:
    """Every session of the user signed in before now ends at its next request (the caller
    keeps its own with django.contrib.auth.update_session_auth_hash)."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])


# --- services -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SecondFactor:
    method: str  # "totp" or "recovery_code"
    codes_left: int


def second_factor_check(
    *, user: User, code: str, ip: str | None, at: float | None = None
) -> SecondFactor:
    """The second sign-in step: a code from the phone or one recovery code.

    Refused while the account is locked; a wrong code counts as a failed sign-in (five lock
    the account, as five wrong passwords do). Audited either way."""
    reason = throttle.locked_reason(username=user.username, ip=ip)
    if reason:
        audit_record(actor=user, action="mfa_failed", obj=user, changes={"reason": "locked"})
        raise ValidationError(reason, code="locked")
    with transaction.atomic():
        method = ""
        if _use_totp(user, code, _now(at)):
            method = "totp"
        elif _use_recovery_code(user, code):
            method = "recovery_code"
        if method:
            left = recovery_codes_left(user)
            changes: dict[str, object] = {"method": method}
            if method == "recovery_code":
                changes["recovery_codes_left"] = left
            audit_record(actor=user, action="mfa_ok", obj=user, changes=changes)
    if not method:
        throttle.record_failure(username=user.username, ip=ip)
        audit_record(actor=user, action="mfa_failed", obj=user, changes={"reason": "wrong_code"})
        raise ValidationError(
            _("验证码错误或已使用过，请输入验证器上当前显示的6位数字，或一个未用过的恢复码。"),
            code="invalid",
        )
    throttle.clear_failures(username=user.username, ip=ip)
    return SecondFactor(method=method, codes_left=left)


@transaction.atomic
def mfa_enrol(*, user: User, key: str, code: str, at: float | None = None) -> list[str]:
    """Bind the phone whose authenticator now holds `key`, proven by its current code; make
    the ten recovery codes and return them (to be shown once). Other sessions end."""
    if has_second_factor(user):
        raise ValidationError(
            {"code": [_("已启用二次验证；如需更换手机，请先在“二次验证”页面停用或更换。")]}
        )
    step = _totp_step(key, code.strip(), at=_now(at), after=-1)
    if step is None:
        raise ValidationError(
            {
                "code": [
                    _(
                        "验证码不正确：请输入验证器上当前显示的6位数字；"
                        "若总是不对，请确认手机时间准确（误差须在30秒内）。"
                    )
                ]
            }
        )
    TOTPDevice.objects.filter(user=user).delete()  # an unconfirmed leftover, if any
    TOTPDevice.objects.create(
        user=user,
        name=DEVICE_NAME,
        key=totp_keys.encrypt(key, user_id=user.pk),
        confirmed=True,
        tolerance=TOLERANCE,
        last_t=step,
    )
    codes = _new_recovery_codes(user)
    end_other_sessions(user)
    audit_record(actor=user, action="mfa_enrol", obj=user, changes={"recovery_codes": len(codes)})
    return codes


def _check_current_code(user: User, code: str, ip: str | None, at: float | None) -> None:
    """A code from the phone (not a recovery code), for changes to the second factor itself.
    A wrong one counts as a failed sign-in: a stolen session cannot guess its way in."""
    reason = throttle.locked_reason(username=user.username, ip=ip)
    if reason:
        raise ValidationError({"code": [reason]})
    with transaction.atomic():
        ok = _use_totp(user, code, _now(at))
    if not ok:
        throttle.record_failure(username=user.username, ip=ip)
        audit_record(actor=user, action="mfa_failed", obj=user, changes={"reason": "wrong_code"})
        raise ValidationError(
            {"code": [_("验证码错误或已使用过，请输入验证器上当前显示的6位数字。")]}
        )


def recovery_codes_renew(
    *, user: User, code: str, ip: str | None, at: float | None = None
) -> list[str]:
    """Ten new recovery codes (the old ones stop working), proven by a current code."""
    _check_current_code(user, code, ip, at)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user, action="mfa_codes", obj=user, changes={"recovery_codes": len(codes)}
        )
    return codes


def mfa_disable(
    *, user: User, code: str, ip: str | None, replacing: bool = False, at: float | None = None
) -> None:
    """The user removes their own second factor, proven by a current code: to stop using it
    (roles where it is optional) or to bind a new phone next (`replacing`)."""
    if not replacing and mfa_required(user):
        raise ValidationError(
            {"code": [_("您的角色必须使用二次验证，不能停用；更换手机请选择“更换手机”。")]}
        )
    _check_current_code(user, code, ip, at)
    with transaction.atomic():
        _remove(user)
        audit_record(actor=user, action="mfa_disable", obj=user, changes={"replacing": replacing})


def _remove(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    end_other_sessions(user)


@transaction.atomic
def mfa_reset(*, user: User, by: User | None, reason: str, via: str = "web") -> bool:
    """An administrator removes a user's second factor (a lost or changed phone), so that
    they enrol again at their next sign-in. Every session of the user ends. Audited with
    the reason; from the command line, with the operating-system account that ran it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写重置原因（如：手机丢失，本人电话确认）。")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("重置原因不超过200字。")]})
    had = has_second_factor(user)
    _remove(user)
    changes: dict[str, object] = {"reason": reason, "had_second_factor": had, "via": via}
    if via == "cli":
        try:
            changes["os_user"] = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container)
            changes["os_user"] = ""
    audit_record(actor=by, action="mfa_reset", obj=user, changes=changes)
    return had


@transaction.atomic
def mfa_enrol_demo(*, user: User, key: str) -> None:
    """The demo county's accounts that must use a second factor are enrolled with a
    published secret, so that `make demo` can be signed into (README, `fangkong otp code`)."""
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user,
        name=DEMO_DEVICE_NAME,
        key=totp_keys.encrypt(key, user_id=user.pk),
        confirmed=True,
        tolerance=TOLERANCE,
    )
    audit_record(actor=None, action="mfa_enrol", obj=user, changes={"demo": True})
