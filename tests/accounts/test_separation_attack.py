"""The third black-box attack on a city demo (2026-12-04) took the separation of duties
apart through the admin site: the administrator set Django's superuser flag on a logistics
account, which then opened the admin site without a second factor and made a station
account that revealed a person's full ID number; a second administrator account changed
the first one's role; a county's administrator listed, changed and took over the city
commander's account and moved their own account to the city's bureau. Each path, attacked
as it was."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.idnumber import make_id_number
from fangkong.org.models import Unit
from tests.accounts.test_admin import _change_form
from tests.checkpoints.conftest import Posts
from tests.checkpoints.conftest import posts as posts
from tests.conftest import World, enrol, signed_in
from tests.org.test_levels import PASSWORD, Province, _user, province  # noqa: F401

pytestmark = pytest.mark.django_db


def test_superuser_and_staff_flags_follow_the_role_not_the_form(world: World) -> None:
    admin = world.client("admin")
    target = world.users["logistics"]
    path = f"/admin/accounts/user/{target.pk}/change/"
    data: dict[str, Any] = _change_form(admin, path)
    assert (
        "is_superuser" not in data and 'name="is_superuser"' not in admin.get(path).content.decode()
    )
    admin.post(path, {**data, "is_staff": "on", "is_superuser": "on"})
    target.refresh_from_db()
    assert (target.is_staff, target.is_superuser) == (False, False)
    # The account the attack made this way: the admin site stays shut to it.
    logistics = signed_in(target)
    assert logistics.get("/admin/")["Location"].startswith("/admin/login/")
    assert logistics.get("/admin/accounts/user/add/")["Location"].startswith("/admin/login/")


def test_flags_set_before_this_change_open_nothing(world: World) -> None:
    """An installation where the flags were set by hand (the update a migration clears):
    the admin site asks for the administrator's role, not Django's staff flag."""
    target = world.users["logistics"]
    User.objects.filter(pk=target.pk).update(is_staff=True, is_superuser=True)
    client = signed_in(User.objects.get(pk=target.pk))
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.post(
        "/admin/accounts/user/add/",
        {"username": "bz_station", "password1": "Qw7!zRt5#mLp9x", "password2": "Qw7!zRt5#mLp9x",
         "usable_password": "true", "kind": "officer", "role": "station",
         "unit": world.station_a.pk},
    ).status_code == 302  # fmt: skip
    assert not User.objects.filter(username="bz_station").exists()


def test_an_administrator_cannot_make_or_change_another_administrator(world: World) -> None:
    admin = world.client("admin")
    me = world.users["admin"]
    added = admin.post(
        "/admin/accounts/user/add/",
        {"username": "admin2", "usable_password": "true", "password1": "Ningyang#Safe2020",
         "password2": "Ningyang#Safe2020", "kind": "officer", "role": "admin"},
    )  # fmt: skip
    # Made, but with no role (the security administrator gives roles, never this one).
    assert added.status_code == 302 and User.objects.get(username="admin2").role == ""
    User.objects.filter(username="admin2").delete()
    # A second administrator (made on the command line) cannot change the first one's role,
    # password or second factor.
    before = me.password
    second = _user("admin2", Role.ADMIN)
    enrol(second)
    other = signed_in(second)
    path = f"/admin/accounts/user/{me.pk}/change/"
    assert other.post(path, {"username": me.username, "role": "command"}).status_code == 403
    assert other.post(
        f"/admin/accounts/user/{me.pk}/password/",
        {"password1": "Taken#Over2020", "password2": "Taken#Over2020", "usable_password": "true"},
    ).status_code == 403  # fmt: skip
    assert other.post(f"/account/2fa/reset/{me.pk}/", {"reason": "手机丢失"}).status_code == 403
    me.refresh_from_db()
    assert me.role == Role.ADMIN and me.password == before


def _county_admin(province: Province) -> Client:  # noqa: F811
    user = _user("ningyang_admin", Role.ADMIN, unit=province.counties["370921"].bureau)
    enrol(user)
    province.users["ningyang_admin"] = user
    return signed_in(user)


def test_a_countys_administrator_manages_only_the_countys_accounts(
    province: Province,  # noqa: F811
) -> None:
    admin = _county_admin(province)
    listed = admin.get("/admin/accounts/user/").content.decode()
    assert "ningyang_station" in listed and "ningyang" in listed
    for other in ("taian", "dongping", "jinan", "province"):
        assert f">{other}<" not in listed, other
    city = province.users["taian"]
    # The city commander's account: not found, its password and second factor untouchable.
    assert admin.get(f"/admin/accounts/user/{city.pk}/change/").status_code == 302
    assert admin.post(
        f"/admin/accounts/user/{city.pk}/password/",
        {"password1": "Taken#Over2020", "password2": "Taken#Over2020", "usable_password": "true"},
    ).status_code == 404  # fmt: skip
    assert admin.post(f"/account/2fa/reset/{city.pk}/", {"reason": "手机丢失"}).status_code == 403
    # Nor by the county's security administrator, who resets its own accounts' only.
    security = _user("ningyang_security", Role.SECURITY, unit=province.counties["370921"].bureau)
    enrol(security)
    enrol(city)
    county_security = signed_in(security)
    assert county_security.post(
        f"/account/2fa/reset/{city.pk}/", {"reason": "手机丢失"}
    ).status_code == 403  # fmt: skip
    listed = county_security.get("/account/2fa/reset/").content.decode()
    assert "taian" not in listed and "ningyang_station" in listed
    assert mfa.has_second_factor(city)
    city.refresh_from_db()
    assert city.check_password(PASSWORD)
    # No account made at the city's bureau or another county's: the unit posted is no
    # field of the form (the posting is the security administrator's); the account is of
    # the administrator's county, at its bureau, with no role.
    taian = Unit.objects.get(name="泰安市公安局")
    made = admin.post(
        "/admin/accounts/user/add/",
        {"username": "adm_city_cmd", "usable_password": "true", "password1": "Ningyang#Safe2020",
         "password2": "Ningyang#Safe2020", "kind": "officer", "role": "command",
         "unit": taian.pk},
    )  # fmt: skip
    assert made.status_code == 302
    new = User.objects.get(username="adm_city_cmd")
    assert (new.role, new.unit) == ("", province.counties["370921"].bureau)
    # Nor their own account moved there (what the attack did to see the city).
    me = province.users["ningyang_admin"]
    own = f"/admin/accounts/user/{me.pk}/change/"
    data = _change_form(admin, own)
    assert "unit" not in data
    admin.post(own, {**data, "unit": taian.pk})
    me.refresh_from_db()
    assert me.unit == province.counties["370921"].bureau


def test_the_system_administrator_reads_no_travellers(world: World, posts: Posts) -> None:
    """The attack read names, masked numbers, temperatures, destinations and any car's
    movements in the checkpoint ledger as the administrator, who keeps the checkpoints."""
    from fangkong.checkpoints.models import Passage
    from fangkong.checkpoints.services import OccupantInput, PassageInput, passage_register

    checkpoint = posts.g104
    passage, _created = passage_register(
        data=PassageInput(
            checkpoint=checkpoint, direction="in", vehicle_type="car", plate="鄂A12345",
            occupants=[OccupantInput(name="冯旭帆", id_number=make_id_number("370921", datetime.date(1980, 1, 1), 1, "M"),
                                     temperature="36.1", destination="堽城镇")],
        ),
        by=None,
    )  # fmt: skip
    admin = world.client("admin")
    for path in (
        "/checkpoints/passages/",
        f"/checkpoints/passages/{passage.pk}/",
        "/checkpoints/trajectory/plate/鄂A12345/",
        "/api/v1/passages",
    ):
        assert admin.get(path).status_code == 403, path
    # What they keep stays theirs: the checkpoints, without a way into the ledger.
    page = admin.get("/checkpoints/list/").content.decode()
    assert posts.g104.name in page and "/checkpoints/passages/" not in page
    assert "冯旭帆" not in page
    assert Passage.objects.count() == 1
    # The command centre still reads it.
    assert world.client("command").get(f"/checkpoints/passages/{passage.pk}/").status_code == 200


def test_the_system_administrator_gets_no_ledger_link_from_the_tallies(
    world: World, posts: Posts
) -> None:
    """The tally list (人工清点核对) links each shift to its page of the ledger; the
    administrator (checkpoints.view, not checkpoints.passages) reads the counts and no link."""
    from fangkong.checkpoints.services import shift_get_or_create, shift_tally
    from fangkong.core.clock import work_day

    shift = shift_get_or_create(checkpoint=posts.g104, day=work_day(), slot=0)
    shift_tally(shift=shift, vehicles=5, persons=7, by=world.users["checkpoint"])
    admin = world.client("admin").get("/checkpoints/tallies/")
    page = admin.content.decode()
    assert admin.status_code == 200 and posts.g104.name in page and ">5<" in page
    assert "/checkpoints/passages/" not in page
    # The command centre, who reads the ledger, follows the shift into it.
    command = world.client("command").get("/checkpoints/tallies/").content.decode()
    assert f"/checkpoints/passages/?checkpoint={posts.g104.pk}" in command
