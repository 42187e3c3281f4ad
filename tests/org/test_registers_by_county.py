"""Levels (issue 18), the registers that are not person data: a county's leaders inside a
city see their county's tasks, inspections, incidents and officers' family difficulties
only — list and detail (404 for another county's) — and a city's leaders every county's
of the city and none of another city's. Real records in each county, through the
services users call; the province installation of test_levels."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from docx import Document

from fangkong.accounts.roles import Role
from fangkong.command import services as command_services
from fangkong.command.models import Incident, Inspection, Task
from fangkong.core import clock
from fangkong.honors import services as honors_services
from fangkong.honors.models import Circular, Commendation
from fangkong.org import services as org_services
from fangkong.org import welfare
from fangkong.org.models import Officer, WelfareCase
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
