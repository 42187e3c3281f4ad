from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import Scope, area_choices, county_table, figures_scope
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.audit import audit_record
from fangkong.core.bounds import day_param
from fangkong.core.clock import work_day
from fangkong.core.conflicts import is_conflict
from fangkong.core.exports import Sheet, xlsx_response
from fangkong.core.filters import from_form
from fangkong.core.forms import add_errors
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import form_page
from fangkong.logistics import selectors, services
from fangkong.logistics.documents import thank_you_letter
from fangkong.logistics.filters import LedgerFilter
from fangkong.logistics.forms import (
    DistributionForm,
    DonationForm,
    ItemForm,
    LedgerFilterForm,
    PurchaseForm,
    StockCountForm,
    StoreForm,
    item_shown,
    stock_shown,
)
from fangkong.logistics.models import Donation, Item, Stock


@require_perm("logistics.view")
def stock(request: HttpRequest) -> HttpResponse:
    # The rate of use is measured over the 7 days up to `day` (today unless asked).
    try:
        day = day_param(request.GET.get("day")) or work_day()
    except ValidationError:  # malformed, impossible (2020-02-30) or out of range
        day = work_day()
    rows = selectors.stock_summary(day, scope=figures_scope(request.user))
    return render(
        request,
        "logistics/stock.html",
        {
            "rows": rows,
            "by_county": county_table(
                request.user,
                [_("低库存物资")],
                lambda scope: [len(selectors.low_stock(day, scope=scope))],
            ),
            "by_store": selectors.stock_by_store(request.user),
            "low_count": sum(1 for r in rows if r.low),
            "day": day,
            "can_edit": user_can(request.user, "logistics.edit"),
        },
    )


@require_perm("logistics.view")
def low_stock(request: HttpRequest) -> HttpResponse:
    rows = selectors.low_stock(scope=figures_scope(request.user))
    return render(request, "logistics/low_stock.html", {"rows": rows})


@require_perm("logistics.view")
def ledger(request: AuthedHttpRequest) -> HttpResponseBase:
    form = LedgerFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    movements = selectors.movement_list(user=request.user, f=from_form(LedgerFilter, form))
    if request.GET.get("export") == "xlsx":
        audit_record(actor=request.user, action="export", object_type="logistics.movement")
        rows = (
            [
                m.at,
                m.store.name,
                m.item.name,
                m.get_kind_display(),
                m.quantity,
                m.item.unit_of_measure,
                m.balance,
                m.note,
                str(m.by or ""),
            ]
            for m in movements.iterator(chunk_size=2000)
        )
        headers = ["时间", "仓库", "物资", "类型", "数量", "单位", "结存", "说明", "经办人"]
        return xlsx_response("防护物资台账.xlsx", [Sheet("台账", headers, rows)])
    return render(
        request,
        "logistics/ledger.html",
        {"form": form, "page": paginate(request, movements), "query": query_without_page(request)},
    )


def _lines_form_view(
    request: HttpRequest, form_class: Any, title: str, save: Any, done: str, msg: str
) -> HttpResponse:
    form = form_class(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda: save(form.cleaned_data, form.lines(), request.user),
        done=done,
        message=lambda obj: msg % {"obj": obj},
        title=title,
        back_url=reverse(done),
        back_label=_("防护物资"),
    )


def _donation_row(scope: Scope) -> list[object]:
    totals = selectors.donation_totals(scope=scope)
    money = [f"{sum(t[key] for t in totals):.2f}" for key in ("money", "value")]
    return [sum(t["donations"] for t in totals), *money]


@require_perm("logistics.view")
def donations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "logistics/donations.html",
        {
            "page": paginate(request, selectors.donation_list(request.user)),
            "totals": selectors.donation_totals(scope=figures_scope(request.user)),
            "by_county": county_table(
                request.user,
                [_("捐赠"), _("捐款（元）"), _("估值（元）")],
                _donation_row,
            ),
            "can_edit": user_can(request.user, "logistics.edit"),
            "query": query_without_page(request),
        },
    )


@require_perm("logistics.view", "logistics.edit")
def donation_create(request: HttpRequest) -> HttpResponse:
    def save(d: dict[str, Any], lines: list[Any], user: Any) -> Donation:
        donor = services.donor_find_or_create(
            kind=d["donor_kind"],
            name=d["donor_name"],
            contact=d["contact"],
            phone=d["phone"],
            by=user,
        )
        return services.donation_record(
            donor=donor,
            day=d["day"],
            receiving_unit=d["receiving_unit"],
            store=d["store"],
            lines=lines,
            money=d["money"] or Decimal(0),
            estimated_value=d["estimated_value"] or Decimal(0),
            description=d["description"],
            by=user,
        )

    return _lines_form_view(
        request,
        DonationForm,
        _("登记捐赠"),
        save,
        "logistics_donations",
        _("已登记捐赠：%(obj)s"),
    )


