from __future__ import annotations

from ninja import Router, Schema

from fangkong.accounts.jurisdiction import scope_level
from fangkong.accounts.requests import AuthedHttpRequest
from fangkong.accounts.roles import role_perms
from fangkong.core.api import errors

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    scope: str | None
    permissions: list[str]


@router.get("/me", response={200: MeOut, **errors(401)}, summary="当前用户")
def me(request: AuthedHttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        name=str(user),
        role=user.role,
        role_label=str(user.get_role_display()),
        scope=scope_level(user),
        permissions=sorted(role_perms(user.role)),
    )
