"""People: its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _people_in_scope(user: User) -> int:
    from fangkong.people.selectors import person_list

    return person_list(user=user).count()


def _transfers_pending(user: User) -> int:
    from fangkong.people.selectors import transfers_pending

    return transfers_pending(user=user).count()


MENU = [
    NavItem(_("人员"), "person_list", perm="people.view", order=20),
    NavItem(_("移交申请"), "transfer_list", perm="people.edit", order=21),
    NavItem(_("疑似重复"), "duplicate_list", perm="people.merge", order=22),
]

CARDS = [
    HomeCard(
        title=_("人员查询"),
        text=_("按身份证号、电话、姓名或拼音首字母查找辖区人员"),
        url_name="person_list",
        roles=frozenset({Role.STATION, Role.COMMAND, Role.WORKGROUP}),
        order=50,
        count=_people_in_scope,
    ),
    HomeCard(
        title=_("登记人员"),
        text=_("登记新发现的人员，已登记的同一证件自动合并"),
        url_name="person_create",
        roles=frozenset({Role.STATION, Role.COMMAND}),
        order=55,
    ),
    HomeCard(
        title=_("移交申请"),
        text=_("其他单位申请移交本辖区人员，核实后同意或不同意；本单位发起的申请及结果"),
        url_name="transfer_list",
        roles=frozenset({Role.STATION, Role.COMMAND}),
        order=56,
        count=_transfers_pending,
        tone="warn",
    ),
]
