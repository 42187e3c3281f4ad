"""Shared reference data (key epidemic areas), its version, the rate-limit counters, and the
audit trail (its chain in core/audit.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock


class KeyArea(models.Model):
    """重点地区: a region-code prefix whose people and vehicles are flagged in a date range.

    The default is 湖北 (42…) from 2020-01-01; administrators add or close others.
    """

    prefix = models.CharField(
        _("地区码前缀"),
        max_length=6,
        validators=[RegexValidator(r"^\d{2,6}$", _("地区码前缀须为2到6位数字"))],
        help_text=_("如 42 表示湖北全省，4201 表示武汉市"),
    )
    name = models.CharField(_("名称"), max_length=50)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("重点地区")
        verbose_name_plural = _("重点地区")
        ordering = ["prefix", "valid_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}）"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("截止日期不能早于起始日期")})

    def covers(self, region_code: str, on: datetime.date) -> bool:
        if not region_code.startswith(self.prefix):
            return False
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class RateCounter(models.Model):
    """Hits on a rate-limited page from one address in one fixed time window. Kept in the
    database so that every server process (gunicorn worker, host) counts together."""

    key = models.CharField(max_length=160, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("访问频率计数")
        verbose_name_plural = _("访问频率计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class ReferenceVersion(models.Model):
    """Rows whose `version` database triggers change: row 1 with every write to townships,
    villages and key areas (migration core 0003), row 2 when a duty shift is made, removed
    or moved to another checkpoint, day or slot (checkpoints 0009). Each process keeps
    those in memory and reads them again only when the version has moved
    (core/refcache.py)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("基础数据版本")
        verbose_name_plural = _("基础数据版本")

    def __str__(self) -> str:
        return str(self.version)


class AuditEntry(models.Model):
    """One audited event: a write (which fields changed), a view of unmasked personal
    data (who saw whose record), or a sign-in. Never edited from the UI; kept at least
    180 days (settings.FANGKONG["AUDIT_RETENTION_DAYS"])."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        REVEAL = "reveal", _("查看完整个人信息")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        PASSWORD = "password", _("修改密码")
        MFA_OK = "mfa_ok", _("二次验证通过")
        MFA_FAILED = "mfa_failed", _("二次验证失败")
        MFA_ENROL = "mfa_enrol", _("启用二次验证")
        MFA_CODES = "mfa_codes", _("重新生成恢复码")
        MFA_DISABLE = "mfa_disable", _("停用二次验证")
        MFA_RESET = "mfa_reset", _("重置二次验证")
        SESSION_END = "session_end", _("会话超时退出")
        # A typed ID number answered "on file in another jurisdiction": the record's id
        # only, so that probing numbers one by one shows in the trail.
        LOOKUP = "lookup", _("查询他处登记的证件号码")

    at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=60, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("请求路径"), max_length=200, blank=True)
    # Each record carries the hash of the one before it (core/audit.py): an edit or a
    # deletion anywhere breaks the chain from that point, and `fangkong audit verify` says where.
    # The hash is an HMAC with a key kept outside the database, and it covers the personal
    # part (object_repr and the values in changes) through its own keyed digest, so that a
    # purge can replace that part and leave the chain whole.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    personal_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Set by a purge: the id of the purge's own record, which states how many records it
    # redacted and a digest of their ids (checked by `audit verify`).
    redacted_by = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="accounts_au_object__2df7a0_idx")
        ]
        # Born in the accounts app: the table keeps its name (migrations core 0004, accounts
        # 0010 moved the model, not the rows).
        db_table = "accounts_auditentry"

    def __str__(self) -> str:
        return (
            f"{clock.local(self.at):%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
        )


class AuditChainHead(models.Model):
    """The last audit record's hash. One row, locked while a record is appended, so that
    concurrent writers extend the chain one after another instead of forking it."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")
        db_table = "accounts_auditchainhead"

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"
