"""Protective supplies (防护物资): the catalogue, stores, stock and every movement in or out.

Stock lives in one row per store and item; it changes only through `services.py`, which locks
that row (select_for_update) and writes a `Movement` with the balance after it, so the ledger
and the stock always agree and the stock is never below zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import Jurisdiction
from fangkong.core import clock


class Item(models.Model):
    """物资: one catalogue entry, e.g. N95口罩 (个), 防护服 (套), 84消毒液 (瓶)."""

    class Category(models.TextChoices):
        MASK = "mask", _("口罩")
        SUIT = "suit", _("防护服")
        GOGGLES = "goggles", _("护目镜")
        FACE_SHIELD = "face_shield", _("防护面屏")
        GLOVES = "gloves", _("手套")
        THERMOMETER = "thermometer", _("体温计")
        DISINFECTANT = "disinfectant", _("消毒用品")
        OTHER = "other", _("其他")

    class Grade(models.TextChoices):
        NONE = "", _("—")
        N95 = "N95", "N95"
        KN95 = "KN95", "KN95"
        SURGICAL = "surgical", _("医用外科")
        DISPOSABLE = "disposable", _("一次性医用")

    name = models.CharField(_("名称"), max_length=40, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    grade = models.CharField(_("防护等级"), max_length=12, choices=Grade.choices, blank=True)
    unit_of_measure = models.CharField(_("计量单位"), max_length=6)
    low_threshold = models.PositiveIntegerField(_("预警线"), default=0)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    # Moves on with every save: an edit from a page drawn before another is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("物资")
        verbose_name_plural = _("物资")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    """仓库: where supplies are kept."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属单位"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("仓库")
        verbose_name_plural = _("仓库")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """库存: how many of an item a store holds now."""

    store = models.ForeignKey(Store, verbose_name=_("仓库"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="stocks"
    )
    quantity = models.PositiveIntegerField(_("库存"), default=0)
    # Moves on with every movement: a stock count entered on a stale page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        constraints = [
            models.UniqueConstraint(fields=["store", "item"], name="stock_one_row_per_store_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.store} · {self.item} · {self.quantity}"


class Donor(models.Model):
    """捐赠人: a company (企业) or a citizen (群众)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("企业")
        CITIZEN = "citizen", _("群众")

    kind = models.CharField(_("捐赠人类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("捐赠人"), max_length=60)
    contact = models.CharField(_("联系人"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("捐赠人")
        verbose_name_plural = _("捐赠人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Purchase(models.Model):
    """采购: one purchase from a supplier, with its invoice."""

    supplier = models.CharField(_("供应商"), max_length=60)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), _("金额须大于0"))],
    )
    invoice_number = models.CharField(_("发票号"), max_length=30, blank=True)
    day = models.DateField(_("采购日期"), db_index=True)
    store = models.ForeignKey(Store, verbose_name=_("入库仓库"), on_delete=models.PROTECT)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("采购")
        verbose_name_plural = _("采购")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.supplier} {self.amount}元"


class Donation(models.Model):
    """捐赠: goods (lines) and/or money from a donor, received by a unit."""

    donor = models.ForeignKey(
        Donor, verbose_name=_("捐赠人"), on_delete=models.PROTECT, related_name="donations"
    )
    day = models.DateField(_("捐赠日期"), db_index=True)
    receiving_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    store = models.ForeignKey(
        Store, verbose_name=_("入库仓库"), on_delete=models.PROTECT, null=True, blank=True
    )
    money = models.DecimalField(_("捐款（元）"), max_digits=12, decimal_places=2, default=0)
    estimated_value = models.DecimalField(
        _("估值（元）"), max_digits=12, decimal_places=2, default=0
    )
    description = models.CharField(_("捐赠物品说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("捐赠")
        verbose_name_plural = _("捐赠")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.donor} {self.day}"


class Distribution(models.Model):
    """发放: supplies handed to a unit (and, where given, a checkpoint or post)."""

    store = models.ForeignKey(Store, verbose_name=_("出库仓库"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("领用单位"), on_delete=models.PROTECT, related_name="+"
    )
    # Checkpoints live in another app; until it is merged a post is named in free text.
    post = models.CharField(_("检查站/执勤点"), max_length=40, blank=True)
    received_by = models.CharField(_("领用人"), max_length=30)
    signed_by = models.CharField(_("签收人"), max_length=30, blank=True)
    day = models.DateField(_("发放日期"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("发放")
        verbose_name_plural = _("发放")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"


class Line(models.Model):
    """One item and quantity of a purchase, donation or distribution."""

    purchase = models.ForeignKey(
        Purchase, on_delete=models.CASCADE, null=True, blank=True, related_name="lines"
    )
    donation = models.ForeignKey(
        Donation, on_delete=models.CASCADE, null=True, blank=True, related_name="lines"
    )
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, null=True, blank=True, related_name="lines"
    )
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("数量"), validators=[MinValueValidator(1, _("数量须大于0"))]
    )

    class Meta:
        verbose_name = _("物资明细")
        verbose_name_plural = _("物资明细")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Movement(models.Model):
    """台账: one change of one store's stock of one item, with the balance after it."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("采购入库")
        DONATION = "donation", _("捐赠入库")
        DISTRIBUTION = "distribution", _("发放出库")
        ADJUSTMENT = "adjustment", _("盘点调整")

    store = models.ForeignKey(Store, verbose_name=_("仓库"), on_delete=models.PROTECT)
    item = models.ForeignKey(Item, verbose_name=_("物资"), on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    quantity = models.IntegerField(_("数量"))  # + in, − out
    balance = models.PositiveIntegerField(_("结存"))
    day = models.DateField(_("日期"))
    at = models.DateTimeField(_("时间"))
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, null=True, blank=True)
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, null=True, blank=True)
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "day", "item"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity:+d}"


# Each register is the area's of the unit owning it (a county's inside a city; a store of no
# unit is the installation's): accounts/jurisdiction.py `restrict_to_area`.
Store.jurisdiction = Jurisdiction(unit="unit")  # type: ignore[attr-defined]
Stock.jurisdiction = Jurisdiction(unit="store__unit")  # type: ignore[attr-defined]
Movement.jurisdiction = Jurisdiction(unit="store__unit")  # type: ignore[attr-defined]
Purchase.jurisdiction = Jurisdiction(unit="store__unit")  # type: ignore[attr-defined]
Donation.jurisdiction = Jurisdiction(unit="receiving_unit")  # type: ignore[attr-defined]
Donation.jurisdiction.extend(unit="store__unit")  # type: ignore[attr-defined]
Distribution.jurisdiction = Jurisdiction(unit="store__unit")  # type: ignore[attr-defined]
Distribution.jurisdiction.extend(unit="unit")  # type: ignore[attr-defined]
