from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.models import AuditEntry, User
from fangkong.core.admin import AuditedAdmin

# django-otp registers its TOTP devices in the admin site, secret key and QR code included:
# whoever can open it could copy any officer's authenticator. Devices are managed only
# through the enrolment pages and the audited reset (accounts/mfa.py).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "unit", "township", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "display_name"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township", "phone")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township")},
        ),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail cannot be edited or deleted from the UI."""

    list_display = ["at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
