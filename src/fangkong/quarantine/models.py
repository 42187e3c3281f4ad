"""Returnees from key areas and their home quarantine: cases, four-to-one teams,
follow-ups and alerts."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core import clock
from fangkong.core.fields import UpdatedAtField
from fangkong.core.rollups import NEVER, NEVER_BEFORE, Key, Rollup
from fangkong.core.symptoms import symptoms_label
from fangkong.core.text import translated
from fangkong.org.areas import bureau_name, record_area


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    VERIFIED = "verified", _("已核查")
    QUARANTINED = "quarantined", _("隔离中")
    RELEASED = "released", _("已解除")
    TURNED_BACK = "turned_back", _("已劝返")
    HOSPITAL = "hospital", _("已送医")
    NOT_IN_COUNTY = "not_in_county", _("不在本县")
    NOT_FOUND = "not_found", _("查无此人")


OPEN_STATUSES = (CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.QUARANTINED)
_STATUS_LABELS = dict(CaseStatus.choices)

# Which status may follow which; every transition is made by a named user with a reason.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.PENDING: (
        CaseStatus.VERIFIED,
        CaseStatus.QUARANTINED,
        CaseStatus.TURNED_BACK,
        CaseStatus.HOSPITAL,
        CaseStatus.NOT_IN_COUNTY,
        CaseStatus.NOT_FOUND,
    ),
    CaseStatus.VERIFIED: (
        CaseStatus.QUARANTINED,
        CaseStatus.TURNED_BACK,
        CaseStatus.HOSPITAL,
        CaseStatus.NOT_IN_COUNTY,
    ),
    CaseStatus.QUARANTINED: (CaseStatus.RELEASED, CaseStatus.HOSPITAL, CaseStatus.NOT_IN_COUNTY),
    CaseStatus.RELEASED: (),
    CaseStatus.TURNED_BACK: (),
    CaseStatus.HOSPITAL: (),
    CaseStatus.NOT_IN_COUNTY: (),
    CaseStatus.NOT_FOUND: (),
}


class QuarantineCase(models.Model):
    """A person from a key area being verified, quarantined and followed up.

    One open case per person at a time: a second referral (another checkpoint, a pushed
    list) joins the open case instead of opening another.
    """

    class Source(models.TextChoices):
        CHECKPOINT = "checkpoint", _("检查站移交")
        PUSHED_LIST = "pushed_list", _("上级推送名单")
        STATION = "station", _("派出所排查")
        SELF_REPORT = "self_report", _("本人申报")

    class Measure(models.TextChoices):
        HOME = "home", _("居家隔离")
        CENTRALISED = "centralised", _("集中隔离")
        TURNED_BACK = "turned_back", _("劝返")
        HOSPITAL = "hospital", _("送医")

    class Finding(models.TextChoices):
        """What a station found when it verified the case (核查情况)."""

        AT_HOME = "at_home", _("在家，信息属实")
        WRONG_DETAILS = "wrong_details", _("在家，信息有误已更正")
        NOT_IN_COUNTY = "not_in_county", _("不在本县")
        NOT_FOUND = "not_found", _("查无此人")
        HOSPITAL = "hospital", _("身体不适，已送医")
        TURNED_BACK = "turned_back", _("已劝返")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CaseStatus.choices,
        default=CaseStatus.PENDING,
        db_index=False,  # the composite indexes below lead with it
    )
    measure = models.CharField(_("管控措施"), max_length=16, choices=Measure.choices, blank=True)
    came_from_code = models.CharField(_("来源地区码"), max_length=6, blank=True)
    came_from = models.CharField(_("来源地"), max_length=100, blank=True)
    arrival_date = models.DateField(_("抵达日期"), null=True, blank=True)
    township = models.ForeignKey(
        "org.Township",
        verbose_name=_("乡镇街道"),
        db_index=False,  # (…, status) below leads with it
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    village = models.ForeignKey(
        "org.Village",
        verbose_name=_("村居"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    address_detail = models.CharField(_("详细住址"), max_length=200, blank=True)
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任派出所"),
        db_index=False,  # (…, status) below leads with it
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # A city installation: the county a pushed list routed the case to by its ID region,
    # its address matching no township (issue 18 item 4); '' else (the township says).
    county = models.CharField(
        _("下发县（市、区）"), max_length=6, blank=True, default="", db_index=True
    )
    start_date = models.DateField(_("隔离开始日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划解除日期"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    finding = models.CharField(_("核查结果"), max_length=16, choices=Finding.choices, blank=True)
    verification_note = models.CharField(_("核查情况"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    # Local (Asia/Shanghai) days the case was opened and closed: the day's figures count these.
    opened_on = models.DateField(_("建档日期"), null=True, blank=True, db_index=True)
    # Not indexed alone: (ended_on, start_date, id) below leads with it.
    ended_on = models.DateField(_("结案日期"), null=True, blank=True)
    needs_review = models.JSONField(
        _("待核实字段"),
        default=list,
        blank=True,
        help_text=_("导入或登记时未能校验的字段，由派出所核实"),
    )
    created_at = models.DateTimeField(
        _("建档时间"), default=clock.now, editable=False, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建档人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = UpdatedAtField(
        _("更新时间"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # One county's: its township's once it has one (not also its station's or the county
    # a list routed it to), else the routed county's, else its station's.
    jurisdiction = Jurisdiction(
        unit="station",
        township="township",
        own="team_members__user",
        area="county",
        placed_by="township",
    )

    class Meta:
        verbose_name = _("隔离管控对象")
        verbose_name_plural = _("隔离管控对象")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["pending", "verified", "quarantined"]),
                name="one_open_case_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["station", "status"]),
            models.Index(fields=["township", "status"]),
            models.Index(fields=["status", "planned_end"]),
            models.Index(fields=["start_date", "ended_on"]),
            # With the id, PostgreSQL answers the overdue count from the index alone.
            models.Index(fields=["ended_on", "start_date", "id"], name="quarantine_case_open_then"),
            models.Index(fields=["status", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"

    @property
    def bureau(self) -> str:
        """The bureau the case's documents speak for: that of its county (its township's,
        else the county it was routed to), in a city installation not the city's."""
        return bureau_name(
            record_area(township=self.township, county=self.county, unit=self.station)
        )

    @property
    def audit_label(self) -> str:
        # The status's own label, translated once per language (core.text.translated):
        # get_status_display() builds a dict of every status's label (each translated to be
        # hashed) for every case a registration opens.
        status = translated(_STATUS_LABELS).get(self.status, self.status)
        return f"{self.person.audit_label} · {status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def place(self) -> str:
        """Where the person lives, as far as the village (the house is masked apart): the
        one wording of the notices, the hand-over's documents and pages."""
        return f"{self.township or ''}{self.village.name if self.village else ''}"

    def quarantine_day(self, day: datetime.date) -> int | None:
        """Day N of the quarantine on `day` (the start date is day 1), or None."""
        return quarantine_day(self.start_date, day)


