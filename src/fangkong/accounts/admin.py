from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.jurisdiction import area_choices, doers_of_area, may_manage_account
from fangkong.accounts.models import User
from fangkong.accounts.roles import assignable_roles, user_can
from fangkong.core.admin import AuditedAdmin
from fangkong.core.audit import audit_record

# django-otp registers its TOTP devices in the admin site, secret key and QR code included:
# whoever can open it could copy any officer's authenticator. Devices are managed only
# through the enrolment pages and the audited reset (accounts/mfa.py).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
# Access is decided by each user's role (accounts/roles.py), not by Django's groups and
# per-user permissions: neither is offered here, so nothing grants a right outside the roles.
admin.site.unregister(Group)


def _admin_site_permission(request: HttpRequest) -> bool:
    """The admin site opens to the system administrator's role (which signs in with a
    second factor), not to whoever holds Django's staff flag."""
    user = request.user
    return bool(user.is_active and user_can(user, "admin.site"))


admin.site.has_permission = _admin_site_permission  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    """Accounts. A user's own phone is not shown here (it is personal data, not what an
    account needs); the audit trail is read on its own page (/audit/), not here."""

    list_display = ["username", "display_name", "role", "unit", "township", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "display_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township")},
        ),
        # Django's is_staff and is_superuser follow the role (User.save): not offered.
        (_("状态"), {"fields": ("is_active",)}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township")},
        ),
    )

    # Separation of duties (accounts.jurisdiction.may_manage_account): an audit administrator's
    # account is shown here but not changed, deleted or given a password; the role is not
    # offered; and nobody changes their own role or status.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nor their own unit or township: those decide what they see.
            fields += ["role", "is_active", "kind", "officer", "unit", "township"]
        return fields

    def get_queryset(self, request: HttpRequest) -> Any:
        """The accounts of the administrator's own area (a county's, inside a city)."""
        qs = super().get_queryset(request)
        narrow = doers_of_area(request.user, user_path="")
        return qs if narrow is None else qs.filter(narrow)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Units, townships and officers of the administrator's own area only (the one rule
        of a form's choices, area_choices): an account made or moved outside it would be
        one they could not see, with rights there."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            area_choices(SimpleNamespace(fields={db_field.name: field}), request.user)
        return field

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *assignable_roles()]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Setting someone's password from the admin is audited, in one transaction with
        the change (the admin answers a saved password with a redirect)."""
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and isinstance(response, HttpResponseRedirect):
                user = User.objects.get(pk=id)
                audit_record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="password",
                    obj=user,
                    changes={"by": [None, "admin"]},
                )
        return response
