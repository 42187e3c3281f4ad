"""Jurisdiction: which records a user may see. One mechanism for every list and detail.

A model declares, per kind of scope, the lookup path from its rows to what scopes them:

    class Person(models.Model):
        jurisdiction = Jurisdiction(unit="township__station", township="township")

and every selector calls `restrict(queryset, user)` (lists) or `get_in_scope(queryset, user,
pk=...)` (details, where a record out of scope is answered exactly like one that does not
exist, so ids cannot be guessed). Apps added later extend a model's paths with `extend()`
instead of writing their own checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from fangkong.accounts import roles

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

M = TypeVar("M", bound=Model)


class Jurisdiction:
    """Lookup paths from a model's rows to the unit, township, checkpoint or user scoping them."""

    # "area": a code field naming the county a record was routed to when nothing else
    # places it (a pushed list's row routed by ID region in a city installation).
    KINDS = ("unit", "township", "checkpoint", "own", "area")

    def __init__(self, *, placed_by: str = "", **paths: str) -> None:
        unknown = set(paths) - set(self.KINDS)
        if unknown:
            raise ValueError(f"unknown jurisdiction kinds: {sorted(unknown)}")
        self.paths: dict[str, list[str]] = {kind: [p] for kind, p in paths.items()}
        # A record one county holds (a case): once this path (its township) is set, it alone
        # says which county's the record is, so no other path shows it to another county.
        self.placed_by = placed_by

    def extend(self, **paths: str) -> None:
        for kind, path in paths.items():
            if kind not in self.KINDS:
                raise ValueError(f"unknown jurisdiction kind: {kind}")
            if path not in self.paths.setdefault(kind, []):
                self.paths[kind].append(path)

    def __get__(self, instance: Any, owner: Any) -> Jurisdiction:
        return self


@dataclass(frozen=True)
class Scope:
    """What a user's role and posting let them see."""

    county: bool = False
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    township_ids: frozenset[int] = field(default_factory=frozenset)
    checkpoint_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    # The area whose records the ids are (a county inside a city installation); '' for a
    # scope that is not an area's (a station, a checkpoint, the whole installation).
    area: str = ""

    def q_for(self, jurisdiction: Jurisdiction) -> Q | None:
        """The filter for a model, or None when the scope reaches none of its rows."""
        q = Q()
        matched = False
        # An area's scope sees a placed record by its place only (Jurisdiction.placed_by).
        placed = jurisdiction.placed_by if self.area else ""
        unplaced = Q(**{f"{placed}__isnull": True}) if placed else Q()
        for kind, values in (
            ("unit", self.unit_ids),
            ("township", self.township_ids),
            ("checkpoint", self.checkpoint_ids),
        ):
            if not values:
                continue
            for path in jurisdiction.paths.get(kind, []):
                q |= Q(**{f"{path}__in": values}) & (Q() if path == placed else unplaced)
                matched = True
        if self.area:
            for path in jurisdiction.paths.get("area", []):
                q |= Q(**{f"{path}__startswith": self.area}) & unplaced
                matched = True
        if self.user_id is not None:
            for path in jurisdiction.paths.get("own", []):
                q |= Q(**{path: self.user_id})
                matched = True
        return q if matched else None

    def narrowed(self, other: Scope) -> Scope:
        """This scope inside an area's (`other`, area_scope): what both cover."""
        if self.county:
            return Scope(
                unit_ids=other.unit_ids,
                township_ids=other.township_ids,
                checkpoint_ids=other.checkpoint_ids,
                user_id=self.user_id,
                area=other.area,
                county=other.county,
            )
        return Scope(
            unit_ids=self.unit_ids & other.unit_ids,
            township_ids=self.township_ids & other.township_ids,
            checkpoint_ids=self.checkpoint_ids & other.checkpoint_ids,
            user_id=self.user_id,
            area=other.area if self.area else "",
        )

    def covers(self, *, unit_id: int | None = None, township_id: int | None = None) -> bool:
        """Whether a record scoped to this unit or township is within the scope (the
        in-memory form of `q_for`, for callers that hold the ids already)."""
        return (
            self.county
            or (unit_id is not None and unit_id in self.unit_ids)
            or (township_id is not None and township_id in self.township_ids)
        )


# Apps that post users somewhere (a checkpoint, a follow-up team) register how to find it.
CheckpointResolver = Any
_checkpoint_resolvers: list[CheckpointResolver] = []
_area_checkpoint_resolvers: list[CheckpointResolver] = []


