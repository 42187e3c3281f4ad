"""A role is posted to a unit of the kind it belongs to (accounts.services.posting_check,
the fifth attack's MEDIUM finding): a station's account saved at the county bureau would see
the whole county with the station's reveal right and no second factor. Attacked for every
role with a wrong kind, by every path that sets a posting: the security administrator's
account form, the command line's account creation (user_create), and a unit's kind changed
under its accounts."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role, assignable_roles
from fangkong.accounts.services import POSTED_UNIT_KINDS, posting_check, user_create
from fangkong.org import services as org_services
from fangkong.org.models import Unit
from tests.accounts.test_admin import _change_form
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

# For each role, a unit of a kind it does not belong to (from the test county), and the
# message's start.
WRONG: dict[str, tuple[Callable[[World], Unit], str]] = {
    Role.COMMAND: (
        lambda w: w.station_a,
        "所属单位：局领导/指挥中心角色的账号须属于公安局、机关科室",
    ),
    Role.WORKGROUP: (
        lambda w: w.station_a,
        "所属单位：工作组成员角色的账号须属于公安局、机关科室、交警大队、大队",
    ),
    Role.STATION: (
        lambda w: w.bureau,
        "所属单位：派出所角色的账号须属于派出所，“宁阳县公安局”是公安局",
    ),
    Role.CHECKPOINT: (
        lambda w: w.bureau,
        "所属单位：检查站角色的账号须属于机关科室、派出所、交警大队、大队",
    ),
    Role.FOLLOWUP: (
        lambda w: w.command_centre,
        "所属单位：随访人员角色的账号须属于派出所，“指挥中心”是机关科室",
    ),
    Role.POLITICAL: (lambda w: w.station_a, "所属单位：政工角色的账号须属于公安局、机关科室"),
    Role.LOGISTICS: (lambda w: w.station_a, "所属单位：警务保障角色的账号须属于公安局、机关科室"),
    Role.MEDICAL: (lambda w: w.station_a, "所属单位：定点医疗机构角色的账号不属于公安机关的单位"),
    Role.ADMIN: (lambda w: w.station_a, "所属单位：系统管理员角色的账号须属于公安局、机关科室"),
    Role.AUDITOR: (lambda w: w.station_a, "所属单位：审计管理员角色的账号须属于公安局、机关科室"),
    Role.SECURITY: (lambda w: w.station_a, "所属单位：安全管理员角色的账号须属于公安局、机关科室"),
}


def test_every_role_has_the_kinds_it_belongs_to() -> None:
    assert set(POSTED_UNIT_KINDS) == set(Role.values) == set(WRONG)
    assert POSTED_UNIT_KINDS[Role.STATION] == {"station"}  # never none, never the bureau


@pytest.mark.parametrize("role", [value for value, _label in assignable_roles()])
def test_the_security_administrator_posts_no_role_to_a_unit_of_another_kind(
    world: World, role: str
) -> None:
    target = world.users["outsider"]
    security = world.client("security")
    path = f"/admin/accounts/user/{target.pk}/change/"
    data = _change_form(security, path)
    wrong, message = WRONG[role]
    answer = security.post(path, {**data, "role": role, "unit": wrong(world).pk})
    assert answer.status_code == 200, role
    assert message in answer.content.decode(), role
    target.refresh_from_db()
    assert (target.role, target.unit) == ("", None)


def test_the_attack_a_station_at_the_county_bureau_is_refused(world: World) -> None:
    """The fifth attack's request: role=station&unit=<the county bureau>."""
    target = world.users["outsider"]
    security = world.client("security")
    path = f"/admin/accounts/user/{target.pk}/change/"
    data = _change_form(security, path)
    answer = security.post(path, {**data, "role": "station", "unit": world.bureau.pk})
    assert answer.status_code == 200
    assert "派出所角色的账号须属于派出所" in answer.content.decode()
    assert User.objects.get(pk=target.pk).role == ""
    # Posted to a station, it is the station's.
    ok = security.post(path, {**data, "role": "station", "unit": world.station_b.pk})
    assert ok.status_code == 302
    assert User.objects.get(pk=target.pk).unit == world.station_b


@pytest.mark.parametrize("role", list(Role.values))
def test_no_account_is_made_at_a_unit_of_another_kind(world: World, role: str) -> None:
    wrong, message = WRONG[role]
    with pytest.raises(ValidationError) as refused:
        user_create(
            username=f"new_{role}", password=PASSWORD, role=role, by=None,
            check_password=False, unit=wrong(world),
        )  # fmt: skip
    assert refused.value.message_dict["unit"][0].startswith(message), role
    assert not User.objects.filter(username=f"new_{role}").exists()


def test_an_officers_unit_is_the_accounts_posting(world: World) -> None:
    """Given an officer, the account is at the officer's unit: checked like a unit given."""
    with pytest.raises(ValidationError) as refused:
        user_create(
            username="pol_a", password=PASSWORD, role=Role.POLITICAL, by=None,
            check_password=False, officer=world.officer_a,
        )  # fmt: skip
    assert "政工角色的账号须属于公安局、机关科室" in refused.value.message_dict["unit"][0]


def test_the_command_line_refuses_a_wrong_posting(world: World) -> None:
    """`fangkong createuser auditor2 --role auditor --unit 堽城派出所`: refused by name."""
    with pytest.raises(CommandError) as refused:
        call_command(
            "createuser", "auditor2", "--role", "auditor", "--unit", "堽城派出所",
            "--password", "Ningyang#Safe2020", stdout=io.StringIO(),
        )  # fmt: skip
    assert "审计管理员角色的账号须属于公安局、机关科室" in str(refused.value)
    assert not User.objects.filter(username="auditor2").exists()


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.STATION, "station_a"),
        (Role.COMMAND, "bureau"),
        (Role.COMMAND, "command_centre"),
        (Role.WORKGROUP, "bureau"),
        (Role.CHECKPOINT, "station_a"),
        (Role.FOLLOWUP, "station_a"),
        (Role.POLITICAL, "command_centre"),
        (Role.MEDICAL, None),
    ],
)
def test_a_role_at_its_own_kind_of_unit_is_posted(world: World, role: str, unit: Any) -> None:
    posting_check(role=role, unit=getattr(world, unit) if unit else None, township=None)


def test_a_units_kind_is_not_changed_under_its_accounts(world: World) -> None:
    """The other way to put a station's account at what is no station: change the unit."""
    with pytest.raises(ValidationError) as refused:
        org_services.unit_update(
            unit=world.station_a, by=None, name=world.station_a.name, kind=Unit.Kind.BUREAU,
            parent=world.bureau,
        )  # fmt: skip
    assert refused.value.message_dict["kind"][0].startswith("类别：本单位有账号不能属于“公安局”")
    assert Unit.objects.get(pk=world.station_a.pk).kind == Unit.Kind.STATION
    # With no account posted there, the kind changes.
    empty = org_services.unit_create(name="空单位", kind="other", parent=world.bureau, by=None)
    org_services.unit_update(
        unit=empty, by=None, name=empty.name, kind=Unit.Kind.BRIGADE, parent=world.bureau
    )
    assert Unit.objects.get(pk=empty.pk).kind == Unit.Kind.BRIGADE
