"""Party building and publicity: its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _unread(user: User) -> int:
    from fangkong.outreach.selectors import unread_count

    return unread_count(user)


MENU = [
    NavItem(_("党建宣传"), "outreach_overview", perm="outreach.view", order=76),
    NavItem(_("通知"), "outreach_notices", order=90),
]

CARDS = [
    HomeCard(
        title=_("通知与防护知识"),
        text=_("未读的通知和防护知识；发布人可查看阅读回执"),
        url_name="outreach_notices",
        roles=frozenset(Role.values) - {Role.FOLLOWUP},
        order=90,
        count=_unread,
        tone="warn",
    ),
    HomeCard(
        title=_("党建与宣传"),
        text=_("宣誓活动、突击队、媒体报道和典型"),
        url_name="outreach_overview",
        roles=frozenset({Role.POLITICAL}),
        order=25,
    ),
    *(
        HomeCard(
            title=title,
            text=text,
            url_name=url_name,
            roles=frozenset({Role.POLITICAL}),
            order=order,
        )
        for order, (title, text, url_name) in enumerate(
            [
                (_("突击队"), _("组建突击队，修改队长、队员和单位"), "outreach_teams"),
                (_("典型"), _("登记和修改先进典型及其事迹、相关报道"), "outreach_role_models"),
                (_("自媒体作品"), _("登记和修改自媒体作品及点赞、留言数"), "outreach_posts"),
            ],
            start=26,
        )
    ),
]
