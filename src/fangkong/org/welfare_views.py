"""Pages of 暖警 (officers' welfare) and the officer's record page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.accounts.jurisdiction import area_choices
from fangkong.accounts.models import User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.core import bounds
from fangkong.core.clock import work_day
from fangkong.core.disclosure import shown
from fangkong.core.forms import NamedErrorsForm, field_of
from fangkong.core.views import form_page
from fangkong.org import selectors, services, welfare
from fangkong.org.models import Officer, WelfareCase
from fangkong.org.sections import officer_sections


class WelfareCaseForm(NamedErrorsForm):
    officer = forms.ModelChoiceField(
        Officer.objects.select_related("unit"), label=gettext_lazy("民警")
    )
    title = forms.CharField(label=gettext_lazy("困难事项"), max_length=60)
    detail = forms.CharField(
        max_length=bounds.NOTE,
        label=gettext_lazy("具体情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgency = forms.ChoiceField(label=gettext_lazy("紧急程度"), choices=WelfareCase.Urgency.choices)
    follow_up_by = forms.ModelChoiceField(
        User.objects.filter(is_active=True).exclude(role=""),
        label=gettext_lazy("跟进人"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "officer", forms.ModelChoiceField).queryset = welfare.officers_for(
            user
        ).select_related("unit")
        # The one to follow it up: an account that may act on welfare (welfare.followers_for),
        # of the user's area; the case's officer is checked when it is opened.
        field_of(self, "follow_up_by", forms.ModelChoiceField).queryset = welfare.followers_for()
        area_choices(self, user)


def _require_welfare(request: HttpRequest) -> None:
    if not welfare.can_use_welfare(request.user):
        raise PermissionDenied("role")


@login_required
def welfare_list(request: HttpRequest) -> HttpResponse:
    _require_welfare(request)
    show = request.GET.get("show", "open")
    cases = welfare.welfare_cases_for(request.user)
    cases = cases.filter(solved_at__isnull=show != "solved")
    flags = welfare.fatigue_flags(work_day())
    rows = [(c, flags.get(c.officer_id, "")) for c in cases]
    return render(
        request,
        "org/welfare_list.html",
        {"rows": rows, "show": show, "fatigue_hooked": bool(flags)},
    )


@login_required
def welfare_create(request: AuthedHttpRequest) -> HttpResponse:
    _require_welfare(request)
    form = WelfareCaseForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        save=lambda: welfare.welfare_case_open(by=request.user, **form.cleaned_data),
        done=lambda case: reverse("welfare_detail", args=[case.pk]),
        message=lambda case: _("已登记：%(c)s") % {"c": case},
        title=_("登记民警家庭困难"),
        back_url=reverse("welfare_list"),
        back_label=_("暖警"),
    )


@login_required
def welfare_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_welfare(request)
    try:
        case = welfare.welfare_cases_for(request.user).get(pk=pk)
    except WelfareCase.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "org/welfare_detail.html",
        {"case": case, "helps": case.helps.select_related("recorded_by")},
    )


@require_POST
@login_required
def welfare_act(request: HttpRequest, pk: int) -> HttpResponse:
    _require_welfare(request)
    try:
        case = welfare.welfare_cases_for(request.user).get(pk=pk)
    except WelfareCase.DoesNotExist as exc:
        raise Http404 from exc
    user: Any = request.user
    try:
        if request.POST.get("action") == "solve":
            welfare.welfare_case_solve(case=case, by=user)
            messages.success(request, _("已标记为解决"))
        else:
            welfare.welfare_help_record(case=case, text=request.POST.get("text", ""), by=user)
            messages.success(request, _("已记录帮扶措施"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("welfare_detail", pk=pk)


def _officer_page(
    request: HttpRequest, officer: Officer, *, revealed: bool = False
) -> HttpResponse:
    """An officer's record: details, and the sections other apps contribute (commendations).
    The phone in full only when `revealed`, after the reveal was audited."""
    context = {
        "officer": officer,
        "phone": shown("phone", officer.phone, revealed=revealed),
        "revealed": revealed,
        "can_reveal": not revealed and selectors.officer_revealable(request.user, officer),
        "commendations": None,
        **officer_sections(officer.pk),
    }
    return render(request, "org/officer_detail.html", context)


def _officer(request: HttpRequest, pk: int) -> Officer:
    return get_object_or_404(selectors.officers_of(request.user).select_related("unit"), pk=pk)


@require_perm("org.view")
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _officer_page(request, _officer(request, pk))


@require_POST
@require_perm("org.view", "people.reveal")
def officer_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """显示完整电话: audited, for who may reveal it (an officer outside the user's
    jurisdiction is answered as one that does not exist)."""
    officer = _officer(request, pk)
    if not selectors.officer_revealable(request.user, officer):
        raise Http404
    services.officer_reveal(officer=officer, by=request.user)
    return _officer_page(request, officer, revealed=True)
