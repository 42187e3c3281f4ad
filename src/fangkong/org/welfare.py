"""暖警 — officers' family difficulties: reads and writes in one small module of org.

Who sees a case: users with `welfare.view` (the political department), and the leader of
the officer's own unit — a user whose officer has a position ending in 长 (所长, 大队长,
副所长 …) or in 教导员 or 主任, in the same unit as the officer, unless the user is one of
the three administrators. Nobody else, whatever their jurisdiction: a family difficulty is
not a station's business. Inside a city, each only for
the officers of their own area (a county's political department: its county's; the
city's: all of them), by the officer's unit (accounts/jurisdiction.py `restrict_to_area`).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import Jurisdiction, restrict_to_area, within_area
from fangkong.accounts.roles import is_administrator, user_can
from fangkong.core import clock
from fangkong.core.services import model_create, model_update
from fangkong.core.text import prose
from fangkong.org.models import Officer, WelfareCase, WelfareHelp

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

LEADER_SUFFIXES = ("长", "教导员", "主任")
# A case is the area's of the officer's unit.
CASE_AREA = Jurisdiction(unit="officer__unit")


def led_unit_id(user: User | AnonymousUser) -> int | None:
    """The unit the user leads, or None. Never an administrator's (accounts/roles.py
    `is_administrator`): their account may name an officer who heads a unit, but the
    auditor manages nothing and the security administrator does nothing but postings."""
    if not user.is_authenticated or not user.is_active or is_administrator(user):
        return None
    officer = getattr(user, "officer", None)
    if officer is None or not officer.position.endswith(LEADER_SUFFIXES):
        return None
    return int(officer.unit_id)


def welfare_cases_for(user: User | AnonymousUser) -> QuerySet[WelfareCase]:
    qs = WelfareCase.objects.select_related("officer__unit", "follow_up_by")
    if user_can(user, "welfare.view"):
        return restrict_to_area(qs, user, jurisdiction=CASE_AREA)
    unit_id = led_unit_id(user)
    if unit_id is None:
        return qs.none()
    return qs.filter(officer__unit_id=unit_id)


def officers_for(user: User | AnonymousUser) -> QuerySet[Officer]:
    """The officers whose family difficulties the user may record: their area's for the
    political department, their own unit's for a unit's leader, none for anyone else."""
    if user_can(user, "welfare.view"):
        return within_area(Officer.objects.all(), user, unit_path="unit__")
    unit_id = led_unit_id(user)
    if unit_id is None:
        return Officer.objects.none()
    return Officer.objects.filter(unit_id=unit_id)


def can_use_welfare(user: User | AnonymousUser) -> bool:
    return user_can(user, "welfare.view") or led_unit_id(user) is not None


def open_count(user: User | AnonymousUser) -> int:
    return welfare_cases_for(user).filter(solved_at__isnull=True).count()


def fatigue_flags(day: datetime.date) -> dict[int, str]:
    """{officer id: reason} of the officers the duty roster has worn out as of `day`.

    Read from the roster's own rule (checkpoints.selectors), imported here rather than at
    the top: the checkpoints app imports org's models."""
    from fangkong.checkpoints.selectors import fatigue_flags as roster_fatigue

    return {flag.officer.pk: flag.reason for flag in roster_fatigue(day)}


def may_act(user: User | AnonymousUser, officer: Officer) -> bool:
    """Whether `user` may record and follow up `officer`'s family difficulty: the one rule
    of who acts on a case (its writes, and who may be named to follow it up)."""
    return officers_for(user).filter(pk=officer.pk).exists()


def followers_for() -> QuerySet[User]:
    """The accounts one may name to follow a case up (跟进人): active accounts that may act
    on welfare — the political department's (welfare.view) and units' leaders', never the
    three administrators' nor an account with no role. Which officer's case they may follow
    is checked when the case is opened (may_act)."""
    from fangkong.accounts.models import User
    from fangkong.accounts.roles import ADMINISTRATOR_ROLES, ROLE_TABLE, role_perms

    viewers = [role for role in ROLE_TABLE if "welfare.view" in role_perms(role)]
    leaders = Q()
    for suffix in LEADER_SUFFIXES:
        leaders |= Q(officer__position__endswith=suffix)
    return (
        User.objects.filter(is_active=True)
        .exclude(role="")
        .exclude(role__in=ADMINISTRATOR_ROLES)
        .filter(Q(role__in=viewers) | leaders)
    )


def _check_access(user: User, officer: Officer) -> None:
    if user_can(user, "welfare.view"):
        if not may_act(user, officer):
            raise ValidationError(_("只能登记本辖区民警的家庭困难"))
        return
    if led_unit_id(user) != officer.unit_id:
        raise ValidationError(_("只有政工部门和本单位负责人可以登记和跟进民警家庭困难"))


def _check_follower(follower: User | None, officer: Officer) -> None:
    """跟进人: an account that may act on this officer's case (may_act), else refused naming
    the field — not the auditor, the hospital's, an administrator's or a role-less one."""
    if follower is None:
        return
    if not (follower.is_active and may_act(follower, officer)):
        raise ValidationError(
            {
                "follow_up_by": _(
                    "跟进人：只能是政工部门或该民警所在单位负责人的账号，%(name)s不能跟进该民警的家庭困难"
                )
                % {"name": follower}
            }
        )


@transaction.atomic
def welfare_case_open(
    *,
    officer: Officer,
    title: str,
    by: User,
    detail: str = "",
    urgency: str = WelfareCase.Urgency.MEDIUM,
    follow_up_by: User | None = None,
    at: datetime.datetime | None = None,
) -> WelfareCase:
    _check_access(by, officer)
    _check_follower(follow_up_by, officer)
    return model_create(
        model=WelfareCase,
        by=by,
        officer=officer,
        title=prose(title, field="title", label=_("困难事项")),
        detail=detail,
        urgency=urgency,
        follow_up_by=follow_up_by,
        opened_at=at or clock.now(),
        created_by=by,
    )


@transaction.atomic
def welfare_help_record(
    *, case: WelfareCase, text: str, by: User, at: datetime.datetime | None = None
) -> WelfareHelp:
    _check_access(by, case.officer)
    text = prose(text, field="text", label=_("帮扶措施"))
    if not text:
        raise ValidationError({"text": _("帮扶措施不能为空")})
    return model_create(
        model=WelfareHelp, by=by, case=case, text=text, at=at or clock.now(), recorded_by=by
    )


@transaction.atomic
def welfare_case_solve(
    *, case: WelfareCase, by: User, at: datetime.datetime | None = None
) -> WelfareCase:
    _check_access(by, case.officer)
    if case.solved_at is not None:
        raise ValidationError(_("该困难已解决"))
    at = at or clock.now()
    if at < case.opened_at:
        raise ValidationError({"solved_at": _("解决时间不能早于登记时间")})
    case, _changes = model_update(instance=case, by=by, data={"solved_at": at})
    return case
