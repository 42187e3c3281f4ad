from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fangkong.accounts.audit import audit_create, audit_record, diff, snapshot
from fangkong.core.models import KeyArea


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are audited like every other write."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        if change:
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action="update",
                obj=obj,
                changes=diff(before, snapshot(obj)),
            )
        else:
            audit_create(actor=request.user, obj=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action="delete", obj=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)


@admin.register(KeyArea)
class KeyAreaAdmin(AuditedAdmin):
    list_display = ["name", "prefix", "valid_from", "valid_to", "note"]
    search_fields = ["name", "prefix"]
