"""Levels (issue 18): a province installation holding two cities, one of them with two
counties. A county user never sees another county's people, cases, passages or figures —
pages, API, exports, search — and a city user sees every county of the city and nothing
of another city. Real objects in every area, through the services users call."""

from __future__ import annotations

import datetime
import io
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from fangkong.accounts.jurisdiction import area_scope, scope_for
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint, Occupant, Passage
from fangkong.core import clock
from fangkong.core.demo import DemoContext
from fangkong.core.idnumber import make_id_number
from fangkong.core.reference import load_reference_data
from fangkong.core.scale import ScaleContext, grow
from fangkong.org import services as org_services
from fangkong.org.areas import area_unit, child_areas, county_of
from fangkong.org.models import Township, Unit, Village
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register
from fangkong.quarantine.models import QuarantineCase
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "Levels#2020ok"


@dataclass
class County:
    code: str
    bureau: Unit
    station: Unit
    township: Township
    checkpoint: Checkpoint
    resident: Person  # registered at the station
    returnee: Person  # registered at the county's checkpoint, back from Hubei
    case: QuarantineCase
    passage: Passage


@dataclass
class Province:
    counties: dict[str, County]
    users: dict[str, User] = field(default_factory=dict)

    def client(self, who: str) -> Any:
        return signed_in(self.users[who])


def _county(
    code: str, name: str, township: Township | None, resident: str, returnee: str, seq: int
) -> County:
    bureau = org_services.unit_create(
        name=f"{name}公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code=code
    )
    station = org_services.unit_create(
        name=f"{name}城关派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
    )
    if township is None:
        township = org_services.township_create(
            code=f"{code}001", name=f"{name}城关街道", kind="subdistrict", station=station, by=None
        )
    else:
        township.station = station
        township.save()
    checkpoint = checkpoint_services.checkpoint_create(
        code=f"{code}-1",
        name=f"{name}1号检查站",
        road="G104",
        location=f"{name}入口",
        unit=station,
        lanes=2,
        opened_on=clock.today() - datetime.timedelta(days=3),
        by=None,
    )
    person, _created = person_register(
        data=PersonInput(
            name=resident,
            id_number=make_id_number(code, datetime.date(1980, 5, 1), seq, "M"),
            phone=f"1385380{seq:04d}",
            township=township,
        ),
        by=None,
    )
    number = make_id_number("420106", datetime.date(1990, 1, 2), seq, "F")
    passage, _created = checkpoint_services.passage_register(
        data=checkpoint_services.PassageInput(
            checkpoint=checkpoint,
            direction="in",
            vehicle_type="car",
            plate="鄂A12345",
            occurred_at=clock.now() - datetime.timedelta(minutes=30),
            client_id=uuid.uuid4(),
            occupants=[
                checkpoint_services.OccupantInput(
                    name=returnee,
                    id_number=number,
                    phone=f"1395380{seq:04d}",
                    temperature="36.6",
                    origin="湖北省武汉市",
                    destination=township.name,
                )
            ],
        ),
        by=None,
    )
    back = Person.objects.get(id_number=number)
    case = QuarantineCase.objects.get(person=back)
    return County(code, bureau, station, township, checkpoint, person, back, case, passage)


def _user(username: str, role: str, **kw: Any) -> User:
    return user_create(
        username=username, password=PASSWORD, role=role, by=None, check_password=False, **kw
    )


@pytest.fixture
def province(db: None, settings: Any) -> Province:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "37"}
    load_reference_data()  # the demo county's townships (宁阳县, 370921)
    taian = org_services.unit_create(
        name="泰安市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="3709"
    )
    jinan = org_services.unit_create(
        name="济南市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="3701"
    )
    counties = {
        "370921": _county(
            "370921", "宁阳县", Township.objects.get(name="堽城镇"), "张宁阳", "赵宁回", 11
        ),
        "370923": _county("370923", "东平县", None, "李东平", "钱东回", 12),
        "370102": _county("370102", "历下区", None, "王历下", "孙历回", 13),
    }
    world = Province(counties)
    world.users = {
        "taian": _user("taian", Role.COMMAND, unit=taian),
        "jinan": _user("jinan", Role.COMMAND, unit=jinan),
        "ningyang": _user("ningyang", Role.COMMAND, unit=counties["370921"].bureau),
        "dongping": _user("dongping", Role.COMMAND, unit=counties["370923"].bureau),
        "ningyang_station": _user(
            "ningyang_station", Role.STATION, unit=counties["370921"].station
        ),
        "province": _user("province", Role.COMMAND),
    }
    return world