def register_checkpoint_resolver(fn: CheckpointResolver) -> None:
    """fn(user) -> iterable of checkpoint ids the user is posted to."""
    if fn not in _checkpoint_resolvers:
        _checkpoint_resolvers.append(fn)


def register_area_checkpoint_resolver(fn: CheckpointResolver) -> None:
    """fn(unit_ids) -> iterable of the ids of the checkpoints those units run."""
    if fn not in _area_checkpoint_resolvers:
        _area_checkpoint_resolvers.append(fn)


def user_area(user: User | AnonymousUser) -> str:
    """The area a user belongs to: their unit's, else their township's county, else the
    installation's (org/areas.py)."""
    from fangkong.org.areas import installation_area

    top = installation_area()
    if len(top) >= 6 or not user.is_authenticated:
        return top  # a county installation: every user's area is the county
    area = ""
    if user.unit is not None:
        area = user.unit.area_code
    elif user.township is not None:
        area = user.township.code[:6]
    # A unit of no area is the installation's own; a unit of an area outside it (wrongly
    # set) keeps that area, which holds nothing here: it fails closed, never open.
    return area or top


def area_scope(area: str, *, user_id: int | None = None) -> Scope:
    """What a county-wide view of `area` covers: the whole installation when `area` is its
    area, else the units, townships and checkpoints of that area."""
    from fangkong.org.areas import installation_area
    from fangkong.org.models import Township, Unit

    if installation_area().startswith(area):
        return Scope(county=True, user_id=user_id)
    unit_ids = frozenset(
        Unit.objects.filter(area_code__startswith=area).values_list("pk", flat=True)
    )
    cids: set[int] = set()
    for resolver in _area_checkpoint_resolvers:
        cids.update(resolver(unit_ids))
    return Scope(
        unit_ids=unit_ids,
        township_ids=frozenset(
            Township.objects.filter(code__startswith=area).values_list("pk", flat=True)
        ),
        checkpoint_ids=frozenset(cids),
        user_id=user_id,
        area=area,
    )


def narrow_to_area(user: User | AnonymousUser, requested: str) -> None:
    """Narrow what `user` sees for this request to one area (?area=…: a city's dashboard
    links each county's figures to lists of that county): every list, detail, export and
    API answer read through `restrict`/`restrict_to_area` then holds that area's rows
    only. 403 for an area outside the user's; a code that is no area of the installation
    narrows to nothing (an empty answer, never another county's data)."""
    code = requested.strip()
    if not _area_allowed(user, code):
        user._fangkong_scope = Scope()  # type: ignore[union-attr]
        user._fangkong_area_scope = Scope()  # type: ignore[union-attr]
        return
    if code == user_area(user):
        return
    area = area_scope(code)
    user._fangkong_scope = scope_for(user).narrowed(area)  # type: ignore[union-attr]
    user._fangkong_area_scope = user_area_scope(user).narrowed(area)  # type: ignore[union-attr]


def within_area(
    queryset: QuerySet[M], user: User | AnonymousUser, *, unit_path: str
) -> QuerySet[M]:
    """The rows of the user's area, by the unit each belongs to (officers, units): all of
    them in a county installation or for a user of the installation's own area; a county's
    only for a county's users inside a city (a row of no area is the city's)."""
    return in_area(queryset, user_area(user), unit_path=unit_path)


def in_area(queryset: QuerySet[M], area: str, *, unit_path: str) -> QuerySet[M]:
    """The rows of `area`, by the unit each belongs to: all of them for the installation's
    own area, else those whose unit's area lies in it (`within_area` for a user's)."""
    return coded_in_area(queryset, area, code_path=f"{unit_path}area_code")


def coded_in_area(queryset: QuerySet[M], area: str, *, code_path: str) -> QuerySet[M]:
    """The rows of `area` by a GB/T 2260 code `code_path` leads to (a unit's area, a
    township's code, which begins with its county's): all of them for the installation's
    own area, else those whose code lies in it."""
    from fangkong.org.areas import installation_area

    if area == installation_area():
        return queryset
    return queryset.filter(**{f"{code_path}__startswith": area})


