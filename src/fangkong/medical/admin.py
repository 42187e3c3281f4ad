"""Reference data of the medical hand-off: the designated institutions, the townships each
serves, and the accounts of their staff."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from fangkong.accounts.admin import AreaAdmin
from fangkong.accounts.jurisdiction import coded_in_area, user_area
from fangkong.core.admin import AuditedAdmin
from fangkong.medical.models import Designation, MedicalInstitution
from fangkong.org.areas import installation_area


class DesignationInline(AreaAdmin, admin.TabularInline):
    model = Designation
    area_path = "township__code"
    extra = 0


@admin.register(MedicalInstitution)
class MedicalInstitutionAdmin(AreaAdmin, AuditedAdmin):
    """An institution is the area's whose townships it serves, and the area of the
    administrator who added it (its area_code, set when saved): a county's administrator
    lists those, and designates it for the county's townships only. One added and not yet
    designated stays its adder's, never another county's to claim."""

    area_path = "designation__township__code"
    list_display = ["name", "kind", "phone"]
    readonly_fields = ["area_code"]
    filter_horizontal = ["staff"]
    inlines = [DesignationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        served = super().get_queryset(request)  # by the townships it serves
        everything = MedicalInstitution.objects.all()
        own = coded_in_area(everything, user_area(request.user), code_path="area_code")
        if own is everything:
            return served
        return everything.filter(Q(pk__in=served.values("pk")) | Q(pk__in=own.values("pk")))

    def area_of(self, obj: Any) -> str | None:
        return None  # placed by its designations, whose townships the inline narrows

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            area = user_area(request.user)
            obj.area_code = "" if area == installation_area() else area
        super().save_model(request, obj, form, change)
