"""Every write to the organisation: units, officers, working groups, the wartime order."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.jurisdiction import jurisdiction_change_check, user_area, within_area
from fangkong.accounts.services import posting_check
from fangkong.core import clock
from fangkong.core.audit import audit_record, id_runs
from fangkong.core.moments import is_future
from fangkong.core.phones import parse_phone
from fangkong.core.pinyin import name_pinyin
from fangkong.core.services import model_create, model_update
from fangkong.core.text import name_error, normalize_text
from fangkong.org.areas import installation_area
from fangkong.org.models import Officer, Recall, Township, Unit, Village, WartimeOrder, WorkingGroup

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    parent: Unit | None,
    by: User | None,
    short_name: str = "",
    sort_order: int = 0,
    area_code: str | None = None,
) -> Unit:
    """A unit of the bureau; its area (org/areas.py) is its parent's (unit_placement)."""
    area = unit_placement(unit=None, parent=parent, area_code=area_code)
    unit = model_create(
        model=Unit,
        by=by,
        name=normalize_text(name),
        kind=kind,
        parent=parent,
        short_name=short_name,
        sort_order=sort_order,
        area_code=area,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def unit_placement(*, unit: Unit | None, parent: Unit | None, area_code: str | None) -> str:
    """The one rule of a unit's place, for every way a unit is made or moved (the pages,
    the admin site, the demo): the area of a unit under a parent is its parent's (an area
    typed otherwise is refused: left empty, it follows); a unit of no parent (a county's or
    a city's bureau) takes the area given, empty for the installation's own. Nor is a unit
    put under itself or one of its own units."""
    typed = (area_code or "").strip()
    if parent is None:
        _check_area(typed)
        return typed
    if unit is not None and unit.pk is not None and unit.path and parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("上级单位不能是本单位或其下属单位")})
    if typed and typed != parent.area_code:
        raise ValidationError(
            {
                "area_code": _("所属区划须与上级单位相同（%(code)s），可不填")
                % {"code": parent.area_code or _("本系统区划")}
            }
        )
    return parent.area_code


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    by: User | None,
    name: str,
    kind: str,
    parent: Unit | None,
    short_name: str = "",
    sort_order: int = 0,
    area_code: str | None = None,
) -> Unit:
    """Change a unit; moved under another parent, it and its own units take the new
    parent's place (path and area: unit_placement). A move changes who sees what (a
    station's reach is its unit's subtree, an area's users see its units' records): the
    security administrator's alone (jurisdiction_change_check). The units below move in one
    statement, named in one audit entry beside the unit's own."""
    area = unit_placement(unit=unit, parent=parent, area_code=area_code)
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    old_path, old_area = locked.path, locked.area_code
    if locked.parent_id != (parent.pk if parent else None):
        jurisdiction_change_check(by, field="parent", label=_("上级单位"))
    if area != old_area:
        jurisdiction_change_check(by, field="area_code", label=_("所属区划"))
    if kind != locked.kind:
        unit_kind_check(unit=locked, kind=kind)
    path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit, _changes = model_update(
        instance=locked,
        by=by,
        data={
            "name": normalize_text(name),
            "kind": kind,
            "parent": parent,
            "short_name": short_name,
            "sort_order": sort_order,
            "area_code": area,
            "path": path,
        },
    )
    if old_path and (path != old_path or area != old_area):
        below = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk)
        moved = list(below.order_by("path").values_list("pk", "name"))
        if moved:
            below.update(
                path=Concat(
                    Value(path), Substr("path", len(old_path) + 1), output_field=CharField()
                ),
                area_code=area,
            )
            audit_record(
                actor=by,
                action="update",
                obj=unit,
                changes={
                    "units_below": [name for _pk, name in moved],
                    "ids": id_runs([pk for pk, _name in moved]),
                    "path": [old_path, path],
                    "area_code": [old_area, area],
                },
            )
    return unit


def unit_kind_check(*, unit: Unit, kind: str) -> None:
    """A unit's kind changed under the accounts posted to it: each must still be of a role
    that belongs to the new kind (accounts.services.posting_check), else a station's
    account would sit at what is no station (or a county role at a station)."""
    from fangkong.accounts.models import User

    probe = Unit(name=unit.name, kind=kind)
    for role in User.objects.filter(unit=unit).values_list("role", flat=True).distinct():
        try:
            posting_check(role=role, unit=probe, township=None)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "kind": [
                        _(
                            "类别：本单位有账号不能属于“%(kind)s”：%(reason)s；请先由安全管理员调整这些账号"
                        )
                        % {"kind": probe.get_kind_display(), "reason": "；".join(exc.messages)}
                    ]
                }
            ) from exc


