from django.contrib import admin

from fangkong.core.admin import AuditedAdmin
from fangkong.org.models import Officer, Township, Unit, Village, WorkingGroup


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Township)
class TownshipAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "station"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(AuditedAdmin):
    list_display = ["name", "township", "kind"]
    list_filter = ["township"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
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


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ["name", "badge_number", "kind", "unit", "status", "party_member"]
    list_filter = ["kind", "status", "unit"]
    search_fields = ["name", "badge_number", "name_initials"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedAdmin):
    list_display = ["code", "leader"]
    filter_horizontal = ["members"]