# ---------------------------------------------------------------- the levels themselves


def test_areas_one_level_down(province: Province) -> None:
    assert [(a.code, a.name) for a in child_areas("37")] == [("3701", "济南市"), ("3709", "泰安市")]
    assert [(a.code, a.name) for a in child_areas("3709")] == [
        ("370921", "宁阳县"),
        ("370923", "东平县"),
    ]
    assert child_areas("370921") == []
    assert area_unit("3709") is not None and area_unit("3709").name == "泰安市公安局"


def test_a_pushed_row_goes_to_the_county_of_its_address_else_of_its_id(
    province: Province,
) -> None:
    dongping = province.counties["370923"].township
    assert county_of(township=dongping, household_region="370921") == "370923"
    assert county_of(township=None, household_region="370921") == "370921"
    # 肥城市 has no unit or township here, Wuhan is not in the province: nobody claims it.
    assert county_of(township=None, household_region="370983") == ""
    assert county_of(township=None, household_region="420106") == ""
    assert county_of(township=None, household_region="") == ""


def test_a_unit_takes_its_parents_area_and_none_outside_the_installation(
    province: Province,
) -> None:
    assert province.counties["370923"].station.area_code == "370923"
    with pytest.raises(Exception, match="不在本系统服务的区划"):
        org_services.unit_create(
            name="武汉市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="4201"
        )


def test_scopes_by_level(province: Province) -> None:
    ningyang, dongping = province.counties["370921"], province.counties["370923"]
    county = scope_for(province.users["ningyang"])
    assert not county.county and county.area == "370921"
    assert ningyang.township.pk in county.township_ids
    assert dongping.township.pk not in county.township_ids
    assert ningyang.checkpoint.pk in county.checkpoint_ids
    assert dongping.checkpoint.pk not in county.checkpoint_ids
    city = scope_for(province.users["taian"])
    assert {ningyang.checkpoint.pk, dongping.checkpoint.pk} == set(city.checkpoint_ids)
    assert scope_for(province.users["province"]).county  # no unit: the whole installation
    assert area_scope("37").county


# ---------------------------------------------------------------- people, cases, passages


def _ids(client: Any, url: str) -> set[int]:
    response = client.get(url, {"limit": 100})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_a_county_sees_its_own_people_and_no_other_countys(province: Province) -> None:
    ny, dp, lx = (province.counties[c] for c in ("370921", "370923", "370102"))
    client = province.client("ningyang")
    assert _ids(client, "/api/v1/persons") == {ny.resident.pk, ny.returnee.pk}
    page = client.get("/people/").content.decode()
    assert "张宁阳" in page and "李东平" not in page and "王历下" not in page
    # By id: exactly like a record that does not exist.
    assert client.get(f"/people/{dp.resident.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{dp.resident.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{lx.returnee.pk}").status_code == 404
    # Search by another county's ID number, name or phone finds nothing.
    for q in (dp.resident.id_number, "李东平", dp.resident.phone):
        text = client.get("/people/", {"q": q}).content.decode()
        assert "没有找到符合条件的人员" in text
        assert f"/people/{dp.resident.pk}/" not in text
    # Writes too: another county's person cannot be edited.
    response = client.post(
        f"/people/{dp.resident.pk}/edit/",
        {"name": "改名", "doc_type": "id_card", "id_number": dp.resident.id_number},
    )
    assert response.status_code == 404