@require_perm("logistics.view")
def donation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(selectors.donation_list(request.user), pk=pk)
    response = HttpResponse(
        thank_you_letter(donation),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"感谢信-{donation.donor.name}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_perm("logistics.view")
def purchases(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "logistics/purchases.html",
        {
            "page": paginate(request, selectors.purchase_list(request.user)),
            "total": selectors.purchase_total(scope=figures_scope(request.user)),
            "by_county": county_table(
                request.user,
                [_("采购金额（元）")],
                lambda scope: [f"{selectors.purchase_total(scope=scope):.2f}"],
            ),
            "can_edit": user_can(request.user, "logistics.edit"),
            "query": query_without_page(request),
        },
    )


@require_perm("logistics.view", "logistics.edit")
def purchase_create(request: HttpRequest) -> HttpResponse:
    def save(d: dict[str, Any], lines: list[Any], user: Any) -> Any:
        return services.purchase_record(
            supplier=d["supplier"],
            amount=d["amount"],
            invoice_number=d["invoice_number"],
            day=d["day"],
            store=d["store"],
            note=d["note"],
            lines=lines,
            by=user,
        )

    return _lines_form_view(
        request,
        PurchaseForm,
        _("登记采购"),
        save,
        "logistics_purchases",
        _("已登记采购：%(obj)s"),
    )


@require_perm("logistics.view")
def distributions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "logistics/distributions.html",
        {
            "page": paginate(request, selectors.distribution_list(request.user)),
            "can_edit": user_can(request.user, "logistics.edit"),
            "query": query_without_page(request),
        },
    )


@require_perm("logistics.view", "logistics.edit")
def distribution_create(request: HttpRequest) -> HttpResponse:
    def save(d: dict[str, Any], lines: list[Any], user: Any) -> Any:
        return services.distribution_record(
            store=d["store"],
            unit=d["unit"],
            post=d["post"],
            received_by=d["received_by"],
            signed_by=d["signed_by"],
            day=d["day"],
            lines=lines,
            by=user,
        )

    return _lines_form_view(
        request,
        DistributionForm,
        _("发放物资"),
        save,
        "logistics_stock",
        _("已发放：%(obj)s"),
    )


@require_perm("logistics.view", "logistics.edit")
def item_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)
    form = ItemForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.item_update(
                item=item,
                by=request.user,
                expected_version=d["version"],
                **{
                    name: d[name]
                    for name in ItemForm.base_fields
                    if name not in ("version", "seen")
                },
            )
        except ValidationError as exc:
            if not is_conflict(exc):
                add_errors(form, exc)
            else:
                item = Item.objects.get(pk=pk)
                form.add_error(None, form.refuse(item, item_shown(item), ItemForm(item=item)))
        else:
            messages.success(request, _("已保存物资：%(item)s") % {"item": d["name"]})
            return redirect("logistics_stock")
    context = {
        "form": form,
        "title": _("修改物资：%(item)s") % {"item": item.name},
        "back_url": reverse("logistics_stock"),
        "back_label": _("防护物资"),
    }
    return render(request, "form_page.html", context)


@require_perm("logistics.view", "logistics.edit")
def stock_count(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stock = get_object_or_404(selectors.stock_by_store(request.user), pk=pk)
    form = StockCountForm(request.POST or None, stock=stock)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            movement = services.stock_count(
                stock=stock,
                counted=d["counted"],
                reason=d["reason"],
                day=d["day"],
                by=request.user,
                expected_version=d["version"],
            )
        except ValidationError as exc:
            if not is_conflict(exc):
                add_errors(form, exc)
            else:
                stock = Stock.objects.select_related("store", "item").get(pk=pk)
                form.add_error(
                    None, form.refuse(stock, stock_shown(stock), StockCountForm(stock=stock))
                )
        else:
            if movement is None:
                messages.success(request, _("盘点数与库存一致，未作调整"))
            else:
                messages.success(
                    request,
                    _("已按盘点调整库存：%(store)s %(item)s %(delta)+d") % {
                        "store": stock.store.name, "item": stock.item.name, "delta": movement.quantity
                    },
                )  # fmt: skip
            return redirect("logistics_stock")
    context = {
        "form": form,
        "title": _("盘点：%(store)s %(item)s")
        % {"store": stock.store.name, "item": stock.item.name},
        "lead": _("账面库存 %(n)d %(uom)s；填写实际清点的数量，差额记为盘点调整。")
        % {"n": stock.quantity, "uom": stock.item.unit_of_measure},
        "back_url": reverse("logistics_stock"),
        "back_label": _("防护物资"),
    }
    return render(request, "form_page.html", context)


@require_perm("logistics.view")
def stores(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "logistics/stores.html",
        {
            "stores": selectors.store_list(request.user),
            "can_edit": user_can(request.user, "logistics.edit"),
        },
    )


@require_perm("logistics.view", "logistics.edit")
def store_create(request: AuthedHttpRequest) -> HttpResponse:
    form = StoreForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda: services.store_create(by=request.user, **form.cleaned_data),
        done="logistics_stores",
        message=lambda store: _("已新建仓库：%(s)s") % {"s": store},
        title=_("新建仓库"),
        back_url=reverse("logistics_stores"),
        back_label=_("仓库"),
    )


@require_perm("logistics.view", "logistics.edit")
def store_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    store = get_object_or_404(selectors.store_list(request.user), pk=pk)
    form = StoreForm(request.POST or None, user=request.user, store=store)
    return form_page(
        request,
        form,
        save=lambda: services.store_update(
            store=store,
            by=request.user,
            **form.cleaned_data,
        ),
        done="logistics_stores",
        message=lambda s: _("已保存仓库：%(s)s") % {"s": s},
        title=_("修改仓库：%(s)s") % {"s": store.name},
        back_url=reverse("logistics_stores"),
        back_label=_("仓库"),
    )
