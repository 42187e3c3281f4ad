"""The bureau's organisation: units, the county's townships and villages, officers, the
leadership group and working groups, and the wartime order."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.fields import PhoneField
from fangkong.core.regions import get_region


class Township(models.Model):
    """乡镇/街道: a township, town or subdistrict of the county (reference data)."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    # Unique in its county (the code's first six digits), not installation-wide: two
    # counties of a city may each have a 城关镇.
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("辖区派出所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="townships",
    )

    class Meta:
        verbose_name = _("乡镇街道")
        verbose_name_plural = _("乡镇街道")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Substr("code", 1, 6),
                "name",
                name="township_name_unique_per_county",
                violation_error_message=_("名称：本县（市、区）已有同名乡镇街道"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """村/社区: a village or urban community inside a township (reference data)."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    township = models.ForeignKey(
        Township, verbose_name=_("乡镇街道"), on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)

    class Meta:
        verbose_name = _("村居")
        verbose_name_plural = _("村居")
        ordering = ["township__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_per_township")
        ]

    def __str__(self) -> str:
        return f"{self.township.name}{self.name}"


class Unit(models.Model):
    """A unit of the bureau, kept as a tree (局 → 机关科室, 派出所, 交警大队, …).

    `path` is the chain of ids from the root ("1/4/"), so a unit's subtree is one indexed
    prefix query: jurisdiction checks use it on every list.
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("公安局")
        DEPARTMENT = "department", _("机关科室")
        STATION = "station", _("派出所")
        TRAFFIC = "traffic", _("交警大队")
        BRIGADE = "brigade", _("大队")
        OTHER = "other", _("其他")

    # Unique in its area, not installation-wide: two counties may each have a 城关派出所.
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(
        _("层级路径"), max_length=255, editable=False, db_index=True, default=""
    )
    # The GB/T 2260 area the unit serves (a county "370921", a city "3709"); empty: the
    # installation's own area (org/areas.py). A unit's checkpoints and stations' townships
    # are that area's; a user's unit says which areas they see (accounts/jurisdiction.py).
    area_code = models.CharField(
        _("所属区划"),
        max_length=6,
        blank=True,
        db_index=True,
        validators=[RegexValidator(r"^([0-9]{2}){1,3}$", _("区划代码须为2、4或6位数字"))],
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "name"],
                name="unit_name_unique_per_area",
                violation_error_message=_("名称：本区划已有同名单位"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Officer(models.Model):
    """民警 or 辅警 of the bureau."""

    class Kind(models.TextChoices):
        POLICE = "police", _("民警")
        AUXILIARY = "auxiliary", _("辅警")

    class Status(models.TextChoices):
        ON_POST = "on_post", _("在岗")
        ON_LEAVE = "on_leave", _("休假")
        SICK = "sick", _("病休")
        RECALLED = "recalled", _("已召回未报到")

    name = models.CharField(_("姓名"), max_length=30)
    name_pinyin = models.CharField(max_length=120, editable=False, default="", db_index=True)
    name_initials = models.CharField(max_length=30, editable=False, default="", db_index=True)
    badge_number = models.CharField(
        _("警号"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z]{4,12}$", _("警号须为4到12位数字或大写字母"))],
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="officers"
    )
    position = models.CharField(_("职务"), max_length=30, blank=True)
    phone = PhoneField(_("联系电话"), blank=True)
    party_member = models.BooleanField(_("党员"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ON_POST
    )
    status_since = models.DateTimeField(_("状态起始时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("警力")
        verbose_name_plural = _("警力")
        ordering = ["unit__path", "badge_number"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.badge_number}）"


class WorkingGroup(models.Model):
    """The leadership group (领导小组) and the task force's working groups (工作组)."""

    class Code(models.TextChoices):
        LEADERSHIP = "leadership", _("疫情防控领导小组")
        SUPPORT = "support", _("综合保障组")
        MONITORING = "monitoring", _("监测核查组")
        CONTROL = "control", _("情况控制组")
        PUBLICITY = "publicity", _("宣传舆情组")
        JOINT_CONTROL = "joint_control", _("联合查控组")

    code = models.CharField(_("代码"), max_length=20, choices=Code.choices)
    # The county (city) whose task force this is, as Unit.area_code: empty for the
    # installation's own area; a city's counties each set up the same groups (issue 18).
    area_code = models.CharField(_("所属区划"), max_length=6, blank=True, default="")
    duties = models.TextField(_("职责"), blank=True)
    leader = models.ForeignKey(
        Officer,
        verbose_name=_("组长"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_groups",
    )
    members = models.ManyToManyField(
        Officer, verbose_name=_("成员"), blank=True, related_name="working_groups"
    )

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["area_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "code"], name="group_unique_per_area")
        ]

    def __str__(self) -> str:
        """The group's name, after its county's when it has one (宁阳县综合保障组: a city's
        counties each have one of each)."""
        region = get_region(self.area_code) if len(self.area_code) == 6 else None
        return f"{region.county if region else ''}{self.get_code_display()}"

    @property
    def name(self) -> str:
        return str(self.get_code_display())


class WartimeOrder(models.Model):
    """战时状态令, e.g. 全警停休: every officer stops leave and returns to post."""

    title = models.CharField(_("标题"), max_length=60)
    text = models.TextField(_("内容"), blank=True)
    effective_at = models.DateTimeField(_("生效时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("发布时间"), default=clock.now, editable=False)
    # The area the order reaches (its issuer's when issued: the officers it recalled), kept
    # so that the issuer moving later changes neither who sees it nor whom it concerns.
    area_code = models.CharField(_("所属区划"), max_length=6, blank=True, default="")

    class Meta:
        verbose_name = _("战时命令")
        verbose_name_plural = _("战时命令")
        ordering = ["-effective_at"]

    def __str__(self) -> str:
        return self.title


class Recall(models.Model):
    """One officer recalled by a wartime order, and when they reported back (归队)."""

    order = models.ForeignKey(
        WartimeOrder, verbose_name=_("命令"), on_delete=models.CASCADE, related_name="recalls"
    )
    officer = models.ForeignKey(
        Officer, verbose_name=_("警力"), on_delete=models.PROTECT, related_name="recalls"
    )
    status_before = models.CharField(_("召回前状态"), max_length=12, choices=Officer.Status.choices)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("召回记录")
        verbose_name_plural = _("召回记录")
        ordering = ["order", "officer__unit__path", "officer__badge_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "officer"], name="recall_once_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.officer}"


class WelfareCase(models.Model):
    """暖警: a family difficulty of an officer, who follows it up, and when it was solved.

    Private: only the political department and the leader of the officer's own unit see it
    (org/selectors.py `welfare_cases_for`)."""

    class Urgency(models.TextChoices):
        HIGH = "high", _("紧急")
        MEDIUM = "medium", _("较急")
        LOW = "low", _("一般")

    officer = models.ForeignKey(
        Officer, verbose_name=_("民警"), on_delete=models.PROTECT, related_name="welfare_cases"
    )
    title = models.CharField(_("困难事项"), max_length=60)
    detail = models.TextField(_("具体情况"), blank=True)
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("登记时间"))
    solved_at = models.DateTimeField(_("解决时间"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("民警家庭困难")
        verbose_name_plural = _("民警家庭困难")
        ordering = ["solved_at", "urgency", "-opened_at"]

    def __str__(self) -> str:
        return f"{self.officer.name} · {self.title}"


class WelfareHelp(models.Model):
    """One piece of help given for a family difficulty."""

    case = models.ForeignKey(
        WelfareCase, verbose_name=_("民警家庭困难"), on_delete=models.CASCADE, related_name="helps"
    )
    at = models.DateTimeField(_("时间"))
    text = models.CharField(_("帮扶措施"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text
