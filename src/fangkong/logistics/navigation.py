"""Logistics (protective supplies): its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _low_stock(user: User) -> int:
    from fangkong.accounts.jurisdiction import figures_scope
    from fangkong.logistics.selectors import low_stock_count

    return low_stock_count(figures_scope(user))


MENU = [
    NavItem(_("防护物资"), "logistics_stock", perm="logistics.view", order=70),
]

CARDS = [
    HomeCard(
        title=_("仓库"),
        text=_("新建仓库，修改仓库名称和所属单位"),
        url_name="logistics_stores",
        roles=frozenset({Role.LOGISTICS}),
        order=18,
    ),
    HomeCard(
        title=_("防护物资库存"),
        text=_("各仓库库存、可用天数和台账"),
        url_name="logistics_stock",
        roles=frozenset({Role.LOGISTICS, Role.COMMAND}),
        order=15,
    ),
    HomeCard(
        title=_("低库存预警"),
        text=_("库存低于预警线的物资"),
        url_name="logistics_low_stock",
        roles=frozenset({Role.LOGISTICS}),
        order=16,
        count=_low_stock,
        tone="danger",
    ),
    HomeCard(
        title=_("接收捐赠"),
        text=_("登记企业和群众捐赠，出具感谢信"),
        url_name="logistics_donations",
        roles=frozenset({Role.LOGISTICS}),
        order=17,
    ),
]