def doers_of_area(user: User | AnonymousUser, *, user_path: str) -> Q | None:
    """The rows done by users of `user`'s area (the audit trail, by its actor), as a filter
    whose `user_path` leads to the user who did each: None (everything) for a user of the
    installation's own area (every user of a county installation); for a county's user
    inside a city, or a city's inside a province, the users who belong to that area — by
    their unit's area, else (no unit) their township's county, as `user_area` places them.
    A row no user did is the installation's: not in the filter."""
    from fangkong.org.areas import installation_area

    area = user_area(user)
    if area == installation_area():
        return None
    return users_of(area, user_path=user_path)


def users_of(area: str, *, user_path: str = "") -> Q:
    """The users who belong to `area`, as `user_area` places them: by their unit's area,
    else (no unit) their township's county."""
    return Q(**{f"{user_path}unit__area_code__startswith": area}) | Q(
        **{f"{user_path}unit__isnull": True, f"{user_path}township__code__startswith": area}
    )


def doer_shown(viewer: User | AnonymousUser, doer: User | None) -> str:
    """Who did something on a record, as `viewer` reads it (a case's timeline): the name of
    a user of the viewer's area (one they may see, as `users_of` places users: the officer
    list and the forms offer the same); for a user of another area (the other side of a
    transfer, another county's deciding officer), their unit, else their township — the
    trail keeps who it was. Reads `doer.unit` and `doer.township`: select them."""
    if doer is None:
        return ""
    if viewer.pk == doer.pk or may_see_area(viewer, user_area(doer)):
        return str(doer)
    return str(doer.unit or doer.township or "")


def unit_area(unit: Any) -> str:
    """The area a record owned by `unit` belongs to (a checkpoint's, a notice sender's):
    its unit's, the installation's for no unit or a unit of no area."""
    from fangkong.org.areas import installation_area

    return (unit.area_code if unit is not None else "") or installation_area()


def may_see_area(user: User | AnonymousUser, area: str) -> bool:
    """Whether `user`'s area holds `area` (a city user: each county of the city)."""
    return area.startswith(user_area(user))


def requested_area(user: User | AnonymousUser, requested: str | None) -> str:
    """The area a request names (?area=…, the dashboard's county rows link with it), else
    the user's own: 404 for a code that is no area of this installation, 403 for an area
    outside the user's (another county's, another city's)."""
    if not requested:
        return user_area(user)
    code = requested.strip()
    if not _area_allowed(user, code):
        raise Http404
    return code


def _area_allowed(user: User | AnonymousUser, code: str) -> bool:
    """The one check of a requested area (?area=…): False for a code that is no area of
    this installation (the caller answers 404 or nothing), 403 for an area outside the
    user's, True for one the user may see."""
    from django.core.exceptions import PermissionDenied

    from fangkong.org.areas import known_area

    if not (code.isdigit() and known_area(code)):
        return False
    if not may_see_area(user, code):
        raise PermissionDenied
    return True


def scope_level(user: User | AnonymousUser) -> str | None:
    """The kind of the user's scope (roles.role_scope); an area-wide role's named by its
    area's level: county, city or province (a city's commander sees the city)."""
    from fangkong.org.areas import level_of

    kind = roles.role_scope(getattr(user, "role", ""))
    if kind == roles.COUNTY:
        return level_of(user_area(user)) or kind
    return kind