def test_a_county_sees_its_own_cases_and_passages(province: Province) -> None:
    ny, dp = province.counties["370921"], province.counties["370923"]
    client = province.client("dongping")
    assert _ids(client, "/api/v1/cases") == {dp.case.pk}
    assert client.get(f"/api/v1/cases/{ny.case.pk}").status_code == 404
    assert client.get(f"/cases/{ny.case.pk}/").status_code == 404
    assert _ids(client, "/api/v1/passages") == {dp.passage.pk}
    passages = client.get("/checkpoints/passages/").content.decode()
    assert "东平县1号检查站" in passages and "宁阳县1号检查站" not in passages
    checkpoints = client.get("/checkpoints/list/").content.decode()
    assert "东平县1号检查站" in checkpoints and "宁阳县1号检查站" not in checkpoints
    # The export holds the county's cases only.
    export = client.get("/cases/export.xlsx")
    assert export.status_code == 200
    rows = [
        [str(c or "") for c in row]
        for row in load_workbook(io.BytesIO(_body(export))).active.iter_rows(values_only=True)
    ]
    assert len(rows) == 2  # the header and 钱东回's case, not 赵宁回's


def test_a_county_lists_its_own_officers_and_units(province: Province) -> None:
    from fangkong.org.services import officer_create

    for code, name, badge in (("370921", "周宁官", "371901"), ("370923", "吴东官", "371902")):
        officer_create(
            name=name,
            badge_number=badge,
            kind="police",
            unit=province.counties[code].station,
            by=None,
        )
    dongping = province.client("dongping")
    officers = dongping.get("/org/officers/").content.decode()
    assert "吴东官" in officers and "周宁官" not in officers
    units = dongping.get("/org/units/").content.decode()
    assert "东平县城关派出所" in units and "宁阳县城关派出所" not in units
    city = province.client("taian").get("/org/officers/").content.decode()
    assert "吴东官" in city and "周宁官" in city


def test_a_station_inside_a_city_county_keeps_its_station_scope(province: Province) -> None:
    ny = province.counties["370921"]
    client = province.client("ningyang_station")
    assert _ids(client, "/api/v1/persons") == {ny.resident.pk, ny.returnee.pk}


def test_a_city_sees_all_its_counties_and_nothing_of_another_city(province: Province) -> None:
    ny, dp, lx = (province.counties[c] for c in ("370921", "370923", "370102"))
    client = province.client("taian")
    assert _ids(client, "/api/v1/persons") == {
        ny.resident.pk,
        ny.returnee.pk,
        dp.resident.pk,
        dp.returnee.pk,
    }
    assert _ids(client, "/api/v1/cases") == {ny.case.pk, dp.case.pk}
    assert _ids(client, "/api/v1/passages") == {ny.passage.pk, dp.passage.pk}
    assert client.get(f"/api/v1/persons/{lx.resident.pk}").status_code == 404
    assert client.get(f"/cases/{lx.case.pk}/").status_code == 404
    assert "没有找到符合条件的人员" in client.get("/people/", {"q": "王历下"}).content.decode()
    # The other city sees its own only.
    assert _ids(province.client("jinan"), "/api/v1/persons") == {
        lx.resident.pk,
        lx.returnee.pk,
    }


# ---------------------------------------------------------------- figures


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _stats(client: Any, **params: str) -> Any:
    return client.get("/api/v1/stats/daily", params)


def test_a_countys_figures_are_its_own(province: Province) -> None:
    body = _stats(province.client("ningyang")).json()
    assert body["area"] == {"code": "370921", "name": "宁阳县", "level": "county"}
    figures = body["figures"]
    assert figures["checkpoints.persons_today"] == 1  # its own checkpoint's one traveller
    assert figures["quarantine.returnees_total"] == 1
    assert body["areas"] == []
    # Sections that cannot be counted by area are left out, not summed over every county.
    assert {s["key"] for s in body["sections"]} <= {"checkpoints", "quarantine", "org"}
    # Another county, another city, a made-up area.
    assert _stats(province.client("ningyang"), area="370923").status_code == 403
    assert _stats(province.client("ningyang"), area="3709").status_code == 403
    assert _stats(province.client("ningyang"), area="999999").status_code == 404
    assert _stats(province.client("ningyang"), area="37092a").status_code == 404
    assert _stats(province.client("ningyang"), area="x" * 300).status_code == 422


