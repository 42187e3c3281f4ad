"""Every write to party work, publicity and notices."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import in_area, unit_area, user_area
from fangkong.accounts.models import User
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.moments import past_day_checked
from fangkong.core.services import model_create, model_update, model_update_related
from fangkong.core.text import normalize_text, prose
from fangkong.outreach.models import (
    Activity,
    CommandoTask,
    CommandoTeam,
    MediaReport,
    Notice,
    NoticeReceipt,
    PartyBranch,
    RoleModel,
    SelfMediaPost,
)

if TYPE_CHECKING:
    from fangkong.org.models import Officer, Unit


@transaction.atomic
def branch_create(
    *, unit: Unit, name: str, by: User | None, secretary: Officer | None = None
) -> PartyBranch:
    return model_create(
        model=PartyBranch, by=by, unit=unit, name=normalize_text(name), secretary=secretary
    )


@transaction.atomic
def activity_record(
    *,
    kind: str,
    title: str,
    day: datetime.date,
    unit: Unit,
    by: User | None,
    participants: Sequence[Officer] = (),
    participant_count: int = 0,
    branch: PartyBranch | None = None,
    note: str = "",
) -> Activity:
    past_day_checked(Activity, day)  # an activity held: recorded with who took part
    count = max(participant_count, len(participants))
    if count <= 0:
        raise ValidationError({"participant_count": _("请选择参加人员或填写参加人数")})
    activity = model_create(
        model=Activity,
        by=by,
        kind=kind,
        title=prose(title, field="title", label=_("主题")),
        day=day,
        unit=unit,
        branch=branch,
        participant_count=count,
        note=note,
    )
    if participants:
        activity.participants.set(participants)
    return activity


@dataclass
class CommandoTeamInput:
    """A 突击队 as formed or edited: what the page's form (CommandoTeamForm, its cleaned data
    as it is), the demo and any other caller give team_create and team_update alike."""

    kind: str
    name: str
    unit: Unit
    leader: Officer
    members: Sequence[Officer]
    formed_on: datetime.date


def _team_values(data: CommandoTeamInput) -> tuple[dict[str, Any], set[Officer]]:
    """A team as formed, the one rule of a new team and of an edit: at least one member, the
    leader always one of them. Returns its values and its members."""
    if not data.members:
        raise ValidationError({"members": _("突击队至少要有一名队员")})
    values = {
        "kind": data.kind,
        "name": normalize_text(data.name),
        "unit": data.unit,
        "leader": data.leader,
        "formed_on": data.formed_on,
    }
    return values, {*data.members, data.leader}


@transaction.atomic
def team_create(*, data: CommandoTeamInput, by: User | None) -> CommandoTeam:
    """Form a team (the leader is always one of its members); audited."""
    values, everyone = _team_values(data)
    team = model_create(model=CommandoTeam, by=by, **values)
    team.members.set(everyone)
    return team


@transaction.atomic
def team_update(*, team: CommandoTeam, data: CommandoTeamInput, by: User | None) -> CommandoTeam:
    """Edit a team as it was formed (the leader is always one of its members); audited."""
    values, everyone = _team_values(data)
    team, _changes = model_update_related(
        instance=CommandoTeam.objects.select_for_update().get(pk=team.pk),
        by=by,
        data=values,
        related={"members": everyone},
    )
    return team


@transaction.atomic
def team_task_add(
    *, team: CommandoTeam, day: datetime.date, title: str, by: User | None
) -> CommandoTask:
    return model_create(
        model=CommandoTask,
        by=by,
        team=team,
        day=day,
        title=prose(title, field="title", label=_("任务")),
    )


@transaction.atomic
def media_report_record(
    *,
    title: str,
    outlet: str,
    level: str,
    day: datetime.date,
    by: User | None,
    link: str = "",
    unit: Unit | None = None,
    officer: Officer | None = None,
) -> MediaReport:
    past_day_checked(MediaReport, day)  # a report published
    return model_create(
        model=MediaReport,
        by=by,
        title=prose(title, field="title", label=_("标题")),
        outlet=normalize_text(outlet),
        level=level,
        day=day,
        link=link,
        unit=unit,
        officer=officer,
    )


def _post_values(
    *,
    title: str,
    platform: str,
    day: datetime.date,
    likes: int,
    comments: int,
    link: str,
    unit: Unit | None,
) -> dict[str, Any]:
    """A self-media post's values as recorded, the one rule of a new post and of an edit."""
    past_day_checked(SelfMediaPost, day)  # a post published, with its likes so far
    return {
        "title": prose(title, field="title", label=_("标题")),
        "platform": platform,
        "day": day,
        "likes": likes,
        "comments": comments,
        "link": link,
        "unit": unit,
    }


@transaction.atomic
def post_record(
    *,
    title: str,
    platform: str,
    day: datetime.date,
    by: User | None,
    likes: int = 0,
    comments: int = 0,
    link: str = "",
    unit: Unit | None = None,
) -> SelfMediaPost:
    """A self-media post of a unit's account (a county bureau's inside a city)."""
    values = _post_values(
        title=title, platform=platform, day=day, likes=likes, comments=comments, link=link,
        unit=unit,
    )  # fmt: skip
    return model_create(model=SelfMediaPost, by=by, **values)