def _check_area(area_code: str) -> None:
    if area_code and not area_code.startswith(installation_area()):
        raise ValidationError(
            {
                "area_code": _("所属区划：%(code)s 不在本系统服务的区划 %(top)s 之内")
                % {"code": area_code, "top": installation_area()}
            }
        )


@transaction.atomic
def units_assign_area(
    *, units: Iterable[Unit | WorkingGroup], area_code: str, by: User | None
) -> int:
    """Put units (or working groups) in an area (a county's bureau, its units and its task
    force when a city takes the county in, org/areas.py); each change audited. Returns how
    many changed."""
    _check_area(area_code or "-")
    changed = 0
    for unit in list(units):
        _unit, changes = model_update(instance=unit, by=by, data={"area_code": area_code})
        changed += bool(changes)
    return changed


# Apps whose records name a township's station beside the township (quarantine: a case's
# responsible station) register how they follow it when the township changes hands:
# fn(township=, station=, by=) -> how many records followed.
StationFollower = Callable[..., int]
_station_followers: list[StationFollower] = []


def register_station_follower(fn: StationFollower) -> None:
    if fn not in _station_followers:
        _station_followers.append(fn)


def township_station_check(*, township: Township, station: Unit | None) -> None:
    """A township's station is a station of the township's county (or of no area)."""
    if station is None:
        return
    if station.kind != Unit.Kind.STATION:
        raise ValidationError(
            {
                "station": [
                    _("辖区派出所：须为派出所，“%(unit)s”是%(kind)s")
                    % {"unit": station.name, "kind": station.get_kind_display()}
                ]
            }
        )
    if not township.code.startswith(station.area_code):
        raise ValidationError(
            {"station": [_("辖区派出所：须为本乡镇街道所在县（市、区）的派出所")]}
        )


@transaction.atomic
def township_set_station(*, township: Township, station: Unit | None, by: User | None) -> Township:
    """Hand a township to another station (辖区调整): the security administrator's alone
    (jurisdiction_change_check), never the system administrator's nor a station's — a station
    gets a person only when asked for and accepted (people.services.transfer_decide).

    Its residents follow the township, as an accepted transfer moves a person: the new
    station is in charge of them (a person is their township's station's), and the records
    that name the station beside the township follow in the same transaction (their cases:
    register_station_follower), so no one is left split between two stations and the old
    one keeps nothing of them. Audited: the township's change, and each app's records."""
    jurisdiction_change_check(by, field="station", label=_("辖区派出所"))
    locked = Township.objects.select_for_update().get(pk=township.pk)
    township_station_check(township=locked, station=station)
    if locked.station_id == (station.pk if station else None):
        return locked
    model_update(instance=locked, by=by, data={"station": station})
    for follow in _station_followers:
        follow(township=locked, station=station, by=by)
    return locked


@transaction.atomic
def township_create(
    *, code: str, name: str, kind: str, station: Unit | None, by: User | None
) -> Township:
    township_station_check(township=Township(code=code), station=station)
    return model_create(model=Township, by=by, code=code, name=name, kind=kind, station=station)


@transaction.atomic
def villages_create(
    *, township: Township, names: Iterable[tuple[str, str]], by: User | None
) -> list[Village]:
    """Bulk-create a township's villages and communities ((name, kind) pairs)."""
    villages = [Village(township=township, name=n, kind=k) for n, k in names]
    for v in villages:
        v.full_clean()
    created = Village.objects.bulk_create(villages)
    audit_record(
        actor=by,
        action="create",
        obj=township,
        object_type="org.village",
        changes={"villages": [len(created)]},
    )
    return created


def _officer_values(*, name: str, badge_number: str, phone: str) -> dict[str, str]:
    name = normalize_text(name)
    if not name:
        raise ValidationError({"name": _("姓名不能为空")})
    # A person's name rule (core.text.name_error), before any work that grows with it.
    field = Officer._meta.get_field("name")
    limit = cast(int, field.max_length)
    if refused := name_error(name, field.verbose_name, limit=limit):
        raise ValidationError({"name": [refused]})
    full, initials = name_pinyin(name)
    errors = {}
    normalized_phone = ""
    if phone:
        try:
            normalized_phone = parse_phone(phone, field=_("联系电话"))
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "name_pinyin": full,
        "name_initials": initials,
        "badge_number": normalize_text(badge_number).upper(),
        "phone": normalized_phone,
    }


