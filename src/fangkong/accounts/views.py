from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import throttle
from fangkong.accounts.audit_display import (
    change_lines,
    object_label,
    object_type_choices,
    object_type_label,
)
from fangkong.accounts.models import User
from fangkong.accounts.navigation import cards_for
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.signin import PASSWORD_DUE
from fangkong.core import bounds
from fangkong.core.audit import audit_record
from fangkong.core.client_address import client_ip
from fangkong.core.forms import DayField
from fangkong.core.models import AuditEntry
from fangkong.core.pagination import paginate, query_without_page


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误，请重新输入（注意区分大小写）"),
        "inactive": _("该账号已停用，请联系系统管理员"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else None
        # Checked before the password, so a locked account reveals nothing about it.
        reason = throttle.locked_reason(username=username, ip=ip)
        if reason:
            # Refused before the password is checked: no user_login_failed signal is sent,
            # so the refusal is audited here (issue 14: refused sign-ins left no record).
            audit_record(
                actor=None,
                action="login_failed",
                object_type="accounts.user",
                object_repr=username[:60],
                changes={"username": username[:60], "refused": reason},
            )
            raise forms.ValidationError(reason, code="locked")
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username=username, ip=ip)
            raise
        throttle.clear_failures(username=username, ip=ip)
        return data


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin site's own sign-in page (/admin/login/) with the same lock as ours: without
    it that page checked passwords for a locked account and counted none of its failures,
    an unlimited password oracle (issue 19). Staff only, as the admin site requires."""


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.pop(PASSWORD_DUE, None)  # a password too old is now changed
        audit_record(actor=self.request.user, action="password", obj=self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("密码已修改"))
        return response


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user: User = request.user
    return render(request, "accounts/home.html", {"cards": cards_for(user)})


class AuditFilterForm(forms.Form):
    actor = forms.CharField(max_length=bounds.SHORT, label=_("操作人"), required=False)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditEntry.Action.choices]
    )
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(max_length=bounds.SHORT, label=_("对象编号"), required=False)
    date_from = DayField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        held = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")),
            *object_type_choices(held),
        ]


def audit_entries(data: dict[str, object]) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor")
    if data.get("actor"):
        qs = qs.filter(Q(actor_name__contains=data["actor"]) | Q(actor__username=data["actor"]))
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"])
    tz = timezone.get_current_timezone()
    if isinstance(data.get("date_from"), datetime.date):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, tz)  # type: ignore[arg-type]
        qs = qs.filter(at__gte=start)
    if isinstance(data.get("date_to"), datetime.date):
        end = datetime.datetime.combine(data["date_to"], datetime.time.min, tz)  # type: ignore[arg-type]
        qs = qs.filter(at__lt=end + datetime.timedelta(days=1))
    return qs.order_by("-at", "-id")


@require_perm("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, audit_entries(data))
    rows = [
        {
            "entry": e,
            "type_label": object_type_label(e.object_type),
            "object": object_label(e.object_type, e.object_id, e.object_repr),
            "changes": change_lines(e.object_type, e.action, e.changes),
        }
        for e in page
    ]
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query_without_page(request)},
    )