def test_a_citys_figures_have_one_row_per_county(province: Province) -> None:
    client = province.client("taian")
    body = _stats(client).json()
    assert body["area"]["code"] == "3709"
    assert body["figures"]["checkpoints.persons_today"] == 2
    assert body["figures"]["quarantine.returnees_total"] == 2
    rows = {a["code"]: a for a in body["areas"]}
    assert list(rows) == ["370921", "370923"]
    assert rows["370923"]["name"] == "东平县"
    assert rows["370923"]["figures"]["checkpoints.persons_today"] == 1
    assert rows["370923"]["url"] == "/command/dashboard/?area=370923"
    narrowed = _stats(client, area="370923").json()
    assert narrowed["figures"]["quarantine.returnees_total"] == 1
    assert _stats(client, area="370102").status_code == 403  # 济南's county
    assert _stats(client, area="3701").status_code == 403


def test_the_city_dashboard_links_each_county(province: Province) -> None:
    client = province.client("taian")
    page = client.get("/command/dashboard/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="areas"' in text
    assert 'href="/command/dashboard/?area=370921' in text and "东平县" in text
    assert "历下区" not in text
    county = client.get("/command/dashboard/", {"area": "370923"})
    assert county.status_code == 200
    county_text = county.content.decode()
    assert "东平县" in county_text and 'data-testid="area-up"' in county_text
    assert client.get("/command/dashboard/", {"area": "370102"}).status_code == 403
    assert (
        province.client("ningyang").get("/command/dashboard/", {"area": "370923"}).status_code
        == 403
    )
    screen = client.get("/command/screen/")
    assert screen.status_code == 200 and "宁阳县" in screen.content.decode()


def test_the_city_report_has_a_line_and_a_sheet_per_county(province: Province) -> None:
    client = province.client("taian")
    annex = client.get("/command/report/daily.xlsx")
    assert annex.status_code == 200
    book = load_workbook(io.BytesIO(_body(annex)))
    sheet = book[next(n for n in book.sheetnames if n.startswith("各县"))]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["370921", "370923"]
    docx = client.get("/command/report/daily.docx", {"area": "370923"})
    assert docx.status_code == 200
    text = "".join(p.text for p in Document(io.BytesIO(_body(docx))).paragraphs)
    assert "疫情防控工作日报（东平县）" in text
    city = "".join(
        p.text
        for p in Document(io.BytesIO(_body(client.get("/command/report/daily.docx")))).paragraphs
    )
    assert "疫情防控工作日报（泰安市）" in city and "宁阳县" in city and "东平县" in city
    county = province.client("ningyang").get("/command/report/daily.xlsx")
    assert not any(
        n.startswith("各县") for n in load_workbook(io.BytesIO(_body(county))).sheetnames
    )


# ---------------------------------------------------------------- the CLI


def test_createuser_at_an_area(province: Province) -> None:
    call_command("createuser", "taian2", role="command", area="3709", password=PASSWORD)
    user = User.objects.get(username="taian2")
    assert user.unit is not None and user.unit.area_code == "3709"
    assert scope_for(user).area == "3709"
    call_command("createuser", "dongping2", role="command", area="370923", password=PASSWORD)
    assert scope_for(User.objects.get(username="dongping2")).area == "370923"
    with pytest.raises(CommandError, match="没有该区划的单位"):
        call_command("createuser", "nobody", role="command", area="370983", password=PASSWORD)


# ---------------------------------------------------------------- the province build


# `fangkong demo --scale province` at a tiny size: 泰安 and the first two cities of 山东,
# two counties each (泰安: besides the demo county), each county its own, and a few days of
# bulk records in them. No demo county here: only its townships (reference data).
BUILT = {"cities": 3, "per_city": 2, "persons": 400, "cases": 60, "passages": 400, "days": 3}


@pytest.fixture
def built(db: None, settings: Any) -> ScaleContext:
    settings.FANGKONG = {**settings.FANGKONG, "AREA_CODE": "37"}
    load_reference_data()
    return grow(
        "province",
        demo=DemoContext(rng=random.Random(18)),
        log=lambda _m: None,
        chunk=500,
        **BUILT,
    )


def _as(username: str) -> Any:
    return signed_in(User.objects.get(username=username))


def _county_of(built: ScaleContext, code: str) -> Any:
    return next(c for c in built.data["counties"] if c.plan.code == code)


def test_the_province_build_has_its_cities_and_counties_each_its_own(
    built: ScaleContext,
) -> None:
    assert [(a.code, a.name) for a in child_areas("37")] == [
        ("3701", "济南市"),
        ("3702", "青岛市"),
        ("3709", "泰安市"),
    ]
    assert [a.code for a in child_areas("3709")] == ["370902", "370911", "370921"]
    assert [a.code for a in child_areas("3701")] == ["370102", "370103"]
    assert len(built.data["counties"]) == 6 and built.size.counties == 7
    for county in built.data["counties"]:
        code, login = county.plan.code, county.plan.login
        assert area_unit(code) == county.bureau
        assert {s.area_code for s in county.stations} == {code}
        assert {t.code[:6] for t in county.townships} == {code}
        assert len(county.checkpoints) == 3
        assert {cp.unit.area_code for cp in county.checkpoints} == {code}
        command = User.objects.get(username=f"{login}_zhihui")
        assert command.role == Role.COMMAND and scope_for(command).area == code
        station = User.objects.get(username=f"{login}_pcs")
        assert station.role == Role.STATION and station.unit in county.stations
        guard = User.objects.get(username=f"{login}_kk")
        assert guard.role == Role.CHECKPOINT and guard.officer.unit.area_code == code
        # Its people live in it, its checkpoints register travellers.
        assert Person.objects.filter(township__code__startswith=code).exists()
        assert Passage.objects.filter(checkpoint__in=county.checkpoints).exists()
    assert area_unit("3701") is not None and area_unit("3701").name == "济南市公安局"
    assert scope_for(User.objects.get(username="shandong_zhihui")).county  # all of it


def test_the_province_commander_sees_every_city(built: ScaleContext) -> None:
    day = str(built.last)
    body = _stats(_as("shandong_zhihui"), date=day).json()
    assert body["area"]["code"] == "37"
    rows = {a["code"]: a for a in body["areas"]}
    assert list(rows) == ["3701", "3702", "3709"]
    occupants = Occupant.objects.filter(day=day)
    assert body["figures"]["checkpoints.persons_today"] == occupants.count() > 0
    for code, row in rows.items():
        mine = occupants.filter(checkpoint__code__startswith=code).count()
        assert row["figures"]["checkpoints.persons_today"] == mine > 0, code
    # Any of its counties, by name.
    narrowed = _stats(_as("shandong_zhihui"), date=day, area="370102").json()
    expected = occupants.filter(checkpoint__in=_county_of(built, "370102").checkpoints).count()
    assert narrowed["figures"]["checkpoints.persons_today"] == expected


def test_a_city_commander_sees_its_counties_and_none_of_another_citys(
    built: ScaleContext,
) -> None:
    day = str(built.last)
    client = _as("taian_zhihui")
    body = _stats(client, date=day).json()
    assert body["area"]["code"] == "3709"
    assert [a["code"] for a in body["areas"]] == ["370902", "370911", "370921"]
    taian = Occupant.objects.filter(day=day, checkpoint__code__startswith="3709").count()
    assert body["figures"]["checkpoints.persons_today"] == taian
    jinan = Person.objects.filter(township__code__startswith="3701").first()
    ours = Person.objects.filter(township__code__startswith="370902").first()
    assert jinan is not None and ours is not None
    assert client.get(f"/api/v1/persons/{ours.pk}").status_code == 200
    assert client.get(f"/api/v1/persons/{jinan.pk}").status_code == 404
    seen = Person.objects.filter(pk__in=_ids(client, "/api/v1/persons"))
    assert seen.exists() and {p.township.code[:4] for p in seen} == {"3709"}
    case = QuarantineCase.objects.filter(township__code__startswith="3701").first()
    assert case is not None and client.get(f"/cases/{case.pk}/").status_code == 404
    assert _stats(client, date=day, area="3701").status_code == 403
    assert _stats(client, date=day, area="370102").status_code == 403


def test_a_county_user_sees_only_their_county(built: ScaleContext) -> None:
    day = str(built.last)
    lixia = _county_of(built, "370102")
    client = _as(f"{lixia.plan.login}_zhihui")
    body = _stats(client, date=day).json()
    assert body["area"]["code"] == "370102" and body["areas"] == []
    own = Occupant.objects.filter(day=day, checkpoint__in=lixia.checkpoints).count()
    assert body["figures"]["checkpoints.persons_today"] == own
    seen = Person.objects.filter(pk__in=_ids(client, "/api/v1/persons"))
    assert seen.exists() and {p.township.code[:6] for p in seen} == {"370102"}
    passages = Passage.objects.filter(pk__in=_ids(client, "/api/v1/passages"))
    assert passages.exists() and {p.checkpoint.code[:6] for p in passages} == {"370102"}
    neighbour = Person.objects.filter(township__code__startswith="370103").first()
    assert neighbour is not None
    assert client.get(f"/api/v1/persons/{neighbour.pk}").status_code == 404
    assert _stats(client, date=day, area="370103").status_code == 403
    assert _stats(client, date=day, area="3701").status_code == 403


# ---------------------------------------------------------------- "in the county" at a checkpoint


def _at_checkpoint(county: County, destination: str, id_region: str = "420106") -> str:
    """The recommendation for a traveller from Wuhan at `county`'s checkpoint."""
    assessed = checkpoint_services.passage_assess(
        data=checkpoint_services.PassageInput(
            checkpoint=Checkpoint.objects.get(pk=county.checkpoint.pk),
            direction="in",
            vehicle_type="car",
            plate="鄂A54321",
            occurred_at=clock.now() - datetime.timedelta(minutes=5),
            occupants=[
                checkpoint_services.OccupantInput(
                    name="周行",
                    id_number=make_id_number(id_region, datetime.date(1991, 3, 4), 77, "M"),
                    temperature="36.5",
                    origin="湖北省武汉市",
                    destination=destination,
                )
            ],
        )
    )
    return assessed.occupants[0].recommended


def test_in_the_county_is_the_checkpoints_own_county(province: Province) -> None:
    """At 宁阳's checkpoint a traveller going to a township, a village or the county seat of
    东平 (another county of the installation) is not in 宁阳: 劝返 (东平's to take in), never
    居家隔离 in 宁阳's list; going to 宁阳's own township is. And the other way round."""
    ningyang, dongping = province.counties["370921"], province.counties["370923"]
    Village.objects.create(township=dongping.township, name="东平独有村")
    for destination in ["东平县城关街道", "东平独有村", "东平县"]:
        assert _at_checkpoint(ningyang, destination) == "turn_back", destination
        assert _at_checkpoint(dongping, destination) == "quarantine", destination
    assert _at_checkpoint(ningyang, "堽城镇") == "quarantine"
    assert _at_checkpoint(dongping, "堽城镇") == "turn_back"
    # A name both counties have (names are unique per county): each checkpoint's own.
    for county in (ningyang, dongping):
        org_services.township_create(
            code=f"{county.code}099", name="新城街道", kind="subdistrict", station=None, by=None
        )
    assert _at_checkpoint(ningyang, "新城街道") == "quarantine"
    assert _at_checkpoint(dongping, "新城街道") == "quarantine"
    assert _at_checkpoint(ningyang, "新城") == "quarantine"
    # Nothing written: a resident of the checkpoint's county goes home, another's does not.
    assert _at_checkpoint(ningyang, "", id_region="370921") == "quarantine"
    assert _at_checkpoint(ningyang, "", id_region="370923") == "turn_back"
    # A checkpoint of the city's own bureau: anywhere in the city is its area.
    city = Unit.objects.get(name="泰安市公安局")
    Checkpoint.objects.filter(pk=ningyang.checkpoint.pk).update(unit=city)
    assert _at_checkpoint(ningyang, "东平县城关街道") == "quarantine"
    assert _at_checkpoint(ningyang, "历下区城关街道") == "turn_back"


# ---------------------------------------------------------------- whose bureau


def test_the_header_and_the_report_name_the_users_own_bureau(
    province: Province, settings: Any
) -> None:
    """A county user's header names their county's bureau, a city user's the city's, the
    installation's users the installation's; a county's daily report is its bureau's."""
    settings.FANGKONG = {**settings.FANGKONG, "BUREAU_NAME": "山东省公安厅"}
    for who, bureau in [
        ("ningyang", "宁阳县公安局"),
        ("ningyang_station", "宁阳县公安局"),
        ("dongping", "东平县公安局"),
        ("taian", "泰安市公安局"),
        ("province", "山东省公安厅"),
    ]:
        html = province.client(who).get("/").content.decode()
        brand = html.split('class="fk-brand-title">', 1)[1].split("<", 1)[0]
        assert brand == bureau, who
    docx = province.client("taian").get("/command/report/daily.docx", {"area": "370923"})
    text = "".join(p.text for p in Document(io.BytesIO(_body(docx))).paragraphs)
    assert "东平县公安局" in text and "泰安市公安局" not in text and "山东省公安厅" not in text
    mine = province.client("ningyang").get("/command/report/daily.docx")
    text = "".join(p.text for p in Document(io.BytesIO(_body(mine))).paragraphs)
    assert "宁阳县公安局" in text and "山东省公安厅" not in text


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "".join([p.text for p in doc.paragraphs] + cells)


def test_a_countys_documents_and_app_name_its_own_bureau(province: Province, settings: Any) -> None:
    """In a province installation a county's notices, receipts, letters and circulars are
    signed by that county's bureau (org.areas.bureau_name of the record's area), never the
    installation's; the installed app's name is the user's bureau's."""
    from fangkong.honors.documents import circular_docx
    from fangkong.honors.models import Circular
    from fangkong.logistics import services as logistics_services
    from fangkong.logistics.documents import thank_you_letter
    from fangkong.medical.documents import home_quarantine_notice
    from fangkong.quarantine.notices import release_notice

    settings.FANGKONG = {**settings.FANGKONG, "BUREAU_NAME": "山东省公安厅"}
    dongping = province.counties["370923"]
    # No station on the case: the notice is the bureau's own.
    QuarantineCase.objects.filter(pk=dongping.case.pk).update(station=None)
    case = QuarantineCase.objects.get(pk=dongping.case.pk)
    out = io.BytesIO()
    release_notice(case, out)
    for text in (_docx_text(out.getvalue()), _docx_text(home_quarantine_notice(case))):
        assert "东平县公安局" in text and "山东省公安厅" not in text
    clerk = province.users["dongping"]
    donor = logistics_services.donor_find_or_create(kind="citizen", name="王捐赠", by=clerk)
    donation = logistics_services.donation_record(
        donor=donor,
        day=clock.today(),
        receiving_unit=dongping.station,
        by=clerk,
        money=Decimal(500),
    )
    text = _docx_text(thank_you_letter(donation))
    assert "东平县公安局谨向您致以" in text and "山东省公安厅" not in text
    circular = Circular.objects.create(
        number="东公表〔2020〕1号",
        title="表扬通报",
        day=clock.today(),
        issued_by=province.users["dongping"],
        issued_at=clock.now(),
    )
    text = _docx_text(circular_docx(circular))
    assert "东平县公安局" in text and "山东省公安厅" not in text
    assert "东平县公安局办公室" in text  # the 印发 line: the county's office
    for who, bureau in [("dongping", "东平县公安局"), ("taian", "泰安市公安局")]:
        name = province.client(who).get("/manifest.webmanifest").json()["name"]
        assert name == f"{bureau}疫情防控指挥平台", who
    assert "use-credentials" in province.client("dongping").get("/").content.decode()