@transaction.atomic
def officer_create(
    *,
    name: str,
    badge_number: str,
    kind: str,
    unit: Unit,
    by: User | None,
    phone: str = "",
    position: str = "",
    party_member: bool = False,
    status: str = Officer.Status.ON_POST,
) -> Officer:
    values = _officer_values(name=name, badge_number=badge_number, phone=phone)
    return model_create(
        model=Officer,
        by=by,
        kind=kind,
        unit=unit,
        position=position,
        party_member=party_member,
        status=status,
        status_since=clock.now(),
        **values,
    )


@transaction.atomic
def officer_update(
    *,
    officer: Officer,
    by: User,
    name: str,
    badge_number: str,
    kind: str,
    unit: Unit,
    phone: str = "",
    position: str = "",
    party_member: bool = False,
) -> Officer:
    values = _officer_values(name=name, badge_number=badge_number, phone=phone)
    officer, _changes = model_update(
        instance=officer,
        by=by,
        data={
            "kind": kind,
            "unit": unit,
            "position": position,
            "party_member": party_member,
            **values,
        },
    )
    return officer


def officer_reveal(*, officer: Officer, by: User) -> Officer:
    """Record that `by` saw `officer`'s phone in full (org.selectors.officer_revealable says
    who may), as people.services.person_reveal does for a person's."""
    audit_record(actor=by, action="reveal", obj=officer, changes={"fields": ["phone"]})
    return officer


@transaction.atomic
def officer_set_status(*, officer: Officer, status: str, by: User | None) -> Officer:
    officer, _changes = model_update(
        instance=officer, by=by, data={"status": status, "status_since": clock.now()}
    )
    return officer


@transaction.atomic
def working_group_set(
    *,
    code: str,
    leader: Officer | None,
    members: Iterable[Officer],
    duties: str,
    by: User | None,
    area_code: str = "",
) -> WorkingGroup:
    """Create or update a working group of an area (a county of a city; '' the
    installation's own) with its leader, members and duties, all officers of that area."""
    _check_area(area_code)
    members = list(members)
    member_ids = {m.pk for m in members} | ({leader.pk} if leader is not None else set())
    strangers = Officer.objects.filter(pk__in=member_ids).exclude(
        unit__area_code__startswith=area_code
    )
    if strangers:
        raise ValidationError(
            {
                "members": _("成员只能是本区划的警力：%(names)s")
                % {"names": "、".join(o.name for o in strangers)}
            }
        )
    group, created = WorkingGroup.objects.get_or_create(code=code, area_code=area_code)
    before = set(group.members.values_list("pk", flat=True)) if not created else set()
    group, _changes = model_update(instance=group, by=by, data={"leader": leader, "duties": duties})
    group.members.set(member_ids)
    if created or before != member_ids:
        audit_record(
            actor=by,
            action="create" if created else "update",
            obj=group,
            changes={"members": [len(before), len(member_ids)]},
        )
    return group


@transaction.atomic
def wartime_order_issue(
    *, title: str, text: str, effective_at: datetime.datetime, by: User
) -> WartimeOrder:
    """Issue a wartime order (全警停休): every officer on leave is recalled to post.

    Sick officers are not recalled; officers already on post are not listed.
    """
    order = model_create(
        model=WartimeOrder,
        by=by,
        title=normalize_text(title),
        text=text,
        effective_at=effective_at,
        issued_by=by,
        area_code=user_area(by),
    )
    # The issuer's area only: a county's order recalls its own officers, a city's every
    # county's of the city.
    officers = within_area(Officer.objects.select_for_update(), by, unit_path="unit__")
    on_leave = list(officers.filter(status=Officer.Status.ON_LEAVE))
    Recall.objects.bulk_create(
        [Recall(order=order, officer=o, status_before=o.status) for o in on_leave]
    )
    Officer.objects.filter(pk__in=[o.pk for o in on_leave]).update(
        status=Officer.Status.RECALLED, status_since=effective_at
    )
    audit_record(
        actor=by,
        action="update",
        obj=order,
        object_type="org.officer",
        changes={"recalled": [0, len(on_leave)]},
    )
    return order


@transaction.atomic
def recall_report_back(*, recall: Recall, at: datetime.datetime, by: User) -> Recall:
    """Record that a recalled officer reported back to post."""
    if recall.reported_at is not None:
        raise ValidationError(
            _("该民警已于%(at)s报到")
            % {"at": timezone.localtime(recall.reported_at).strftime("%Y-%m-%d %H:%M")}
        )
    if at < recall.order.effective_at:
        raise ValidationError({"reported_at": _("报到时间不能早于命令生效时间")})
    if is_future(at, clock.now()):
        raise ValidationError({"reported_at": _("报到时间不能晚于当前时间")})
    recall, _changes = model_update(instance=recall, by=by, data={"reported_at": at})
    officer_set_status(officer=recall.officer, status=Officer.Status.ON_POST, by=by)
    return recall
