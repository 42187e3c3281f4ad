"""Reference data of the organisation: townships and villages, units, working groups.
Officers (names, phones) are kept on their own pages (/org/officers/), not here."""

from django.contrib import admin

from fangkong.core.admin import AuditedAdmin
from fangkong.org.models import Township, Unit, Village, WorkingGroup


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


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedAdmin):
    list_display = ["code", "leader"]
    filter_horizontal = ["members"]
