"""Checkpoints: its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _on_duty_count(user: User) -> int:
    from fangkong.checkpoints.models import DutyAssignment
    from fangkong.core.clock import now as clock_now

    now = clock_now()
    return DutyAssignment.objects.filter(starts_at__lte=now, ends_at__gt=now).count()


# A checkpoint reads its own registrations (passages, occupants as recorded), not the
# records of the people it registered: no menu entry of people's pages here.
MENU = [
    NavItem(_("通行登记"), "checkpoint_register", perm="checkpoints.register", order=30),
    NavItem(_("卡口台账"), "passage_list", perm="checkpoints.passages", order=32),
    NavItem(_("排班"), "roster_week", perm="checkpoints.roster", order=34),
    NavItem(_("检查站"), "checkpoint_list", perm="checkpoints.view", order=36),
]

CARDS = [
    HomeCard(
        title=_("检查站责任单位"),
        text=_("调整检查站的责任单位：决定哪个单位能看到其登记记录（只由安全管理员变更，留痕）"),
        url_name="admin:checkpoints_checkpoint_changelist",
        roles=frozenset({Role.SECURITY}),
        order=23,
    ),
    HomeCard(
        title=_("维护检查站"),
        text=_("新建检查站，修改道路、位置、车道、启用撤除日期和班次（责任单位由安全管理员调整）"),
        url_name="checkpoint_list",
        roles=frozenset({Role.COMMAND}),
        order=60,
    ),
    HomeCard(
        title=_("登记通行车辆和人员"),
        text=_("录入车牌、乘车人员和体温，系统提示预警和处置建议；可输入旅客扫码登记码"),
        url_name="checkpoint_register",
        roles=frozenset({Role.CHECKPOINT}),
        order=1,
    ),
    HomeCard(
        title=_("检查站排班"),
        text=_("九个检查站三班执勤：安排民警辅警、带班负责人和临时党小组，提示疲劳"),
        url_name="roster_week",
        roles=frozenset({Role.WORKGROUP, Role.COMMAND}),
        order=20,
    ),
    HomeCard(
        title=_("检查站在岗情况"),
        text=_("各检查站当前班次、在岗人员和疲劳提示"),
        url_name="on_duty",
        roles=frozenset({Role.COMMAND, Role.WORKGROUP}),
        order=21,
        count=_on_duty_count,
    ),
    HomeCard(
        title=_("卡口登记台账"),
        text=_("按检查站、日期、班次、处置和预警查看通行记录，导出Excel"),
        url_name="passage_list",
        roles=frozenset({Role.CHECKPOINT, Role.COMMAND, Role.WORKGROUP}),
        order=22,
    ),
]
