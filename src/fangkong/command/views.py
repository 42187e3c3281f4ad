from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import area_choices, may_see_area, requested_area, user_area
from fangkong.accounts.models import User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.command import selectors, services
from fangkong.command.daily import (
    area_url,
    areas_table,
    daily_stats,
    screen_pages,
    trend_charts,
)
from fangkong.command.filters import TaskFilter
from fangkong.command.forms import (
    DashboardDateForm,
    DispositionForm,
    DispositionFormSet,
    IncidentFilterForm,
    IncidentForm,
    IncidentStatusForm,
    InspectionFilterForm,
    InspectionForm,
    NoteForm,
    ProblemFilterForm,
    ProblemFormSet,
    RectifyForm,
    ResultForm,
    TaskFilterForm,
    TaskForm,
)
from fangkong.command.report import annex_name, annex_sheets, build_daily_report, report_name
from fangkong.core.clock import work_day, work_now
from fangkong.core.exports import xlsx_response
from fangkong.core.figures import SHOWN_ROWS
from fangkong.core.filters import from_form
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import form_page
from fangkong.org.areas import area_name, is_multi_county

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _day(request: HttpRequest) -> tuple[datetime.date, DashboardDateForm]:
    form = DashboardDateForm(request.GET or None)
    today = work_day()
    day = today
    if form.is_valid() and form.cleaned_data.get("date"):
        day = min(form.cleaned_data["date"], today)
    return day, form


