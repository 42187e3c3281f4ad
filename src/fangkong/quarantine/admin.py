"""Quarantine records in the admin: for looking things up and correcting reference data.
Cases change status only through the pages (services), so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fangkong.core.admin import AuditedAdmin
from fangkong.quarantine.models import Alert, FollowUp, QuarantineCase, TeamMember


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuarantineCase)
class QuarantineCaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "status", "township", "station", "start_date", "planned_end"]
    list_filter = ["status", "source", "township"]
    list_select_related = ["person", "township", "station"]
    search_fields = ["person__name"]
    raw_id_fields = ["person"]


@admin.register(TeamMember)
class TeamMemberAdmin(AuditedAdmin):
    list_display = ["case", "kind", "name", "phone", "user"]
    list_filter = ["kind"]
    list_select_related = ["case__person", "user"]
    search_fields = ["name"]
    raw_id_fields = ["case", "user"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["case", "day", "slot", "temperature", "at_home", "by"]
    list_filter = ["slot", "at_home"]
    list_select_related = ["case__person", "by"]
    date_hierarchy = "day"


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "detail", "raised_at", "resolved_at"]
    list_filter = ["kind"]
    list_select_related = ["case__person"]
