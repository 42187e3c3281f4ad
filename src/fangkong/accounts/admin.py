from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.jurisdiction import (
    area_choices,
    coded_in_area,
    doers_of_area,
    may_manage_account,
    may_see_area,
    may_set_role,
    user_area,
)
from fangkong.accounts.models import User
from fangkong.accounts.passwords import password_given
from fangkong.accounts.roles import assignable_roles, user_can
from fangkong.accounts.services import posting_check
from fangkong.core.admin import AuditedAdmin, KeyAreaAdmin
from fangkong.core.audit import audit_record
from fangkong.core.forms import NamedErrorsForm
from fangkong.core.models import KeyArea
from fangkong.org.areas import area_unit, installation_area

# django-otp registers its TOTP devices in the admin site, secret key and QR code included:
# whoever can open it could copy any officer's authenticator. Devices are managed only
# through the enrolment pages and the audited reset (accounts/mfa.py).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
# Access is decided by each user's role (accounts/roles.py), not by Django's groups and
# per-user permissions: neither is offered here, so nothing grants a right outside the roles.
admin.site.unregister(Group)


def _admin_site_permission(request: HttpRequest) -> bool:
    """The admin site opens to the system administrator's role (which signs in with a
    second factor), not to whoever holds Django's staff flag."""
    user = request.user
    return bool(user.is_active and user_can(user, "admin.site"))


admin.site.has_permission = _admin_site_permission  # type: ignore[method-assign]


