"""Reference data of the organisation: townships and villages, units, working groups.
Officers (names, phones) are kept on their own pages (/org/officers/), not here. Each is its
area's (AreaAdmin): a county's administrator inside a city keeps to the county's."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fangkong.accounts.admin import AreaAdmin
from fangkong.core.admin import AuditedAdmin
from fangkong.org import services
from fangkong.org.models import Township, Unit, Village, WorkingGroup


class VillageInline(AreaAdmin, admin.TabularInline):
    model = Village
    area_path = "township__code"
    extra = 0


@admin.register(Township)
class TownshipAdmin(AreaAdmin, AuditedAdmin):
    area_path = "code"  # a township's code begins with its county's
    list_display = ["name", "code", "kind", "station"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(AreaAdmin, AuditedAdmin):
    area_path = "township__code"
    list_display = ["name", "township", "kind"]
    list_filter = [("township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(AreaAdmin, AuditedAdmin):
    """Units are made and changed through the org services, as on every other path: the
    area follows the parent (services.unit_placement), a move takes the unit's own units
    along, each change audited there."""

    area_path = "area_code"
    list_display = ["name", "kind", "parent", "path"]
    readonly_fields = ["path"]

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
