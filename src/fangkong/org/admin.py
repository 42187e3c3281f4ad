"""Reference data of the organisation: townships and villages, units, working groups.
Officers (names, phones) are kept on their own pages (/org/officers/), not here. Each is its
area's (AreaAdmin): a county's administrator inside a city keeps to the county's."""

from django.contrib import admin

from fangkong.accounts.admin import AreaAdmin
from fangkong.core.admin import AuditedAdmin
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
    area_path = "area_code"
    list_display = ["name", "kind", "parent", "path"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path:
            old = obj.path
            obj.path = path
            obj.save(update_fields=["path"])
            if old:  # moved: its subtree moves with it
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=obj.pk):
                    child.path = path + child.path[len(old) :]
                    child.save(update_fields=["path"])


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AreaAdmin, AuditedAdmin):
    area_path = "area_code"
    list_display = ["code", "leader"]
    filter_horizontal = ["members"]
