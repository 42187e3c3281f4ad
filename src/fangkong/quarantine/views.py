from __future__ import annotations

import datetime
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.exports import audited_xlsx
from fangkong.accounts.jurisdiction import area_choices
from fangkong.accounts.models import User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.audit import audit_record
from fangkong.core.bounds import day_param
from fangkong.core.conflicts import is_conflict
from fangkong.core.filters import from_form
from fangkong.core.forms import add_errors
from fangkong.core.idempotency import ClientIdConflict, renew_client_id
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import document_page, safe_next
from fangkong.quarantine import schedule, selectors, services
from fangkong.quarantine.filters import AlertFilter, CaseFilter
from fangkong.quarantine.forms import (
    AlertFilterForm,
    CaseFilterForm,
    CaseForm,
    FollowUpForm,
    ReleaseForm,
    ResolveForm,
    TransitionForm,
    VerifyForm,
    case_shown,
)
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.notices import export_sheet, release_notice

QUARANTINE_CSS = "fangkong/quarantine.css"


def _day_param(request: HttpRequest) -> tuple[datetime.date, datetime.datetime]:
    """The day a page shows (?date=YYYY-MM-DD, default the working day) and "now" on it."""
    now = schedule.work_now()
    try:
        day = day_param(request.GET.get("date")) or now.date()
    except ValidationError as exc:
        messages.error(request, _("日期：%(why)s；已显示今天") % {"why": exc.messages[0]})
        day = now.date()
    return day, schedule.moment_on(day, now)


@require_perm("quarantine.view")
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    now = schedule.work_now()
    qs = selectors.case_list(user=request.user, filters=from_form(CaseFilter, form), now=now)
    page = paginate(request, qs)
    return render(
        request,
        "quarantine/case_list.html",
        {
            "form": form,
            "page": page,
            "cases": selectors.with_day(page, now.date()),
            "query": query_without_page(request),
            "townships": selectors.township_counts(qs),
            "today": now.date(),
            "can_reveal": user_can(request.user, "people.reveal"),
        },
    )


@require_perm("quarantine.view")
def case_export(request: AuthedHttpRequest) -> HttpResponseBase:
    """隔离管控台账: the rows of the filtered list, masked; with full values (`full=1`) only
    for users who may reveal them, audited as a reveal with its row count."""
    reveal = request.GET.get("full") == "1"
    if reveal and not user_can(request.user, "people.reveal"):
        raise PermissionDenied
    form = CaseFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    now = schedule.work_now()
    qs = selectors.case_list(user=request.user, filters=from_form(CaseFilter, form), now=now)
    return audited_xlsx(
        user=request.user,
        filename=f"隔离管控台账-{now.date():%Y-%m-%d}.xlsx",
        sheets=[export_sheet(qs, reveal=reveal, day=now.date())],
        revealed=reveal,
        what=_("导出隔离管控台账"),
        object_type="quarantine.quarantinecase",
        filters={k: v for k, v in request.GET.items() if k != "full"},
        fields=["id_number", "doc_number", "phone", "address_detail"],
    )


def _detail_context(request: HttpRequest, pk: int) -> dict[str, object]:
    case = selectors.case_get(user=request.user, pk=pk)
    today = schedule.work_day()
    return {
        "case": case,
        "timeline": selectors.case_timeline(case, viewer=request.user),
        "qday": case.quarantine_day(today) if case.status == CaseStatus.QUARANTINED else None,
        "today": today,
        "transition_form": TransitionForm(case=case),
        "release_form": ReleaseForm(case=case),
        "can_verify": user_can(request.user, "quarantine.verify"),
        "can_release": user_can(request.user, "quarantine.release"),
        "can_followup": user_can(request.user, "quarantine.followup"),
        "release_due": case.planned_end is not None and case.planned_end <= today,
        "extra_css": QUARANTINE_CSS,
    }


