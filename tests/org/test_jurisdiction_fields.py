"""What decides who sees people, in the reference data (the fifth attack's HIGH finding): a
township's station, a unit's parent and area, an institution's staff. The system
administrator keeps the reference data but never these (a POST with them changed is
ignored, and their services refuse the system administrator on every path); the security
administrator changes them and nothing else, each through its service, audited. A township
handed to another station takes its residents and their cases along; the old station keeps
nothing of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.checkpoints.services import checkpoint_update
from fangkong.core.models import AuditEntry
from fangkong.medical import services as medical_services
from fangkong.medical.models import Handoff, MedicalInstitution
from fangkong.org import services
from fangkong.org.models import Township, Unit, Village
from fangkong.quarantine.models import QuarantineCase
from fangkong.quarantine.services import case_refer
from tests.accounts.test_admin import _change_form
from tests.conftest import World
from tests.medical.conftest import County
from tests.medical.conftest import county as county
from tests.medical.test_handoffs import _fever, _quarantined

pytestmark = pytest.mark.django_db


def _sees_person(world: World, who: str, pk: int) -> bool:
    client = world.client(who)
    page = client.get(f"/people/{pk}/").status_code
    api = client.get(f"/api/v1/persons/{pk}").status_code
    assert (page == 200) == (api == 200), (page, api)
    return page == 200


def test_the_system_administrator_cannot_hand_a_township_to_another_station(world: World) -> None:
    admin = world.client("admin")
    path = f"/admin/org/township/{world.township_a.pk}/change/"
    page = admin.get(path).content.decode()
    assert 'name="station"' not in page and 'name="code"' not in page and "堽城派出所" in page
    data = _change_form(admin, path)
    assert "station" not in data and "name" in data
    # The attack: another station posted as 辖区派出所 (and a new code): ignored, the rest saved.
    answer = admin.post(
        path, {**data, "station": world.station_b.pk, "code": "370921999", "name": "堽城镇新"}
    )
    assert answer.status_code == 302
    township = Township.objects.get(pk=world.township_a.pk)
    assert (township.station, township.name) == (world.station_a, "堽城镇新")
    assert township.code == world.township_a.code
    assert not _sees_person(world, "station_b", world.person_a.pk)
    assert _sees_person(world, "station_a", world.person_a.pk)
    # Every other path goes through the service, which refuses them too.
    with pytest.raises(ValidationError) as refused:
        services.township_set_station(
            township=township, station=world.station_b, by=world.users["admin"]
        )
    assert refused.value.message_dict["station"] == [
        "辖区派出所：变更会改变谁能看到哪些人员，只能由安全管理员变更"
    ]
    # A station cannot take it either (nor open the admin site).
    assert world.client("station_b").post(path, {"station": world.station_b.pk}).status_code == 302
    with pytest.raises(ValidationError):
        services.township_set_station(
            township=township, station=world.station_b, by=world.users["station_b"]
        )
    assert Township.objects.get(pk=township.pk).station == world.station_a


def test_the_security_administrator_hands_a_township_over_and_its_people_follow(
    world: World,
) -> None:
    case, _ = case_refer(person=world.person_a, source="station", by=world.users["station_a"])
    other = Township.objects.get(pk=world.township_b.pk)
    security = world.client("security")
    assert "辖区派出所" in security.get("/").content.decode()  # reached from their home
    assert security.get("/admin/org/township/").status_code == 200
    path = f"/admin/org/township/{world.township_a.pk}/change/"
    page = security.get(path)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert set(form.fields) == {"station"}  # nothing else is theirs, no village rows
    assert not page.context["inline_admin_formsets"]
    # A unit that is no station: not offered, refused when posted, and by the service
    # (every path) with the field and the rule named.
    assert world.command_centre not in form.fields["station"].queryset
    assert world.station_b in form.fields["station"].queryset
    refused = security.post(path, {"station": world.command_centre.pk})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors["station"]
    with pytest.raises(ValidationError) as wrong:
        services.township_set_station(
            township=world.township_a, station=world.command_centre, by=world.users["security"]
        )
    assert wrong.value.message_dict["station"] == ["辖区派出所：须为派出所，“指挥中心”是机关科室"]
    # Handed to 泗店派出所, with a new name posted beside it: the station only.
    answer = security.post(path, {"station": world.station_b.pk, "name": "改名镇"})
    assert answer.status_code == 302
    township = Township.objects.get(pk=world.township_a.pk)
    assert (township.station, township.name) == (world.station_b, "堽城镇")
    # The residents and their cases followed: the new station sees them, the old nothing.
    assert _sees_person(world, "station_b", world.person_a.pk)
    assert not _sees_person(world, "station_a", world.person_a.pk)
    assert QuarantineCase.objects.get(pk=case.pk).station == world.station_b
    assert world.client("station_b").get(f"/cases/{case.pk}/").status_code == 200
    assert world.client("station_a").get(f"/cases/{case.pk}/").status_code == 404
    assert Township.objects.get(pk=other.pk).station == world.station_b  # untouched
    # Audited: the township's station, and the cases that followed it.
    entry = AuditEntry.objects.get(object_type="org.township", object_id=str(township.pk))
    assert entry.actor_id == world.users["security"].pk
    assert entry.changes["station"] == [world.station_a.pk, world.station_b.pk]
    moved = AuditEntry.objects.get(object_type="quarantine.quarantinecase", action="update")
    assert moved.actor_id == world.users["security"].pk
    assert moved.changes["ids"] == [case.pk] and moved.changes["count"] == 1
    assert moved.changes["station"] == ["堽城派出所", "泗店派出所"]
    # The security administrator adds and deletes nothing here.
    assert security.get("/admin/org/township/add/").status_code == 403
    assert security.post(f"/admin/org/township/{township.pk}/delete/", {"post": "yes"}).status_code == 403  # fmt: skip
    assert security.get(f"/admin/org/village/{world.village_a.pk}/change/").status_code == 403


def test_a_new_township_is_made_with_its_station_by_the_system_administrator(
    world: World,
) -> None:
    """A new township has no one in it yet: the system administrator gives it its station
    when making it (a station of the right kind), and its code and station are fixed to them
    afterwards."""
    admin = world.client("admin")
    base = {"villages-TOTAL_FORMS": "0", "villages-INITIAL_FORMS": "0", "kind": "town"}
    wrong = admin.post(
        "/admin/org/township/add/",
        {**base, "code": "370921950", "name": "新设镇", "station": world.command_centre.pk},
    )
    assert wrong.status_code == 200 and wrong.context["adminform"].form.errors["station"]
    with pytest.raises(ValidationError) as refused:
        services.township_create(
            code="370921951", name="又设镇", kind="town", station=world.command_centre, by=None
        )
    assert refused.value.message_dict["station"] == ["辖区派出所：须为派出所，“指挥中心”是机关科室"]
    made = admin.post(
        "/admin/org/township/add/",
        {**base, "code": "370921950", "name": "新设镇", "station": world.station_b.pk},
    )
    assert made.status_code == 302
    assert Township.objects.get(name="新设镇").station == world.station_b


def test_a_villages_township_is_fixed_once_made(world: World) -> None:
    admin = world.client("admin")
    path = f"/admin/org/village/{world.village_a.pk}/change/"
    assert 'name="township"' not in admin.get(path).content.decode()
    data = _change_form(admin, path)
    assert admin.post(path, {**data, "township": world.township_b.pk}).status_code == 302
    assert Village.objects.get(pk=world.village_a.pk).township == world.township_a


def test_a_units_place_in_the_tree_is_the_security_administrators(world: World) -> None:
    """Moved under 泗店派出所, 堽城派出所 would be inside its subtree: 泗店's accounts would
    read 堽城's residents."""
    below = services.unit_create(name="堽城警务室", kind="other", parent=world.station_a, by=None)
    admin = world.client("admin")
    path = f"/admin/org/unit/{world.station_a.pk}/change/"
    assert 'name="parent"' not in admin.get(path).content.decode()
    data = _change_form(admin, path)
    answer = admin.post(path, {**data, "parent": world.station_b.pk, "short_name": "堽城所"})
    assert answer.status_code == 302
    unit = Unit.objects.get(pk=world.station_a.pk)
    assert (unit.parent, unit.short_name) == (world.bureau, "堽城所")
    assert not _sees_person(world, "station_b", world.person_a.pk)
    with pytest.raises(ValidationError) as refused:
        services.unit_update(
            unit=unit, by=world.users["admin"], name=unit.name, kind=unit.kind,
            parent=world.station_b,
        )  # fmt: skip
    assert refused.value.message_dict["parent"] == [
        "上级单位：变更会改变谁能看到哪些人员，只能由安全管理员变更"
    ]
    # The security administrator moves it (its own units along), nothing else.
    security = world.client("security")
    page = security.get(path)
    assert set(page.context["adminform"].form.fields) == {"parent", "area_code"}
    answer = security.post(path, {"parent": world.station_b.pk, "name": "改名"})
    assert answer.status_code == 302
    unit.refresh_from_db()
    below.refresh_from_db()
    assert (unit.parent, unit.name) == (world.station_b, "堽城派出所")
    assert unit.path == f"{world.station_b.path}{unit.pk}/"
    assert below.path == f"{unit.path}{below.pk}/"
    assert _sees_person(world, "station_b", world.person_a.pk)
    moved = (
        AuditEntry.objects.filter(object_type="org.unit", object_id=str(unit.pk))
        .order_by("pk")
        .last()
    )
    assert moved is not None and moved.actor_id == world.users["security"].pk
    assert moved.changes["units_below"] == ["堽城警务室"] and moved.changes["ids"] == [below.pk]


