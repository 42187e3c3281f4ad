from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import throttle
from fangkong.accounts.audit_display import (
    actor_label,
    change_lines,
    object_label,
    object_type_label,
    related_labels,
)
from fangkong.accounts.filters import AuditFilter, object_types_of
from fangkong.accounts.jurisdiction import doers_of_area
from fangkong.accounts.models import User
from fangkong.accounts.navigation import cards_for
from fangkong.accounts.passwords import password_given, password_set_on_server
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.signin import PASSWORD_DUE, end_session
from fangkong.core.audit import audit_record
from fangkong.core.client_address import client_ip
from fangkong.core.filters import filter_form, from_form
from fangkong.core.forms import NamedErrorsForm
from fangkong.core.models import AuditEntry
from fangkong.core.pagination import paginate, query_without_page

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class LoginForm(NamedErrorsForm, AuthenticationForm):
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
            shown = throttle.username_in_trail(username)
            audit_record(
                actor=None,
                action="login_failed",
                object_type="accounts.user",
                object_repr=shown,
                changes={"username": shown, "refused": reason},
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


class PasswordForm(NamedErrorsForm, PasswordChangeForm):
    """Django's form to change one's password, its messages naming their field. The old
    password is a password of the account typed from `ip`: while the account is locked
    from there it is not checked, and a wrong one is a failed sign-in of the account
    (throttle.wrong_password: the sign-in's count and lock, on the trail as one) — else
    this page would be a password-guessing oracle beside the sign-in's lock. `locked` says
    why the account is locked, for the view to end the session."""

    def __init__(self, user: User, *args: Any, ip: str | None = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.ip = ip
        self.locked: str | None = None

    def clean_old_password(self) -> str:
        username = self.user.username
        reason = throttle.locked_reason(username=username, ip=self.ip)
        if reason:
            throttle.refused_locked(user=self.user, reason=reason)
            self.locked = reason
            raise forms.ValidationError(reason, code="locked")
        try:
            old: str = super().clean_old_password()
        except forms.ValidationError:
            self.locked = throttle.wrong_password(
                user=self.user, ip=self.ip, reason="wrong_old_password"
            )
            raise
        throttle.clear_failures(username=username, ip=self.ip)  # as a sign-in does
        return old


class PasswordChangeView(auth_views.PasswordChangeView):
    request: AuthedHttpRequest  # Django's view signs in first (login_required)
    template_name = "accounts/password_change.html"
    form_class = PasswordForm
    success_url = reverse_lazy("home")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if password_set_on_server(request.user):
            # An administrator's password, their own included, is set on the server only.
            return render(
                request,
                "accounts/password_on_server.html",
                {"due": request.session.get(PASSWORD_DUE)},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        locked = getattr(form, "locked", None)
        if locked:
            # The wrong old password that locks the account (or one typed while it is
            # locked) ends this session: whoever holds it may guess no further.
            return end_session(
                self.request,
                _("旧密码连续输入错误，已退出登录。%(reason)s") % {"reason": locked},
                changes={"reason": "locked"},
            )
        return super().form_invalid(form)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        password_given(self.request.user, by=self.request.user)  # their own now
        self.request.session.pop(PASSWORD_DUE, None)  # a password due is now changed
        audit_record(actor=self.request.user, action="password", obj=self.request.user)
        messages.success(self.request, _("密码已修改"))
        return response


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user: User = request.user
    return render(request, "accounts/home.html", {"cards": cards_for(user)})


AuditFilterForm = filter_form(AuditFilter, "AuditFilterForm")


def audit_trail(user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    """The trail as `user` may read it: in a city (or province) installation a county's
    audit administrator reads what its county's users did, and the refused sign-ins to
    their accounts; an entry of no actor else is the installation's (docs/security.md).
    The page's list and its type picker (accounts.filters.object_types_of) read it."""
    qs = AuditEntry.objects.all()
    doers = doers_of_area(user, user_path="actor__")
    if doers is not None:
        # A refused sign-in has no actor: it names the username typed (accounts/signals.py).
        accounts = User.objects.filter(doers_of_area(user, user_path="") or Q())
        qs = qs.filter(
            doers
            | Q(
                actor__isnull=True,
                action=AuditEntry.Action.LOGIN_FAILED,
                object_type="accounts.user",
                object_repr__in=accounts.values("username"),
            )
        )
    return qs


def audit_entries(f: AuditFilter, *, user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    """The trail `user` reads (audit_trail), filtered."""
    qs = audit_trail(user).select_related("actor")
    if f.actor:
        qs = qs.filter(Q(actor_name__contains=f.actor) | Q(actor__username=f.actor))
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    tz = timezone.get_current_timezone()
    if f.date_from is not None:
        qs = qs.filter(at__gte=datetime.datetime.combine(f.date_from, datetime.time.min, tz))
    if f.date_to is not None:
        end = datetime.datetime.combine(f.date_to, datetime.time.min, tz)
        qs = qs.filter(at__lt=end + datetime.timedelta(days=1))
    return qs.order_by("-at", "-id")


@require_perm("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    object_types_of(form, audit_trail(request.user))
    page = paginate(request, audit_entries(from_form(AuditFilter, form), user=request.user))
    labels = related_labels(page)
    rows = [
        {
            "entry": e,
            "actor": actor_label(e),
            "type_label": object_type_label(e.object_type),
            "object": object_label(e.object_type, e.object_id, e.object_repr),
            "changes": change_lines(e.object_type, e.action, e.changes, labels),
        }
        for e in page
    ]
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query_without_page(request)},
    )