@require_perm("quarantine.view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "quarantine/case_detail.html", _detail_context(request, pk))


@require_POST
@require_perm("quarantine.verify")
def case_transition(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST, case=case)
    if form.is_stale(case.version):
        # Someone changed the case since this page was loaded: say so, whatever was chosen
        # (the choice itself may no longer be offered). A page without its version is out
        # of date, not stale: the form says so (core.conflicts.VersionedForm).
        _refuse_stale(request, form, pk)
    elif form.is_valid():
        try:
            services.case_transition(
                case=case,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if is_conflict(exc):
                _refuse_stale(request, form, pk)
            else:
                add_errors(form, exc)
                for msg in form.non_field_errors():
                    messages.error(request, str(msg))
        else:
            messages.success(request, _("状态已变更"))
            return redirect("case_detail", pk=pk)
    context = _detail_context(request, pk)
    context["transition_form"] = form
    return render(request, "quarantine/case_detail.html", context, status=422)


def _refuse_stale(request: HttpRequest, form: CaseForm, pk: int) -> None:
    """A save from a page drawn before someone else changed the case: say who and what
    changed, and draw the form again from the case as it is now."""
    case = selectors.case_get(user=request.user, pk=pk)
    messages.error(request, form.refuse(case, case_shown(case), type(form)(case=case)))


@require_POST
@require_perm("quarantine.release")
def case_release(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = ReleaseForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_release(
                case=case,
                by=request.user,
                reason=form.cleaned_data["reason"],
                at=schedule.work_now(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if is_conflict(exc):
                _refuse_stale(request, form, pk)
            else:
                add_errors(form, exc)
        else:
            messages.success(
                request,
                _("已解除隔离：%(name)s。可打印解除居家隔离告知书。") % {"name": case.person.name},
            )
            return redirect(safe_next(request, reverse("case_detail", args=[pk])))
    context = _detail_context(request, pk)
    context["release_form"] = form
    return render(request, "quarantine/case_detail.html", context, status=422)


@require_perm("quarantine.release")
def case_notice(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.user, pk=pk)
    if case.status != CaseStatus.RELEASED:
        messages.error(request, _("尚未解除隔离，不能出具解除居家隔离告知书"))
        return redirect("case_detail", pk=pk)
    if request.method != "POST":
        return document_page(
            request,
            title=_("解除居家隔离告知书"),
            facts=[
                (_("姓名"), case.person.name),
                (_("结案日期"), f"{case.ended_on:%Y-%m-%d}" if case.ended_on else ""),
                (_("出具单位"), case.station.name if case.station else case.bureau),
            ],
            back_url=reverse("case_detail", args=[pk]),
            back_label=case.person.name,
        )
    buffer = io.BytesIO()
    release_notice(case, buffer)
    buffer.seek(0)
    audit_record(
        actor=request.user,
        action="export",
        obj=case,
        changes={"document": "解除居家隔离告知书", "rows": 1},
    )
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"解除居家隔离告知书-{case.person.name}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_perm("quarantine.release")
def release_list(request: HttpRequest) -> HttpResponse:
    day, _now = _day_param(request)
    qs = selectors.release_proposed(user=request.user, day=day)
    page = paginate(request, qs)
    return render(
        request,
        "quarantine/release_list.html",
        {
            "page": page,
            "cases": selectors.with_day(page, day),
            "day": day,
            "query": query_without_page(request),
        },
    )


@require_perm("quarantine.verify")
def verify_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.verify_queue(user=request.user))
    return render(
        request,
        "quarantine/verify_queue.html",
        {"page": page, "query": query_without_page(request)},
    )


@require_perm("quarantine.verify")
def case_verify(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = VerifyForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        user: User = request.user
        d = form.cleaned_data
        try:
            if case.status == CaseStatus.PENDING:
                case = services.case_verify(
                    case=case,
                    by=user,
                    finding=d["finding"],
                    measure=d["measure"],
                    note=d["note"],
                    start_date=d["start_date"],
                    expected_version=d["version"],
                    members=form.members(),
                )
            else:
                services.team_assign(
                    case=case, by=user, members=form.members(), expected_version=d["version"]
                )
        except ValidationError as exc:
            if is_conflict(exc):
                _refuse_stale(request, form, pk)
                case = selectors.case_get(user=request.user, pk=pk)
            else:
                add_errors(form, exc)
        else:
            messages.success(request, _("核查情况已保存：%(name)s") % {"name": case.person.name})
            return redirect("case_detail", pk=pk)
    return render(
        request,
        "quarantine/case_verify.html",
        {"case": case, "form": form, "extra_css": QUARANTINE_CSS},
    )


@require_perm("quarantine.followup")
def today_list(request: AuthedHttpRequest) -> HttpResponse:
    day, now = _day_param(request)
    rows = selectors.due_list(user=request.user, day=day, now=now)
    open_slots = sum(len(r.due) for r in rows)
    if rows:
        # The 四包一 member calls and visits the people they answer for: the list carries
        # their phone (tap to call) and house number, a reveal recorded like any other.
        audit_record(
            actor=request.user,
            action="reveal",
            object_type="quarantine.quarantinecase",
            object_repr=_("今日随访名单（%(n)s人）") % {"n": len(rows)},
            changes={
                "fields": ["phone", "address_detail"],
                "purpose": "四包一随访：拨打电话、上门随访",
                "cases": [r.case.pk for r in rows],
            },
        )
    return render(
        request,
        "quarantine/today.html",
        {
            "rows": [(r, r.next_window(day)) for r in rows],
            "day": day,
            "now": now,
            "open_slots": open_slots,
            "is_today": day == schedule.work_day(),
            "prev_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "extra_css": QUARANTINE_CSS,
        },
    )


@require_perm("quarantine.followup")
def followup_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    day, now = _day_param(request)
    form = FollowUpForm(request.POST or None, visited_at=now)
    back = reverse("followup_today") + (f"?date={day:%Y-%m-%d}" if request.GET.get("date") else "")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            followup, _created = services.followup_record(
                case=case,
                by=request.user,
                temperature=d["temperature"],
                symptoms=d["symptoms"],
                at_home=d["at_home"],
                visited_at=d["visited_at"],
                client_id=d["client_id"],
                note=d["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            if isinstance(exc, ClientIdConflict):
                renew_client_id(form)
        else:
            alerts = list(followup.alerts.all())
            if alerts:
                messages.warning(
                    request,
                    _("已记录随访，并已向派出所和指挥中心发出预警：%(alerts)s")
                    % {"alerts": "；".join(a.detail for a in alerts)},
                )
            else:
                messages.success(request, _("已记录随访：%(name)s") % {"name": case.person.name})
            return redirect(back)
    return render(
        request,
        "quarantine/followup_form.html",
        {
            "case": case,
            "form": form,
            "back": back,
            "qday": case.quarantine_day(day),
            "extra_css": QUARANTINE_CSS,
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@require_perm("quarantine.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    area_choices(form, request.user)  # its county's townships and units, inside a city
    qs = selectors.alert_list(user=request.user, f=from_form(AlertFilter, form))
    return render(
        request,
        "quarantine/alert_list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "can_resolve": user_can(request.user, "quarantine.verify"),
            "resolve_form": ResolveForm(),
        },
    )


@require_POST
@require_perm("quarantine.verify")
def alert_resolve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(user=request.user, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(
                alert=alert,
                by=request.user,
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("预警已处置"))
    else:
        messages.error(request, _("处置情况：不能为空"))
    return redirect(safe_next(request, reverse("alert_list")))


@require_perm("quarantine.view")
def overdue_list(request: HttpRequest) -> HttpResponse:
    now = schedule.work_now()
    cases = list(selectors.overdue_cases(user=request.user, now=now))
    day, slot = schedule.last_closed_window(now)
    by_township: dict[str, int] = {}
    for case in cases:
        name = case.township.name if case.township else "—"
        by_township[name] = by_township.get(name, 0) + 1
    return render(
        request,
        "quarantine/overdue_list.html",
        {
            "cases": cases,
            "teams": selectors.overdue_by_team(cases),
            "by_township": sorted(by_township.items(), key=lambda kv: -kv[1]),
            "window_day": day,
            "window_slot": _("上午") if slot == schedule.MORNING else _("下午"),
        },
    )