@transaction.atomic
def post_update(
    *,
    post: SelfMediaPost,
    title: str,
    platform: str,
    day: datetime.date,
    by: User | None,
    likes: int = 0,
    comments: int = 0,
    link: str = "",
    unit: Unit | None = None,
) -> SelfMediaPost:
    """Edit a self-media post as recorded (title, platform, day, link, counts); audited."""
    values = _post_values(
        title=title, platform=platform, day=day, likes=likes, comments=comments, link=link,
        unit=unit,
    )  # fmt: skip
    post, _changes = model_update(
        instance=SelfMediaPost.objects.select_for_update().get(pk=post.pk), by=by, data=values
    )
    return post


def _role_model_values(
    *, title: str, story: str, day: datetime.date, officers: Sequence[Officer], unit: Unit | None
) -> dict[str, Any]:
    """A role model's values as recorded, the one rule of a new one and of an edit: at least
    one officer."""
    if not officers:
        raise ValidationError({"officers": _("典型须关联至少一名民警")})
    return {
        "title": prose(title, field="title", label=_("标题")),
        "story": story,
        "day": day,
        "unit": unit,
    }


@transaction.atomic
def role_model_record(
    *,
    title: str,
    story: str,
    day: datetime.date,
    officers: Sequence[Officer],
    by: User | None,
    unit: Unit | None = None,
    reports: Sequence[MediaReport] = (),
) -> RoleModel:
    values = _role_model_values(title=title, story=story, day=day, officers=officers, unit=unit)
    model = model_create(model=RoleModel, by=by, **values)
    model.officers.set(officers)
    model.reports.set(reports)
    return model


@transaction.atomic
def role_model_update(
    *,
    role_model: RoleModel,
    title: str,
    story: str,
    day: datetime.date,
    officers: Sequence[Officer],
    by: User | None,
    unit: Unit | None = None,
    reports: Sequence[MediaReport] = (),
) -> RoleModel:
    """Edit a role model as recorded (its officers and reports too); audited."""
    values = _role_model_values(title=title, story=story, day=day, officers=officers, unit=unit)
    role_model, _changes = model_update_related(
        instance=RoleModel.objects.select_for_update().get(pk=role_model.pk),
        by=by,
        data=values,
        related={"officers": officers, "reports": reports},
    )
    return role_model


def notice_recipients(*, to_all: bool, units: Sequence[Unit], area: str) -> list[int]:
    """Officers' active logins of the sender's area; for some units, those posted there or
    in a unit below. (Village cadres and doctors are not the bureau's to instruct.)"""
    qs = User.objects.filter(is_active=True, kind=User.Kind.OFFICER).exclude(role="")
    if to_all:
        qs = in_area(qs, area, unit_path="unit__") | in_area(qs, area, unit_path="officer__unit__")
    else:
        q = Q()
        for unit in units:
            q |= Q(unit__path__startswith=unit.path) | Q(officer__unit__path__startswith=unit.path)
        qs = qs.filter(q)
    return list(qs.values_list("pk", flat=True).distinct())


@transaction.atomic
def notice_publish(
    *,
    kind: str,
    title: str,
    body: str,
    by: User,
    to_all: bool = True,
    units: Sequence[Unit] = (),
    at: datetime.datetime | None = None,
) -> Notice:
    if not to_all and not units:
        raise ValidationError({"units": _("请选择接收单位，或发全体民警")})
    area = user_area(by)
    outside = [u for u in units if not unit_area(u).startswith(area)]
    if outside:
        raise ValidationError(
            {"units": _("只能发给本辖区的单位：%(units)s不在其内") % {"units": outside[0]}}
        )
    notice = model_create(
        model=Notice,
        by=by,
        kind=kind,
        title=prose(title, field="title", label=_("标题")),
        body=body,
        to_all=to_all,
        published_by=by,
        published_at=at or clock.now(),
    )
    if units:
        notice.units.set(units)
    recipients = notice_recipients(to_all=to_all, units=units, area=area)
    NoticeReceipt.objects.bulk_create(NoticeReceipt(notice=notice, user_id=pk) for pk in recipients)
    audit_record(
        actor=by, action="update", obj=notice, changes={"recipients": [0, len(recipients)]}
    )
    return notice


@transaction.atomic
def notice_confirm(
    *, notice: Notice, user: User, at: datetime.datetime | None = None
) -> NoticeReceipt:
    """已阅: the recipient confirms reading; a second confirmation keeps the first time."""
    receipt = NoticeReceipt.objects.select_for_update().filter(notice=notice, user=user).first()
    if receipt is None:
        raise ValidationError(_("您不是该通知的接收人"))
    if receipt.read_at is None:
        receipt.read_at = at or clock.now()
        receipt.save(update_fields=["read_at"])
        audit_record(
            actor=user,
            action="update",
            obj=receipt,
            changes={"read_at": [None, str(receipt.read_at)]},
        )
    return receipt