def scope_for(user: User | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope()
    cached: Scope | None = getattr(user, "_fangkong_scope", None)
    if cached is not None:
        return cached
    kind = roles.role_scope(user.role)
    scope: Scope
    if kind == roles.COUNTY:
        scope = area_scope(user_area(user), user_id=user.pk)
    elif kind == roles.UNIT:
        scope = Scope(unit_ids=_unit_subtree(user.unit_id), user_id=user.pk)
    elif kind == roles.TOWNSHIP:
        tids = frozenset([user.township_id]) if user.township_id else frozenset()
        scope = Scope(township_ids=tids, user_id=user.pk)
    elif kind == roles.CHECKPOINT:
        cids: set[int] = set()
        for resolver in _checkpoint_resolvers:
            cids.update(resolver(user))
        scope = Scope(checkpoint_ids=frozenset(cids), user_id=user.pk)
    elif kind == roles.OWN:
        scope = Scope(user_id=user.pk)
    else:
        scope = Scope()
    user._fangkong_scope = scope  # type: ignore[attr-defined]
    return scope


def _unit_subtree(unit_id: int | None) -> frozenset[int]:
    if unit_id is None:
        return frozenset()
    from fangkong.org.models import Unit

    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return frozenset()
    return frozenset(Unit.objects.filter(path__startswith=path).values_list("pk", flat=True))


def restrict(
    queryset: QuerySet[M],
    user: User | AnonymousUser,
    *,
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[M]:
    """The rows of `queryset` that `user` may see (by the model's `jurisdiction`, or by
    another declaration of paths, such as who may change a record)."""
    return _within(queryset, scope_for(user), jurisdiction)


def restrict_to_area(
    queryset: QuerySet[M],
    user: User | AnonymousUser,
    *,
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[M]:
    """The rows of `queryset` in the user's area, by the unit (township, checkpoint) owning
    each — the model's `jurisdiction` paths, as `restrict` reads them: for the registers a
    role sees whole whatever its posting (the command's tasks for leaders, welfare for the
    political department), which a county's users inside a city see for their county
    only. Unchanged in a county installation and for a user of the installation's area."""
    return _within(queryset, user_area_scope(user), jurisdiction)


def user_bureau_name(user: User | AnonymousUser) -> str:
    """The bureau a user works for, as the header names it (org.areas.bureau_name of their
    area; kept on the user for the request)."""
    from fangkong.org.areas import bureau_name

    name: str | None = getattr(user, "_fangkong_bureau_name", None)
    if name is None:
        name = bureau_name(user_area(user))
        if user.is_authenticated:
            user._fangkong_bureau_name = name  # type: ignore[attr-defined]
    return name


def user_area_scope(user: User | AnonymousUser) -> Scope:
    """What the user's area covers (kept on the user for the request): the scope of the
    registers' lists and of their summary figures (`within`)."""
    scope: Scope | None = getattr(user, "_fangkong_area_scope", None)
    if scope is None:
        scope = area_scope(user_area(user))
        if user.is_authenticated:
            user._fangkong_area_scope = scope  # type: ignore[attr-defined]
    return scope


def figures_scope(user: User | AnonymousUser) -> Scope | None:
    """The scope of the summary figures a user sees on a register's page: their area's,
    None for the whole installation (nothing to narrow)."""
    scope = user_area_scope(user)
    return None if scope.county else scope


def county_scopes(user: User | AnonymousUser) -> list[tuple[Any, Scope]]:
    """(area, scope) of each area one level below the user's (a city user: each county of
    the city), for the one row per county beside a city's totals; [] for a county's user."""
    from fangkong.org.areas import child_areas

    return [(area, area_scope(area.code)) for area in child_areas(user_area(user))]


def county_table(
    user: User | AnonymousUser, headers: list[Any], values: Callable[[Scope], list[Any]]
) -> dict[str, Any] | None:
    """A register page's table of one row per county below the user's area (`values` of
    each county's scope, under `headers`: includes/by_county.html); None for a county."""
    # Each value beside its header: a phone shows a row as a card of "header value".
    rows = [
        {
            "code": area.code,
            "name": area.name,
            "cells": list(zip(values(scope), headers, strict=True)),
        }
        for area, scope in county_scopes(user)
    ]
    return {"headers": headers, "rows": rows} if rows else None


def within(queryset: QuerySet[M], scope: Scope | None) -> QuerySet[M]:
    """The rows of `queryset` inside `scope` by the model's jurisdiction; all of them for
    None (the installation's figures). For summary figures counted per area: a county's
    totals for its users inside a city, a row per county for the city."""
    return queryset if scope is None else _within(queryset, scope, None)


def _within(queryset: QuerySet[M], scope: Scope, jurisdiction: Jurisdiction | None) -> QuerySet[M]:
    if scope.county:
        return queryset
    if jurisdiction is None:
        jurisdiction = getattr(queryset.model, "jurisdiction", None)
    if jurisdiction is None:
        return queryset.none()
    q = scope.q_for(jurisdiction)
    if q is None:
        return queryset.none()
    # Paths through to-many relations can repeat a row; filter by id to keep rows unique.
    ids = queryset.model._default_manager.filter(q).values("pk")
    return queryset.filter(pk__in=ids)


def get_in_scope(queryset: QuerySet[M], user: User | AnonymousUser, **lookup: Any) -> M:
    """One row the user may see, or 404 whether it is missing or out of their jurisdiction."""
    try:
        return restrict(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def area_choices(form: Any, user: User | AnonymousUser, *, area: str = "") -> None:
    """Narrow a form's choices of units, officers, townships, accounts and records owned by a
    unit (a store) to the user's area, so a county's user inside a city is offered its county's only (and a
    choice outside them is refused as any invalid choice is); `area`: a record's own area
    instead (a checkpoint's roster: the checkpoint's county's officers)."""
    from fangkong.accounts.models import User
    from fangkong.org.areas import installation_area
    from fangkong.org.models import Officer, Township, Unit, WorkingGroup

    area = area or user_area(user)
    for form_field in form.fields.values():
        queryset = getattr(form_field, "queryset", None)
        if queryset is None:
            continue
        if queryset.model in (Unit, WorkingGroup):  # an area of their own (area_code)
            form_field.queryset = in_area(queryset, area, unit_path="")
        elif queryset.model is Township:  # its code begins with its county's
            form_field.queryset = coded_in_area(queryset, area, code_path="code")
        elif queryset.model is Officer:
            form_field.queryset = in_area(queryset, area, unit_path="unit__")
        elif queryset.model is User:  # an account: the area its user belongs to
            if area != installation_area():
                form_field.queryset = queryset.filter(users_of(area))
        elif "unit" in getattr(queryset.model, "jurisdiction", Jurisdiction()).paths:
            form_field.queryset = _within(queryset, area_scope(area), None)


def may_manage_account(actor: AbstractBaseUser | AnonymousUser, target: object) -> bool:
    """Whether `actor` may change `target`'s account inside the application: the admin
    site's user form (names, kind, status: never the role or the posting, may_set_role),
    its password form (a temporary password: accounts.passwords.password_given) and
    deletion. The system administrator's (`accounts.manage`).

    Separation of duties (三权分立): the audit administrator's account, and the audit
    administrator's role, are out of the system administrator's reach — else resetting its
    password, or giving oneself the role, would open the trail the separation keeps from
    them. So are the system and security administrators' accounts (a superuser is a system
    administrator, User.save): an administrator could otherwise make a second administrator
    account and, through it, change their own role, or set the password of the one who
    resets second factors. Such accounts are made and repaired only on the server's command
    line (`fangkong createuser --role admin|security|auditor`, `changepassword`, `fangkong
    otp reset`), which the trail records with the operating-system account. Nobody
    manages their own account here (their own password is the password page's, with the
    old one), and an administrator manages only the accounts of their own area (a
    county's administrator in a city installation: that county's accounts, not the city's
    or another county's)."""
    return _administers(actor, target, "accounts.manage")


def may_set_role(actor: AbstractBaseUser | AnonymousUser, target: object) -> bool:
    """Whether `actor` may set `target`'s role and what places the account (unit, township,
    officer): the security administrator's alone (三权分立: the system administrator makes
    accounts, with no role until given one here), for the accounts of their own area, never
    their own nor any administrator's (audit, system, security: the command line's)."""
    return _administers(actor, target, "accounts.roles")


def may_reset_mfa(actor: AbstractBaseUser | AnonymousUser, target: object) -> bool:
    """Whether `actor` may reset `target`'s second factor (a lost phone): the security
    administrator's alone, for the accounts of their own area, never their own nor any
    administrator's (`fangkong otp reset` on the server is the operator's). Kept from the
    system administrator, who sets passwords: with both, one person could take over an
    account that reads personal data (docs/security.md, the fifth attack)."""
    return _administers(actor, target, "accounts.mfa_reset")


def _administers(actor: AbstractBaseUser | AnonymousUser, target: object, perm: str) -> bool:
    """The one rule of an administrator's reach over another account: the right `perm`, an
    account of their own area, not their own and not an administrator's (UNMANAGED_ROLES)."""
    if not roles.user_can(actor, perm):
        return False
    if getattr(target, "pk", None) == getattr(actor, "pk", None):
        return False
    if getattr(target, "role", "") in roles.UNMANAGED_ROLES:
        return False
    return may_see_area(actor, user_area(target))  # type: ignore[arg-type]


def jurisdiction_change_check(
    by: AbstractBaseUser | AnonymousUser | None, *, field: str, label: Any
) -> None:
    """Refuse a change of what decides who sees people — a township's station, a unit's
    parent and area, an institution's staff — by anyone but the security administrator
    (org.jurisdiction; 三权分立: the system administrator keeps the reference data, not who
    sees whom). `by` None: the server itself (the demo, the command line)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if by is not None and not roles.user_can(by, "org.jurisdiction"):
        raise ValidationError(
            {
                field: [
                    _("%(field)s：变更会改变谁能看到哪些人员，只能由安全管理员变更")
                    % {"field": label}
                ]
            }
        )
