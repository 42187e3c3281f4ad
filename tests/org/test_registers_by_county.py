"""Levels (issue 18), the registers that are not person data: a county's leaders inside a
city see their county's tasks, inspections, incidents and officers' family difficulties
only — list and detail (404 for another county's) — and a city's leaders every county's
of the city and none of another city's. Real records in each county, through the
services users call; the province installation of test_levels."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from fangkong.accounts.roles import Role
from fangkong.command import services as command_services
from fangkong.command.models import Incident, Inspection, Task
from fangkong.core import clock
from fangkong.honors import services as honors_services
from fangkong.honors.models import Circular, Commendation
from fangkong.logistics import services as logistics_services
from fangkong.logistics.models import Distribution, Donation, Donor, Item, Stock, Store
from fangkong.org import services as org_services
from fangkong.org import welfare
from fangkong.org.models import Officer, WelfareCase
from fangkong.outreach import services as outreach_services
from fangkong.outreach.models import Activity, CommandoTeam, MediaReport, RoleModel
from tests.conftest import signed_in
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db


@dataclass
class Registers:
    task: Task
    inspection: Inspection
    incident: Incident
    welfare: WelfareCase
    officer: Officer
    commendation: Commendation
    circular: Circular


COUNTY_NAMES = {"370921": "宁阳", "370923": "东平", "370102": "历下"}


@pytest.fixture
def registers(province: Province) -> dict[str, Registers]:
    """One record of each register in each county, written by a leader of the county."""
    now = clock.now()
    out: dict[str, Registers] = {}
    for seq, (code, county) in enumerate(province.counties.items(), start=1):
        name = COUNTY_NAMES[code]
        leader = _user(f"cmd{code}", Role.COMMAND, unit=county.bureau)
        political = _user(f"pol{code}", Role.POLITICAL, unit=county.bureau)
        province.users[f"political_{code}"] = political
        officer = org_services.officer_create(
            name=f"{name}民警",
            badge_number=f"37{seq:04d}",
            kind=Officer.Kind.POLICE,
            unit=county.station,
            by=None,
            position="民警",
        )
        task = command_services.task_assign(
            title=f"{name}县卡口排查任务",
            deadline=now + datetime.timedelta(days=2),
            by=leader,
            unit=county.station,
        )
        inspection = command_services.inspection_record(
            unit=county.station,
            inspector=officer,
            at=now - datetime.timedelta(hours=2),
            by=leader,
            place=f"{name}检查站",
            summary=f"{name}督导检查纪要",
        )
        incident = command_services.incident_record(
            kind=Incident.Kind.PRICE_GOUGING,
            unit=county.station,
            occurred_at=now - datetime.timedelta(hours=3),
            place=f"{name}药店",
            summary=f"{name}药店哄抬口罩价格",
            by=leader,
        )
        case = welfare.welfare_case_open(officer=officer, title=f"{name}民警家属住院", by=political)
        commendation = honors_services.commendation_report(
            by=leader,
            kind=Commendation.Kind.INDIVIDUAL,
            officer=officer,
            level=Commendation.Level.values[0],
            deeds=f"{name}民警连续值守卡口",
        )
        honors_services.commendation_review(commendation=commendation, by=political)
        second = _user(f"cmd2{code}", Role.COMMAND, unit=county.bureau)
        honors_services.commendation_approve(commendation=commendation, by=second)
        circular = honors_services.circular_issue(
            number=f"{name}公政〔2020〕{seq}号",
            title=f"{name}表扬通报",
            day=clock.today(),
            commendations=[commendation],
            by=political,
        )
        out[code] = Registers(task, inspection, incident, case, officer, commendation, circular)
    province.users["taian_political"] = _user(
        "taian_political", Role.POLITICAL, unit=province.users["taian"].unit
    )
    return out


PAGES = {
    # register: (list url, detail url of a record, the text naming the record)
    "task": ("/command/tasks/", lambda r: f"/command/tasks/{r.task.pk}/", "县卡口排查任务"),
    "inspection": (
        "/command/inspections/",
        lambda r: f"/command/inspections/{r.inspection.pk}/",
        "检查站",
    ),
    "incident": (
        "/command/incidents/",
        lambda r: f"/command/incidents/{r.incident.pk}/",
        "药店",
    ),
    "welfare": ("/org/welfare/", lambda r: f"/org/welfare/{r.welfare.pk}/", "民警家属住院"),
    "commendation": ("/honors/", lambda r: f"/honors/{r.commendation.pk}/", "民警"),
    "circular": (
        "/honors/circulars/",
        lambda r: f"/honors/circulars/{r.circular.pk}.docx",
        "公政〔2020〕",
    ),
}

# who: the counties whose records they see
SEES = {
    "ningyang": {"370921"},
    "dongping": {"370923"},
    "taian": {"370921", "370923"},
    "jinan": {"370102"},
}


def _who(register: str, who: str, province: Province) -> str:
    """Welfare is the political department's: the same area as the leader named."""
    if register != "welfare":
        return who
    code = {"ningyang": "370921", "dongping": "370923"}.get(who)
    if code:
        return f"political_{code}"
    if who == "taian":
        return "taian_political"
    province.users.setdefault(
        "jinan_political",
        _user("jinan_political", Role.POLITICAL, unit=province.users["jinan"].unit),
    )
    return "jinan_political"


