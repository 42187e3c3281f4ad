from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import area_choices
from fangkong.core import bounds, clock
from fangkong.core.conflicts import VersionedForm, shown
from fangkong.core.fields import model_field
from fangkong.core.filters import filter_form
from fangkong.core.forms import DayField, NamedErrorsForm
from fangkong.logistics.filters import LedgerFilter
from fangkong.logistics.models import Donor, Item, Stock, Store
from fangkong.org.models import Unit

LINE_COUNT = 4


class LinesForm(NamedErrorsForm):
    """A form with up to LINE_COUNT (item, quantity) rows: item_1/qty_1 …"""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_choices(self, user)
        items = Item.objects.order_by("sort_order", "id")
        for i in range(1, LINE_COUNT + 1):
            self.fields[f"item_{i}"] = forms.ModelChoiceField(
                items, label=_("物资%(n)d") % {"n": i}, required=False
            )
            self.fields[f"qty_{i}"] = forms.IntegerField(
                max_value=bounds.MAX_COUNT,
                label=_("数量%(n)d") % {"n": i},
                required=False,
                min_value=1,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, LINE_COUNT + 1):
            item, qty = data.get(f"item_{i}"), data.get(f"qty_{i}")
            if item and not qty:
                self.add_error(f"qty_{i}", _("请填写数量"))
            if qty and not item:
                self.add_error(f"item_{i}", _("请选择物资"))
        return data

    def lines(self) -> list[tuple[Item, int]]:
        data = self.cleaned_data
        return [
            (data[f"item_{i}"], data[f"qty_{i}"])
            for i in range(1, LINE_COUNT + 1)
            if data.get(f"item_{i}") and data.get(f"qty_{i}")
        ]


def _day() -> forms.DateField:
    return DayField(
        label=_("日期"),
        initial=clock.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DonationForm(LinesForm):
    donor_kind = forms.ChoiceField(label=_("捐赠人类别"), choices=Donor.Kind.choices)
    donor_name = forms.CharField(label=_("捐赠人"), max_length=60)
    contact = forms.CharField(label=_("联系人"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    day = _day()
    receiving_unit = forms.ModelChoiceField(Unit.objects.all(), label=_("接收单位"))
    store = forms.ModelChoiceField(Store.objects.all(), label=_("入库仓库"), required=False)
    money = forms.DecimalField(
        max_value=bounds.MAX_MONEY,
        label=_("捐款（元）"),
        required=False,
        min_value=Decimal(0),
        decimal_places=2,
    )
    estimated_value = forms.DecimalField(
        max_value=bounds.MAX_MONEY,
        label=_("估值（元）"),
        required=False,
        min_value=Decimal(0),
        decimal_places=2,
    )
    description = forms.CharField(label=_("捐赠物品说明"), max_length=200, required=False)

    field_order = [
        "donor_kind",
        "donor_name",
        "contact",
        "phone",
        "day",
        "receiving_unit",
        "store",
    ]


class PurchaseForm(LinesForm):
    supplier = forms.CharField(label=_("供应商"), max_length=60)
    amount = forms.DecimalField(
        max_value=bounds.MAX_MONEY,
        label=_("金额（元）"),
        min_value=Decimal("0.01"),
        decimal_places=2,
    )
    invoice_number = forms.CharField(label=_("发票号"), max_length=30, required=False)
    day = _day()
    store = forms.ModelChoiceField(Store.objects.all(), label=_("入库仓库"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    field_order = ["supplier", "amount", "invoice_number", "day", "store"]


class DistributionForm(LinesForm):
    store = forms.ModelChoiceField(Store.objects.all(), label=_("出库仓库"))
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("领用单位"))
    post = forms.CharField(label=_("检查站/执勤点"), max_length=40, required=False)
    received_by = forms.CharField(label=_("领用人"), max_length=30)
    signed_by = forms.CharField(label=_("签收人"), max_length=30, required=False)
    day = _day()

    field_order = ["store", "unit", "post", "received_by", "signed_by", "day"]


LedgerFilterForm = filter_form(LedgerFilter, "LedgerFilterForm")


ITEM_FIELDS = ["name", "category", "grade", "unit_of_measure", "low_threshold", "sort_order"]


def item_shown(item: Item) -> dict[str, str]:
    return shown(item, ITEM_FIELDS)


def _label(name: str) -> Any:
    return model_field(Item, name).verbose_name


class ItemForm(VersionedForm):
    """A catalogue entry, edited; saved only if nobody saved it since the page was drawn."""

    name = forms.CharField(label=_label("name"), max_length=40)
    category = forms.ChoiceField(label=_label("category"), choices=Item.Category.choices)
    grade = forms.ChoiceField(label=_label("grade"), choices=Item.Grade.choices, required=False)
    unit_of_measure = forms.CharField(label=_label("unit_of_measure"), max_length=6)
    low_threshold = forms.IntegerField(
        max_value=bounds.MAX_COUNT, label=_label("low_threshold"), min_value=0
    )
    sort_order = forms.IntegerField(
        max_value=bounds.MAX_COUNT, label=_label("sort_order"), min_value=0
    )

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update({name: getattr(item, name) for name in ITEM_FIELDS})
            self.stamp(item.version, item_shown(item))


def stock_shown(stock: Stock) -> dict[str, str]:
    return shown(stock, ["quantity"])


class StockCountForm(VersionedForm):
    """盘点: what was counted in one store, for one item."""

    counted = forms.IntegerField(max_value=bounds.MAX_COUNT, label=_("盘点数量"), min_value=0)
    reason = forms.CharField(
        label=_("盘点说明"), max_length=200, help_text=_("如：月末盘点，破损10个已报废")
    )
    day = _day()

    def __init__(self, *args: Any, stock: Stock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["counted"] = stock.quantity
            self.stamp(stock.version, stock_shown(stock))


class StoreForm(NamedErrorsForm):
    """仓库, new or edited (store_create / store_update)."""

    name = forms.CharField(label=_("名称"), max_length=40)
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("所属单位"), required=False)

    def __init__(self, *args: Any, user: Any, store: Store | None = None, **kwargs: Any) -> None:
        if store is not None:
            kwargs["initial"] = {"name": store.name, "unit": store.unit_id}
        super().__init__(*args, **kwargs)
        area_choices(self, user)
