from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.models import User
from fangkong.accounts.roles import assignable_roles, may_manage_account
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
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township")},
        ),
    )

    # Separation of duties (accounts.roles.may_manage_account): an audit administrator's
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
            fields += ["role", "is_active", "is_staff", "is_superuser"]
        return fields

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