@pytest.mark.parametrize("register", sorted(PAGES))
@pytest.mark.parametrize("who", sorted(SEES))
def test_a_register_is_divided_by_county(
    province: Province,
    registers: dict[str, Registers],
    register: str,
    who: str,
) -> None:
    list_url, detail_url, _text = PAGES[register]
    client = signed_in(province.users[_who(register, who, province)])
    page = client.get(list_url)
    assert page.status_code == 200
    body = page.content.decode()
    for code, records in registers.items():
        name = COUNTY_NAMES[code]
        seen = code in SEES[who]
        assert (f"{name}{_text}" in body) == seen, (code, who)
        detail = client.get(detail_url(records))
        assert detail.status_code == (200 if seen else 404), (code, who)
        if seen and register == "circular":  # the export: the circular's Word file
            doc = Document(io.BytesIO(detail.content))
            assert f"{name}民警" in "\n".join(p.text for p in doc.paragraphs) + "".join(
                c.text for t in doc.tables for row in t.rows for c in row.cells
            )
        elif seen:
            assert f"{name}{_text}" in detail.content.decode()


def test_the_installation_sees_every_county(
    province: Province,
    registers: dict[str, Registers],
) -> None:
    client = province.client("province")
    body = client.get("/command/incidents/").content.decode()
    assert all(f"{n}药店" in body for n in COUNTY_NAMES.values())
    body = client.get("/command/tasks/").content.decode()
    assert all(f"{n}县卡口排查任务" in body for n in COUNTY_NAMES.values())


def test_a_county_records_welfare_for_its_own_officers_only(
    province: Province,
    registers: dict[str, Registers],
) -> None:
    ningyang = province.users["political_370921"]
    with pytest.raises(Exception, match="只能登记本辖区民警"):
        welfare.welfare_case_open(
            officer=registers["370923"].officer, title="东平民警家属生病", by=ningyang
        )
    client = signed_in(ningyang)
    form = client.get("/org/welfare/new/").content.decode()
    assert "宁阳民警" in form and "东平民警" not in form


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_commendations_api_is_divided_by_county(
    province: Province,
    registers: dict[str, Registers],
    who: str,
) -> None:
    body = signed_in(province.users[who]).get("/api/v1/honors/commendations").json()
    assert body["count"] == len(SEES[who])
    assert {item["id"] for item in body["items"]} == {
        registers[code].commendation.pk for code in SEES[who]
    }


def test_a_county_commends_its_own_officers_and_units_only(
    province: Province,
    registers: dict[str, Registers],
) -> None:
    form = province.client("ningyang").get("/honors/new/").content.decode()
    assert "宁阳民警" in form and "东平民警" not in form
    assert "宁阳县城关派出所" in form and "东平县城关派出所" not in form


# ---------------------------------------------------------------- logistics


@dataclass
class Supplies:
    store: Store
    distribution: Distribution
    donation: Donation
    stock: Stock


LOGISTICS_SEES = {
    "370921": {"370921"},
    "370923": {"370923"},
    "3709": {"370921", "370923"},
    "3701": {"370102"},
}


@pytest.fixture
def supplies(province: Province) -> dict[str, Supplies]:
    """A store in each county with a purchase, a distribution and a donation."""
    today = clock.today()
    item = logistics_services.item_create(
        name="医用口罩", category=Item.Category.MASK, unit_of_measure="只", by=None
    )
    out: dict[str, Supplies] = {}
    for code, county in province.counties.items():
        name = COUNTY_NAMES[code]
        by = _user(f"log{code}", Role.LOGISTICS, unit=county.bureau)
        province.users[f"logistics_{code}"] = by
        store = logistics_services.store_create(name=f"{name}物资仓库", by=by, unit=county.bureau)
        logistics_services.purchase_record(
            supplier=f"{name}医药公司",
            amount=Decimal("500"),
            day=today,
            store=store,
            lines=[(item, 100)],
            by=by,
        )
        distribution = logistics_services.distribution_record(
            store=store,
            unit=county.station,
            received_by=f"{name}领用人",
            lines=[(item, 10)],
            day=today,
            by=by,
        )
        donor = logistics_services.donor_find_or_create(
            kind=Donor.Kind.COMPANY, name=f"{name}爱心企业", by=by
        )
        donation = logistics_services.donation_record(
            donor=donor,
            day=today,
            receiving_unit=county.bureau,
            store=store,
            lines=[(item, 5)],
            by=by,
        )
        stock = Stock.objects.get(store=store, item=item)
        out[code] = Supplies(store, distribution, donation, stock)
    for area, unit in (
        ("3709", province.users["taian"].unit),
        ("3701", province.users["jinan"].unit),
    ):
        province.users[f"logistics_{area}"] = _user(f"log{area}", Role.LOGISTICS, unit=unit)
    return out


