"""Joint checkpoints (联合检查站): checkpoints, duty shifts and roster, passages with their
occupants, pre-aggregated counts, QR self-registrations and device tokens."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core import clock
from fangkong.core.clock import SHANGHAI
from fangkong.core.fields import PhoneField
from fangkong.core.rollups import Key, Rollup

DEFAULT_SHIFT_STARTS = [8, 16, 0]


def default_shift_starts() -> list[int]:
    return list(DEFAULT_SHIFT_STARTS)


class Checkpoint(models.Model):
    """联合检查站: a joint checkpoint on a road into the county."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    code = models.CharField(
        _("代码"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]{2,16}$", _("代码须为2到16位大写字母、数字或-"))],
        help_text=_("如 G104N，设备令牌和接口使用"),
    )
    road = models.CharField(_("道路"), max_length=30, blank=True, help_text=_("如 G104"))
    location = models.CharField(_("位置"), max_length=100, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkpoints",
    )
    lanes = models.PositiveSmallIntegerField(
        _("车道数"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    opened_on = models.DateField(_("启用日期"))
    closed_on = models.DateField(_("撤除日期"), null=True, blank=True)
    shift_starts = models.JSONField(
        _("班次起始时刻"),
        default=default_shift_starts,
        help_text=_("每班开始的整点，如 [8, 16, 0] 表示 08–16、16–24、00–08"),
    )

    jurisdiction = Jurisdiction(checkpoint="pk", unit="unit")

    class Meta:
        verbose_name = _("检查站")
        verbose_name_plural = _("检查站")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        starts = self.shift_starts
        if (
            not isinstance(starts, list)
            or not 1 <= len(starts) <= 4
            or any(not isinstance(h, int) or not 0 <= h <= 23 for h in starts)
            or len(set(starts)) != len(starts)
        ):
            raise ValidationError({"shift_starts": _("班次起始时刻须为1到4个不重复的0–23整点")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("撤除日期不能早于启用日期")})

    def shift_window(
        self, day: datetime.date, slot: int
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """Start and end of shift `slot` of `day`: every shift starts on its own day (the
        00–08 shift is the small hours of that day); one that crosses midnight ends the next."""
        start_hour = self.shift_starts[slot]
        begin = datetime.datetime.combine(day, datetime.time(start_hour), SHANGHAI)
        return begin, begin + datetime.timedelta(hours=self.shift_hours(slot))

    def shift_hours(self, slot: int) -> int:
        start_hour = self.shift_starts[slot]
        later = sorted(h for h in self.shift_starts if h > start_hour)
        following = later[0] if later else min(self.shift_starts) + 24
        return following - start_hour

    def shift_at(self, at: datetime.datetime) -> tuple[datetime.date, int]:
        """The (duty day, slot) of the shift a moment falls in."""
        local = at.astimezone(SHANGHAI)
        for day in (local.date(), local.date() - datetime.timedelta(days=1)):
            for slot in range(len(self.shift_starts)):
                begin, end = self.shift_window(day, slot)
                if begin <= local < end:
                    return day, slot
        return local.date(), 0  # unreachable for a valid configuration

    def shift_label(self, slot: int) -> str:
        begin = self.shift_starts[slot]
        end = (begin + self.shift_hours(slot)) % 24
        return f"{begin:02d}–{end or 24:02d}"


class CheckpointPost(models.Model):
    """A checkpoint-role user's posting: the checkpoint their login registers at."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="checkpoint_post",
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.CASCADE, related_name="posts"
    )

    class Meta:
        verbose_name = _("检查站岗位")
        verbose_name_plural = _("检查站岗位")

    def __str__(self) -> str:
        return f"{self.user} @ {self.checkpoint}"


class DutyShift(models.Model):
    """One shift (班次) at one checkpoint on one day: leader, temporary party group
    (临时党小组) leader, and the hand count (人工清点) entered at its end."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.PROTECT, related_name="shifts"
    )
    day = models.DateField(_("日期"), db_index=True)
    slot = models.PositiveSmallIntegerField(_("班次"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    leader = models.ForeignKey(
        "org.Officer",
        verbose_name=_("带班负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    party_leader = models.ForeignKey(
        "org.Officer",
        verbose_name=_("临时党小组组长"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    counted_vehicles = models.PositiveIntegerField(_("人工清点车辆数"), null=True, blank=True)
    counted_persons = models.PositiveIntegerField(_("人工清点人数"), null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("清点录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    counted_at = models.DateTimeField(_("清点录入时间"), null=True, blank=True)

    jurisdiction = Jurisdiction(checkpoint="checkpoint", unit="checkpoint__unit")

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["day", "checkpoint__code", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "day", "slot"], name="one_shift_per_slot")
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.day:%m-%d} {self.checkpoint.shift_label(self.slot)}"

    @property
    def label(self) -> str:
        return self.checkpoint.shift_label(self.slot)


class DutyAssignment(models.Model):
    """An officer (民警 or 辅警) on a shift. Start and end are copied from the shift so
    clashes and fatigue are found with one indexed query."""

    shift = models.ForeignKey(
        DutyShift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="assignments"
    )
    officer = models.ForeignKey(
        "org.Officer", verbose_name=_("执勤人员"), on_delete=models.PROTECT, related_name="duties"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    day = models.DateField(_("日期"))

    jurisdiction = Jurisdiction(checkpoint="shift__checkpoint")

    class Meta:
        verbose_name = _("执勤安排")
        verbose_name_plural = _("执勤安排")
        constraints = [
            models.UniqueConstraint(fields=["shift", "officer"], name="officer_once_per_shift")
        ]
        indexes = [
            models.Index(fields=["officer", "starts_at"]),
            # Covering for the day's questions (on duty now, fatigue candidates), which then
            # read the roster of a few days from the index alone, whatever its history.
            models.Index(
                fields=["day", "officer", "starts_at", "ends_at"], name="dutyassignment_day_cover"
            ),
            models.Index(fields=["starts_at", "ends_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.shift}"


class Direction(models.TextChoices):
    IN = "in", _("进入县境")
    OUT = "out", _("离开县境")


class VehicleType(models.TextChoices):
    CAR = "car", _("小型客车")
    BUS = "bus", _("大中型客车")
    TRUCK = "truck", _("货车")
    MOTORCYCLE = "motorcycle", _("摩托车")
    PEDESTRIAN = "pedestrian", _("步行")
    OTHER = "other", _("其他")


# How many people one registration of each vehicle type may hold: a car's seats (a
# seven-seater with children), a coach's 60 (bounds.MAX_OCCUPANTS, the most any may hold).
# The one home of the limit: passage_assess refuses past it, the register page stops adding
# rows at it and the device's rules (checkpoints.roadside) carry it offline.
VEHICLE_SEATS: dict[str, int] = {
    VehicleType.CAR: 9,
    VehicleType.BUS: 60,
    VehicleType.TRUCK: 6,
    VehicleType.MOTORCYCLE: 3,
    VehicleType.PEDESTRIAN: 20,
    VehicleType.OTHER: 60,
}


def seats_for(vehicle_type: str) -> int:
    return VEHICLE_SEATS.get(vehicle_type, max(VEHICLE_SEATS.values()))


class Decision(models.TextChoices):
    PASS = "pass", _("放行")
    QUARANTINE = "quarantine", _("登记放行并居家隔离")
    TURN_BACK = "turn_back", _("劝返")
    MEDICAL = "medical", _("移交医疗")


class Source(models.TextChoices):
    OFFICER = "officer", _("民警登记")
    SELF = "self", _("扫码自助登记")
    DEVICE = "device", _("设备接口")


class Passage(models.Model):
    """One vehicle (or pedestrian group) through a checkpoint, registered once: a retry with
    the same client id never makes a second passage."""

    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.PROTECT, related_name="passages"
    )
    shift = models.ForeignKey(
        DutyShift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="passages"
    )
    occurred_at = models.DateTimeField(_("通行时间"))
    day = models.DateField(_("日期"), help_text=_("北京时间的日期"))
    hour = models.PositiveSmallIntegerField(_("时"))
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices)
    plate = models.CharField(_("车牌号"), max_length=10, blank=True, db_index=True)
    plate_region = models.CharField(_("车牌所属地区码"), max_length=6, blank=True)
    vehicle_type = models.CharField(_("车辆类型"), max_length=12, choices=VehicleType.choices)
    persons = models.PositiveSmallIntegerField(_("人数"), default=0)
    flagged = models.BooleanField(_("有预警"), default=False)
    source = models.CharField(_("登记方式"), max_length=8, choices=Source.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), default=clock.now, editable=False)
    # What the sender said, part by part, as keyed digests: a retry under the same client id
    # that says something else is refused naming the part (core/idempotency.py). Empty for
    # rows from before, from bulk writes and after a purge: not compared.
    request_digest = models.JSONField(_("提交内容摘要"), null=True, blank=True, editable=False)

    jurisdiction = Jurisdiction(checkpoint="checkpoint", unit="checkpoint__unit")

    # The occupants a registration has just stored, in seat order: handed to its caller with
    # the passage (passage_register) so that its answer reads no row; None otherwise.
    stored_occupants: list[Occupant] | None = None

    class Meta:
        verbose_name = _("通行登记")
        verbose_name_plural = _("通行登记")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["checkpoint", "day", "hour"]),
            models.Index(fields=["day", "occurred_at"]),
        ]

    def __str__(self) -> str:
        at = clock.local(self.occurred_at)  # as "%m-%d %H:%M", without strftime's cost
        return f"{self.plate or self.get_vehicle_type_display()} {at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"

    def occupants_shown(self) -> Iterable[Occupant]:
        """Its occupants: those a registration has just stored, as it stored them (no query),
        otherwise `occupants.all()` — prefetched by the selectors that list passages."""
        stored = self.stored_occupants
        return stored if stored is not None else self.occupants.all()


class Occupant(models.Model):
    """A person in a passage: what they declared, what was measured, the flags with their
    reasons, and the officer's decision (with the quarantine case a referral opened or joined).

    The name and phone are as given at the checkpoint: the checkpoint reads its occupants,
    never the person's record, and registering someone never rewrites that record."""

    passage = models.ForeignKey(
        Passage, verbose_name=_("通行登记"), on_delete=models.CASCADE, related_name="occupants"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="checkpoint_occupancies",
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("日期"))
    name = models.CharField(_("登记姓名"), max_length=50, blank=True, default="", db_default="")
    phone = PhoneField(_("登记电话"), blank=True, default="", db_default="")
    temperature = models.DecimalField(
        _("体温"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    origin = models.CharField(_("从何处来"), max_length=60, blank=True)
    origin_code = models.CharField(_("来源地区码"), max_length=6, blank=True)
    destination = models.CharField(_("到县内何处"), max_length=60, blank=True)
    destination_township = models.ForeignKey(
        "org.Township",
        verbose_name=_("目的乡镇街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    travel_history = models.JSONField(_("14天行程"), default=list, blank=True)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    flags = models.JSONField(_("预警"), default=list, blank=True)
    flagged = models.BooleanField(_("有预警"), default=False)
    # ",household,fever," — the flag codes as text, so lists filter by flag on any database.
    flag_codes = models.CharField(max_length=80, blank=True, editable=False)
    recommended = models.CharField(_("建议处置"), max_length=12, choices=Decision.choices)
    decision = models.CharField(_("处置"), max_length=12, choices=Decision.choices)
    case = models.ForeignKey(
        "quarantine.QuarantineCase",
        verbose_name=_("隔离管控对象"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    jurisdiction = Jurisdiction(checkpoint="checkpoint", unit="checkpoint__unit")

    class Meta:
        verbose_name = _("乘车人员")
        verbose_name_plural = _("乘车人员")
        ordering = ["passage_id", "position"]
        indexes = [
            models.Index(fields=["checkpoint", "day"]),
            models.Index(fields=["person", "passage"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_decision_display()}"

    @property
    def audit_label(self) -> str:
        return f"{self.person.audit_label} · {self.get_decision_display()}"


class PassageSums(models.Model):
    """What is counted of passages at a checkpoint on a day: vehicles, persons, and persons
    flagged, turned back, referred to quarantine, handed to medical care."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    vehicles = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    turned_back = models.PositiveIntegerField(default=0)
    referred = models.PositiveIntegerField(default=0)
    medical = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class PassageCount(PassageSums):
    """Pre-aggregated counts per checkpoint, day, shift and hour, kept in the same
    transaction as each passage, so dashboards never scan passages."""

    slot = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("通行统计")
        verbose_name_plural = _("通行统计")
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "day", "slot", "hour"], name="one_count_per_hour"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.day} {self.slot} {self.hour}"


class PassageDayCount(PassageSums):
    """The day's sums of PassageCount per checkpoint, kept by the database (a trigger on
    PassageCount, core/rollups.py): cumulative figures and trends add one row per checkpoint
    and day instead of 24 per shift and hour."""

    class Meta:
        verbose_name = _("每日通行统计")
        verbose_name_plural = _("每日通行统计")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "day"], name="one_count_per_day")
        ]
        # Covering: the sums since the first day are read from the index alone.
        indexes = [
            models.Index(
                fields=[
                    "day",
                    "checkpoint",
                    "vehicles",
                    "persons",
                    "flagged",
                    "turned_back",
                    "referred",
                    "medical",
                ],
                name="passagedaycount_day_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.day}"


PASSAGE_DAY_ROLLUP = Rollup(
    name="checkpoints_passagedaycount_sync",
    source="checkpoints_passagecount",
    target="checkpoints_passagedaycount",
    keys=(Key("checkpoint_id"), Key("day")),
    sums=tuple(
        (f, f) for f in ("vehicles", "persons", "flagged", "turned_back", "referred", "medical")
    ),
)


class SelfRegistration(models.Model):
    """扫码自助登记: what a traveller filled in on their own phone, waiting for an officer.

    The short code is what the officer types; the long token is the traveller's only way
    back to their own submission, so no one can page through others' data by guessing codes.
    """

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("登记码"), max_length=8, unique=True)
    token = models.CharField(max_length=43, unique=True)
    data = models.JSONField(_("填报内容"))
    created_at = models.DateTimeField(_("提交时间"), default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)
    # A coach's passengers each show their own receipt: one passage, many submissions.
    passage = models.ForeignKey(
        Passage,
        verbose_name=_("确认后的通行登记"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="self_registrations",
    )

    jurisdiction = Jurisdiction(checkpoint="checkpoint")

    class Meta:
        verbose_name = _("扫码自助登记")
        verbose_name_plural = _("扫码自助登记")

    def __str__(self) -> str:
        return self.code


class DeviceToken(models.Model):
    """A checkpoint device's bearer token: only its SHA-256 is stored; it may register and
    read only at its own checkpoint, in the name of its user."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("检查站"), on_delete=models.CASCADE, related_name="tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("设备名称"), max_length=40, blank=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("设备令牌")
        verbose_name_plural = _("设备令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.checkpoint}"
