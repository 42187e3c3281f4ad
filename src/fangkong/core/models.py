"""Shared reference data (key epidemic areas), its version, and the rate-limit counters."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """One row whose `version` database triggers change with every write to townships,
    villages and key areas (migration core 0003): each process keeps those tables in memory
    and reads them again only when the version has moved (core/refcache.py)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("基础数据版本")
        verbose_name_plural = _("基础数据版本")

    def __str__(self) -> str:
        return str(self.version)
