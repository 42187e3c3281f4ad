"""The command centre's menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role
from fangkong.core.clock import work_day

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _my_open_tasks(user: User) -> int:
    from fangkong.command.filters import TaskFilter
    from fangkong.command.selectors import task_list

    return task_list(user=user, f=TaskFilter(status="open")).count()


def _overdue_tasks(user: User) -> int:

    from fangkong.command.filters import TaskFilter
    from fangkong.command.selectors import task_list

    return task_list(user=user, f=TaskFilter(overdue=work_day())).count()


def _open_problems(user: User) -> int:

    from fangkong.command.selectors import problem_list

    return problem_list(user=user, open_on=work_day()).count()


MENU = [
    NavItem(_("指挥看板"), "dashboard", perm="command.dashboard", order=1),
    NavItem(_("交办任务"), "task_list", perm="command.task.work", order=70),
    NavItem(_("实地检查"), "inspection_list", perm="command.inspect", order=71),
    NavItem(_("问题整改"), "problem_list", perm="command.rectify", order=72),
    NavItem(_("涉疫警情"), "incident_list", perm="command.incident.view", order=73),
]
CARDS = [
    HomeCard(
        title=_("指挥看板"),
        text=_("全县疫情防控当日和累计数据、趋势和工作日报"),
        url_name="dashboard",
        roles=frozenset({Role.COMMAND}),
        order=1,
    ),
    HomeCard(
        title=_("逾期任务"),
        text=_("已过完成时限仍未办结的交办任务"),
        url_name="task_list",
        roles=frozenset({Role.COMMAND}),
        order=2,
        count=_overdue_tasks,
        tone="danger",
    ),
    HomeCard(
        title=_("我的任务"),
        text=_("本工作组、本单位承办的未办结任务：签收、反馈进展和结果"),
        url_name="task_list",
        roles=frozenset({Role.WORKGROUP, Role.STATION}),
        order=1,
        count=_my_open_tasks,
        tone="warn",
    ),
    HomeCard(
        title=_("问题整改"),
        text=_("实地检查发现、尚未整改的问题和薄弱环节"),
        url_name="problem_list",
        roles=frozenset({Role.COMMAND, Role.WORKGROUP, Role.STATION}),
        order=3,
        count=_open_problems,
        tone="warn",
    ),
    HomeCard(
        title=_("涉疫警情"),
        text=_("哄抬物价、造谣传谣等涉疫警情和处置结果"),
        url_name="incident_list",
        roles=frozenset({Role.COMMAND, Role.WORKGROUP, Role.STATION}),
        order=4,
    ),
]
