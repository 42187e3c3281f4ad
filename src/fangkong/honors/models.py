"""Wartime commendations (战时表彰) on the fast track 快报、快审、快批、快奖, and the praise
circulars (表扬通报) that announce them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core import clock


class Circular(models.Model):
    """表扬通报: one issue of the praise circular, bundling approved commendations."""

    number = models.CharField(_("文号"), max_length=30, unique=True)
    title = models.CharField(_("标题"), max_length=80)
    preamble = models.TextField(_("导语"), blank=True)
    day = models.DateField(_("印发日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("印发时间"))

    # A circular is the area's of the unit that issued it (a county's inside a city).
    jurisdiction = Jurisdiction(unit="issued_by__unit")

    class Meta:
        verbose_name = _("表扬通报")
        verbose_name_plural = _("表扬通报")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class Commendation(models.Model):
    """战时表彰: an individual officer or a collective (a unit) nominated for praise."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人")
        COLLECTIVE = "collective", _("集体")

    class Level(models.TextChoices):
        ORAL = "oral", _("口头表扬")
        CIRCULAR = "circular", _("通报表扬")
        ORDER = "order", _("嘉奖令")
        MERIT = "merit", _("记功")

    class Tier(models.TextChoices):
        COUNTY = "county", _("县级")
        CITY = "city", _("市级")

    class Status(models.TextChoices):
        REPORTED = "reported", _("已上报待审核")
        RETURNED = "returned", _("退回修改")
        REVIEWED = "reviewed", _("已审核待批准")
        APPROVED = "approved", _("已批准待颁奖")
        AWARDED = "awarded", _("已颁奖")
        REJECTED = "rejected", _("不予表彰")

    kind = models.CharField(_("表彰对象"), max_length=12, choices=Kind.choices)
    officer = models.ForeignKey(
        "org.Officer",
        verbose_name=_("民警"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("表彰等级"), max_length=10, choices=Level.choices)
    deeds = models.TextField(_("主要事迹"))
    tier = models.CharField(_("表彰层级"), max_length=8, choices=Tier.choices, default=Tier.COUNTY)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("上报时间"))
    submitted_at = models.DateTimeField(_("最近提交时间"))  # the last (re)submission
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("颁奖时间"), null=True, blank=True)
    circular = models.ForeignKey(
        Circular,
        verbose_name=_("表扬通报"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
    )

    # A commendation is the area's of its unit (the officer's, or the unit commended).
    jurisdiction = Jurisdiction(unit="unit")

    class Meta:
        verbose_name = _("战时表彰")
        verbose_name_plural = _("战时表彰")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.honoree} · {self.get_level_display()}"

    def timings(self) -> dict[str, datetime.timedelta | None]:
        """How long each step of the fast track took, and the whole way report → award."""

        def span(
            a: datetime.datetime | None, b: datetime.datetime | None
        ) -> datetime.timedelta | None:
            return b - a if a and b else None

        return {
            "review": span(self.submitted_at, self.reviewed_at),
            "approve": span(self.reviewed_at, self.approved_at),
            "award": span(self.approved_at, self.awarded_at),
            "total": span(self.reported_at, self.awarded_at),
        }

    @property
    def honoree(self) -> str:
        if self.kind == self.Kind.INDIVIDUAL and self.officer:
            return f"{self.unit.name}{self.officer.name}"
        return self.unit.name


class Step(models.Model):
    """One step of a commendation's path, by whom and when: the timings come from here."""

    class Action(models.TextChoices):
        REPORT = "report", _("上报")
        RESUBMIT = "resubmit", _("修改后重报")
        REVIEW = "review", _("审核通过")
        RETURN = "return", _("退回修改")
        APPROVE = "approve", _("批准")
        AWARD = "award", _("颁奖")
        REJECT = "reject", _("不予表彰")

    commendation = models.ForeignKey(Commendation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("表彰流程")
        verbose_name_plural = _("表彰流程")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {clock.local(self.at):%Y-%m-%d %H:%M}"
