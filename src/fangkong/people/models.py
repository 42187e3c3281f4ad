"""Person: one row per real person, however and wherever they were seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core import clock
from fangkong.core.disclosure import audit_name, audit_person_label
from fangkong.core.fields import PhoneField, UpdatedAtField


class Person(models.Model):
    """A real person, keyed by the normalised 18-digit citizen ID number (GB 11643); people
    without one carry a document type and number. The same person seen at two checkpoints
    and on a pushed list is this one row, with one timeline."""

    class DocType(models.TextChoices):
        ID_CARD = "id_card", _("居民身份证")
        PASSPORT = "passport", _("护照")
        HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
        TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
        FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
        OTHER = "other", _("其他证件")
        NONE = "none", _("无证件")

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        UNKNOWN = "", _("未知")

    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, null=True, blank=True)
    doc_type = models.CharField(
        _("证件类型"), max_length=12, choices=DocType.choices, default=DocType.ID_CARD
    )
    doc_number = models.CharField(_("证件号码"), max_length=40, blank=True, db_index=True)
    id_unverified = models.BooleanField(
        _("证件待核实"), default=False, help_text=_("证件号码无法校验，须由派出所核实")
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, editable=False, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = PhoneField(_("联系电话"), blank=True, db_index=True)
    household_region = models.CharField(
        _("户籍地区码"), max_length=6, blank=True, help_text=_("由身份证号前六位得出")
    )
    township = models.ForeignKey(
        "org.Township",
        verbose_name=_("现住乡镇街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    village = models.ForeignKey(
        "org.Village",
        verbose_name=_("现住村居"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    address_detail = models.CharField(_("详细住址"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)
    updated_at = UpdatedAtField(
        _("更新时间"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    purged_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True, editable=False)

    # Who sees a person: the station whose area they live in, cadres of their township.
    # Later apps may add paths for reading (follow-up assignments); a checkpoint reads only
    # what it recorded itself (its occupants), never the person's record.
    jurisdiction = Jurisdiction(unit="township__station", township="township")
    # Who may change the person's record, or hand them to another station: the station
    # whose area they live in (and the command centre, whose scope is the county). Never
    # extended: reading a person (a case, an assignment) gives no right to rewrite them.
    ownership = Jurisdiction(unit="township__station", township="township")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "doc_number"],
                condition=~Q(doc_number=""),
                name="person_unique_document",
            ),
            models.CheckConstraint(
                condition=Q(id_number__isnull=False) | ~Q(doc_type="id_card"),
                name="person_id_card_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        """How the audit trail names a person: it outlives a purge, so no full name."""
        return audit_person_label(self.name, self.pk)

    @property
    def document_label(self) -> str:
        return self.id_number or self.doc_number or ""


class TransferRequest(models.Model):
    """移交申请: a station asks for a person on file in another jurisdiction to be moved to
    its own area (they moved, they are found living there). The station whose person it
    is — or the command centre — accepts (the person moves to the requested place) or
    declines with a reason; the requester sees the outcome, and until it is accepted none
    of the person's record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已同意")
        DECLINED = "declined", _("不同意")

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="transfer_requests"
    )
    # What the requester typed (masked wherever shown); the name helps the owner check
    # that both mean the same person.
    name = models.CharField(_("申请所填姓名"), max_length=50)
    from_township = models.ForeignKey(
        "org.Township",
        verbose_name=_("原乡镇街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("原辖区派出所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_township = models.ForeignKey(
        "org.Township", verbose_name=_("移入乡镇街道"), on_delete=models.PROTECT, related_name="+"
    )
    to_village = models.ForeignKey(
        "org.Village",
        verbose_name=_("移入村居"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_address = models.CharField(_("移入详细住址"), max_length=200, blank=True)
    reason = models.CharField(_("申请理由"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    # Seen by the station it was addressed to, the station the person belongs to now
    # (which decides), and the requester. Deciding is narrower: people/ownership.py.
    jurisdiction = Jurisdiction(
        unit="from_station", own="requested_by", township="person__township"
    )
    jurisdiction.extend(unit="requested_unit")
    jurisdiction.extend(unit="person__township__station")

    class Meta:
        verbose_name = _("移交申请")
        verbose_name_plural = _("移交申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request per person and requesting unit: asking again adds nothing.
            models.UniqueConstraint(
                fields=["person", "requested_unit"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{audit_name(self.name)} → {self.to_township_id}"

    @property
    def audit_label(self) -> str:
        return audit_person_label(self.name, self.person_id)


class PersonMerge(models.Model):
    """人员合并: two records found to be one person. The kept person takes every row that
    pointed to the removed one (people/merge.py finds them in the model graph); the removed
    person's record is kept here until the end of the day, when the merge can no longer be
    undone, so that an undo restores it and moves each row back.

    The people are named by id, not by foreign key: a merge record must never be moved by
    a later merge, nor hold the kept person back from one."""

    kept_person_id = models.BigIntegerField(_("保留人员编号"), db_index=True)
    removed_person_id = models.BigIntegerField(_("被合并人员编号"), db_index=True)
    # The removed person's fields as stored (for an undo on the day; emptied by a purge).
    removed_data = models.JSONField(_("被合并人员信息"), default=dict, blank=True)
    # "app_label.model.field" → the ids of the rows moved from the removed to the kept.
    moved = models.JSONField(_("转移的记录"), default=dict, blank=True)
    reason = models.CharField(_("疑似重复原因"), max_length=60, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合并人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("合并时间"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人员合并")
        verbose_name_plural = _("人员合并")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.removed_person_id} → #{self.kept_person_id}"


class NotDuplicate(models.Model):
    """确认不是同一人: a pair the duplicates queue offered and a station found to be two
    people; the queue no longer offers it. The smaller id first."""

    first_person_id = models.BigIntegerField()
    second_person_id = models.BigIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("确认不是同一人")
        verbose_name_plural = _("确认不是同一人")
        constraints = [
            models.UniqueConstraint(
                fields=["first_person_id", "second_person_id"], name="one_not_duplicate_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.first_person_id} ≠ #{self.second_person_id}"
