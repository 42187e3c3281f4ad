"""The organisation's units, officers, working groups, wartime orders and welfare: its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _recalled_waiting(user: User) -> int:
    from fangkong.org.models import Officer

    return Officer.objects.filter(status=Officer.Status.RECALLED).count()


def _officers(user: User) -> int:
    from fangkong.org.models import Officer

    return Officer.objects.count()


def _welfare_open(user: User) -> int:
    from fangkong.org.welfare import open_count

    return open_count(user)


EVERYONE_WITH_ORG = frozenset(
    {Role.COMMAND, Role.POLITICAL, Role.WORKGROUP, Role.STATION, Role.LOGISTICS, Role.ADMIN}
)

MENU = [
    NavItem(_("单位"), "unit_list", perm="org.view", order=60),
    NavItem(_("警力"), "officer_list", perm="org.view", order=61),
    NavItem(_("工作组"), "working_group_list", perm="org.view", order=62),
    NavItem(_("战时命令"), "wartime", perm="org.view", order=63),
    NavItem(_("暖警"), "welfare_list", perm="welfare.view", order=64),
]

CARDS = [
    HomeCard(
        title=_("民警家庭困难"),
        text=_("暖警：尚未解决的民警家庭困难"),
        url_name="welfare_list",
        roles=frozenset({Role.POLITICAL, Role.STATION}),
        order=18,
        count=_welfare_open,
        tone="warn",
    ),
    HomeCard(
        title=_("战时命令与归队"),
        text=_("全警停休命令的召回和报到情况"),
        url_name="wartime",
        roles=frozenset({Role.COMMAND, Role.POLITICAL}),
        order=20,
        count=_recalled_waiting,
        tone="warn",
    ),
    HomeCard(
        title=_("工作组"),
        text=_("领导小组和五个工作组的职责与成员"),
        url_name="working_group_list",
        roles=frozenset({Role.COMMAND, Role.WORKGROUP, Role.POLITICAL}),
        order=30,
    ),
    HomeCard(
        title=_("警力"),
        text=_("民警、辅警名册及在岗状态"),
        url_name="officer_list",
        roles=EVERYONE_WITH_ORG,
        order=40,
        count=_officers,
    ),
    HomeCard(
        title=_("单位"),
        text=_("局机关、派出所、交警大队等单位及其警力"),
        url_name="unit_list",
        roles=frozenset({Role.ADMIN, Role.POLITICAL, Role.LOGISTICS}),
        order=45,
    ),
    # What decides who sees people: the security administrator's (JurisdictionFieldsAdmin).
    HomeCard(
        title=_("辖区派出所"),
        text=_(
            "调整乡镇街道的辖区派出所：辖区内的人员及其隔离管控对象随乡镇街道划归新派出所"
            "（只由安全管理员变更，留痕）"
        ),
        url_name="admin:org_township_changelist",
        roles=frozenset({Role.SECURITY}),
        order=20,
    ),
    HomeCard(
        title=_("单位隶属"),
        text=_("调整单位的上级单位和所属区划，下属单位随之调整（只由安全管理员变更，留痕）"),
        url_name="admin:org_unit_changelist",
        roles=frozenset({Role.SECURITY}),
        order=21,
    ),
]
