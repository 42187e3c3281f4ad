"""Party work (党建), commando teams, publicity (宣传舆情) and notices with read receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction


class PartyBranch(models.Model):
    """党支部 of a unit."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    secretary = models.ForeignKey(
        "org.Officer",
        verbose_name=_("书记"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """党建活动: a pledge ceremony (宣誓), a theme party day, volunteer service …"""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("宣誓")
        THEME_DAY = "theme_day", _("主题党日")
        VOLUNTEER = "volunteer", _("志愿服务")
        STUDY = "study", _("学习教育")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(_("主题"), max_length=80)
    day = models.DateField(_("日期"), db_index=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        PartyBranch, verbose_name=_("党支部"), on_delete=models.PROTECT, null=True, blank=True
    )
    participants = models.ManyToManyField(
        "org.Officer", verbose_name=_("参加人员"), blank=True, related_name="+"
    )
    participant_count = models.PositiveIntegerField(_("参加人数"), default=0)
    note = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("党建活动")
        verbose_name_plural = _("党建活动")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.title


class CommandoTeam(models.Model):
    """突击队: 志愿突击队, 党员突击队 or 党小组突击队, with members and the tasks taken on."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("志愿突击队")
        PARTY = "party", _("党员突击队")
        PARTY_GROUP = "party_group", _("党小组突击队")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "org.Officer", verbose_name=_("队长"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField("org.Officer", verbose_name=_("队员"), related_name="+")
    formed_on = models.DateField(_("成立日期"))

    class Meta:
        verbose_name = _("突击队")
        verbose_name_plural = _("突击队")
        ordering = ["formed_on", "id"]

    def __str__(self) -> str:
        return self.name


class CommandoTask(models.Model):
    team = models.ForeignKey(CommandoTeam, on_delete=models.CASCADE, related_name="tasks")
    day = models.DateField(_("日期"))
    title = models.CharField(_("任务"), max_length=100)

    class Meta:
        verbose_name = _("突击任务")
        verbose_name_plural = _("突击任务")
        ordering = ["day", "id"]

    def __str__(self) -> str:
        return self.title


class MediaReport(models.Model):
    """媒体报道 of the bureau's work, by the outlet's level."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("中央")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")
        COUNTY = "county", _("县级")
        SELF = "self", _("自媒体")

    title = models.CharField(_("标题"), max_length=120)
    outlet = models.CharField(_("媒体"), max_length=40)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, db_index=True)
    day = models.DateField(_("发布日期"), db_index=True)
    link = models.URLField(_("链接"), blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("相关单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    officer = models.ForeignKey(
        "org.Officer",
        verbose_name=_("相关民警"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("媒体报道")
        verbose_name_plural = _("媒体报道")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.title


class SelfMediaPost(models.Model):
    """自媒体作品 on the bureau's own accounts, with the public's likes and comments."""

    title = models.CharField(_("标题"), max_length=120)
    platform = models.CharField(_("平台"), max_length=30)
    day = models.DateField(_("发布日期"), db_index=True)
    link = models.URLField(_("链接"), blank=True)
    likes = models.PositiveIntegerField(_("点赞"), default=0)
    comments = models.PositiveIntegerField(_("留言"), default=0)
    # Whose account: a county's bureau inside a city (issue 18); none: the installation's.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("发布单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("自媒体作品")
        verbose_name_plural = _("自媒体作品")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.title


class RoleModel(models.Model):
    """典型: a role model's story, linked to the officers in it."""

    title = models.CharField(_("标题"), max_length=120)
    story = models.TextField(_("事迹"))
    day = models.DateField(_("日期"))
    officers = models.ManyToManyField("org.Officer", verbose_name=_("民警"), related_name="+")
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reports = models.ManyToManyField(MediaReport, verbose_name=_("相关报道"), blank=True)

    class Meta:
        verbose_name = _("典型")
        verbose_name_plural = _("典型")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """通知 or 防护知识 sent to all officers or some units; each recipient confirms reading."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("通知")
        GUIDE = "guide", _("防护知识")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("正文"))
    to_all = models.BooleanField(_("发全体民警"), default=True)
    units = models.ManyToManyField(
        "org.Unit", verbose_name=_("接收单位"), blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """阅读回执: one recipient of a notice; read_at is set when they confirm reading."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("确认阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        ordering = ["notice", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="receipt_once_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.notice} · {self.user}"


# Each register is the area's of its unit (a county's inside a city; a report of no unit is
# the installation's): accounts/jurisdiction.py `restrict_to_area`.
Activity.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
CommandoTeam.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
MediaReport.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
RoleModel.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
SelfMediaPost.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
# A notice is its sender's area's: read by its recipients and by the senders of that area
# (a city's of each of its counties), never by another county's (outreach/selectors.py).
Notice.jurisdiction = Jurisdiction(  # type: ignore[attr-defined]
    unit="published_by__unit", township="published_by__township"
)
