from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import Scope, county_table, figures_scope
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import user_can
from fangkong.core.pagination import paginate, query_without_page
from fangkong.core.views import form_page
from fangkong.honors import selectors, services
from fangkong.honors.documents import circular_docx
from fangkong.honors.forms import ActionForm, CircularForm, ReportForm
from fangkong.honors.models import Circular, Commendation

S = Commendation.Status
TABS = [  # lazy: the tabs are read in the language of each request
    ("", gettext_lazy("全部")),
    (S.REPORTED, gettext_lazy("待审核")),
    (S.REVIEWED, gettext_lazy("待批准")),
    (S.APPROVED, gettext_lazy("待颁奖")),
    (S.AWARDED, gettext_lazy("已颁奖")),
    (S.RETURNED, gettext_lazy("退回修改")),
    (S.REJECTED, gettext_lazy("不予表彰")),
]


def _praised_row(scope: Scope) -> list[object]:
    counts = selectors.praised_counts(scope=scope)
    return [counts["circulars"], counts["collectives"], counts["individuals"]]


@require_perm("honors.view")
def commendation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    scope = figures_scope(request.user)
    durations = selectors.median_durations(scope=scope)
    medians = {k: selectors.hours(v) for k, v in durations.items()}
    return render(
        request,
        "honors/list.html",
        {
            "page": paginate(
                request, selectors.commendation_list(user=request.user, status=status)
            ),
            "query": query_without_page(request),
            "tabs": TABS,
            "status": status,
            "medians": medians,
            "can_report": user_can(request.user, "honors.report"),
            "counts": selectors.praised_counts(scope=scope),
            "by_county": county_table(
                request.user,
                [_("表扬通报（期）"), _("受表扬集体"), _("受表扬个人")],
                _praised_row,
            ),
        },
    )


@require_perm("honors.view", "honors.report")
def commendation_report(request: AuthedHttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, user=request.user)

    def save() -> Commendation:
        d = form.cleaned_data
        return services.commendation_report(
            by=request.user,
            kind=d["kind"],
            officer=d["officer"],
            unit=d["unit"],
            level=d["level"],
            tier=d["tier"],
            deeds=d["deeds"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda c: reverse("honors_detail", args=[c.pk]),
        message=lambda c: _("已上报：%(c)s") % {"c": c},
        title=_("上报表彰"),
        lead=_("快报：个人选择民警，集体选择单位。"),
        submit=_("上报"),
        back_url=reverse("honors_list"),
        back_label=_("战时表彰"),
    )


def _actions(user: Any, c: Commendation) -> list[str]:
    can = lambda p: user_can(user, p)  # noqa: E731
    own = user.pk == c.reported_by_id
    out = []
    if c.status == S.REPORTED and can("honors.review") and not own:
        out += ["review", "return", "reject"]
    if c.status == S.REVIEWED and can("honors.approve") and not own:
        out += ["approve", "return", "reject"]
    if c.status == S.APPROVED and can("honors.award"):
        out += ["award"]
    if c.status == S.RETURNED and own:
        out += ["resubmit"]
    return out


@require_perm("honors.view")
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = selectors.commendation_get(user=request.user, pk=pk)
    except Commendation.DoesNotExist as exc:
        raise Http404 from exc
    timings = {k: selectors.hours(v) for k, v in c.timings().items()}
    return render(
        request,
        "honors/detail.html",
        {
            "c": c,
            "steps": selectors.steps(c),
            "timings": timings,
            "actions": _actions(request.user, c),
        },
    )


@require_POST
@require_perm("honors.view")
def commendation_act(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = selectors.commendation_get(user=request.user, pk=pk)
    except Commendation.DoesNotExist as exc:
        raise Http404 from exc
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效"))
        return redirect("honors_detail", pk=pk)
    d = form.cleaned_data
    user: Any = request.user
    fn = {
        "review": lambda: services.commendation_review(commendation=c, by=user, note=d["note"]),
        "approve": lambda: services.commendation_approve(commendation=c, by=user, note=d["note"]),
        "award": lambda: services.commendation_award(commendation=c, by=user, note=d["note"]),
        "return": lambda: services.commendation_return(commendation=c, by=user, note=d["note"]),
        "reject": lambda: services.commendation_reject(commendation=c, by=user, note=d["note"]),
        "resubmit": lambda: services.commendation_resubmit(
            commendation=c, by=user, deeds=d["deeds"] or c.deeds
        ),
    }[d["action"]]
    try:
        c = fn()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("%(c)s：%(s)s") % {"c": c, "s": c.get_status_display()})
    return redirect("honors_detail", pk=pk)


@require_perm("honors.view")
def circular_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "honors/circulars.html",
        {
            "circulars": selectors.circular_list(request.user),
            "can_issue": user_can(request.user, "honors.award"),
            "pending": selectors.approved_without_circular(request.user).count(),
        },
    )


@require_perm("honors.view", "honors.award")
def circular_create(request: AuthedHttpRequest) -> HttpResponse:
    form = CircularForm(
        request.POST or None, choices=selectors.approved_without_circular(request.user)
    )

    def save() -> Circular:
        d = form.cleaned_data
        return services.circular_issue(
            number=d["number"],
            title=d["title"],
            day=d["day"],
            commendations=list(d["commendations"]),
            by=request.user,
        )

    return form_page(
        request,
        form,
        save=save,
        done="honors_circulars",
        message=lambda circular: _("已印发：%(c)s") % {"c": circular},
        title=_("印发表扬通报"),
        submit=_("印发"),
        back_url=reverse("honors_circulars"),
        back_label=_("表扬通报"),
    )


@require_perm("honors.view")
def circular_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        circular = selectors.circular_get(user=request.user, pk=pk)
    except Circular.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(
        circular_docx(circular),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"表扬通报-{circular.number}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def to_status(status: str) -> Any:
    """A home card's link: the list filtered to one step's work."""

    @require_perm("honors.view")
    def view(request: HttpRequest) -> HttpResponse:
        return redirect(f"{reverse('honors_list')}?status={status}")

    return view
