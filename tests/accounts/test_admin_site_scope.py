"""The fourth black-box attack on the city demo (2026-12-04) reached every county's reference
data through the admin site: a county's administrator listed and changed the city's
townships and units, set another county's township under one of their own stations (whose
officers then read and changed that township's residents, while its own station lost
them), and could move a unit to another parent or area. Attacked here in the province of
test_levels (泰安 with 宁阳 and 东平, 济南 with 历下): a county's administrator keeps to
their county, a city's to their city, the province's administrator sees every county."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.core.models import KeyArea
from fangkong.medical.models import Designation, MedicalInstitution
from fangkong.org.models import Officer, Township, Unit, Village, WorkingGroup
from tests.accounts.test_admin import _change_form
from tests.conftest import enrol, signed_in
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db

NY, DP = "370921", "370923"


def _admin(province: Province, username: str, unit: Unit | None, role: str = Role.ADMIN) -> Client:
    user = _user(username, role, unit=unit)
    enrol(user)
    province.users[username] = user
    return signed_in(user)


def _security(province: Province, username: str, unit: Unit | None) -> Client:
    """A security administrator: who moves a township to a station, a unit to a parent
    (tests/org/test_jurisdiction_fields.py), in their own area only."""
    return _admin(province, username, unit, role=Role.SECURITY)


def _others(province: Province) -> dict[str, Any]:
    """Dongping's reference data, one row of each kind the admin site keeps."""
    dp = province.counties[DP]
    village = Village.objects.create(township=dp.township, name="东平西村")
    officer = Officer.objects.create(name="东平民警", unit=dp.station)
    group = WorkingGroup.objects.create(
        code=WorkingGroup.Code.SUPPORT, area_code=DP, leader=officer
    )
    clinic = MedicalInstitution.objects.create(name="东平县人民医院", kind="hospital")
    Designation.objects.create(township=dp.township, institution=clinic)
    return {
        "org/township": dp.township,
        "org/village": village,
        "org/unit": dp.station,
        "org/workinggroup": group,
        "medical/medicalinstitution": clinic,
    }


def test_a_countys_administrator_lists_only_its_countys_reference_data(
    province: Province,
) -> None:
    ny = province.counties[NY]
    others = _others(province)
    admin = _admin(province, "ningyang_admin", ny.bureau)
    Village.objects.create(township=ny.township, name="宁阳东村")
    own = {
        "org/township": ny.township.name,
        "org/village": "宁阳东村",
        "org/unit": ny.station.name,
    }
    for path, obj in others.items():
        page = admin.get(f"/admin/{path}/").content.decode()
        assert str(obj) not in page and getattr(obj, "name", str(obj)) not in page, path
        if path in own:
            assert own[path] in page, path
    # Nor by the filters beside the lists (a township's, a unit's name).
    villages = admin.get("/admin/org/village/").content.decode()
    assert province.counties[DP].township.name not in villages
    accounts = admin.get("/admin/accounts/user/").content.decode()
    assert province.counties[DP].station.name not in accounts
    assert province.counties["370102"].bureau.name not in accounts


def test_nor_opens_changes_or_deletes_another_countys(province: Province) -> None:
    others = _others(province)
    admin = _admin(province, "ningyang_admin", province.counties[NY].bureau)
    for path, obj in others.items():
        for view in ("change", "delete", "history"):
            response = admin.get(f"/admin/{path}/{obj.pk}/{view}/")
            assert response.status_code in (302, 404), (path, view)
        admin.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"})
        admin.post(
            f"/admin/{path}/",
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj).objects.filter(pk=obj.pk).exists(), path
    dp = province.counties[DP]
    admin.post(
        f"/admin/org/township/{dp.township.pk}/change/",
        {"code": dp.township.code, "name": "改名街道", "kind": "subdistrict",
         "station": province.counties[NY].station.pk,
         "villages-TOTAL_FORMS": "0", "villages-INITIAL_FORMS": "0"},
    )  # fmt: skip
    dp.township.refresh_from_db()
    assert dp.township.name != "改名街道" and dp.township.station == dp.station


