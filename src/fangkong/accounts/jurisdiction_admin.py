"""The admin site's reference data whose fields decide who sees people: a township's station,
a unit's parent and area, an institution's staff (JurisdictionFieldsAdmin).

三权分立: the system administrator keeps reference data (names, codes, kinds, designations)
but never changes who sees whom, which would hand a station another's residents (the
transfer rule: asked for and accepted, never taken) or an account a hospital's patients;
the security administrator (org.jurisdiction) changes those fields and nothing else, each
through its service (org.services, medical.services), which checks the right again and
audits the change. A field read-only to a user is not in their form: a value posted for it
is ignored, as Django's admin does for every read-only field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from fangkong.accounts.roles import user_can


def moves_jurisdiction(request: HttpRequest) -> bool:
    """Whether the signed-in user changes who sees whom (the security administrator)."""
    return user_can(request.user, "org.jurisdiction")


class JurisdictionFieldsAdmin:
    """A ModelAdmin mixin. `jurisdiction_fields`: the fields that decide who sees people,
    read-only to the system administrator on change (and on add too for those in
    `placed_only_by_security`: a new institution's staff would see its future patients);
    the only fields the security administrator may change, on an existing row, where every
    other field, inline and action is read-only to them. The admin saves a change of them
    through its service (`save_model`/`save_related` of the admin class)."""

    jurisdiction_fields: tuple[str, ...] = ()
    placed_only_by_security: tuple[str, ...] = ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return moves_jurisdiction(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moves_jurisdiction(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return moves_jurisdiction(request) or super().has_change_permission(request, obj)  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if moves_jurisdiction(request):
            if obj is None:
                return fields
            own = [n for n in _editable_fields(self.model) if n not in self.jurisdiction_fields]  # type: ignore[attr-defined]
            return [*fields, *(n for n in own if n not in fields)]
        kept = self.jurisdiction_fields if obj is not None else self.placed_only_by_security
        return [*fields, *(n for n in kept if n not in fields)]

    def get_actions(self, request: HttpRequest) -> Any:
        """No bulk action (delete selected) for the security administrator."""
        if moves_jurisdiction(request):
            return {}
        return super().get_actions(request)  # type: ignore[misc]


def _editable_fields(model: type[Model]) -> list[str]:
    opts = model._meta
    return [
        f.name
        for f in [*opts.concrete_fields, *opts.many_to_many]
        if f.editable and not f.auto_created and f.name != opts.pk.name
    ]
