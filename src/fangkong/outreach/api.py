from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from fangkong.accounts.jurisdiction import figures_scope
from fangkong.accounts.roles import user_can
from fangkong.core.api import errors
from fangkong.outreach import selectors

router = Router(tags=["outreach"])


class PublicityOut(Schema):
    media_by_level: dict[str, int]
    mainstream_reports: int
    popular_posts: int
    pledges: int
    commando_teams: int


@router.get(
    "/outreach/publicity",
    response={200: PublicityOut, **errors(401, 403)},
    summary="宣传报道和党建活动计数",
)
def publicity(request: HttpRequest) -> dict[str, object]:
    if not user_can(request.user, "outreach.view"):
        raise PermissionDenied
    o = selectors.overview(scope=figures_scope(request.user))
    media = dict(o["media"])
    mainstream = media.pop("mainstream")
    return {
        "media_by_level": media,
        "mainstream_reports": mainstream,
        "popular_posts": o["popular_posts"],
        "pledges": o["activities"]["pledge"],
        "commando_teams": o["teams"],
    }