def _shown(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats with each table cut to the rows a page shows; `hidden` counts the rest
    (they are in the report's .xlsx annex). Each row also as (header, value) cells: on a
    phone a row is a card that names every value."""
    sections = [
        {
            **s,
            "tables": [
                {
                    **t,
                    "rows": t["rows"][:SHOWN_ROWS],
                    "cells": [
                        list(zip(t["headers"], row, strict=False)) for row in t["rows"][:SHOWN_ROWS]
                    ],
                    "hidden": max(0, len(t["rows"]) - SHOWN_ROWS),
                }
                for t in s["tables"]
            ],
        }
        for s in stats["sections"]
    ]
    return {**stats, "sections": sections}


def _area(request: HttpRequest) -> str:
    """The area of the figures: ?area=… when the user may see it, else their own."""
    return requested_area(request.user, request.GET.get("area"))


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    day, form = _day(request)
    area = _area(request)
    stats = _shown(daily_stats(day, area=area))
    start = selectors.trend_start(day)
    charts = trend_charts(start, day, area=area)
    own = user_area(request.user)
    return {
        "area": stats["area"],
        # A city or a province names the area whose figures these are, at every level.
        "show_area": is_multi_county(),
        "areas_table": areas_table(stats),
        # Up one level, when the user may see it (a city user on a county's dashboard).
        "parent_area": (
            {"code": own, "name": area_name(own), "url": area_url(own)}
            if area != own and may_see_area(request.user, own)
            else None
        ),
        "trend_start": start,
        "chart_data": charts,
        "day": day,
        "is_today": day == work_day(),
        "today": work_day(),
        "date_form": form,
        "stats": stats,
        "charts": [{**c, "rows": list(zip(c["dates"], c["values"], strict=True))} for c in charts],
        "now": work_now(),
    }


@require_perm("command.dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "command/dashboard.html", _dashboard_context(request))


@require_perm("command.dashboard")
def bigscreen(request: HttpRequest) -> HttpResponse:
    context = _dashboard_context(request)
    context["pages"] = screen_pages(context["stats"], context["chart_data"])
    # ?rotate=N turns this screen's pages every N seconds (0: never); else the setting.
    rotate = settings.FANGKONG["SCREEN_ROTATE_SECONDS"]
    with contextlib.suppress(ValueError):
        rotate = max(0, min(3600, int(request.GET.get("rotate", ""))))
    context["rotate"] = rotate
    return render(request, "command/bigscreen.html", context)


@require_perm("command.dashboard")
def report_docx(request: HttpRequest) -> HttpResponse:
    day, _form = _day(request)
    buffer = io.BytesIO()
    build_daily_report(day, area=_area(request)).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report_name(day))}"
    return response


@require_perm("command.dashboard")
def report_xlsx(request: HttpRequest) -> HttpResponseBase:
    day, _form = _day(request)
    return xlsx_response(annex_name(day), annex_sheets(day, area=_area(request)))


# ---------------------------------------------------------------- tasks


@require_perm("command.task.work")
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    area_choices(form, request.user)
    tasks = selectors.task_list(user=request.user, f=from_form(TaskFilter, form))
    return render(
        request,
        "command/task_list.html",
        {
            "form": form,
            "page": paginate(request, tasks),
            "query": query_without_page(request),
            "can_assign": user_can(request.user, "command.task.assign"),
            "now": work_now(),
        },
    )


@require_perm("command.task.assign")
def task_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TaskForm(request.POST or None)
    area_choices(form, request.user)
    user: User = request.user
    return form_page(
        request,
        form,
        save=lambda: services.task_assign(by=user, **form.cleaned_data),
        done=lambda task: reverse("task_detail", args=[task.pk]),
        message=lambda task: _("任务已交办：%(task)s") % {"task": task},
        title=_("交办任务"),
        submit=_("交办"),
        back_url=reverse("task_list"),
        back_label=_("任务"),
    )


@require_perm("command.task.work")
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    return render(
        request,
        "command/task_detail.html",
        {
            "task": task,
            "updates": task.updates.select_related("by"),
            "note_form": NoteForm(),
            "result_form": ResultForm(),
            "overdue": task.done_at is None and task.deadline < work_now(),
        },
    )


@require_POST
@require_perm("command.task.work")
def task_act(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    user: User = request.user
    try:
        if action == "acknowledge":
            services.task_acknowledge(task=task, by=user)
            messages.success(request, _("已签收"))
        elif action == "progress":
            form = NoteForm(request.POST)
            if not form.is_valid():  # each refusal as the form says it (empty, too long, NUL)
                raise ValidationError([m for msgs in form.errors.values() for m in msgs])
            services.task_report_progress(task=task, note=form.cleaned_data["note"], by=user)
            messages.success(request, _("进展已反馈"))
        elif action == "result":
            rform = ResultForm(request.POST)
            if not rform.is_valid():
                raise ValidationError([m for msgs in rform.errors.values() for m in msgs])
            services.task_complete(task=task, result=rform.cleaned_data["result"], by=user)
            messages.success(request, _("任务已办结"))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("task_detail", pk=task.pk)


# ---------------------------------------------------------------- inspections


@require_perm("command.rectify")
def inspection_list(request: HttpRequest) -> HttpResponse:
    form = InspectionFilterForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    inspections = selectors.inspection_list(user=request.user, day=day)
    return render(
        request,
        "command/inspection_list.html",
        {
            "form": form,
            "day": day,
            "page": paginate(request, inspections),
            "query": query_without_page(request),
            "can_inspect": user_can(request.user, "command.inspect"),
        },
    )


@require_perm("command.inspect")
def inspection_create(request: AuthedHttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None)
    area_choices(form, request.user)
    formset = ProblemFormSet(request.POST or None, prefix="p")
    for problem_form in formset.forms:
        area_choices(problem_form, request.user)
    user: User = request.user

    def save() -> Any:
        problems = [services.ProblemInput(**f.cleaned_data) for f in _filled(formset)]
        return services.inspection_record(by=user, problems=problems, **form.cleaned_data)

    return _form_with_rows(
        request,
        form,
        formset,
        save=save,
        detail="inspection_detail",
        message=_("实地检查已登记"),
        title=_("登记实地检查"),
        rows_heading=_("发现的问题和薄弱环节（每项须有整改责任人和时限）"),
    )


@require_perm("command.rectify")
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(
        request,
        "command/inspection_detail.html",
        {
            "inspection": inspection,
            "problems": selectors.inspection_problems(user=request.user, inspection=inspection),
            "rectify_form": RectifyForm(),
        },
    )


@require_perm("command.rectify")
def problem_list(request: HttpRequest) -> HttpResponse:
    form = ProblemFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    problems = selectors.problem_list(
        user=request.user,
        open_on=data.get("open"),
        found=data.get("found"),
        rectified=data.get("rectified"),
    )
    return render(
        request,
        "command/problem_list.html",
        {
            "form": form,
            "page": paginate(request, problems),
            "query": query_without_page(request),
            "today": work_day(),
        },
    )


@require_POST
@require_perm("command.rectify")
def problem_rectify(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = RectifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("整改情况不能为空"))
    else:
        try:
            services.problem_rectify(
                problem=problem,
                rectification=form.cleaned_data["rectification"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("整改情况已登记"))
    return redirect("inspection_detail", pk=problem.inspection_id)


# ---------------------------------------------------------------- incidents


@require_perm("command.incident.view")
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    incidents = selectors.incident_list(
        user=request.user,
        day=data.get("day"),
        until=data.get("until"),
        kind=data.get("kind", ""),
        status=data.get("status", ""),
    )
    return render(
        request,
        "command/incident_list.html",
        {
            "form": form,
            "page": paginate(request, incidents),
            "query": query_without_page(request),
            "can_edit": user_can(request.user, "command.incident.edit"),
        },
    )


@require_perm("command.incident.edit")
def incident_create(request: AuthedHttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    area_choices(form, request.user)
    formset = DispositionFormSet(request.POST or None, prefix="d")
    user: User = request.user

    def save() -> Any:
        if not selectors.unit_in_scope(user=user, unit=form.cleaned_data["unit"]):
            raise ValidationError({"unit": _("只能登记本单位及下属单位的警情")})
        dispositions = [services.DispositionInput(**f.cleaned_data) for f in _filled(formset)]
        return services.incident_record(by=user, dispositions=dispositions, **form.cleaned_data)

    return _form_with_rows(
        request,
        form,
        formset,
        save=save,
        detail="incident_detail",
        message=_("警情已登记"),
        title=_("登记涉疫警情"),
        rows_heading=_("处置结果（可多项）"),
    )


def _form_with_rows(
    request: HttpRequest,
    form: Any,
    formset: Any,
    *,
    save: Callable[[], Any],
    detail: str,
    message: str,
    title: str,
    rows_heading: str,
) -> HttpResponse:
    """A record with rows under it (an inspection and its problems, an incident and its
    dispositions): saved together, then its page."""
    return form_page(
        request,
        form,
        save=save,
        formsets=[formset],
        done=lambda obj: reverse(detail, args=[obj.pk]),
        message=lambda _obj: message,
        title=title,
        template="command/form_with_rows.html",
        formset=formset,
        rows_heading=rows_heading,
    )


def _filled(formset: Any) -> list[Any]:
    """The rows of a formset the user filled in (blank extra rows are not rows)."""
    return [f for f in formset.forms if f.cleaned_data and f.has_changed()]


@require_perm("command.incident.view")
def incident_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    can_edit = user_can(request.user, "command.incident.edit")
    if request.method == "POST" and can_edit:
        user: User = request.user
        if "status" in request.POST:
            sform = IncidentStatusForm(request.POST)
            if sform.is_valid():
                services.incident_set_status(
                    incident=incident, status=sform.cleaned_data["status"], by=user
                )
                messages.success(request, _("状态已更新"))
            else:
                messages.error(request, _("状态取值不正确"))
        else:
            dform = DispositionForm(request.POST)
            try:
                if not dform.is_valid():
                    raise ValidationError(dform.errors.as_data())
                services.incident_dispose(
                    incident=incident, by=user, day=work_day(), **dform.cleaned_data
                )
            except ValidationError as exc:
                # Each field's own message, naming it (core.forms.NamedErrorsForm).
                messages.error(
                    request,
                    _("处置结果填写有误：%(errors)s") % {"errors": "；".join(exc.messages)},
                )
            else:
                messages.success(request, _("处置结果已登记"))
        return redirect("incident_detail", pk=incident.pk)
    return render(
        request,
        "command/incident_detail.html",
        {
            "incident": incident,
            "can_edit": can_edit,
            "disposition_form": DispositionForm(),
            "status_form": IncidentStatusForm(initial={"status": incident.status}),
        },
    )
