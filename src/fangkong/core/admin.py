"""The admin site: reference data and accounts only, every change audited.

Personal and quarantine data (people, cases, team members, follow-ups, passages, officers'
phones) are not registered here: they have their own pages, which apply jurisdiction,
masking and the audit of every view. tests/accounts/test_admin.py walks every registered
model and fails on a personal field or a ModelAdmin that is not an AuditedAdmin.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import NestedObjects
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_create, audit_record, diff, snapshot

# django-tasks-db registers its task results (arguments, return values, tracebacks: what a
# task worked on, e.g. an import's rows in an error message). Not reference data: a list
# import's progress and problems are on its own page.
with contextlib.suppress(NotRegistered):
    from django_tasks_db.models import DBTaskResult

    admin.site.unregister(DBTaskResult)


def _many_to_many(obj: Model) -> dict[str, list[Any]]:
    """The ids in each many-to-many field (working group members …), for the audit diff."""
    if obj.pk is None:
        return {}
    return {
        f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True))
        for f in obj._meta.many_to_many
    }


def _counted(model: Any, count: int) -> str:
    return _("%(model)s：%(count)d条") % {"model": capfirst(model), "count": count}


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are audited like every other write: add, change (fields, many-to-many
    fields and inline rows), delete, and the bulk "delete selected" action."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """A delete confirmation (one object, or the "delete selected" action's page) names
        no row: what would be deleted, and what protects it, is a count per model
        ("人员：3427条"), never a resident's name. Deletion is refused when protected, as
        before."""
        _rows, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        listed = [_counted(name, count) for name, count in model_count.items()]
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            by_model = Counter(capfirst(o._meta.verbose_name) for o in collector.protected)
            protected = [_counted(name, count) for name, count in by_model.items()]
        return listed, model_count, perms_needed, protected

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        # Read before the form saves them (save_related), compared after.
        request._fangkong_m2m_before = _many_to_many(obj) if change else {}  # type: ignore[attr-defined]
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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_fangkong_m2m_before", {})
        changed = diff(before, _many_to_many(obj))
        if changed:
            audit_record(actor=request.user, action="update", obj=obj, changes=changed)  # type: ignore[arg-type]

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseModelFormSet, change: bool
    ) -> None:
        """Inline rows (a township's villages): each added, changed or deleted row audited."""
        actor = request.user
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=actor, action="delete", obj=obj)  # type: ignore[arg-type]
            obj.delete()
        new = {id(obj) for obj in formset.new_objects}
        for obj in instances:
            if id(obj) in new:
                obj.save()
                audit_create(actor=actor, obj=obj)  # type: ignore[arg-type]
                continue
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
            obj.save()
            changes = diff(before, snapshot(obj))
            audit_record(actor=actor, action="update", obj=obj, changes=changes)  # type: ignore[arg-type]
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action="delete", obj=obj)  # type: ignore[arg-type]
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The changelist's "delete selected": one record per object, in one transaction
        with the deletion (a failed deletion leaves no record of it)."""
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action="delete", obj=obj)  # type: ignore[arg-type]
            super().delete_queryset(request, queryset)


class KeyAreaAdmin(AuditedAdmin):
    """Registered by accounts/admin.py (InstallationWideAdmin): only an administrator of
    the installation's own area changes what flags every county's people."""

    list_display = ["name", "prefix", "valid_from", "valid_to", "note"]
    search_fields = ["name", "prefix"]