def quarantine_day(start_date: datetime.date | None, day: datetime.date) -> int | None:
    """Day N of a quarantine that started on `start_date` (day 1), on `day`; or None."""
    if start_date is None or day < start_date:
        return None
    return (day - start_date).days + 1


class CaseCount(models.Model):
    """Cases counted by township, status and their local days, kept by the database (a
    trigger on QuarantineCase, core/rollups.py), so that the day's figures sum a few
    thousand rows, never the cases. Missing values are stored as sentinels: no township 0,
    no opening day NEVER_BEFORE, no start or end NEVER — the figures' date filters apply
    unchanged."""

    township_id = models.IntegerField(default=0)
    # A case without a township routed to a county by its ID region (city installations):
    # that county's from the start (QuarantineCase.county).
    county = models.CharField(max_length=6, default="", blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices)
    opened_on = models.DateField()
    start_date = models.DateField()
    ended_on = models.DateField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("隔离管控对象统计")
        verbose_name_plural = _("隔离管控对象统计")
        constraints = [
            models.UniqueConstraint(
                fields=["township_id", "county", "status", "opened_on", "start_date", "ended_on"],
                name="one_case_count_per_county_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.status} {self.opened_on}: {self.n}"


# The rollup as migrations 0004–0010 installed it (before the county key): they run it.
CASE_ROLLUP_BEFORE_COUNTY = Rollup(
    name="quarantine_casecount_sync",
    source="quarantine_quarantinecase",
    target="quarantine_casecount",
    keys=(
        Key("township_id", 0),
        Key("status"),
        Key("opened_on", NEVER_BEFORE),
        Key("start_date", NEVER),
        Key("ended_on", NEVER),
    ),
    sums=(("n", "1"),),
)
CASE_ROLLUP = Rollup(
    name="quarantine_casecount_sync",
    source="quarantine_quarantinecase",
    target="quarantine_casecount",
    keys=(
        Key("township_id", 0),
        Key("county"),
        Key("status"),
        Key("opened_on", NEVER_BEFORE),
        Key("start_date", NEVER),
        Key("ended_on", NEVER),
    ),
    sums=(("n", "1"),),
)


class CaseTransition(models.Model):
    """One change of a case's status, by a named user, with a reason."""

    case = models.ForeignKey(
        QuarantineCase,
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=CaseStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices)
    reason = models.CharField(_("原因"), max_length=200)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class CaseReferral(models.Model):
    """Each time a case was referred or found again: a checkpoint passage, a list entry,
    a station's discovery. The case's timeline is built from these and the follow-ups."""

    case = models.ForeignKey(
        QuarantineCase,
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    source = models.CharField(_("来源"), max_length=16, choices=QuarantineCase.Source.choices)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The record that caused it, by app label and id (a passage, a list entry).
    ref_type = models.CharField(max_length=40, blank=True)
    ref_id = models.CharField(max_length=40, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("移交记录")
        verbose_name_plural = _("移交记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ref_type", "ref_id"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {clock.local(self.at):%Y-%m-%d %H:%M}"


class TeamMember(models.Model):
    """四包一 team: four people answerable for one person in home quarantine — a township
    cadre, a village cadre, a police officer and a doctor."""

    class Kind(models.TextChoices):
        TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
        VILLAGE_CADRE = "village_cadre", _("村居干部")
        POLICE = "police", _("民警")
        DOCTOR = "doctor", _("医生")

    case = models.ForeignKey(
        QuarantineCase,
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="team_members",
    )
    kind = models.CharField(_("职责"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_assignments",
    )
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("“四包一”成员")
        verbose_name_plural = _("“四包一”成员")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_member_per_duty")]
        indexes = [models.Index(fields=["user", "case"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class FollowUp(models.Model):
    """A visit or call: temperature, symptoms, at home or not. Morning and evening each day."""

    class Slot(models.TextChoices):
        MORNING = "am", _("上午")
        EVENING = "pm", _("下午")

    case = models.ForeignKey(
        QuarantineCase,
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="followups",
    )
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visited_at = models.DateTimeField(_("随访时间"))
    day = models.DateField(_("日期"), db_index=True)
    slot = models.CharField(_("时段"), max_length=2, choices=Slot.choices)
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    at_home = models.BooleanField(_("在家"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("随访人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), default=clock.now, editable=False)
    # What the sender said, as keyed digests (core/idempotency.py); empty: not compared.
    request_digest = models.JSONField(_("提交内容摘要"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("随访记录")
        verbose_name_plural = _("随访记录")
        ordering = ["-visited_at"]
        indexes = [
            models.Index(fields=["case", "day", "slot"]),
            models.Index(fields=["day", "slot", "case"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_slot_display()} {self.temperature or ''}"

    @property
    def symptoms_label(self) -> str:
        """The symptoms by name: 咳嗽、乏力."""
        return symptoms_label(self.symptoms)


class Alert(models.Model):
    """Something a station and the command centre must act on at once."""

    class Kind(models.TextChoices):
        FEVER = "fever", _("发热")
        SYMPTOM = "symptom", _("有症状")
        ABSENT = "absent", _("不在家")
        OVERDUE = "overdue", _("随访逾期")

    case = models.ForeignKey(
        QuarantineCase,
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, db_index=True)
    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    detail = models.CharField(_("详情"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("发生时间"), db_index=True)
    resolved_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(_("处置情况"), max_length=200, blank=True)
    # Local day raised, for the day's figures.
    day = models.DateField(_("日期"), null=True, blank=True, db_index=True)

    jurisdiction = Jurisdiction(
        unit="case__station", township="case__township", own="case__team_members__user"
    )

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["resolved_at", "kind"])]

    def __str__(self) -> str:
        # Local time: the label is read by people in the county (and the audit page).
        return f"{self.get_kind_display()} {clock.local(self.raised_at):%Y-%m-%d %H:%M}"


# --- Pushed-list imports ---


class ListImport(models.Model):
    """大数据推送名单导入: one uploaded list of returnees, its progress and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        MAPPING = "mapping", _("待指定列")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未导入（有问题行）")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("名单类别"), max_length=16, default="returnees")
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    file_hash = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    dry_run = models.BooleanField(_("仅校验不入库"), default=False)
    all_or_nothing = models.BooleanField(_("全部无误才入库"), default=False)
    header_row = models.PositiveIntegerField(_("表头行号"), null=True, blank=True)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("导入单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(
        _("上传时间"), default=clock.now, editable=False, db_index=True
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    jurisdiction = Jurisdiction(unit="unit", own="created_by")

    class Meta:
        verbose_name = _("名单导入")
        verbose_name_plural = _("名单导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(self.done_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def problem_rows(self) -> int:
        return int(self.counts.get("refused", 0)) + int(self.counts.get("warnings", 0))


class ListEntry(models.Model):
    """One row of an imported list: its original cells, what became of it and why."""

    class Outcome(models.TextChoices):
        NEW_CASE = "new_case", _("新建档")
        JOINED = "joined", _("并入已有对象")
        DUPLICATE = "duplicate", _("疑似重复待确认")
        ALREADY = "already", _("已导入过")
        CHECKED = "checked", _("校验通过（未入库）")
        REFUSED = "refused", _("拒收")
        # About someone outside the importer's jurisdiction: sent where they are on file
        # (joined or opened there), which the importer is not told (imports/engine.py).
        FORWARDED = "forwarded", _("已转其所在辖区核实")

    class Level(models.TextChoices):
        OK = "ok", _("正常")
        WARNING = "warning", _("警告")
        ERROR = "error", _("错误")

    list_import = models.ForeignKey(
        ListImport,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # (list_import, level, row_number) below leads with it
    )
    row_number = models.PositiveIntegerField(_("行号"))
    raw = models.JSONField(_("原始内容"), default=list)
    row_hash = models.CharField(max_length=40, db_index=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        QuarantineCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("处理结果"), max_length=10, choices=Outcome.choices)
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices, default=Level.OK)
    stored = models.BooleanField(default=False)
    messages = models.JSONField(_("问题"), default=dict, blank=True)
    # A city installation: the county the row was routed to (its township's, else its ID
    # region's); '' when no county claims it (it stays at the city) or in a county.
    county = models.CharField(
        _("下发县（市、区）"), max_length=6, blank=True, default="", db_index=True
    )

    # A county of a city sees the rows routed to it (the list itself is the city's).
    jurisdiction = Jurisdiction(area="county")

    class Meta:
        verbose_name = _("名单行")
        verbose_name_plural = _("名单行")
        ordering = ["list_import", "row_number"]
        indexes = [models.Index(fields=["list_import", "level", "row_number"])]

    def __str__(self) -> str:
        return f"{self.list_import_id}#{self.row_number}"


class PossibleDuplicate(models.Model):
    """A list row without a valid ID number whose name and phone match a known person:
    held until someone confirms (same person) or rejects (a different person)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("确认为同一人")
        REJECTED = "rejected", _("确认不是同一人")

    entry = models.OneToOneField(ListEntry, on_delete=models.CASCADE, related_name="duplicate")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Seen (and decided) only by whoever is in charge of the person on file
    # (people/ownership.py): the station of their township, the county's command. Not by
    # the list's importer as such: a match outside their jurisdiction is forwarded to that
    # station, and its listing would say who is on file there (imports/engine.py).
    jurisdiction = Jurisdiction(unit="person__township__station", township="person__township")

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.entry} ~ {self.person_id}"


def _followers_read_their_people() -> None:
    """A 四包一 team member reads the record of each person they follow (their 人员 list and
    the person's file); reading gives no right to change it (Person.ownership is not
    extended)."""
    from fangkong.people.models import Person

    Person.jurisdiction.extend(own="cases__team_members__user")


_followers_read_their_people()