def test_the_attack_a_township_under_another_countys_station(province: Province) -> None:
    """What the attack did, from the other side: their own township given to a station of
    another county (and another county's moved to theirs, above): refused, nothing saved,
    and each station keeps its residents."""
    ny, dp = province.counties[NY], province.counties[DP]
    security = _security(province, "ningyang_security", ny.bureau)
    path = f"/admin/org/township/{ny.township.pk}/change/"
    form = security.get(path).context["adminform"].form
    offered = {unit.pk for unit in form.fields["station"].queryset}
    assert ny.station.pk in offered and dp.station.pk not in offered and dp.bureau.pk not in offered
    answer = security.post(path, {**_change_form(security, path), "station": dp.station.pk})
    assert answer.status_code == 200 and answer.context["adminform"].form.errors
    ny.township.refresh_from_db()
    assert ny.township.station == ny.station
    # Each station still reads its own resident and not the other county's.
    station = province.client("ningyang_station")
    assert station.get(f"/api/v1/persons/{ny.resident.pk}").status_code == 200
    assert station.get(f"/api/v1/persons/{dp.resident.pk}").status_code == 404


def test_a_unit_is_not_moved_nor_made_outside_the_county(province: Province) -> None:
    ny, dp = province.counties[NY], province.counties[DP]
    admin = _admin(province, "ningyang_admin", ny.bureau)
    security = _security(province, "ningyang_security", ny.bureau)
    path = f"/admin/org/unit/{ny.station.pk}/change/"
    data = _change_form(security, path)
    form = security.get(path).context["adminform"].form
    offered = {u.pk for u in form.fields["parent"].queryset}
    assert offered == set(Unit.objects.filter(area_code=NY).values_list("pk", flat=True))
    for change in ({"parent": dp.bureau.pk}, {"area_code": DP}, {"area_code": "3709"},
                   {"parent": "", "area_code": ""}):  # fmt: skip
        answer = security.post(path, {**data, **change})
        assert answer.status_code == 200 and answer.context["adminform"].form.errors, change
    ny.station.refresh_from_db()
    assert (ny.station.parent, ny.station.area_code) == (ny.bureau, NY)
    # The area left empty follows the parent (org.services.unit_placement): still 宁阳's.
    assert security.post(path, {**data, "area_code": ""}).status_code == 302
    ny.station.refresh_from_db()
    assert (ny.station.parent, ny.station.area_code) == (ny.bureau, NY)
    # The system administrator's move is no field of theirs: ignored.
    answer = admin.post(path, {**_change_form(admin, path), "parent": dp.bureau.pk})
    assert answer.status_code == 302
    ny.station.refresh_from_db()
    assert (ny.station.parent, ny.station.area_code) == (ny.bureau, NY)
    for area in (DP, "", "3709"):
        admin.post(
            "/admin/org/unit/add/",
            {"name": "新派出所", "kind": "station", "area_code": area, "sort_order": "0"},
        )
        assert not Unit.objects.filter(name="新派出所").exists(), area
    # Their own county's unit is still made and changed.
    made = admin.post(
        "/admin/org/unit/add/",
        {"name": "新派出所", "kind": "station", "parent": ny.bureau.pk, "area_code": NY,
         "sort_order": "0"},
    )  # fmt: skip
    assert made.status_code == 302 and Unit.objects.get(name="新派出所").area_code == NY


def test_nothing_is_added_into_another_county(province: Province) -> None:
    ny, dp = province.counties[NY], province.counties[DP]
    officer = Officer.objects.create(name="东平民警", unit=dp.station)
    admin = _admin(province, "ningyang_admin", ny.bureau)
    attempts = [
        ("org/village", {"township": dp.township.pk, "name": "闯入村", "kind": "village"}),
        ("org/township", {"code": f"{DP}900", "name": "闯入镇", "kind": "town",
                          "villages-TOTAL_FORMS": "0", "villages-INITIAL_FORMS": "0"}),
        ("org/workinggroup", {"code": "control", "area_code": DP}),
        ("org/workinggroup", {"code": "control", "area_code": ""}),
        ("org/workinggroup", {"code": "control", "area_code": NY, "leader": officer.pk}),
        ("medical/medicalinstitution", {"name": "闯入医院", "kind": "clinic",
                                        "designation_set-TOTAL_FORMS": "1",
                                        "designation_set-INITIAL_FORMS": "0",
                                        "designation_set-0-township": dp.township.pk}),
    ]  # fmt: skip
    for path, data in attempts:
        answer = admin.post(f"/admin/{path}/add/", data)
        assert answer.status_code == 200, (path, data)
    assert not Village.objects.filter(name="闯入村").exists()
    assert not Township.objects.filter(name="闯入镇").exists()
    assert not WorkingGroup.objects.filter(code="control").exists()
    assert not MedicalInstitution.objects.filter(name="闯入医院").exists()
    # The selects offer their own county's only.
    form = admin.get("/admin/org/workinggroup/add/").context["adminform"].form
    assert officer not in form.fields["leader"].queryset
    assert officer not in form.fields["members"].queryset
    form = admin.get("/admin/org/village/add/").context["adminform"].form
    assert dp.township not in form.fields["township"].queryset
    assert ny.township in form.fields["township"].queryset


