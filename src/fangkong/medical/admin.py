"""Reference data of the medical hand-off: the designated institutions, the townships each
serves, and the accounts of their staff — who see the hand-offs addressed to it, so the
security administrator's to set (JurisdictionFieldsAdmin, services.institution_set_staff)."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from fangkong.accounts.admin import AreaAdmin
from fangkong.accounts.jurisdiction import coded_in_area, user_area
from fangkong.accounts.jurisdiction_admin import JurisdictionFieldsAdmin, moves_jurisdiction
from fangkong.accounts.roles import Role
from fangkong.core.admin import AuditedAdmin
from fangkong.medical import services
from fangkong.medical.models import Designation, MedicalInstitution
from fangkong.org.areas import installation_area


class DesignationInline(AreaAdmin, admin.TabularInline):
    model = Designation
    area_path = "township__code"
    extra = 0


@admin.register(MedicalInstitution)
class MedicalInstitutionAdmin(JurisdictionFieldsAdmin, AreaAdmin, AuditedAdmin):
    """An institution is the area's whose townships it serves, and the area of the
    administrator who added it (its area_code, set when saved): a county's administrator
    lists those, and designates it for the county's townships only. One added and not yet
    designated stays its adder's, never another county's to claim."""

    area_path = "designation__township__code"
    list_display = ["name", "kind", "phone"]
    readonly_fields = ["area_code"]
    filter_horizontal = ["staff"]
    inlines = [DesignationInline]
    # Its staff see its patients' hand-offs: set by the security administrator only, on an
    # institution the system administrator has made.
    jurisdiction_fields = ("staff",)
    placed_only_by_security = ("staff",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "staff" and field is not None:  # the institutions' role's accounts
            field.queryset = field.queryset.filter(role=Role.MEDICAL)
        return field

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
        if change and moves_jurisdiction(request):
            return  # the staff alone, through their service (save_related)
        if not change:
            area = user_area(request.user)
            obj.area_code = "" if area == installation_area() else area
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if not (change and moves_jurisdiction(request)):
            super().save_related(request, form, formsets, change)
            return
        self.keep_unoffered(form)
        services.institution_set_staff(
            institution=form.instance,
            staff=list(form.cleaned_data["staff"]),
            by=request.user,  # type: ignore[arg-type]
        )