def _lists_show(client: Any, lists: dict[str, str], sees: set[str]) -> None:
    """Each list page names the record of each county it may show, and no other."""
    for url, text in lists.items():
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for code, name in COUNTY_NAMES.items():
            assert (f"{name}{text}" in body) == (code in sees), (url, code)


LOGISTICS_LISTS = {
    "/logistics/stores/": "物资仓库",
    "/logistics/purchases/": "医药公司",
    "/logistics/distributions/": "领用人",
    "/logistics/donations/": "爱心企业",
    "/logistics/ledger/": "物资仓库",
    "/logistics/": "物资仓库",
}


@pytest.mark.parametrize("area", sorted(LOGISTICS_SEES))
def test_logistics_is_divided_by_county(
    province: Province,
    supplies: dict[str, Supplies],
    area: str,
) -> None:
    client = signed_in(province.users[f"logistics_{area}"])
    sees = LOGISTICS_SEES[area]
    _lists_show(client, LOGISTICS_LISTS, sees)
    # The ledger's export and the thank-you letter (the donation's "detail" and export).
    export = client.get("/logistics/ledger/?export=xlsx")
    ledger = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    cells = " ".join(str(c) for row in ledger.active.iter_rows(values_only=True) for c in row)
    for code, s in supplies.items():
        seen = code in sees
        assert (f"{COUNTY_NAMES[code]}物资仓库" in cells) == seen, (code, area)
        letter = client.get(f"/logistics/donations/{s.donation.pk}/letter.docx")
        assert letter.status_code == (200 if seen else 404), (code, area)
        count = client.get(f"/logistics/stock/{s.stock.pk}/count/")
        assert count.status_code == (200 if seen else 404), (code, area)
        edit = client.get(f"/logistics/stores/{s.store.pk}/edit/")
        assert edit.status_code == (200 if seen else 404), (code, area)


def test_a_county_moves_supplies_of_its_own_stores_and_units_only(
    province: Province,
    supplies: dict[str, Supplies],
) -> None:
    client = signed_in(province.users["logistics_370921"])
    for url in (
        "/logistics/distributions/new/",
        "/logistics/donations/new/",
        "/logistics/purchases/new/",
        "/logistics/stores/new/",
    ):
        form = client.get(url).content.decode()
        assert "东平" not in form, url
    form = client.get("/logistics/distributions/new/").content.decode()
    assert "宁阳物资仓库" in form and "宁阳县城关派出所" in form


# ---------------------------------------------------------------- publicity (outreach)


@dataclass
class Publicity:
    team: CommandoTeam
    role_model: RoleModel


@pytest.fixture
def publicity(province: Province) -> dict[str, Publicity]:
    """An activity, a commando team, a media report and a role model in each county."""
    today = clock.today()
    out: dict[str, Publicity] = {}
    for seq, (code, county) in enumerate(province.counties.items(), start=1):
        name = COUNTY_NAMES[code]
        officer = org_services.officer_create(
            name=f"{name}队长",
            badge_number=f"38{seq:04d}",
            kind=Officer.Kind.POLICE,
            unit=county.station,
            by=None,
        )
        outreach_services.activity_record(
            kind=Activity.Kind.PLEDGE,
            title=f"{name}党员宣誓",
            day=today,
            unit=county.station,
            by=None,
            participant_count=12,
        )
        team = outreach_services.team_create(
            data=outreach_services.CommandoTeamInput(
                kind=CommandoTeam.Kind.PARTY,
                name=f"{name}党员突击队",
                unit=county.station,
                leader=officer,
                members=[officer],
                formed_on=today,
            ),
            by=None,
        )
        outreach_services.media_report_record(
            title=f"{name}民警坚守卡口",
            outlet="大众日报",
            level=MediaReport.Level.PROVINCIAL,
            day=today,
            by=None,
            unit=county.station,
        )
        role_model = outreach_services.role_model_record(
            title=f"{name}最美逆行者",
            story="连续值守",
            day=today,
            officers=[officer],
            by=None,
            unit=county.station,
        )
        out[code] = Publicity(team, role_model)
    return out


OUTREACH_LISTS = {
    "/outreach/activities/": "党员宣誓",
    "/outreach/teams/": "党员突击队",
    "/outreach/media/": "民警坚守卡口",
    "/outreach/role-models/": "最美逆行者",
    "/outreach/": "党员突击队",
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_publicity_is_divided_by_county(
    province: Province,
    publicity: dict[str, Publicity],
    who: str,
) -> None:
    client = province.client(who)
    _lists_show(client, OUTREACH_LISTS, SEES[who])


def test_a_county_assigns_and_records_for_its_own_units_and_officers_only(
    province: Province,
    registers: dict[str, Registers],
) -> None:
    client = province.client("ningyang")
    for url in ("/command/tasks/new/", "/command/inspections/new/", "/command/incidents/new/"):
        form = client.get(url).content.decode()
        assert "宁阳县城关派出所" in form, url
        assert "东平" not in form and "历下" not in form, url
    city = province.client("taian").get("/command/tasks/new/").content.decode()
    assert "宁阳县城关派出所" in city and "东平县城关派出所" in city and "历下" not in city
