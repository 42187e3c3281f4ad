"""The medical hand-off's menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _awaiting(user: User) -> int:
    from fangkong.medical.selectors import handoff_list

    return handoff_list(user=user, state="awaiting").count()


def _unreached(user: User) -> int:
    from fangkong.medical.selectors import link_list

    return link_list(user=user, state="unreached").count()


MENU = [
    NavItem(_("移交医疗"), "handoff_list", perm="medical.view", order=26),
    NavItem(_("密切接触者"), "contact_list", perm="contacts.view", order=27),
]
CARDS = [
    HomeCard(
        title=_("定点医疗机构医务人员"),
        text=_(
            "指定定点医疗机构的医务人员账号：可看到移交本机构的人员（只由安全管理员变更，留痕）"
        ),
        url_name="admin:medical_medicalinstitution_changelist",
        roles=frozenset({Role.SECURITY}),
        order=22,
    ),
    HomeCard(
        title=_("待接收的移交医疗"),
        text=_("检查站、发热预警和随访移交本机构的人员：接收并登记诊断结果"),
        url_name="handoff_list",
        roles=frozenset({Role.MEDICAL}),
        order=1,
        count=_awaiting,
        tone="danger",
    ),
    HomeCard(
        title=_("移交医疗"),
        text=_("移交定点医疗机构的人员、交接单和诊断结果"),
        url_name="handoff_list",
        roles=frozenset({Role.COMMAND, Role.STATION}),
        order=12,
        count=_awaiting,
        tone="warn",
    ),
    HomeCard(
        title=_("密切接触者尚未落实"),
        text=_("疑似、确诊人员的同车、同住人员：转派出所核查，尚未核查到人的"),
        url_name="contact_list",
        roles=frozenset({Role.COMMAND, Role.STATION}),
        order=13,
        count=_unreached,
        tone="danger",
    ),
]
