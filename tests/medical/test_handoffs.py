"""移交医疗: from a checkpoint decision, a fever alert or a follow-up to the designated
institution; the receiving side's outcome moves the case and opens the contacts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.checkpoints.models import Decision, Occupant
from fangkong.core import clock
from fangkong.core.clock import SHANGHAI
from fangkong.core.figures import collect_sections, flat_figures
from fangkong.medical import services
from fangkong.medical.models import ContactLink, Handoff
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert, CaseStatus, QuarantineCase
from tests.conftest import signed_in
from tests.medical.conftest import TODAY, County, resident


def _quarantined(county: County, person=None) -> QuarantineCase:
    w = county.world
    case, _ = quarantine.case_refer(
        person=person or w.person_a,
        source="station",
        by=None,
        arrival_date=TODAY - datetime.timedelta(days=3),
    )
    return quarantine.case_verify(
        case=case, by=w.users["station_a"], finding="at_home", measure="home", at=clock.now()
    )


def _fever(case: QuarantineCase) -> Alert:
    at = clock.now().replace(hour=9)
    quarantine.followup_record(
        case=case, by=None, temperature="38.4", symptoms=[], at_home=True, visited_at=at
    )
    return Alert.objects.get(case=case, kind="fever")


def test_a_fever_alert_is_handed_to_the_townships_clinic_and_resolved(county: County) -> None:
    w = county.world
    case = _quarantined(county)
    alert = _fever(case)
    client = w.client("station_a")
    response = client.post("/medical/new/", {"alert": alert.pk, "reason": ""})
    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.institution == county.clinic_a  # 堽城镇 → 堽城镇卫生院
    assert handoff.origin == "alert" and str(handoff.temperature) == "38.4"
    assert "38.4" in handoff.reason
    alert.refresh_from_db()
    assert alert.resolved_at is not None and "堽城镇卫生院" in alert.resolution
    # A second hand-off of the same case is the same one.
    client.post("/medical/new/", {"case": case.pk})
    assert Handoff.objects.count() == 1
    receipt = client.post(f"/medical/{handoff.pk}/receipt.docx")
    assert receipt.status_code == 200 and receipt.content[:2] == b"PK"


def test_confirmed_moves_the_case_to_hospital_and_opens_contacts(county: County) -> None:
    w = county.world
    seat = resident(w, "钱一", 1)
    county.passage(TODAY - datetime.timedelta(days=2), [w.person_a, seat])
    case = _quarantined(county)
    handoff, created = services.handoff_create(
        case=case, by=w.users["station_a"], origin="followup"
    )
    assert created
    # The clinic's staff see it; another clinic's do not; a station may not record it.
    mine = signed_in(county.medical_a)
    assert b"\xe5\xbe\x85\xe5\x8f\x8d\xe9\xa6\x88" in mine.get("/medical/").content  # 待反馈
    assert signed_in(county.medical_b).get(f"/medical/{handoff.pk}/").status_code == 404
    assert (
        w.client("station_a")
        .post(f"/medical/{handoff.pk}/outcome/", {"outcome": "confirmed", "version": 1})
        .status_code
        == 403
    )
    response = mine.post(
        f"/medical/{handoff.pk}/outcome/",
        {"outcome": "confirmed", "note": "核酸阳性", "version": 1},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.HOSPITAL and case.measure == "hospital"
    assert "确诊" in case.transitions.get(to_status=CaseStatus.HOSPITAL).reason
    link = ContactLink.objects.get()
    assert (link.contact, link.relation, link.referred_at) == (seat, "vehicle", None)
    # The station sees the contact list opened, with the action to refer them.
    page = w.client("station_a").get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    assert "钱一" in page and "全部转派出所核查" in page
    figures = flat_figures(collect_sections(TODAY))
    assert figures["medical.outcome_confirmed"] == 1
    assert figures["medical.contacts_found"] == 1
    assert figures["medical.contacts_unreached"] == 1


def test_excluded_sends_a_pending_case_to_home_quarantine(county: County) -> None:
    w = county.world
    case, _ = quarantine.case_refer(
        person=w.person_a, source="checkpoint", by=None, arrival_date=TODAY
    )
    handoff, _ = services.handoff_create(case=case, by=None, origin="checkpoint")
    services.handoff_outcome(handoff=handoff, by=county.medical_a, outcome="excluded")
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED and case.measure == "home"
    assert case.start_date == TODAY
    assert not ContactLink.objects.exists()


def test_excluded_after_the_fourteen_days_releases(county: County) -> None:
    w = county.world
    # Back 15 days ago: a start before the case is counted from its arrival date.
    back = TODAY - datetime.timedelta(days=15)
    case, _ = quarantine.case_refer(person=w.person_a, source="station", by=None, arrival_date=back)
    case = quarantine.case_verify(
        case=case, by=w.users["station_a"], finding="at_home", measure="home", start_date=back
    )
    handoff, _ = services.handoff_create(case=case, by=None, origin="followup")
    services.handoff_outcome(handoff=handoff, by=county.medical_a, outcome="excluded")
    case.refresh_from_db()
    assert case.status == CaseStatus.RELEASED


def test_suspected_then_excluded_returns_to_home_quarantine(county: County) -> None:
    w = county.world
    case = _quarantined(county)
    handoff, _ = services.handoff_create(case=case, by=None, origin="followup")
    services.handoff_outcome(handoff=handoff, by=county.medical_a, outcome="suspected")
    case.refresh_from_db()
    assert case.status == CaseStatus.HOSPITAL
    services.handoff_outcome(handoff=handoff, by=county.medical_a, outcome="excluded")
    reopened = QuarantineCase.objects.get(person=w.person_a, status=CaseStatus.QUARANTINED)
    assert reopened.pk != case.pk and reopened.start_date == case.start_date
    # A final outcome stays.
    with pytest.raises(ValidationError) as exc:
        services.handoff_outcome(handoff=handoff, by=county.medical_a, outcome="confirmed")
    assert "已登记为“排除”" in exc.value.messages[0]


def test_a_checkpoint_hands_over_its_own_medical_decision(county: County) -> None:
    w = county.world
    traveller = resident(w, "发热者", 6)
    passage = county.passage(TODAY, [traveller], temperatures=["38.6"])
    occupant = Occupant.objects.get(passage=passage)
    assert occupant.decision == Decision.MEDICAL and occupant.case is not None
    client = w.client("checkpoint")
    queue = client.get("/medical/").content.decode()
    assert f"occupant={occupant.pk}" in queue
    response = client.post("/medical/new/", {"occupant": occupant.pk})
    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.origin == "checkpoint" and handoff.occupant == occupant
    assert client.get(f"/medical/{handoff.pk}/").status_code == 200
    # Gone from the queue once handed over.
    assert f"occupant={occupant.pk}" not in client.get("/medical/").content.decode()


def test_bad_outcome_is_refused_in_chinese_and_nothing_saved(county: County) -> None:
    case = _quarantined(county)
    handoff, _ = services.handoff_create(case=case, by=None, origin="followup")
    response = signed_in(county.medical_a).post(
        f"/medical/{handoff.pk}/outcome/", {"outcome": "cured", "version": 1}
    )
    assert response.status_code == 422
    assert "诊断结果" in response.content.decode()
    handoff.refresh_from_db()
    assert handoff.outcome == ""


def test_documents_at_the_start_of_quarantine(county: County) -> None:
    w = county.world
    case = _quarantined(county)
    client = w.client("station_a")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "居家隔离告知书" in page and "居家隔离承诺书" in page
    for kind in ("notice", "pledge"):
        response = client.post(f"/cases/{case.pk}/home-{kind}.docx")
        assert response.status_code == 200 and response.content[:2] == b"PK"
    assert case.medical_documents.count() == 2
    assert w.client("followup").post(f"/cases/{case.pk}/home-notice.docx").status_code in (403, 404)
    at = datetime.datetime.combine(TODAY, datetime.time(8), SHANGHAI)
    assert at  # the clock of the fixture


def test_the_hand_off_page_opened_without_a_person_leads_to_the_list(county: County) -> None:
    client = county.world.client("station_a")
    response = client.get("/medical/new/", follow=True)
    assert response.redirect_chain == [("/medical/", 302)]
    assert "请从待移交列表、预警或隔离对象页面选择要移交的人员" in response.content.decode()
    assert not Handoff.objects.exists()
    # A source out of scope is still not found (another station's case).
    assert client.get("/medical/new/?case=999999999").status_code == 404
