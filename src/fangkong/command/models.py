"""The command centre's own records: tasks dispatched to working groups and units, field
inspections with the problems found, and epidemic-related incidents."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction


class Task(models.Model):
    """交办任务: work a leader gives to a working group or a unit, with a deadline."""

    class Priority(models.TextChoices):
        URGENT = "urgent", _("特急")
        HIGH = "high", _("紧急")
        NORMAL = "normal", _("一般")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        IN_PROGRESS = "in_progress", _("办理中")
        DONE = "done", _("已办结")

    title = models.CharField(_("任务"), max_length=100)
    detail = models.TextField(_("要求"), blank=True)
    group = models.ForeignKey(
        "org.WorkingGroup",
        verbose_name=_("承办工作组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    lead = models.ForeignKey(
        "org.Officer",
        verbose_name=_("牵头人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    deadline = models.DateTimeField(_("完成时限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ASSIGNED, db_index=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("交办时间"))
    day = models.DateField(_("交办日期"), db_index=True)  # local day of issued_at
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    result = models.TextField(_("办理结果"), blank=True)

    jurisdiction = Jurisdiction(unit="unit")

    class Meta:
        verbose_name = _("交办任务")
        verbose_name_plural = _("交办任务")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["group", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (self.group_id is None) == (self.unit_id is None):
            raise ValidationError({"group": _("承办工作组和承办单位须填写且只填写一个")})
        if self.deadline and self.issued_at and self.deadline <= self.issued_at:
            raise ValidationError({"deadline": _("完成时限须晚于交办时间")})

    @property
    def assignee(self) -> str:
        return str(self.group or self.unit or "")


class TaskUpdate(models.Model):
    """签收、进展或结果: one step an assignee reports on a task."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("签收")
        PROGRESS = "progress", _("进展")
        RESULT = "result", _("办结")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("内容"), blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_kind_display()}"


class Inspection(models.Model):
    """实地检查指导: a leader's visit to a checkpoint or unit."""

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("被检查单位"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    # Free text until checkpoints exist on this branch (e.g. "104国道联合检查站").
    place = models.CharField(_("检查地点"), max_length=100, blank=True)
    inspector = models.ForeignKey(
        "org.Officer",
        verbose_name=_("带队领导"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    at = models.DateTimeField(_("检查时间"))
    day = models.DateField(_("检查日期"), db_index=True)
    summary = models.TextField(_("检查情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    jurisdiction = Jurisdiction(unit="unit")

    class Meta:
        verbose_name = _("实地检查")
        verbose_name_plural = _("实地检查")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.inspector.name} {self.place or self.unit.name}"


class Problem(models.Model):
    """问题或薄弱环节 found on an inspection, open until its rectification is recorded."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("问题")
        WEAKNESS = "weakness", _("薄弱环节")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="problems"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.PROBLEM)
    description = models.CharField(_("问题描述"), max_length=200)
    owner = models.ForeignKey(
        "org.Officer",
        verbose_name=_("整改责任人"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    deadline = models.DateField(_("整改时限"))
    day = models.DateField(_("发现日期"), db_index=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True, db_index=True)
    rectification = models.TextField(_("整改情况"), blank=True)

    jurisdiction = Jurisdiction(unit="inspection__unit")

    class Meta:
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("检查发现问题")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.rectified_at is None


# A problem is answered by its owner, who may serve in another unit than the one inspected:
# the owner's unit (and the owner) see it and its inspection too, or it never reaches them.
# A task for a working group only is the area's of its lead, else of the leader who issued it.
Task.jurisdiction.extend(unit="lead__unit")
Task.jurisdiction.extend(unit="issued_by__unit")
Task.jurisdiction.extend(area="group__area_code")  # a county's working group inside a city
Problem.jurisdiction.extend(unit="owner__unit", own="owner__user")
Inspection.jurisdiction.extend(unit="problems__owner__unit", own="problems__owner__user")


class Incident(models.Model):
    """涉疫警情和案件, watched by the situation-control group (情况控制)."""

    class Kind(models.TextChoices):
        PRICE_GOUGING = "price_gouging", _("哄抬物价")
        FAKE_SUPPLIES = "fake_supplies", _("制售假劣防护用品")
        WILDLIFE = "wildlife", _("非法猎捕野生动物")
        OBSTRUCT_PREVENTION = "obstruct_prevention", _("妨害传染病防治")
        MEDIC_VIOLENCE = "medic_violence", _("暴力伤医")
        RUMOUR = "rumour", _("造谣传谣")
        FRAUD = "fraud", _("诈骗")
        OBSTRUCT_DUTY = "obstruct_duty", _("妨害公务")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        INVESTIGATING = "investigating", _("调查中")
        CLOSED = "closed", _("已办结")

    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices, db_index=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField(_("发生时间"))
    day = models.DateField(_("日期"))  # local day of occurred_at; indexed with kind below
    place = models.CharField(_("地点"), max_length=100)
    summary = models.TextField(_("简要案情"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    jurisdiction = Jurisdiction(unit="unit")

    class Meta:
        verbose_name = _("涉疫警情")
        verbose_name_plural = _("涉疫警情")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["day", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.place}"


class Disposition(models.Model):
    """处置结果: what was done to how many persons in an incident."""

    class Kind(models.TextChoices):
        CRIMINAL_DETENTION = "criminal_detention", _("刑事拘留")
        ADMIN_DETENTION = "admin_detention", _("行政拘留")
        FINE = "fine", _("罚款")
        WARNING = "warning", _("警告")
        EDUCATION = "education", _("批评教育")

    incident = models.ForeignKey(
        Incident, verbose_name=_("警情"), on_delete=models.CASCADE, related_name="dispositions"
    )
    kind = models.CharField(_("处置"), max_length=20, choices=Kind.choices)
    persons = models.PositiveIntegerField(_("人数"), validators=[MinValueValidator(1)], default=1)
    day = models.DateField(_("处置日期"))  # indexed with kind and persons below
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("处置结果")
        verbose_name_plural = _("处置结果")
        ordering = ["incident", "id"]
        # Covers the dashboard's persons-by-kind sums without reading the table.
        indexes = [models.Index(fields=["day", "kind", "persons"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.persons}"
