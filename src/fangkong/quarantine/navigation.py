"""Home quarantine (follow-ups, alerts, cases, pushed lists): its menu entries and home cards, declared as data (registered by its
AppConfig.ready through accounts.navigation.register_navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role
from fangkong.quarantine.imports import navigation as imports

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _open_slots_today(user: User) -> int:
    from fangkong.quarantine import schedule, selectors

    now = schedule.work_now()
    return sum(len(r.due) for r in selectors.due_list(user=user, day=now.date(), now=now))


def _pending(user: User) -> int:
    from fangkong.quarantine.selectors import verify_queue

    return verify_queue(user=user).count()


def _open_alerts(user: User) -> int:
    from fangkong.quarantine.selectors import alert_list

    return alert_list(user=user).count()


def _overdue(user: User) -> int:
    from fangkong.quarantine.selectors import overdue_cases

    return overdue_cases(user=user).count()


def _release_due(user: User) -> int:
    from fangkong.quarantine import schedule
    from fangkong.quarantine.selectors import release_proposed

    return release_proposed(user=user, day=schedule.work_day()).count()


MENU = [
    NavItem(_("今日随访"), "followup_today", roles=frozenset({Role.FOLLOWUP}), order=10),
    NavItem(_("隔离管控"), "case_list", perm="quarantine.view", order=30),
    NavItem(_("预警"), "alert_list", perm="quarantine.view", order=32),
    *imports.MENU,
]

CARDS = [
    # The follow-up worker's day starts here: first on their home page, with the count.
    HomeCard(
        title=_("今日随访"),
        text=_("今日待随访次数：您负责的居家隔离人员上午、下午各随访一次"),
        url_name="followup_today",
        roles=frozenset({Role.FOLLOWUP}),
        order=1,
        count=_open_slots_today,
        tone="warn",
    ),
    HomeCard(
        title=_("待核查"),
        text=_("推送名单、检查站移交的人员，核实后落实管控和“四包一”"),
        url_name="verify_queue",
        roles=frozenset({Role.STATION}),
        order=10,
        count=_pending,
        tone="warn",
    ),
    HomeCard(
        title=_("待处置预警"),
        text=_("发热、有症状、不在家，须立即处置"),
        url_name="alert_list",
        roles=frozenset({Role.STATION, Role.COMMAND}),
        order=11,
        count=_open_alerts,
        tone="danger",
    ),
    HomeCard(
        title=_("随访逾期"),
        text=_("未按时随访的居家隔离人员，按“四包一”人员和乡镇列出"),
        url_name="overdue_list",
        roles=frozenset({Role.STATION, Role.COMMAND}),
        order=12,
        count=_overdue,
        tone="danger",
    ),
    HomeCard(
        title=_("应解除隔离"),
        text=_("隔离满期的人员，确认解除并打印告知书"),
        url_name="release_list",
        roles=frozenset({Role.STATION, Role.COMMAND}),
        order=13,
        count=_release_due,
        tone="ok",
    ),
    HomeCard(
        title=_("隔离管控台账"),
        text=_("按乡镇、派出所、状态、隔离天数筛选和导出"),
        url_name="case_list",
        roles=frozenset({Role.STATION, Role.COMMAND, Role.WORKGROUP}),
        order=14,
    ),
    *imports.CARDS,
]
