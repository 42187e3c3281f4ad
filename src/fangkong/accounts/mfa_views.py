"""Pages of the second sign-in step: the step itself, enrolment, the user's own settings and
the administrator's reset. Thin: each parses a form and calls accounts/mfa.py."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import mfa, signin, throttle
from fangkong.accounts.jurisdiction import doers_of_area, may_reset_mfa
from fangkong.accounts.models import RecoveryCode, User
from fangkong.accounts.permissions import require_perm
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import UNMANAGED_ROLES, Role
from fangkong.core.client_address import client_ip
from fangkong.core.forms import NamedErrorsForm
from fangkong.core.pagination import paginate, query_without_page

PENDING_KEY = "fk_mfa_new_key"  # the secret being enrolled, until its first code confirms it


def _code_widget(**attrs: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", **attrs}
    )


class SecondStepForm(NamedErrorsForm):
    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        help_text=_("打开手机上的验证器，输入显示的6位数字；手机不在身边时可输入一个恢复码。"),
        widget=_code_widget(autofocus="autofocus"),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not (re.fullmatch(r"\d{6}", code) or mfa.is_recovery_format(code)):
            raise ValidationError(
                _("验证码为6位数字；恢复码为12位字母和数字（如 ABCD-EFGH-JKLM）。"),
                code="format",
            )
        return code


class TotpCodeForm(NamedErrorsForm):
    code = forms.CharField(
        label=_("验证器上的6位数字"),
        max_length=10,
        widget=_code_widget(inputmode="numeric", pattern="[0-9 ]*"),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("验证码为6位数字。"), code="format")
        return code


class ResetForm(NamedErrorsForm):
    reason = forms.CharField(
        label=_("重置原因"),
        max_length=200,
        help_text=_("如：手机丢失，已电话联系本人确认。将记入审计日志。"),
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages with a secret or recovery codes: never kept by the browser or the service worker.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def login_verify(request: AuthedHttpRequest) -> HttpResponse:
    """The second sign-in step, for a user with an authenticator."""
    if signin.pending(request) != signin.NEEDS_CODE:
        return redirect(signin.next_url(request))
    user: User = request.user
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        try:
            result = mfa.second_factor_check(user=user, code=form.cleaned_data["code"], ip=ip)
        except ValidationError as exc:
            if exc.code == "locked":
                return signin.end_session(request, exc.messages[0])
            # The failure that locks the account ends this half-signed-in session too.
            reason = throttle.locked_reason(username=user.username, ip=ip)
            if reason:
                return signin.end_session(request, reason)
            form.add_error("code", exc)
        else:
            target = signin.next_url(request)
            request.session.cycle_key()  # a new session id for the now trusted session
            signin.mark_verified(request.session)
            if result.method == "recovery_code":
                messages.warning(
                    request,
                    _("您使用了一个恢复码（每个只能用一次），还剩%(n)d个。")
                    % {"n": result.codes_left}
                    + (
                        _("请尽快在“二次验证”页面重新生成恢复码。")
                        if result.codes_left <= 3
                        else ""
                    ),
                )
            return redirect(target)
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@never_cache
@login_required
def mfa_enrol(request: AuthedHttpRequest) -> HttpResponse:
    """Bind an authenticator: scan the code (or type the secret), confirm with a first code."""
    user: User = request.user
    if mfa.has_second_factor(user):
        messages.info(request, _("您已启用二次验证。"))
        return redirect("mfa_settings")
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{40}", key):
        key = request.session[PENDING_KEY] = mfa.new_secret()
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrol(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            del request.session[PENDING_KEY]
            user.refresh_from_db(fields=["session_salt"])
            update_session_auth_hash(request, user)  # this session stays; the others end
            signin.mark_verified(request.session)
            return _no_store(
                render(
                    request,
                    "accounts/mfa_codes.html",
                    {"codes": codes, "enrolled": True, "next": signin.next_url(request)},
                )
            )
    uri = mfa.otpauth_uri(user, key)
    return _no_store(
        render(
            request,
            "accounts/mfa_enrol.html",
            {
                "form": form,
                "qr": mfa.qr_svg(uri),
                "secret": mfa.secret_groups(key),
                "required": mfa.mfa_required(user),
                "pending": signin.pending(request),
                "next": request.GET.get("next", "") or request.POST.get("next", ""),
            },
        )
    )


def _settings_page(request: AuthedHttpRequest, **forms_: forms.Form) -> HttpResponse:
    user: User = request.user
    context: dict[str, Any] = {
        "device": mfa.totp_device(user),
        "codes_left": mfa.recovery_codes_left(user),
        "required": mfa.mfa_required(user),
        "codes_form": forms_.get("codes_form") or TotpCodeForm(prefix="codes"),
        "replace_form": forms_.get("replace_form") or TotpCodeForm(prefix="replace"),
        "disable_form": forms_.get("disable_form") or TotpCodeForm(prefix="disable"),
    }
    return render(request, "accounts/mfa_settings.html", context)


@login_required
def mfa_settings(request: AuthedHttpRequest) -> HttpResponse:
    return _settings_page(request)


@require_POST
@login_required
def mfa_codes(request: AuthedHttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown once; a current code from the phone proves it is you."""
    user: User = request.user
    form = TotpCodeForm(request.POST, prefix="codes")
    if form.is_valid():
        try:
            codes = mfa.recovery_codes_renew(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _no_store(
                render(
                    request,
                    "accounts/mfa_codes.html",
                    {"codes": codes, "enrolled": False, "next": reverse("mfa_settings")},
                )
            )
    return _settings_page(request, codes_form=form)


@require_POST
@login_required
def mfa_disable(request: AuthedHttpRequest) -> HttpResponse:
    """Stop using the second factor (roles where it is optional), or remove it to bind a new
    phone next (`replace`)."""
    user: User = request.user
    replacing = request.POST.get("action") == "replace"
    prefix = "replace" if replacing else "disable"
    if not replacing and mfa.mfa_required(user):
        # The page offers no such button; said plainly to whoever posts it anyway.
        messages.error(request, _("您的角色必须使用二次验证，不能停用；更换手机请选择“更换手机”。"))
        return redirect("mfa_settings")
    form = TotpCodeForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            mfa.mfa_disable(
                user=user,
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                replacing=replacing,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            user.refresh_from_db(fields=["session_salt"])
            update_session_auth_hash(request, user)
            request.session[signin.STATE] = signin.state_for(user)
            if replacing:
                messages.info(request, _("已解除原手机的绑定，请用新手机扫码绑定。"))
                return redirect("mfa_enrol")
            messages.success(request, _("已停用二次验证。"))
            return redirect("mfa_settings")
    return _settings_page(request, **{f"{prefix}_form": form})


@require_perm("accounts.mfa_reset")
def mfa_reset_list(request: HttpRequest) -> HttpResponse:
    """Users and whether each has a second factor, for the security administrator's reset
    (the accounts may_reset_mfa lets them reset: their area's, no administrator's)."""
    q = (request.GET.get("q") or "").strip()[:50]
    users = (
        User.objects.filter(is_active=True)
        .exclude(role__in=UNMANAGED_ROLES)  # reset on the command line (may_reset_mfa)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            codes_left=Count(
                "recovery_codes", filter=Q(recovery_codes__used_at__isnull=True), distinct=True
            ),
        )
        .order_by("username")
    )
    narrow = doers_of_area(request.user, user_path="")  # their own area's accounts only
    if narrow is not None:
        users = users.filter(narrow)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = paginate(request, users)
    return render(
        request,
        "accounts/mfa_reset_list.html",
        {"page": page, "q": q, "query": query_without_page(request), "mfa_roles": _mfa_roles()},
    )


def _mfa_roles() -> list[str]:
    from django.conf import settings

    return [str(label) for value, label in Role.choices if value in settings.FANGKONG["MFA_ROLES"]]


@require_perm("accounts.mfa_reset")
def mfa_reset(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Reset one user's second factor, with a reason (audited): the security administrator's."""
    target = get_object_or_404(User, pk=pk)
    if not may_reset_mfa(request.user, target):
        # Their own and the administrators' second factors are reset on the server's
        # command line (`fangkong otp reset`).
        raise PermissionDenied
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            had = mfa.mfa_reset(
                user=target,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if had:
                messages.success(
                    request,
                    _("已重置%(user)s的二次验证：其所有登录已结束，下次登录时须重新绑定手机。")
                    % {"user": target},
                )
            else:
                messages.info(request, _("%(user)s未启用二次验证，无需重置。") % {"user": target})
            return redirect("mfa_reset_list")
    return render(
        request,
        "accounts/mfa_reset.html",
        {
            "target": target,
            "form": form,
            "device": mfa.totp_device(target),
            "codes_left": RecoveryCode.objects.filter(user=target, used_at__isnull=True).count(),
        },
    )
