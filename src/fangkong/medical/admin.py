"""Reference data of the medical hand-off: the designated institutions, the townships each
serves, and the accounts of their staff."""

from django.contrib import admin

from fangkong.core.admin import AuditedAdmin
from fangkong.medical.models import Designation, MedicalInstitution


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


@admin.register(MedicalInstitution)
class MedicalInstitutionAdmin(AuditedAdmin):
    list_display = ["name", "kind", "phone"]
    filter_horizontal = ["staff"]
    inlines = [DesignationInline]
