"""Medical hand-offs (移交医疗) to the township's designated clinic or hospital, their
outcome, the co-traveller and housemate contacts they open (密切接触者), and the documents
issued at the start of a home quarantine."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core.masking import mask_name


class MedicalInstitution(models.Model):
    """定点医疗机构: the clinic or hospital a township's people are handed to."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("定点医院")
        CLINIC = "clinic", _("发热门诊（乡镇卫生院）")

    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    townships: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "org.Township",
        verbose_name=_("负责的乡镇街道"),
        through="Designation",
        related_name="+",
        blank=True,
    )
    # The area of the administrator who added it (a county's, as Unit.area_code; empty: the
    # installation's): theirs before any township is designated, and after, beside the
    # areas of the townships it serves (medical/admin.py).
    area_code = models.CharField(_("所属区划"), max_length=6, blank=True, default="")
    # The accounts of its staff (role 定点医疗机构): they see the hand-offs addressed to it.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("医务人员账号"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("定点医疗机构")
        verbose_name_plural = _("定点医疗机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Designation(models.Model):
    """One township's designated institution: one per township."""

    township = models.OneToOneField(
        "org.Township",
        verbose_name=_("乡镇街道"),
        on_delete=models.CASCADE,
        related_name="medical_designation",
    )
    institution = models.ForeignKey(
        MedicalInstitution, verbose_name=_("定点医疗机构"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("定点医疗机构指定")
        verbose_name_plural = _("定点医疗机构指定")

    def __str__(self) -> str:
        return f"{self.township_id} → {self.institution}"


class Outcome(models.TextChoices):
    """What the receiving side found (诊断结果)."""

    EXCLUDED = "excluded", _("排除")
    SUSPECTED = "suspected", _("疑似")
    CONFIRMED = "confirmed", _("确诊")
    OBSERVATION = "observation", _("留观")


# Outcomes that open the person's contacts (密切接触者).
CONTACT_OUTCOMES = (Outcome.SUSPECTED, Outcome.CONFIRMED)
# An outcome may be followed by another only from these (留观 or 疑似 → 确诊 or 排除).
PROVISIONAL_OUTCOMES = (Outcome.SUSPECTED, Outcome.OBSERVATION)


class Handoff(models.Model):
    """移交医疗: a person handed to the designated clinic or hospital, with a receipt
    (交接单) signed by both sides, and the outcome the receiving side records."""

    class Origin(models.TextChoices):
        CHECKPOINT = "checkpoint", _("检查站处置")
        ALERT = "alert", _("发热/症状预警")
        FOLLOWUP = "followup", _("随访发现")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "quarantine.QuarantineCase",
        verbose_name=_("隔离管控对象"),
        on_delete=models.PROTECT,
        related_name="handoffs",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name=_("接收医疗机构"),
        on_delete=models.PROTECT,
        related_name="handoffs",
    )
    origin = models.CharField(_("移交来源"), max_length=12, choices=Origin.choices)
    occupant = models.ForeignKey(
        "checkpoints.Occupant",
        verbose_name=_("通行登记人员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    alert = models.ForeignKey(
        "quarantine.Alert",
        verbose_name=_("预警"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    followup = models.ForeignKey(
        "quarantine.FollowUp",
        verbose_name=_("随访记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("移交原因"), max_length=200)
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    handed_at = models.DateTimeField(_("移交时间"))
    day = models.DateField(_("移交日期"), db_index=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("诊断结果"), max_length=12, choices=Outcome.choices, blank=True, db_index=True
    )
    outcome_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    outcome_day = models.DateField(_("结果日期"), null=True, blank=True, db_index=True)
    outcome_note = models.CharField(_("接收方意见"), max_length=200, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结果登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # The case's station and township, whoever handed them over, the checkpoint that
    # registered them, and the staff of the receiving institution.
    jurisdiction = Jurisdiction(
        unit="case__station",
        township="case__township",
        checkpoint="occupant__checkpoint",
        own="institution__staff",
    )
    jurisdiction.extend(own="handed_by")
    jurisdiction.extend(own="case__team_members__user")

    class Meta:
        verbose_name = _("移交医疗")
        verbose_name_plural = _("移交医疗")
        ordering = ["-handed_at", "-id"]
        constraints = [
            # One hand-off awaiting its outcome per case: a second 移交医疗 is the same one —
            # but a checkpoint's is per occupant (the person it registered, whatever the
            # case on file it joined is doing: medical.services.handoff_create).
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(outcome="", occupant__isnull=True),
                name="one_open_handoff_per_case",
            ),
            models.UniqueConstraint(
                fields=["occupant"], condition=Q(outcome=""), name="one_open_handoff_per_occupant"
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.person.name)} → {self.institution}"

    @property
    def audit_label(self) -> str:
        return f"移交医疗 #{self.pk}（人员#{self.person_id}）"

    @property
    def number(self) -> str:
        """The receipt's number (交接单编号)."""
        return f"YL{self.day:%Y}-{self.pk:05d}"


class Relation(models.TextChoices):
    SAME_VEHICLE = "vehicle", _("同车")
    SAME_ADDRESS = "address", _("同住")


class ContactLink(models.Model):
    """密切接触者: a person who shared a vehicle at a checkpoint (同车) or lives at the same
    address (同住) as the source; found when the source's outcome became suspected or
    confirmed, and referred to verification (the case opened or joined) by a named user."""

    source = models.ForeignKey(
        "people.Person", verbose_name=_("传染源人员"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "people.Person", verbose_name=_("密切接触者"), on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(_("关系"), max_length=8, choices=Relation.choices)
    passage = models.ForeignKey(
        "checkpoints.Passage",
        verbose_name=_("同车通行登记"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("同住地址"), max_length=200, blank=True)
    day = models.DateField(_("接触日期"), null=True, blank=True)
    handoff = models.ForeignKey(
        Handoff,
        verbose_name=_("移交医疗"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    found_at = models.DateTimeField(_("发现时间"))
    found_day = models.DateField(_("发现日期"), db_index=True)
    case = models.ForeignKey(
        "quarantine.QuarantineCase",
        verbose_name=_("核查对象"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("转核查时间"), null=True, blank=True)
    referred_day = models.DateField(_("转核查日期"), null=True, blank=True, db_index=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("密切接触者")
        verbose_name_plural = _("密切接触者")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "contact", "relation"], name="one_link_per_relation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.contact_id} {self.relation}"

    @property
    def audit_label(self) -> str:
        return f"密切接触者 #{self.pk}（人员#{self.source_id}→#{self.contact_id}）"


class CaseDocument(models.Model):
    """A document issued from a case at the start of a home quarantine."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("居家隔离告知书")
        PLEDGE = "pledge", _("居家隔离承诺书")

    case = models.ForeignKey(
        "quarantine.QuarantineCase",
        verbose_name=_("隔离管控对象"),
        on_delete=models.CASCADE,
        related_name="medical_documents",
    )
    kind = models.CharField(_("文书"), max_length=8, choices=Kind.choices)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("隔离文书")
        verbose_name_plural = _("隔离文书")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.case_id}"