def test_key_areas_are_the_installations_changed_by_its_own_administrator(
    province: Province,
) -> None:
    """Key areas flag people and vehicles in every county: a county's (or a city's)
    administrator reads them, only the installation's administrator changes them."""
    area = KeyArea.objects.get(prefix="42")  # the default, 湖北 (load_reference_data)
    for who, unit in (("ningyang_admin", province.counties[NY].bureau),
                      ("taian_admin", Unit.objects.get(name="泰安市公安局"))):  # fmt: skip
        admin = _admin(province, who, unit)
        assert admin.get("/admin/core/keyarea/").status_code == 200
        data = {"prefix": "4201", "name": "武汉", "valid_from": "2020-01-01", "note": ""}
        assert admin.post("/admin/core/keyarea/add/", data).status_code == 403
        assert admin.post(f"/admin/core/keyarea/{area.pk}/change/", data).status_code == 403
        assert (
            admin.post(f"/admin/core/keyarea/{area.pk}/delete/", {"post": "yes"}).status_code == 403
        )
        area.refresh_from_db()
        assert area.prefix == "42" and not KeyArea.objects.filter(prefix="4201").exists()
    top = _admin(province, "province_admin", None)
    answer = top.post(
        "/admin/core/keyarea/add/",
        {"prefix": "4201", "name": "武汉", "valid_from": "2020-01-01", "note": ""},
    )
    assert answer.status_code == 302 and KeyArea.objects.filter(prefix="4201").exists()


def test_a_city_and_the_province_keep_their_wider_area(province: Province) -> None:
    ny, dp, lx = (province.counties[c] for c in (NY, DP, "370102"))
    city = _admin(province, "taian_admin", Unit.objects.get(name="泰安市公安局"))
    units = city.get("/admin/org/unit/").content.decode()
    assert ny.station.name in units and dp.station.name in units and lx.station.name not in units
    path = f"/admin/org/township/{dp.township.pk}/change/"
    city_security = _security(province, "taian_security", Unit.objects.get(name="泰安市公安局"))
    form = city_security.get(path).context["adminform"].form
    offered = set(form.fields["station"].queryset)
    assert {ny.station, dp.station} <= offered and lx.station not in offered
    # Offered the city's stations, the township is given one of its own county only.
    answer = city_security.post(path, {"station": ny.station.pk})
    assert "辖区派出所：须为本乡镇街道所在县（市、区）的派出所" in answer.content.decode()
    assert Township.objects.get(pk=dp.township.pk).station == dp.station
    assert city.get(f"/admin/org/township/{lx.township.pk}/change/").status_code == 302
    top = _admin(province, "province_admin", None)
    townships = top.get("/admin/org/township/").content.decode()
    assert all(c.township.name in townships for c in (ny, dp, lx))


def test_another_countys_staff_of_a_shared_institution_stay(province: Province) -> None:
    """An institution serving two counties: the select offers one county's accounts to its
    security administrator (who alone sets the staff), and saving keeps the other county's
    staff."""
    ny, dp = province.counties[NY], province.counties[DP]
    clinic = MedicalInstitution.objects.create(name="两县共用医院", kind="hospital")
    own = Township.objects.create(code=f"{NY}950", name="新设街道", kind="subdistrict")
    Designation.objects.create(township=own, institution=clinic)
    Designation.objects.create(township=dp.township, institution=clinic)
    theirs = _user("dp_doctor", Role.MEDICAL, township=dp.township)
    clinic.staff.add(theirs)
    admin = _admin(province, "ningyang_admin", ny.bureau)
    path = f"/admin/medical/medicalinstitution/{clinic.pk}/change/"
    data = _change_form(admin, path)
    assert data["designation_set-TOTAL_FORMS"] == 1  # their own township's row only
    assert admin.post(path, data).status_code == 302
    assert Designation.objects.filter(institution=clinic).count() == 2
    mine = _user("ny_doctor", Role.MEDICAL, township=ny.township)
    security = _security(province, "ningyang_security", ny.bureau)
    form = security.get(path).context["adminform"].form
    assert theirs not in form.fields["staff"].queryset
    assert mine in form.fields["staff"].queryset
    assert security.post(path, {"staff": [mine.pk]}).status_code == 302
    assert set(clinic.staff.all()) == {theirs, mine}


