"""Reference data of the medical hand-off: the designated institutions, the townships each
serves, and the accounts of their staff."""

from typing import Any

from django.contrib import admin

from fangkong.accounts.admin import AreaAdmin
from fangkong.core.admin import AuditedAdmin
from fangkong.medical.models import Designation, MedicalInstitution


class DesignationInline(AreaAdmin, admin.TabularInline):
    model = Designation
    area_path = "township__code"
    extra = 0


@admin.register(MedicalInstitution)
class MedicalInstitutionAdmin(AreaAdmin, AuditedAdmin):
    """An institution is the area's whose townships it serves: a county's administrator
    lists those serving a township of the county and designates it for the county's only."""

    area_path = "designation__township__code"
    list_display = ["name", "kind", "phone"]
    filter_horizontal = ["staff"]
    inlines = [DesignationInline]

    def area_of(self, obj: Any) -> str | None:
        return None  # placed by its designations, whose townships the inline narrows
