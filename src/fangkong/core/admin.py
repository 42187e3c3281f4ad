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
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from fangkong.core import bounds
from fangkong.core.audit import audit_create, audit_record, diff, snapshot
from fangkong.core.forms import name_errors
from fangkong.core.text import check_plain_text

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


def _model_field(form: Any, name: str) -> Any:
    """The model field a ModelForm's field edits; None for a form's own (a new account's
    two passwords)."""
    try:
        return form._meta.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def checked(form_class: Any) -> Any:
    """An admin form (a ModelForm) held to the rules every other entry point applies, for
    every model the admin site edits: each text field of the model refuses a hidden
    character (core.text.check_plain_text: a unit named with U+202E), each date and time
    field a day outside 1900–2100 (core.bounds.check_day: a key area valid to 9999-12-31),
    and every message names its field (core.forms.name_errors)."""

    class Checked(form_class):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                db_field = _model_field(self, name)
                if isinstance(db_field, models.CharField | models.TextField):
                    field.validators.append(check_plain_text)
                elif isinstance(db_field, models.DateField):  # DateTimeField too
                    field.validators.append(bounds.check_day)

        def full_clean(self) -> None:
            # When checked: an inline row's formset adds its foreign key after __init__.
            model_validators = {
                name: db_field.validators
                for name in self.fields
                if (db_field := _model_field(self, name)) is not None
            }
            name_errors(self.fields, validators=model_validators)
            super().full_clean()

    # The form it wraps, by name and module (a form modelform_factory made is Django's).
    Checked.__name__ = Checked.__qualname__ = form_class.__name__
    Checked.__module__ = form_class.__module__
    return Checked


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are audited like every other write: add, change (fields, many-to-many
    fields and inline rows), delete, and the bulk "delete selected" action. Every form it
    shows (the row's, its inline rows', the list's) is `checked`: hidden characters and
    dates out of bounds refused, each message naming its field."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        return checked(super().get_form(request, obj, change=change, **kwargs))

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form = checked(formset.form)
            yield formset, inline

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return checked(super().get_changelist_form(request, **kwargs))

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