def test_one_bulk_move_of_a_subtree_with_one_audit_entry(world: World) -> None:
    """A move of a unit with many units below: one statement for the subtree, one entry
    naming them all (not one per unit), every path and area right after it."""
    parent = services.unit_create(name="治安大队", kind="brigade", parent=world.bureau, by=None)
    made = [parent]
    for i in range(6):
        made.append(services.unit_create(name=f"中队{i}", kind="other", parent=made[-1], by=None))
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        services.unit_update(
            unit=parent, by=None, name=parent.name, kind=parent.kind, parent=world.command_centre
        )
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "org_unit"')]
    assert len(updates) == 2  # the unit itself, then its six units below in one statement
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.object_id for e in entries] == [str(parent.pk), str(parent.pk)]
    assert entries[1].changes["units_below"] == [f"中队{i}" for i in range(6)]
    assert entries[1].changes["ids"] == [[made[1].pk, made[-1].pk]]
    path = f"{world.command_centre.path}"
    for unit in made:
        unit.refresh_from_db()
        path = f"{path}{unit.pk}/"
        assert unit.path == path


def test_a_units_kind_is_not_changed_under_its_accounts(world: World) -> None:
    """堽城派出所 made a 机关科室 while a station's account is posted to it: refused, with the
    role the accounts hold (accounts.services.posting_check)."""
    admin = world.client("admin")
    path = f"/admin/org/unit/{world.station_a.pk}/change/"
    data = _change_form(admin, path)
    answer = admin.post(path, {**data, "kind": "department"})
    assert answer.status_code == 200
    assert "类别：本单位有账号不能属于“机关科室”" in answer.content.decode()
    assert Unit.objects.get(pk=world.station_a.pk).kind == Unit.Kind.STATION


