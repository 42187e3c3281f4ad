"""Checkpoints are kept on their own pages (/checkpoints/, checkpoints.manage). Here only
what decides who reads a checkpoint's registrations — its responsible unit — for the
security administrator alone (JurisdictionFieldsAdmin), through services.checkpoint_update."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fangkong.accounts.admin import AreaAdmin
from fangkong.accounts.jurisdiction_admin import JurisdictionFieldsAdmin, moves_jurisdiction
from fangkong.checkpoints import services
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.admin import AuditedAdmin


@admin.register(Checkpoint)
class CheckpointAdmin(JurisdictionFieldsAdmin, AreaAdmin, AuditedAdmin):
    area_path = "unit__area_code"
    list_display = ["code", "name", "road", "unit"]
    jurisdiction_fields = ("unit",)

    # The security administrator's only: the others keep checkpoints on their own pages.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return moves_jurisdiction(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moves_jurisdiction(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moves_jurisdiction(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.checkpoint_update(checkpoint=obj, by=request.user, unit=obj.unit)  # type: ignore[arg-type]
