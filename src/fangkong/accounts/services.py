"""Writes to users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts import roles
from fangkong.accounts.models import User
from fangkong.accounts.roles import ADMINISTRATOR_ROLES, Role, role_scope
from fangkong.core.audit import audit_record

if TYPE_CHECKING:
    from fangkong.org.models import Officer, Township, Unit


# The kinds of unit (org.Unit.Kind) an account of each role may be posted to: the units
# that do the role's work (DESIGN.md's users). A station's reach is its unit's subtree, so
# posted to the bureau it would be the whole county's, with the station's reveal right and
# no second factor; a county-wide role belongs to the bureau and its offices, not to one
# station; a designated institution's staff are no unit's (their township places them).
# None: no unit at all. A role not listed here places no one (no role).
_BUREAU_LEVEL = frozenset({"bureau", "department"})
POSTED_UNIT_KINDS: dict[str, frozenset[str | None]] = {
    roles.Role.COMMAND: _BUREAU_LEVEL | {None},
    roles.Role.WORKGROUP: _BUREAU_LEVEL | {"traffic", "brigade", None},
    roles.Role.STATION: frozenset({"station"}),
    roles.Role.CHECKPOINT: frozenset({"department", "station", "traffic", "brigade", None}),
    roles.Role.FOLLOWUP: frozenset({"station", None}),
    roles.Role.POLITICAL: _BUREAU_LEVEL | {None},
    roles.Role.LOGISTICS: _BUREAU_LEVEL | {None},
    roles.Role.ADMIN: _BUREAU_LEVEL | {None},
    roles.Role.AUDITOR: _BUREAU_LEVEL | {None},
    roles.Role.SECURITY: _BUREAU_LEVEL | {None},
    roles.Role.MEDICAL: frozenset({None}),
}


def posting_check(*, role: str, unit: Unit | None, township: Township | None) -> None:
    """What a role needs to see anything (a station's unit, a township role's township),
    and a unit of the kind the role belongs to (POSTED_UNIT_KINDS), wherever an account is
    given a role or a unit: here, the admin site's account form, and a unit's change of
    kind (org.services.unit_update)."""
    scope = role_scope(role)
    if scope == roles.UNIT and unit is None:
        raise ValidationError({"unit": [_("派出所角色须指定所属单位")]})
    if scope == roles.TOWNSHIP and township is None:
        raise ValidationError({"township": [_("该角色须指定所属乡镇街道")]})
    kinds = POSTED_UNIT_KINDS.get(role)
    if unit is None or kinds is None or unit.kind in kinds:
        return
    from fangkong.org.models import Unit

    role_label = roles.Role(role).label
    allowed = [str(label) for value, label in Unit.Kind.choices if value in kinds]
    if not allowed:
        message = _(
            "所属单位：%(role)s角色的账号不属于公安机关的单位，请留空（以乡镇街道定所属区划）"
        ) % {"role": role_label}
    else:
        message = _("所属单位：%(role)s角色的账号须属于%(kinds)s，“%(unit)s”是%(kind)s") % {
            "role": role_label,
            "kinds": "、".join(allowed),
            "unit": unit.name,
            "kind": unit.get_kind_display(),
        }
    raise ValidationError({"unit": [message]})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    by: User | None,
    display_name: str = "",
    kind: str = User.Kind.OFFICER,
    officer: Officer | None = None,
    unit: Unit | None = None,
    township: Township | None = None,
    phone: str = "",
    check_password: bool = True,
    password_hash: str = "",
    temporary: bool = False,
) -> User:
    """A new user. `password_hash`: a hash make_password already made of `password` (the
    demo's hundreds of accounts share one password, and one hash costs seconds).
    `temporary`: the password is the operator's, given to the owner, who chooses their own
    at the first sign-in (`createuser --temporary`; password_change_due)."""
    if role and role not in Role.values:
        raise ValidationError({"role": [_("角色无效：%(role)s") % {"role": role}]})
    if officer is not None:
        unit = unit or officer.unit
        display_name = display_name or officer.name
    posting_check(role=role, unit=unit, township=township)
    if temporary and role in ADMINISTRATOR_ROLES:
        # Their password is the operator's alone (passwords.password_set_on_server): the
        # web would not let them replace a temporary one.
        raise ValidationError(
            {
                "password": [
                    _(
                        "系统管理员、安全管理员、审计管理员的密码只在服务器上设置和修改，"
                        "不能是临时密码：请直接设置本人的密码。"
                    )
                ]
            }
        )
    user = User(
        username=username.strip(),
        role=role,
        display_name=display_name,
        kind=kind,
        officer=officer,
        unit=unit,
        township=township,
        phone=phone,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.password_temporary = temporary
    user.full_clean(exclude=["password"])
    user.save()
    changes: dict[str, list[object]] = {"role": [None, role]}
    if temporary:
        changes["password_temporary"] = [None, True]
    audit_record(actor=by, action="create", obj=user, changes=changes)
    return user
