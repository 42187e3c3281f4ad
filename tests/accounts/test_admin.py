"""The admin site offers reference data and accounts only, and every change made there is
audited — one object, many at once (the "delete selected" action), inline rows, a password."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.test import Client, RequestFactory

from fangkong.accounts.models import User
from fangkong.core.admin import AuditedAdmin
from fangkong.core.models import AuditEntry, KeyArea
from fangkong.org.models import Township, Village
from tests.conftest import World

pytestmark = pytest.mark.django_db

# What marks a field as personal data: its name, or the words of its label.
PERSONAL_NAMES = {
    "id_number",
    "doc_number",
    "phone",
    "address",
    "address_detail",
    "birth_date",
    "temperature",
    "symptoms",
    "travel_history",
    "plate",
    "name_pinyin",
    "name_initials",
    "raw",
}
PERSONAL_WORDS = (
    "姓名",
    "身份证",
    "证件号",
    "电话",
    "手机",
    "住址",
    "体温",
    "症状",
    "出生",
    "车牌",
)
# An account has its holder's name; nothing else personal is shown, not even on accounts.
# A designated hospital's address and switchboard are published, not a person's data.
ALLOWED = {
    "accounts.user": {"display_name"},
    "medical.medicalinstitution": {"address", "phone"},
}


def _is_personal(field: Any) -> bool:
    label = str(getattr(field, "verbose_name", ""))
    return field.name in PERSONAL_NAMES or any(word in label for word in PERSONAL_WORDS)


def _model_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.get_fields() if f.concrete or f.many_to_many]


def _shown(model_admin: Any, model: type[models.Model], request: Any) -> set[str]:
    """The fields an admin page shows or searches: list columns, search, filters, the add
    and change forms (with a real object when there is one)."""
    names = {str(n) for n in model_admin.get_list_display(request) if isinstance(n, str)}
    names |= {n.split("__")[0].lstrip("^=@") for n in model_admin.get_search_fields(request)}
    names |= {n for n in model_admin.get_list_filter(request) if isinstance(n, str)}
    names |= set(flatten_fieldsets(model_admin.get_fieldsets(request, None)))
    obj = model._default_manager.first()
    if obj is not None:
        names |= set(flatten_fieldsets(model_admin.get_fieldsets(request, obj)))
    return names


def test_every_registered_model_is_reference_data_or_an_account_and_audited(
    world: World,
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    problems = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if not isinstance(model_admin, AuditedAdmin):
            problems.append(f"{label}: {type(model_admin).__name__} is not an AuditedAdmin")
        personal = {f.name for f in _model_fields(model) if _is_personal(f)}
        if label not in ALLOWED and personal:
            problems.append(f"{label} holds personal data: {sorted(personal)}")
        shown = _shown(model_admin, model, request) & {f.name for f in _model_fields(model)}
        leaks = {n for n in shown if _is_personal(model._meta.get_field(n))}
        leaks -= ALLOWED.get(label, set())
        if leaks:
            problems.append(f"{label} shows personal fields: {sorted(leaks)}")
        for inline in model_admin.get_inline_instances(request):
            inline_personal = {f.name for f in _model_fields(inline.model) if _is_personal(f)}
            if inline_personal:
                problems.append(f"{label} inline {inline.model._meta.label_lower}: personal")
    assert not problems, "\n".join(problems)
    assert "people.person" not in {m._meta.label_lower for m in admin.site._registry}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/quarantine/quarantinecase/",  # cases with full addresses
        "/admin/quarantine/teammember/",  # team members' phones
        "/admin/quarantine/followup/",  # temperatures
        "/admin/quarantine/alert/",
        "/admin/org/officer/",  # officers' phones
        "/admin/core/auditentry/",  # read on /audit/, with its own right
        "/admin/auth/group/",  # rights come from roles only
    ],
)
def test_personal_and_quarantine_data_are_not_browsable_in_the_admin(
    world: World, path: str
) -> None:
    from tests.quarantine.conftest import quarantined_pair

    quarantined_pair(world)  # a case with a team in the database
    client = world.client("admin")
    assert client.get(path).status_code == 404
    index = client.get("/admin/").content.decode()
    assert "13800000001" not in index and "隔离" not in index


def test_bulk_delete_in_the_admin_is_audited(world: World) -> None:
    villages = [
        Village.objects.create(township=world.township_a, name=f"测试村{i}") for i in range(3)
    ]
    ids = [v.pk for v in villages]
    response = world.client("admin").post(
        "/admin/org/village/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Village.objects.filter(pk__in=ids).exists()
    entries = AuditEntry.objects.filter(action="delete", object_type="org.village")
    assert sorted(int(e.object_id) for e in entries) == ids
    assert {e.actor_id for e in entries} == {world.users["admin"].pk}
    assert {e.object_repr for e in entries} == {"堽城镇测试村0", "堽城镇测试村1", "堽城镇测试村2"}


def _change_form(client: Client, path: str) -> dict[str, Any]:
    """The POST data of an admin change form as the page fills it in (inlines included)."""
    response = client.get(path)
    assert response.status_code == 200
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data


def test_admin_add_change_and_inline_rows_are_audited(world: World) -> None:
    client = world.client("admin")
    added = client.post(
        "/admin/core/keyarea/add/",
        {"name": "测试地区", "prefix": "99", "valid_from": "2020-01-01", "note": ""},
    )
    assert added.status_code == 302
    area = KeyArea.objects.get(prefix="99")
    assert AuditEntry.objects.filter(action="create", object_type="core.keyarea").get().object_id == str(area.pk)  # fmt: skip

    township = Township.objects.get(pk=world.township_a.pk)
    path = f"/admin/org/township/{township.pk}/change/"
    data = _change_form(client, path)
    data["villages-TOTAL_FORMS"] = str(int(data["villages-TOTAL_FORMS"]) + 1)
    new = int(data["villages-TOTAL_FORMS"]) - 1
    data[f"villages-{new}-name"] = "新建村"
    data[f"villages-{new}-kind"] = "village"
    data[f"villages-{new}-township"] = township.pk
    existing = next(k for k, v in data.items() if k.endswith("-name") and v == "东王庄村")
    data[existing] = "东王庄新村"
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    created = Village.objects.get(name="新建村")
    assert AuditEntry.objects.filter(
        action="create", object_type="org.village", object_id=str(created.pk)
    ).exists()
    renamed = AuditEntry.objects.get(
        action="update", object_type="org.village", object_id=str(world.village_a.pk)
    )
    assert renamed.changes["name"] == ["东王庄村", "东王庄新村"]

    data = _change_form(client, path)
    row = next(k for k, v in data.items() if k.endswith("-name") and v == "新建村")
    data[row.replace("-name", "-DELETE")] = "on"
    assert client.post(path, data).status_code == 302
    assert AuditEntry.objects.filter(
        action="delete", object_type="org.village", object_id=str(created.pk)
    ).exists()


def test_working_group_members_changed_in_the_admin_are_audited(world: World) -> None:
    from fangkong.org.models import WorkingGroup

    group = WorkingGroup.objects.create(code=WorkingGroup.Code.values[0], leader=world.officer_a)
    client = world.client("admin")
    path = f"/admin/org/workinggroup/{group.pk}/change/"
    data = _change_form(client, path)
    data["members"] = [world.officer_a.pk, world.officer_b.pk]
    assert client.post(path, data).status_code == 302
    entry = AuditEntry.objects.filter(
        object_type="org.workinggroup", object_id=str(group.pk), action="update"
    ).latest("pk")
    assert entry.changes["members"] == [[], sorted([world.officer_a.pk, world.officer_b.pk])]


def test_passwords_set_in_the_admin_are_audited_and_never_stored_in_the_trail(
    world: World,
) -> None:
    client = world.client("admin")
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Ningyang#Safe2020",
            "password2": "Ningyang#Safe2020",
            "display_name": "新文员",
            "kind": "officer",
            "role": "logistics",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="newclerk")
    created = AuditEntry.objects.get(
        action="create", object_type="accounts.user", object_id=str(user.pk)
    )
    assert created.changes["password"] == [None, "******"]

    target = world.users["station_a"]
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Another#Pass2020",
            "password2": "Another#Pass2020",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="password", object_id=str(target.pk))
    assert entry.actor_id == world.users["admin"].pk
    hashes = set(User.objects.values_list("password", flat=True))
    trail = [str(e.changes) for e in AuditEntry.objects.all()]
    assert not any(h in text for h in hashes for text in trail)
