"""Users (officers or civilians with one role and a jurisdiction), their second factor and
sign-in failures. The audit trail is the core layer's (core/models.py, core/audit.py)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role, role_perms
from fangkong.core import clock
from fangkong.core.text import name_error, normalize_text


@deconstructible
class UsernameValidator(RegexValidator):
    """A username is ASCII letters, digits and `. _ -`: a look-alike of another account's
    (a Cyrillic а in gаngcheng, a full-width ｇ, an invisible character) is refused wherever
    an account is made or renamed, since every entry point (the admin site's forms,
    `fangkong createuser`, user_create) runs the model's validation."""

    regex = r"\A[A-Za-z0-9._-]+\Z"
    message = _(
        "用户名只能由英文字母、数字和“.”“_”“-”组成，不能含汉字、全角字符、空格或其他文字的字母。"
    )


class User(AbstractUser):
    """A person who logs in: an officer, or a civilian (township or village cadre, doctor).

    The role decides what they may do; unit, township or the records assigned to them
    decide which records they see (accounts/jurisdiction.py).
    """

    class Kind(models.TextChoices):
        OFFICER = "officer", _("民警/辅警")
        CADRE = "cadre", _("乡镇/村居干部")
        DOCTOR = "doctor", _("医务人员")
        OTHER = "other", _("其他")

    # AbstractUser's, with our rule (UsernameValidator) in place of Django's, which lets any
    # Unicode letter in.
    username = models.CharField(
        _("用户名"),
        max_length=150,
        unique=True,
        help_text=_("必填，不超过150个字符，只能用英文字母、数字和“.”“_”“-”。"),
        validators=[UsernameValidator()],
        error_messages={"unique": _("用户名已被其他账号使用。")},
    )
    display_name = models.CharField(_("姓名"), max_length=30, blank=True)
    # AbstractUser's, on the platform's clock.
    date_joined = models.DateTimeField(_("date joined"), default=clock.now)
    kind = models.CharField(
        _("人员类别"), max_length=12, choices=Kind.choices, default=Kind.OFFICER
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    officer = models.OneToOneField(
        "org.Officer",
        verbose_name=_("对应警力"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    township = models.ForeignKey(
        "org.Township",
        verbose_name=_("所属乡镇街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Changed when the user's second factor is added, replaced, disabled or reset: every
    # session signed in before ends at its next request (see get_session_auth_hash below).
    session_salt = models.CharField(max_length=32, blank=True, editable=False)
    # Set when someone other than the owner gave the account its password (the admin
    # site's forms): the owner chooses their own at the next sign-in before anything else
    # (accounts/passwords.py, password_given and password_change_due). In no form (the
    # admin site's fieldsets leave it out); editable only so that the trail shows it.
    password_temporary = models.BooleanField(_("临时密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        # Django's own flags follow the role, never a hand: the admin site's sign-in page
        # admits staff (the roles that open it: the system and security administrators), and
        # a superuser passes every Django permission check (the system administrator's
        # reference data; the security administrator's account form grants its own). Set by
        # hand, they would let any account into the admin site without a second factor.
        self.is_staff = "admin.site" in role_perms(self.role)
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        # The account's name is a person's (core.text.name_error): every entry point (the
        # admin site's forms, accounts.services.user_create, `fangkong createuser`) cleans
        # the account through here. Past its length the field's own check has said it. A
        # name stored before the rule is refused when it is next changed, not when another
        # part of the account is (a form without the name could not show the refusal).
        self.display_name = normalize_text(self.display_name)
        field = User._meta.get_field("display_name")
        limit = cast(int, field.max_length)
        name = self.display_name
        changed = bool(name) and len(name) <= limit and self._name_changed()
        if changed and (refused := name_error(name, field.verbose_name, limit=limit)):
            errors["display_name"] = [refused]
        # Case alone does not tell two accounts apart in the trail or at sign-in.
        twin = (
            User.objects.filter(username__iexact=self.username).exclude(pk=self.pk).first()
            if self.username
            else None
        )
        if twin is not None and twin.username != self.username:
            errors["username"] = [
                str(_("用户名与已有账号“%(other)s”只有大小写不同，容易混淆，请换一个。"))
                % {"other": twin.username}
            ]
        if errors:
            raise ValidationError(errors)

    def _name_changed(self) -> bool:
        if self.pk is None:
            return True
        return not User.objects.filter(pk=self.pk, display_name=self.display_name).exists()

    @property
    def label(self) -> str:
        return f"{self} · {self.get_role_display()}"

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django ends a session whose stored hash no longer matches (it hashes the password
        # so that a new password ends the other sessions). The salt extends that to the
        # second factor; empty, it gives Django's own hash, so no session ends on upgrade.
        if not self.session_salt:
            return str(super()._get_session_auth_hash(secret=secret))  # type: ignore[misc]
        return salted_hmac(
            "fangkong.accounts.User.session",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class LoginFailure(models.Model):
    """A failed sign-in, for throttling and lockout (kept a day)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} {clock.local(self.at):%Y-%m-%d %H:%M}"


class RecoveryCode(models.Model):
    """One of a user's ten recovery codes (恢复码), for signing in without the phone.

    Shown once when made; stored as a salted SHA-256 digest (60 random bits per code, so a
    fast hash is enough: guessing one from a stolen table costs ~2^59 hashes per code);
    each works once. django-otp's static device keeps its codes in clear, hence this model."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("用户"),
    )
    digest = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self) -> str:
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"


class PasswordHistory(models.Model):
    """The hash of a password a user has had, so that none of the last five is set again
    (accounts/passwords.py). Hashes only, with the same hasher as the password itself."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("用户"),
    )
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"