def test_an_institutions_staff_are_the_security_administrators(county: County) -> None:
    world = county.world
    case = _quarantined(county)
    alert = _fever(case)
    assert world.client("station_a").post("/medical/new/", {"alert": alert.pk}).status_code == 302
    handoff = Handoff.objects.get()
    clinic = county.clinic_a
    path = f"/admin/medical/medicalinstitution/{clinic.pk}/change/"
    # The system administrator: staff read-only, a posted list ignored (on add too).
    admin = world.client("admin")
    assert 'name="staff"' not in admin.get(path).content.decode()
    data = _change_form(admin, path)
    taker = world.users["medical"]
    answer = admin.post(path, {**data, "staff": [taker.pk, world.users["station_b"].pk]})
    assert answer.status_code == 302
    assert set(clinic.staff.all()) == {county.medical_a}
    assert signed_in_get(world, "medical", f"/medical/{handoff.pk}/") == 404
    added = admin.post(
        "/admin/medical/medicalinstitution/add/",
        {"name": "新设发热门诊", "kind": "clinic", "staff": [taker.pk],
         "designation_set-TOTAL_FORMS": "0", "designation_set-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert added.status_code == 302
    assert not MedicalInstitution.objects.get(name="新设发热门诊").staff.exists()
    with pytest.raises(ValidationError) as refused:
        medical_services.institution_set_staff(
            institution=clinic, staff=[taker], by=world.users["admin"]
        )
    assert refused.value.message_dict["staff"] == [
        "医务人员账号：变更会改变谁能看到哪些人员，只能由安全管理员变更"
    ]
    # The security administrator: the staff only, of the institutions' role only.
    security = world.client("security")
    page = security.get(path)
    assert set(page.context["adminform"].form.fields) == {"staff"}
    offered = set(page.context["adminform"].form.fields["staff"].queryset)
    assert taker in offered and world.users["station_b"] not in offered
    assert security.post(path, {"staff": [world.users["station_b"].pk]}).status_code == 200
    with pytest.raises(ValidationError) as refused:
        medical_services.institution_set_staff(
            institution=clinic, staff=[world.users["station_b"]], by=world.users["security"]
        )
    assert "医务人员账号：只能是“定点医疗机构”角色的账号" in refused.value.messages[0]
    answer = security.post(path, {"staff": [county.medical_a.pk, taker.pk], "name": "改名"})
    assert answer.status_code == 302
    clinic.refresh_from_db()
    assert set(clinic.staff.all()) == {county.medical_a, taker} and clinic.name == "堽城镇卫生院"
    assert signed_in_get(world, "medical", f"/medical/{handoff.pk}/") == 200
    entry = (
        AuditEntry.objects.filter(
            object_type="medical.medicalinstitution", object_id=str(clinic.pk)
        )
        .order_by("pk")
        .last()
    )
    assert entry is not None and entry.actor_id == world.users["security"].pk
    assert entry.changes["staff"][1] == sorted([str(county.medical_a), str(taker)])


def signed_in_get(world: World, who: str, path: str) -> int:
    return world.client(who).get(path).status_code


def test_other_roles_do_not_reach_these_pages(world: World) -> None:
    township = world.township_a
    for who in ("station_a", "command", "auditor", "political"):
        client = world.client(who)
        answer = client.post(
            f"/admin/org/township/{township.pk}/change/", {"station": world.station_b.pk}
        )
        assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/"), who
    assert Township.objects.get(pk=township.pk).station == world.station_a


def test_a_checkpoints_unit_is_the_security_administrators(county: County) -> None:
    """The unit of a checkpoint decides which unit's accounts read its registrations
    (Passage.jurisdiction): on its page (the command centre's, the system administrator's)
    it is fixed once made; the security administrator changes it in the admin site."""
    world, checkpoint = county.world, county.checkpoint
    url = f"/checkpoints/list/{checkpoint.pk}/edit/"
    for who in ("command", "admin"):
        client = world.client(who)
        page = client.get(url)
        assert page.context["form"].fields["unit"].disabled, who
        assert "只能由安全管理员变更" in page.content.decode()
        data = {
            "name": checkpoint.name, "code": checkpoint.code, "road": "G104", "location": "",
            "lanes": "3", "opened_on": "2020-01-01", "closed_on": "", "shift_starts": "8,16,0",
            "unit": world.station_b.pk,
        }  # fmt: skip
        assert client.post(url, data).status_code == 302, who
        checkpoint.refresh_from_db()
        assert (checkpoint.unit, checkpoint.lanes) == (world.station_a, 3), who
        with pytest.raises(ValidationError) as refused:
            checkpoint_update(checkpoint=checkpoint, by=world.users[who], unit=world.station_b)
        assert refused.value.message_dict["unit"] == [
            "责任单位：变更会改变谁能看到哪些人员，只能由安全管理员变更"
        ]
        assert client.get("/admin/checkpoints/checkpoint/").status_code in (302, 403), who
    security = world.client("security")
    assert "检查站责任单位" in security.get("/").content.decode()
    path = f"/admin/checkpoints/checkpoint/{checkpoint.pk}/change/"
    page = security.get(path)
    assert set(page.context["adminform"].form.fields) == {"unit"}
    answer = security.post(path, {"unit": world.station_b.pk, "lanes": "9"})
    assert answer.status_code == 302
    checkpoint.refresh_from_db()
    assert (checkpoint.unit, checkpoint.lanes) == (world.station_b, 3)
    entry = (
        AuditEntry.objects.filter(object_type="checkpoints.checkpoint", action="update")
        .order_by("pk")
        .last()
    )
    assert entry is not None and entry.actor_id == world.users["security"].pk
    assert entry.changes["unit"] == [world.station_a.pk, world.station_b.pk]
    assert security.get("/admin/checkpoints/checkpoint/add/").status_code == 403
