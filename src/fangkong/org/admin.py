"""Reference data of the organisation: townships and villages, units, working groups.
Officers (names, phones) are kept on their own pages (/org/officers/), not here. Each is its
area's (AreaAdmin): a county's administrator inside a city keeps to the county's. What
decides who sees people — a township's station, a unit's parent and area — is the security
administrator's to change (JurisdictionFieldsAdmin), through the org services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fangkong.accounts.admin import AreaAdmin
from fangkong.accounts.jurisdiction_admin import JurisdictionFieldsAdmin, moves_jurisdiction
from fangkong.core.admin import AuditedAdmin
from fangkong.org import services
from fangkong.org.models import Township, Unit, Village, WorkingGroup


class VillageInline(AreaAdmin, admin.TabularInline):
    model = Village
    area_path = "township__code"
    extra = 0


@admin.register(Township)
class TownshipAdmin(JurisdictionFieldsAdmin, AreaAdmin, AuditedAdmin):
    """A township's station is the security administrator's (services.township_set_station:
    its residents and their cases follow it). Its code (GB/T 2260, which places it in its
    county) is fixed once made: a wrong one is deleted while nothing refers to it, and made
    again."""

    area_path = "code"  # a township's code begins with its county's
    list_display = ["name", "code", "kind", "station"]
    inlines = [VillageInline]
    jurisdiction_fields = ("station",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None and "code" not in fields else fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "station" and field is not None:  # the area's stations only
            field.queryset = field.queryset.filter(kind=Unit.Kind.STATION)
        return field

    def place(self, obj: Any) -> None:
        kept = obj.pk and Township.objects.filter(pk=obj.pk, station=obj.station_id).exists()
        if not kept:  # a station given: of the right kind and county (the service's rule)
            services.township_station_check(township=obj, station=obj.station)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and moves_jurisdiction(request):
            services.township_set_station(township=obj, station=obj.station, by=request.user)  # type: ignore[arg-type]
            return
        super().save_model(request, obj, form, change)


@admin.register(Village)
class VillageAdmin(AreaAdmin, AuditedAdmin):
    """A village's township is fixed once made (its people are the township's)."""

    area_path = "township__code"
    list_display = ["name", "township", "kind"]
    list_filter = [("township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "township"] if obj is not None else fields


@admin.register(Unit)
class UnitAdmin(JurisdictionFieldsAdmin, AreaAdmin, AuditedAdmin):
    """Units are made and changed through the org services, as on every other path: the
    area follows the parent (services.unit_placement), a move takes the unit's own units
    along, each change audited there. A move (parent, area) is the security
    administrator's: a station's reach is its subtree."""

    area_path = "area_code"
    list_display = ["name", "kind", "parent", "path"]
    readonly_fields = ["path"]
    jurisdiction_fields = ("parent", "area_code")

    def place(self, obj: Any) -> None:
        area = services.unit_placement(
            unit=obj if obj.pk else None, parent=obj.parent, area_code=obj.area_code
        )
        if obj.pk:
            before = Unit.objects.get(pk=obj.pk)
            if obj.kind != before.kind:
                services.unit_kind_check(unit=before, kind=obj.kind)
        if area != obj.area_code:
            obj.area_code = area
            obj.validate_constraints()  # a name unique in its area: the area now known

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {
            "by": request.user,
            "name": obj.name,
            "kind": obj.kind,
            "parent": obj.parent,
            "short_name": obj.short_name,
            "sort_order": obj.sort_order,
            "area_code": obj.area_code,
        }
        if change:
            unit = services.unit_update(unit=Unit.objects.get(pk=obj.pk), **values)
        else:
            unit = services.unit_create(**values)
        obj.pk, obj.path, obj.area_code = unit.pk, unit.path, unit.area_code


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AreaAdmin, AuditedAdmin):
    area_path = "area_code"
    list_display = ["code", "leader"]
    filter_horizontal = ["members"]
