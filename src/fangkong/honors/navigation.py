"""Wartime commendations: its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _awaiting_review(user: User) -> int:
    from fangkong.honors.selectors import awaiting_review_count

    return awaiting_review_count(user)


def _awaiting_approval(user: User) -> int:
    from fangkong.honors.selectors import awaiting_approval_count

    return awaiting_approval_count(user)


MENU = [
    NavItem(_("战时表彰"), "honors_list", perm="honors.view", order=75),
]

CARDS = [
    HomeCard(
        title=_("表彰待审核"),
        text=_("快审：各单位上报的战时表彰"),
        url_name="honors_to_review",
        roles=frozenset({Role.POLITICAL}),
        order=10,
        count=_awaiting_review,
        tone="warn",
    ),
    HomeCard(
        title=_("表彰待批准"),
        text=_("快批：政工审核通过的战时表彰"),
        url_name="honors_to_approve",
        roles=frozenset({Role.COMMAND}),
        order=12,
        count=_awaiting_approval,
        tone="warn",
    ),
]
