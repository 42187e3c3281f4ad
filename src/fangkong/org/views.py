from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import area_choices, requested_area, user_area
from fangkong.accounts.models import User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core import clock
from fangkong.core.filters import from_form
from fangkong.core.forms import add_errors
from fangkong.core.pagination import paginate, query_without_page
from fangkong.org import selectors, services
from fangkong.org.areas import child_areas
from fangkong.org.filters import OfficerFilter
from fangkong.org.forms import OfficerFilterForm, OfficerForm, ReportBackForm, WartimeOrderForm
from fangkong.org.models import Officer


@require_perm("org.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "org/unit_list.html",
        {
            "nodes": selectors.unit_tree(request.user),
            "status_counts": selectors.officer_status_counts(request.user),
            "statuses": Officer.Status.choices,
        },
    )


@require_perm("org.view")
def officer_list(request: HttpRequest) -> HttpResponse:
    form = OfficerFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    officers = selectors.officer_list(user=request.user, f=from_form(OfficerFilter, form))
    return render(
        request,
        "org/officer_list.html",
        {
            "form": form,
            "page": paginate(request, officers),
            "query": query_without_page(request),
            "can_edit": user_can(request.user, "org.edit"),
        },
    )


@require_perm("org.view", "org.edit")
def officer_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    officer = get_object_or_404(selectors.officers_of(request.user), pk=pk) if pk else None
    form = OfficerForm(request.POST or None, officer=officer)
    area_choices(form, request.user)  # its own area's units, inside a city
    if request.method == "POST" and form.is_valid():
        user: User = request.user
        try:
            if officer is None:
                officer = services.officer_create(by=user, **form.cleaned_data)
            else:
                officer = services.officer_update(officer=officer, by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存：%(officer)s") % {"officer": officer})
            return redirect("officer_list")
    return render(request, "org/officer_form.html", {"form": form, "officer": officer})


@require_perm("org.view")
def working_group_list(request: HttpRequest) -> HttpResponse:
    """The task force of the user's area; a city's leaders pick a county (?area=)."""
    area = requested_area(request.user, request.GET.get("area"))
    counties = child_areas(user_area(request.user))
    return render(
        request,
        "org/working_groups.html",
        {
            "groups": selectors.working_groups(request.user, area=area),
            "counties": counties,
            "area": area,
        },
    )


@require_perm("org.view")
def wartime(request: AuthedHttpRequest) -> HttpResponse:
    order = selectors.current_order(request.user)
    can_act = user_can(request.user, "org.wartime")
    form = WartimeOrderForm(request.POST or None) if can_act else None
    if request.method == "POST" and can_act and form is not None and form.is_valid():
        user: User = request.user
        try:
            services.wartime_order_issue(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("战时命令已发布，休假民警已全部召回"))
            return redirect("wartime")
    recalls = selectors.order_recalls(order, request.user) if order else None
    return render(
        request,
        "org/wartime.html",
        {
            "order": order,
            "recalls": recalls,
            "summary": selectors.order_summary(order, request.user) if order else None,
            "form": form,
            "can_act": can_act,
            "now": clock.now().strftime("%Y-%m-%dT%H:%M"),
        },
    )


@require_POST
@require_perm("org.view", "org.wartime")
def recall_report_back(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    recall = get_object_or_404(
        selectors.recalls_of(request.user).select_related("order", "officer"), pk=pk
    )
    form = ReportBackForm(request.POST)
    if not form.is_valid():
        # A time out of bounds (an offset no place uses) in the field's own words.
        refused = form.errors.as_data().get("reported_at", [])
        bounded = [m for e in refused if e.code not in ("invalid", "required") for m in e.messages]
        messages.error(request, "；".join(bounded) or _("报到时间格式错误"))
        return redirect("wartime")
    try:
        services.recall_report_back(
            recall=recall,
            at=form.cleaned_data["reported_at"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("%(officer)s 已报到") % {"officer": recall.officer})
    return redirect("wartime")
