"""The 四包一 team of a case (one at a time and in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import (
    audit_create,
    audit_create_bulk,
    audit_record,
    diff,
    snapshot,
)
from fangkong.core.conflicts import stale_error
from fangkong.core.phones import parse_phone
from fangkong.core.text import name_error, normalize_text, plain_text_error
from fangkong.quarantine.models import (
    QuarantineCase,
    TeamMember,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User


MEMBER_NAME = cast(int, TeamMember._meta.get_field("name").max_length)


@dataclass
class MemberInput:
    """One of the 四包一: a user with an account, or a name and phone without one."""

    kind: str
    user: User | None = None
    name: str = ""
    phone: str = ""


def _member_values(case: QuarantineCase, data: MemberInput) -> TeamMember:
    errors: dict[str, list[str]] = {}
    label = TeamMember.Kind(data.kind).label if data.kind in TeamMember.Kind.values else ""
    if not label:
        errors["kind"] = [_("职责：取值不在允许范围内")]
    typed = normalize_text(data.name)
    name = typed or (str(data.user) if data.user else "")
    if not name:
        errors[data.kind] = [_("%(kind)s：请选择账号或填写姓名") % {"kind": label}]
    elif typed and (refused := name_error(typed, f"{label}{_('姓名')}", limit=MEMBER_NAME)):
        # A typed name is a person's (core.text.name_error), refused past its field, not cut.
        errors[data.kind] = [refused]
    elif refused := plain_text_error(name, f"{label}{_('姓名')}", name=True):
        errors[data.kind] = [refused]
    phone = ""
    if data.phone.strip():
        try:
            phone = parse_phone(data.phone, field=label + _("电话"))
        except ValidationError as exc:
            errors[data.kind] = exc.messages
    elif data.user is not None:
        phone = data.user.phone
    if errors:
        raise ValidationError(errors)
    return TeamMember(case=case, kind=data.kind, user=data.user, name=name[:30], phone=phone)


def _members_build(teams: list[tuple[QuarantineCase, list[MemberInput]]]) -> list[TeamMember]:
    """Validate every member; one ValidationError naming each bad duty."""
    members = []
    errors: dict[str, list[str]] = {}
    for case, inputs in teams:
        for data in inputs:
            try:
                members.append(_member_values(case, data))
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    errors.setdefault(field, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    return members


@transaction.atomic
def team_assign(
    *,
    case: QuarantineCase,
    by: User,
    members: list[MemberInput],
    expected_version: int | None = None,
) -> list[TeamMember]:
    """Set the 四包一 team of a case: one member per duty; a duty left out keeps its member.
    A change of team is a change of the case: its version moves on."""
    built = _members_build([(case, members)])
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise stale_error()
    # Not case.team_members: a page's case has them prefetched with their (nullable) users,
    # and PostgreSQL cannot lock the nullable side of an outer join.
    current = {m.kind: m for m in TeamMember.objects.filter(case=locked).select_for_update()}
    out = []
    changed = []
    for member in built:
        old = current.get(member.kind)
        changed.append(member.kind)
        if old is not None:
            if (old.user_id, old.name, old.phone) == (member.user_id, member.name, member.phone):
                changed.pop()
                out.append(old)
                continue
            before = snapshot(old, ["user", "name", "phone"])
            old.user, old.name, old.phone = member.user, member.name, member.phone
            old.full_clean()
            old.save(update_fields=["user", "name", "phone"])
            audit_record(
                actor=by,
                action="update",
                obj=old,
                changes=diff(before, snapshot(old, ["user", "name", "phone"])),
            )
            out.append(old)
        else:
            member.full_clean()
            member.save()
            audit_create(actor=by, obj=member)
            out.append(member)
    if changed:
        case.version = locked.version + 1
        QuarantineCase.objects.filter(pk=case.pk).update(
            version=case.version, updated_at=clock.now()
        )
        audit_record(actor=by, action="update", obj=locked, changes={"team": changed})
    return out


@transaction.atomic
def teams_assign_bulk(
    *, teams: list[tuple[QuarantineCase, list[MemberInput]]], by: User | None
) -> list[TeamMember]:
    """team_assign for many new cases at once (cases without a team yet)."""
    members = _members_build(teams)
    TeamMember.objects.bulk_create(members, batch_size=2000)
    audit_create_bulk(actor=by, objs=list(members), describe=lambda m: f"{m.kind} {m.name}")
    return members