class AreaChoices:
    """An admin form's selects of units, townships, officers and accounts offer the
    administrator's own area only (the one rule of a form's choices, area_choices): a row
    made or moved outside it would be one they could not see, with effects there."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        return _in_users_area(field, db_field, request)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return _in_users_area(field, db_field, request)


def _in_users_area(field: Any, db_field: Any, request: HttpRequest) -> Any:
    if field is not None:
        area_choices(SimpleNamespace(fields={db_field.name: field}), request.user)
    return field


class AreaAdmin(AreaChoices):
    """Reference data of an area (a county's townships, villages, units, working groups,
    designated institutions) in the admin site: an administrator lists, opens, changes and
    deletes their own area's rows only (another's is answered as one that does not exist),
    and a row is not made or moved outside it. `area_path` leads from a row to the GB/T 2260
    code whose prefix is its area (a township's code, a unit's area_code: empty is the
    installation's own area)."""

    area_path = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        narrowed = coded_in_area(qs, user_area(request.user), code_path=self.area_path)
        if narrowed is qs or "__" not in self.area_path:
            return narrowed
        # Through a to-many relation (an institution's designations): each row once.
        return qs.filter(pk__in=narrowed.values("pk"))

    def area_of(self, obj: Model) -> str | None:
        """The area a row would belong to; None when the form has not placed it (a required
        select left empty says so itself)."""
        value: Any = obj
        for part in self.area_path.split("__"):
            try:
                value = getattr(value, part)
            except ObjectDoesNotExist:
                return None
        return str(value or "") or installation_area()

    def place(self, obj: Model) -> None:
        """Set what the row's place follows from (a unit's area, from its parent) by the
        rule its service applies; a ValidationError is the form's."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        model_admin, user = self, request.user
        field = self.area_path.split("__")[0]

        class InArea(form):  # type: ignore[misc,valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                try:
                    model_admin.place(self.instance)
                except ValidationError as exc:
                    self.add_error(None, exc)
                    return
                area = model_admin.area_of(self.instance)
                if area is not None and not may_see_area(user, area):
                    self.add_error(
                        field if field in self.fields else None,
                        _("超出本单位管辖区划，不能保存到此区划"),
                    )

        InArea.__module__ = form.__module__  # the admin site's form it extends (core.admin)
        return InArea

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            self.keep_unoffered(form)
        super().save_related(request, form, formsets, change)  # type: ignore[misc]

    def keep_unoffered(self, form: Any) -> None:
        """A many-to-many select offers the area's rows only: those of another area already
        chosen (an institution's staff of two counties) are kept, not dropped."""
        for name, field in form.fields.items():
            if isinstance(field, ModelMultipleChoiceField) and name in form.cleaned_data:
                offered = field.queryset.values("pk")  # type: ignore[union-attr]
                kept = getattr(form.instance, name).exclude(pk__in=offered)
                form.cleaned_data[name] = [*form.cleaned_data[name], *kept]


class InstallationWideAdmin:
    """Reference data of the whole installation (key areas flag people and vehicles in
    every county): every administrator reads it, only one whose area is the installation's
    changes it (in a county installation, every administrator)."""

    def _installations(self, request: HttpRequest) -> bool:
        return user_area(request.user) == installation_area()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._installations(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._installations(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._installations(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(KeyArea)
class InstallationKeyAreaAdmin(InstallationWideAdmin, KeyAreaAdmin):
    """Key areas (core.admin.KeyAreaAdmin): the installation's reference data."""


class TemporaryPasswordForm(AdminPasswordChangeForm, NamedErrorsForm):
    """The admin site's password page, saying what the password it sets is (password_given);
    its messages name their field, as every form's (core.forms.NamedErrorsForm)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["password1"]
        field.help_text = format_html(
            "<p>{}</p>{}",
            _(
                "这里设置的是临时密码：保存后该账号的所有登录立即结束，本人下次登录时须先改为"
                "自己的密码，才能使用其他功能。"
            ),
            field.help_text,
        )


# What places an account (its rights and what it sees): the security administrator's to set.
POSTING = ["role", "officer", "unit", "township"]


@admin.register(User)
class UserAdmin(AreaChoices, AuditedAdmin, BaseUserAdmin):
    """Accounts. A user's own phone is not shown here (it is personal data, not what an
    account needs); the audit trail is read on its own page (/audit/), not here.

    Separation of duties (三权分立): the system administrator (`accounts.manage`) makes
    accounts — with no role, which gives no right until the security administrator gives
    one — and changes their names, kind, status and password; the security administrator
    (`accounts.roles`) changes the role and the posting (unit, township, officer) and
    nothing else. Neither reaches their own account's role or posting, nor any
    administrator's account (may_manage_account, may_set_role)."""

    change_password_form = TemporaryPasswordForm
    list_display = ["username", "display_name", "role", "unit", "township", "is_active"]
    # The units an account is at, not every unit of the installation (a city's counties').
    list_filter = ["role", "is_active", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "display_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("岗位与管辖"),
            {"fields": ("display_name", "kind", "role", "officer", "unit", "township")},
        ),
        # Django's is_staff and is_superuser follow the role (User.save): not offered.
        (_("状态"), {"fields": ("is_active",)}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    # No role and no posting (POSTING): a new account has none (no right at all, nowhere)
    # until the security administrator gives them; posted ones are no field of the form.
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("姓名与类别（角色和所属单位由安全管理员设定）"),
            {
                "fields": ("display_name", "kind"),
                "description": _(
                    "这里设置的密码是临时密码：本人首次登录时须先改为自己的密码。"
                    "新账号没有角色和所属单位，由安全管理员设定后才有相应权限。"
                ),
            },
        ),
    )

    @staticmethod
    def _sets_roles(request: HttpRequest) -> bool:
        return user_can(request.user, "accounts.roles")

    @staticmethod
    def _manages(request: HttpRequest) -> bool:
        return user_can(request.user, "accounts.manage")

    # Both administrators open the account list (the admin site's own Django permissions
    # are the system administrator's alone: User.save makes them the superuser).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, "admin.site")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_can(request.user, "admin.site")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._sets_roles(request):
            return obj is None or may_set_role(request.user, obj)
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return self._manages(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return self._manages(request) and super().has_delete_permission(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The security administrator's read-only view of an account has no password
        field: shown read-only it would be the stored hash in full."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self._sets_roles(request):
            return fieldsets
        return [
            (name, {**part, "fields": tuple(f for f in part["fields"] if f != "password")})
            for name, part in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        if self._sets_roles(request):  # the role and posting, nothing else
            shown = [f for _name, part in self.fieldsets for f in part["fields"]]
            return [*fields, *(f for f in shown if f not in POSTING and f not in fields)]
        fields += POSTING
        if obj.pk == request.user.pk:
            fields += ["is_active", "kind"]
        return fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """The role given with what it needs (accounts.services.posting_check)."""
        form = super().get_form(request, obj, change=change, **kwargs)

        class Posted(form):  # type: ignore[misc,valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                user = self.instance
                if "role" not in self.fields:  # the role is not this form's to set
                    return
                try:
                    posting_check(role=user.role, unit=user.unit, township=user.township)
                except ValidationError as exc:
                    self.add_error(None, exc)

        Posted.__module__ = form.__module__  # the admin site's form it extends (core.admin)
        return Posted

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """A new account: its password is temporary (password_given: its owner chooses their
        own at the first sign-in); made by an area's administrator (a county's, inside a
        city), it is of that area (its bureau, area_unit), where that area's security
        administrator posts it — the form itself offers no posting."""
        if not change:
            area = user_area(request.user)
            if area != installation_area():
                obj.unit = area_unit(area)
            if obj.has_usable_password():
                password_given(obj, by=request.user)  # type: ignore[arg-type]
        super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest) -> Any:
        """The accounts of the administrator's own area (a county's, inside a city)."""
        qs = super().get_queryset(request)
        narrow = doers_of_area(request.user, user_path="")
        return qs if narrow is None else qs.filter(narrow)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *assignable_roles()]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Setting someone's password from the admin: the system administrator's alone, for
        the accounts may_manage_account lets them change (Django's view asks
        has_change_permission: never an administrator's, a superuser's or their own). The
        password is temporary (password_given: the owner changes it at the next sign-in,
        every session of theirs ends now); audited, in one transaction with the change (the
        admin answers a saved password with a redirect)."""
        if not self._manages(request):
            raise PermissionDenied
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and isinstance(response, HttpResponseRedirect):
                user = User.objects.get(pk=id)
                password_given(user, by=request.user)  # type: ignore[arg-type]
                audit_record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="password",
                    obj=user,
                    changes={"by": [None, "admin"], "password_temporary": [None, True]},
                )
        return response