def test_an_institution_added_undesignated_stays_its_adders(province: Province) -> None:
    """Added by 宁阳's administrator with no township designated, an institution is 宁阳's
    from the moment it is saved: listed for them, neither listed nor opened for 东平's."""
    ny_admin = _admin(province, "ningyang_admin", province.counties[NY].bureau)
    dp_admin = _admin(province, "dongping_admin", province.counties[DP].bureau)
    added = ny_admin.post(
        "/admin/medical/medicalinstitution/add/",
        {"name": "宁阳新设发热门诊", "kind": "clinic",
         "designation_set-TOTAL_FORMS": "0", "designation_set-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert added.status_code == 302
    clinic = MedicalInstitution.objects.get(name="宁阳新设发热门诊")
    assert "宁阳新设发热门诊" in ny_admin.get("/admin/medical/medicalinstitution/").content.decode()
    path = f"/admin/medical/medicalinstitution/{clinic.pk}/change/"
    assert ny_admin.get(path).status_code == 200
    assert (
        "宁阳新设发热门诊"
        not in dp_admin.get("/admin/medical/medicalinstitution/").content.decode()
    )
    assert dp_admin.get(path).status_code == 302  # as one that does not exist
    # Nor claimed by designating it for 东平's township.
    claim = dp_admin.post(
        path,
        {"name": "宁阳新设发热门诊", "kind": "clinic",
         "designation_set-TOTAL_FORMS": "1", "designation_set-INITIAL_FORMS": "0",
         "designation_set-0-township": province.counties[DP].township.pk},
    )  # fmt: skip
    assert claim.status_code == 302 and not Designation.objects.filter(institution=clinic).exists()


def test_a_units_area_follows_its_parent_in_the_admin_site(province: Province) -> None:
    """The admin site makes and moves units through org.services (unit_create, unit_update):
    the area is the parent's, as on every other path, and a move takes the unit's own units
    along."""
    ny, dp = province.counties[NY], province.counties[DP]
    top = _admin(province, "province_admin", None)
    made = top.post(
        "/admin/org/unit/add/",
        {"name": "宁阳新派出所", "kind": "station", "parent": ny.bureau.pk, "area_code": "",
         "sort_order": "0"},
    )  # fmt: skip
    assert made.status_code == 302
    unit = Unit.objects.get(name="宁阳新派出所")
    assert unit.area_code == NY and unit.path == f"{ny.bureau.path}{unit.pk}/"
    # Typed otherwise than its parent's: refused, nothing saved.
    typed = top.post(
        "/admin/org/unit/add/",
        {"name": "错区划派出所", "kind": "station", "parent": ny.bureau.pk, "area_code": DP,
         "sort_order": "0"},
    )  # fmt: skip
    assert typed.status_code == 200 and "所属区划须与上级单位相同" in typed.content.decode()
    assert not Unit.objects.filter(name="错区划派出所").exists()
    # 东平's station (with a unit of its own) moved under 宁阳's bureau: both are 宁阳's.
    post = Unit.objects.create(
        name="东平警务室", kind="department", parent=dp.station, area_code=DP,
        path="",
    )  # fmt: skip
    post.path = f"{dp.station.path}{post.pk}/"
    post.save()
    top_security = _security(province, "province_security", None)
    path = f"/admin/org/unit/{dp.station.pk}/change/"
    data = _change_form(top_security, path)
    moved = top_security.post(path, {**data, "parent": ny.bureau.pk, "area_code": ""})
    assert moved.status_code == 302
    dp.station.refresh_from_db()
    post.refresh_from_db()
    assert (dp.station.area_code, post.area_code) == (NY, NY)
    assert post.path == f"{ny.bureau.path}{dp.station.pk}/{post.pk}/"
    # Nor is a unit put under its own unit.
    path = f"/admin/org/unit/{ny.bureau.pk}/change/"
    data = _change_form(top_security, path)
    looped = top_security.post(path, {**data, "parent": unit.pk})
    assert (
        looped.status_code == 200 and "上级单位不能是本单位或其下属单位" in looped.content.decode()
    )
    ny.bureau.refresh_from_db()
    assert ny.bureau.parent is None
    # A county's administrator makes a unit of the county without typing the area.
    admin = _admin(province, "ningyang_admin", ny.bureau)
    made = admin.post(
        "/admin/org/unit/add/",
        {"name": "宁阳另一派出所", "kind": "station", "parent": ny.bureau.pk, "sort_order": "0"},
    )
    assert made.status_code == 302 and Unit.objects.get(name="宁阳另一派出所").area_code == NY
