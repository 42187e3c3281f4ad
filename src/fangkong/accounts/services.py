"""Writes to users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts import roles
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role, role_scope
from fangkong.core.audit import audit_record

if TYPE_CHECKING:
    from fangkong.org.models import Officer, Township, Unit


def posting_check(*, role: str, unit: Unit | None, township: Township | None) -> None:
    """What a role needs to see anything (a station's unit, a township role's township),
    wherever an account is given a role: here, and the admin site's account form."""
    scope = role_scope(role)
    if scope == roles.UNIT and unit is None:
        raise ValidationError({"unit": [_("派出所角色须指定所属单位")]})
    if scope == roles.TOWNSHIP and township is None:
        raise ValidationError({"township": [_("该角色须指定所属乡镇街道")]})


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
) -> User:
    """A new user. `password_hash`: a hash make_password already made of `password` (the
    demo's hundreds of accounts share one password, and one hash costs seconds)."""
    if role and role not in Role.values:
        raise ValidationError({"role": [_("角色无效：%(role)s") % {"role": role}]})
    if officer is not None:
        unit = unit or officer.unit
        display_name = display_name or officer.name
    posting_check(role=role, unit=unit, township=township)
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
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=by, action="create", obj=user, changes={"role": [None, role]})
    return user
