"""A city's pushed list (issue 18 item 4): the city imports it once; each row goes to the
county of its address, else of its ID region; each county sees its own rows and cases and
404s on the other's; rows no county claims stay in the city's queue, said why."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.reference import load_reference_data
from fangkong.org import services as org_services
from fangkong.org.models import Township, Unit
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.imports.selectors import routed_entries, unrouted_cases
from fangkong.quarantine.models import ListEntry, ListImport, QuarantineCase
from tests.conftest import signed_in
from tests.quarantine.import_files import ident, write_csv

pytestmark = pytest.mark.django_db
PASSWORD = "City#Push2020ok"


def _user(username: str, unit: Unit) -> User:
    return user_create(
        username=username,
        password=PASSWORD,
        role=Role.COMMAND,
        unit=unit,
        by=None,
        check_password=False,
    )


def _county(code: str, name: str, township: Township | None) -> Unit:
    bureau = org_services.unit_create(
        name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
    )
    station = org_services.unit_create(
        name=f"{name}城关派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
    )
    if township is None:
        org_services.township_create(
            code=f"{code}001", name=f"{name}城关街道", kind="subdistrict", station=station, by=None
        )
    else:
        township.station = station
        township.save()
    return bureau


@pytest.fixture
def city(db: None, settings: Any, tmp_path: Path, clock_at: Any) -> dict[str, Any]:
    clock_at("10:00")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "3709"}
    load_reference_data()  # 宁阳县's townships
    taian = org_services.unit_create(
        name="泰安市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="3709"
    )
    ningyang = _county("370921", "宁阳县", Township.objects.get(name="堽城镇"))
    dongping = _county("370923", "东平县", None)
    users = {
        "city": _user("taian_cmd", taian),
        "ningyang": _user("ningyang_cmd", ningyang),
        "dongping": _user("dongping_cmd", dongping),
    }
    day = datetime.date(2020, 1, 28)
    rows = [
        [1, "张宁阳", ident(1, "370921"), "13853800001", "宁阳县堽城镇东王庄村", "武汉", day, ""],
        # No address: 东平县 by the ID number's region.
        [2, "李东平", ident(2, "370923"), "13853800002", "", "武汉", day, ""],
        # Neither an address of the city nor an ID of its counties: the city's.
        [3, "王无主", ident(3, "420106"), "13853800003", "某小区", "武汉", day, ""],
    ]
    path = write_csv(tmp_path / "省推送名单.csv", rows)
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=users["city"], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    assert li.status == ListImport.Status.DONE, li.status
    assert li.counts["new_cases"] == 3 and li.counts["refused"] == 0
    cases = {c.person.name: c for c in QuarantineCase.objects.select_related("person", "township")}
    return {"users": users, "li": li, "cases": cases}


def _entry(li: ListImport, name: str) -> ListEntry:
    return ListEntry.objects.get(list_import=li, name=name)


def test_each_row_goes_to_its_county_and_the_report_says_which(city: dict[str, Any]) -> None:
    li, cases = city["li"], city["cases"]
    assert _entry(li, "张宁阳").county == "370921"
    assert _entry(li, "李东平").county == "370923"
    assert _entry(li, "王无主").county == ""
    assert cases["张宁阳"].township.name == "堽城镇"
    assert cases["李东平"].township is None and cases["李东平"].county == "370923"
    assert cases["王无主"].township is None and cases["王无主"].county == ""
    said = {n: " ".join(_entry(li, n).messages["下发"]) for n in ("张宁阳", "李东平", "王无主")}
    assert "下发至宁阳县（按现住址" in said["张宁阳"]
    assert "下发至东平县" in said["李东平"] and "身份证号码归属地" in said["李东平"]
    assert "未下发" in said["王无主"] and "待分配" in said["王无主"]
    # The same 待核实 rule as in a county: an address that places no one is to be checked.
    assert "address" in cases["李东平"].needs_review
    # The report the city downloads says it too.
    response = signed_in(city["users"]["city"]).get(f"/imports/{li.pk}/report.xlsx")
    assert response.status_code == 200


def test_each_county_sees_exactly_its_rows_and_cases(city: dict[str, Any]) -> None:
    cases, users = city["cases"], city["users"]
    ningyang, dongping = signed_in(users["ningyang"]), signed_in(users["dongping"])
    assert [e.name for e in routed_entries(user=users["ningyang"])] == ["张宁阳"]
    assert [e.name for e in routed_entries(user=users["dongping"])] == ["李东平"]
    assert not routed_entries(user=users["city"]).exists()
    page = ningyang.get("/imports/routed/").content.decode()
    assert "张宁阳" in page and "李东平" not in page and "王无主" not in page
    page = dongping.get("/imports/routed/").content.decode()
    assert "李东平" in page and "张宁阳" not in page and "王无主" not in page
    assert "下发至东平县" in page
    # Cases and people: each its own; the other county's answer like a missing id.
    for client, own, other in (
        (ningyang, cases["张宁阳"], cases["李东平"]),
        (dongping, cases["李东平"], cases["张宁阳"]),
    ):
        assert client.get(f"/cases/{own.pk}/").status_code == 200
        assert client.get(f"/people/{own.person_id}/").status_code == 200
        assert client.get(f"/cases/{other.pk}/").status_code == 404
        assert client.get(f"/people/{other.person_id}/").status_code == 404
        assert client.get(f"/cases/{cases['王无主'].pk}/").status_code == 404
    # The county routed by ID region finds the case in its own queue to place it.
    page = dongping.get("/imports/unrouted/").content.decode()
    assert "李东平" in page and "王无主" not in page
    assert "东平县城关街道" in page and "堽城镇" not in page  # only its own townships
    page = ningyang.get("/imports/unrouted/").content.decode()
    assert "李东平" not in page and "王无主" not in page


def test_the_city_keeps_the_unclaimed_rows_in_its_queue(city: dict[str, Any]) -> None:
    queue = unrouted_cases(user=city["users"]["city"])
    assert [c.person.name for c in queue] == ["王无主"]
    page = signed_in(city["users"]["city"]).get("/imports/unrouted/").content.decode()
    assert "王无主" in page
    assert "李东平" not in page  # 东平县's to place
    assert "未能下发到任何县" in page
    # The city still sees every county's case.
    for case in city["cases"].values():
        assert signed_in(city["users"]["city"]).get(f"/cases/{case.pk}/").status_code == 200


def test_a_county_places_its_case_in_its_own_townships_only(city: dict[str, Any]) -> None:
    case = city["cases"]["李东平"]
    dongping = signed_in(city["users"]["dongping"])
    other = Township.objects.get(name="堽城镇")
    response = dongping.post(f"/imports/unrouted/{case.pk}/", {"township": other.pk}, follow=True)
    assert "只能分配到本县（市、区）的乡镇街道" in response.content.decode()
    case.refresh_from_db()
    assert case.township_id is None
    # 宁阳县 cannot place 东平县's case at all: it is not theirs to see.
    ningyang = signed_in(city["users"]["ningyang"])
    assert ningyang.post(f"/imports/unrouted/{case.pk}/", {"township": other.pk}).status_code == 404
    own = Township.objects.get(name="东平县城关街道")
    dongping.post(f"/imports/unrouted/{case.pk}/", {"township": own.pk})
    case.refresh_from_db()
    assert case.township == own and case.station == own.station
    assert dongping.get(f"/cases/{case.pk}/").status_code == 200
    assert ningyang.get(f"/cases/{case.pk}/").status_code == 404


def test_a_case_routed_by_id_counts_in_its_county_from_the_start(city: dict[str, Any]) -> None:
    """李东平 has no address (no township): routed to 东平县 by the ID number, the case is
    东平县's in the day's figures at once — not only once someone gives it a township."""
    users = city["users"]

    def returnees(who: str, **params: str) -> Any:
        body = signed_in(users[who]).get("/api/v1/stats/daily", params).json()
        return body["figures"].get("quarantine.returnees_total", 0), body

    assert returnees("dongping")[0] == 1
    assert returnees("ningyang")[0] == 1  # 张宁阳 only, not 李东平
    total, body = returnees("city")
    assert total == 3  # the city's own unrouted case too
    rows = {a["code"]: a["figures"].get("quarantine.returnees_total", 0) for a in body["areas"]}
    assert rows == {"370921": 1, "370923": 1}
    assert returnees("city", area="370923")[0] == 1
    # Once placed in a township the case is still counted once, in the same county.
    case = city["cases"]["李东平"]
    QuarantineCase.objects.filter(pk=case.pk).update(
        township=Township.objects.get(code="370923001")
    )
    assert returnees("dongping")[0] == 1 and returnees("city")[0] == 3


def test_a_row_joining_another_countys_case_does_not_move_it_and_both_are_told(
    city: dict[str, Any], tmp_path: Path
) -> None:
    """李东平's case is 东平县's (ID region). A second list gives a 宁阳县 address: the row
    goes to 宁阳县 and joins the open case, which stays 东平县's (no township filled from
    the row); 宁阳县 reads in its row that 东平县 holds the case, 东平县 reads on the case
    that the list places the person in 宁阳县 (docs/scaling.md)."""
    users, case = city["users"], city["cases"]["李东平"]
    day = datetime.date(2020, 1, 29)
    row = [
        1,
        "李东平",
        case.person.id_number,
        "13853800002",
        "宁阳县堽城镇东王庄村",
        "武汉",
        day,
        "",
    ]
    path = write_csv(tmp_path / "省推送名单二.csv", [row])
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=users["city"], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    assert li.status == ListImport.Status.DONE and li.counts["joined"] == 1
    entry = _entry(li, "李东平")
    assert entry.county == "370921" and entry.case_id == case.pk
    case.refresh_from_db()
    assert case.township_id is None and case.county == "370923"  # not moved
    said = " ".join(entry.messages["下发"])
    assert "已在东平县隔离管控（未移交）" in said and "现住宁阳县" in said
    # 宁阳县 sees the row routed to it, saying so; it still cannot open 东平县's case.
    ningyang = signed_in(users["ningyang"])
    routed = ningyang.get("/imports/routed/").content.decode()
    assert "已在东平县隔离管控（未移交）" in routed
    assert ningyang.get(f"/cases/{case.pk}/").status_code == 404
    # 东平县 sees on its case what the list said.
    page = signed_in(users["dongping"]).get(f"/cases/{case.pk}/").content.decode()
    assert "名单现住址属宁阳县，案件未移交" in page


@pytest.fixture
def two_chengguan(db: None, settings: Any, tmp_path: Path, clock_at: Any) -> dict[str, Any]:
    """东平县 and 新泰市 each have a 城关镇; 宁阳县 has none."""
    clock_at("10:00")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "3709"}
    taian = org_services.unit_create(
        name="泰安市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="3709"
    )
    for code, name in (("370923", "东平县"), ("370982", "新泰市")):
        bureau = org_services.unit_create(
            name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
        )
        station = org_services.unit_create(
            name="城关派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
        )
        org_services.township_create(
            code=f"{code}001", name="城关镇", kind="town", station=station, by=None
        )
    return {"city": _user("taian_cmd", taian), "tmp": tmp_path}


def test_a_township_name_two_counties_share_routes_by_address_or_id_never_at_random(
    two_chengguan: dict[str, Any],
) -> None:
    day = datetime.date(2020, 1, 28)
    rows = [
        # The address names the county: its 城关镇, whatever the ID number says.
        [1, "甲东平", ident(1, "420106"), "13853800011", "东平县城关镇幸福路1号", "武汉", day, ""],
        [2, "乙新泰", ident(2, "370923"), "13853800012", "新泰市城关镇幸福路2号", "武汉", day, ""],
        # A bare 城关镇: the ID number's county says which.
        [3, "丙新泰", ident(3, "370982"), "13853800013", "城关镇幸福路3号", "武汉", day, ""],
        [4, "丁东平", ident(4, "370923"), "13853800014", "城关镇幸福路4号", "武汉", day, ""],
        # A bare 城关镇 and a Wuhan ID: nobody can say; the city's queue, said why.
        [5, "戊无主", ident(5, "420106"), "13853800015", "城关镇幸福路5号", "武汉", day, ""],
    ]
    path = write_csv(two_chengguan["tmp"] / "省推送名单.csv", rows)
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=two_chengguan["city"], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    assert li.status == ListImport.Status.DONE and li.counts["new_cases"] == 5
    routed = {e.name: e.county for e in ListEntry.objects.filter(list_import=li)}
    assert routed == {
        "甲东平": "370923",
        "乙新泰": "370982",
        "丙新泰": "370982",
        "丁东平": "370923",
        "戊无主": "",
    }
    towns = {
        c.person.name: c.township.code if c.township else None
        for c in QuarantineCase.objects.select_related("person", "township")
    }
    assert towns == {
        "甲东平": "370923001",
        "乙新泰": "370982001",
        "丙新泰": "370982001",
        "丁东平": "370923001",
        "戊无主": None,
    }
    said = " ".join(
        " ".join(m) for m in ListEntry.objects.get(list_import=li, name="戊无主").messages.values()
    )
    assert "“城关镇”有多个县（市、区）同名（东平县、新泰市）" in said
    assert "留在市局“待分配”队列" in said


def test_a_case_belongs_to_one_county_its_townships_whatever_else_it_names(
    city: dict[str, Any],
) -> None:
    """李东平 was routed to 东平县 by ID region (county 370923); the city places the case in
    宁阳's 堽城镇: it is 宁阳县's now, and 东平县 no longer sees it — page, list, API.
    Likewise a case of a 宁阳 township whose station is (wrongly) 东平's is 宁阳's only."""
    from fangkong.quarantine.imports.services import case_route

    users, cases = city["users"], city["cases"]
    moved = cases["李东平"]
    gangcheng = Township.objects.get(name="堽城镇")
    case_route(case=moved, township=gangcheng, village=None, by=users["city"])
    moved.refresh_from_db()
    assert moved.county == "370923" and moved.township == gangcheng
    odd = cases["张宁阳"]
    QuarantineCase.objects.filter(pk=odd.pk).update(
        station=Unit.objects.get(name="东平县城关派出所")
    )
    ningyang, dongping = signed_in(users["ningyang"]), signed_in(users["dongping"])
    for case in (moved, odd):
        assert ningyang.get(f"/cases/{case.pk}/").status_code == 200
        assert dongping.get(f"/cases/{case.pk}/").status_code == 404
        assert signed_in(users["city"]).get(f"/cases/{case.pk}/").status_code == 200
    listed = dongping.get("/api/v1/cases").json()
    assert listed["count"] == 0, listed
    assert ningyang.get("/api/v1/cases").json()["count"] == 2
