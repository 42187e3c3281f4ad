"""The person name rule (core.text.name_error) for the names of the staff, not only of the
people they look after (the fifth attack's leftover, docs/security.md "The seventh round"):
an officer's name (org.services, every officer: the officers' page, the demo, the scale
generator), a 四包一 member's typed name (quarantine.services.teams, the verify page and the
bulk assignment) and an account's name (User.clean: the admin site's forms, user_create,
`fangkong createuser`) took "王伟2", "<b>李四</b>" or "\\u202e张三" as typed. Each is refused
now naming its field, as a person's name is, and nothing is saved."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from fangkong.accounts.models import User
from fangkong.accounts.services import user_create
from fangkong.org.models import Officer
from fangkong.org.services import officer_create, officer_update
from fangkong.quarantine.models import TeamMember
from fangkong.quarantine.services import MemberInput, team_assign, teams_assign_bulk
from tests.conftest import PASSWORD, World
from tests.pages import form_data
from tests.quarantine.conftest import Cases, cases

pytestmark = pytest.mark.django_db
__all__ = ["cases"]  # the fixture, imported

# A name as typed, and what is said of it after the field's label.
REFUSED = [
    ("王伟2", "含有非法字符：“2”"),
    ("<b>李四</b>", "含有非法字符：“<”"),
    ("\u202e张三", "含有非法字符：“U+202E”"),
    ('=HYPERLINK("x")', "含有非法字符：“=”"),
    ("9223372036854775808", "含有非法字符：“9”"),
    ("·", "须含有汉字或字母"),
]
REAL = ["阿依古丽·买买提", "Jean-Luc Picard", "O’Brien", "李〇"]


def _shown(page: Any, message: str) -> bool:
    return escape(message) in page.content.decode()


# ---------------------------------------------------------------- officers


@pytest.mark.parametrize(("name", "said"), REFUSED)
def test_the_attack_an_officers_name_is_refused_on_the_page(
    world: World, name: str, said: str
) -> None:
    client = world.client("political")
    data = {"name": name, "badge_number": "371999", "kind": "police", "unit": world.station_a.pk}
    page = client.post("/org/officers/new/", data)
    assert page.status_code == 200 and _shown(page, "姓名" + said)
    assert not Officer.objects.filter(badge_number="371999").exists()
    edit = f"/org/officers/{world.officer_a.pk}/edit/"
    data = {**form_data(client.get(edit).content.decode()), "name": name}
    page = client.post(edit, data)
    assert page.status_code == 200 and _shown(page, "姓名" + said)
    world.officer_a.refresh_from_db()
    assert world.officer_a.name == "王伟"


def test_an_officers_name_is_refused_by_the_service_every_entry_point_calls(world: World) -> None:
    """The demo and the scale generator make officers through officer_create; edits go
    through officer_update."""
    for name, said in REFUSED:
        with pytest.raises(ValidationError) as exc:
            officer_create(
                name=name, badge_number="371998", kind="police", unit=world.station_a, by=None
            )
        assert exc.value.message_dict == {"name": ["姓名" + said]}
        with pytest.raises(ValidationError):
            officer_update(
                officer=world.officer_a, by=world.users["admin"], name=name,
                badge_number="371101", kind="police", unit=world.station_a,
            )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        officer_create(
            name="赵" * 31, badge_number="371998", kind="police", unit=world.station_a, by=None
        )
    assert exc.value.message_dict == {"name": ["姓名过长：最多30个字符"]}
    assert not Officer.objects.filter(badge_number="371998").exists()
    for i, name in enumerate(REAL):
        officer = officer_create(
            name=name, badge_number=f"37199{i}", kind="police", unit=world.station_a, by=None
        )
        assert officer.name == name


# ---------------------------------------------------------------- 四包一 members


@pytest.mark.parametrize(("name", "said"), REFUSED)
def test_the_attack_a_team_members_typed_name_is_refused_on_the_verify_page(
    world: World, cases: Cases, name: str, said: str
) -> None:
    client = world.client("station_a")
    url = f"/cases/{cases.a.pk}/verify/"
    data = {**form_data(client.get(url).content.decode()), "police_name": name}
    page = client.post(url, data)
    assert page.status_code == 200 and _shown(page, "民警姓名" + said)
    assert TeamMember.objects.get(case=cases.a, kind="police").name == "王伟"


def test_a_team_members_name_is_refused_by_every_assignment(world: World, cases: Cases) -> None:
    """One case's team (the verify page) and many cases' at once (the demo's bulk)."""
    by = world.users["station_a"]
    for name, said in REFUSED:
        member = MemberInput(kind="doctor", name=name, phone="13800000009")
        with pytest.raises(ValidationError) as exc:
            team_assign(case=cases.a, by=by, members=[member])
        assert exc.value.message_dict == {"doctor": ["医生姓名" + said]}
        with pytest.raises(ValidationError) as exc:
            teams_assign_bulk(teams=[(cases.b, [member])], by=None)
        assert exc.value.message_dict == {"doctor": ["医生姓名" + said]}
    # Past its field: refused, not cut to 30 characters as before.
    with pytest.raises(ValidationError) as exc:
        team_assign(case=cases.a, by=by, members=[MemberInput(kind="doctor", name="刘" * 31)])
    assert exc.value.message_dict == {"doctor": ["医生姓名过长：最多30个字符"]}
    assert TeamMember.objects.get(case=cases.a, kind="doctor").name == "刘医生"
    assert not TeamMember.objects.filter(case=cases.b).exists()
    # Real names are kept; an account picked for the duty is named by its account.
    team_assign(case=cases.a, by=by, members=[MemberInput(kind="doctor", name="阿依古丽·买买提")])
    team_assign(
        case=cases.a, by=by, members=[MemberInput(kind="police", user=world.users["checkpoint"])]
    )
    names = dict(TeamMember.objects.filter(case=cases.a).values_list("kind", "name"))
    assert names["doctor"] == "阿依古丽·买买提" and names["police"] == "检查站民警"


# ---------------------------------------------------------------- accounts


def _add(client: Client, username: str, display_name: str) -> Any:
    return client.post(
        "/admin/accounts/user/add/",
        {"username": username, "usable_password": "true", "password1": "Ningyang#Safe2020",
         "password2": "Ningyang#Safe2020", "display_name": display_name, "kind": "officer"},
    )  # fmt: skip


def _change_form(client: Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None and value is not False:
            data[form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(("name", "said"), REFUSED)
def test_the_attack_an_accounts_name_is_refused_in_the_admin_site(
    world: World, name: str, said: str
) -> None:
    client = world.client("admin")
    page = _add(client, "newclerk", name)
    assert page.status_code == 200 and _shown(page, "姓名" + said)
    assert not User.objects.filter(username="newclerk").exists()
    target = world.users["logistics"]
    path = f"/admin/accounts/user/{target.pk}/change/"
    page = client.post(path, {**_change_form(client, path), "display_name": name})
    assert page.status_code == 200 and _shown(page, "姓名" + said)
    target.refresh_from_db()
    assert target.display_name == "保障干部"


def test_an_accounts_name_is_refused_by_the_service_and_the_command_line(world: World) -> None:
    for name, said in REFUSED:
        with pytest.raises(ValidationError) as exc:
            user_create(username="clerk9", password=PASSWORD, role="logistics", by=None,
                        display_name=name, check_password=False)  # fmt: skip
        assert exc.value.message_dict == {"display_name": ["姓名" + said]}
        with pytest.raises(CommandError) as cli:
            call_command(
                "createuser", "clerk9", "--role", "logistics", "--name", name,
                "--password", PASSWORD, stdout=io.StringIO(),
            )  # fmt: skip
        assert "姓名" + said in str(cli.value)
    assert not User.objects.filter(username="clerk9").exists()
    for i, name in enumerate(REAL):
        user = user_create(username=f"clerk{i}", password=PASSWORD, role="logistics", by=None,
                           display_name=name, check_password=False)  # fmt: skip
        assert user.display_name == name


def test_a_name_stored_before_the_rule_does_not_block_other_changes(world: World) -> None:
    """The security administrator's form has no name field: an account whose name was
    stored before the rule still gets its role (refused only when the name is changed)."""
    target = world.users["outsider"]
    User.objects.filter(pk=target.pk).update(display_name="旧名1")
    security = world.client("security")
    path = f"/admin/accounts/user/{target.pk}/change/"
    data = {**_change_form(security, path), "role": "logistics"}
    assert security.post(path, data).status_code == 302
    target.refresh_from_db()
    assert (target.role, target.display_name) == ("logistics", "旧名1")
    admin = world.client("admin")
    page = admin.post(path, {**_change_form(admin, path), "display_name": "旧名2"})
    assert _shown(page, "姓名含有非法字符：“2”")
