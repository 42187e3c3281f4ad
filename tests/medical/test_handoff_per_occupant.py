"""The seventh round: a checkpoint's hand-over is per occupant. The sixth attack's leftover:
a checkpoint's referral joins the case on file, and a case had one open hand-over, so when
泗店派出所 had already handed 赵丽's case to medical care, the checkpoint that typed her ID
number with a fever found its occupant missing from 待移交, and handing it over by its
address said 该对象已移交医疗 (then 404): it learnt that the person behind the number was
at medical care. The checkpoint's queue and its answer now read its own hand-overs only;
the station and the receiving clinics see both hand-overs of the case, one picture."""

from __future__ import annotations

import re

from fangkong.checkpoints.models import Occupant
from fangkong.medical import services
from fangkong.medical.models import Handoff
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from tests.conftest import signed_in
from tests.medical.conftest import County
from tests.medical.test_handoff_subject_attack import (
    _assert_recorded_only,
    _on_file_case,
    _typed_in,
)


def _station_hands_over(county: County, case: QuarantineCase) -> Handoff:
    """泗店派出所 hands its case over from the case's page: to 泗店镇卫生院."""
    made = county.world.client("station_b").post("/medical/new/", {"case": case.pk})
    assert made.status_code == 302, made.content
    handoff = Handoff.objects.get(case=case, occupant=None)
    assert handoff.institution == county.clinic_b
    return handoff


def test_the_attack_the_checkpoint_hands_over_its_occupant_after_the_station_did(
    county: County,
) -> None:
    w = county.world
    case = _on_file_case(county)
    theirs = _station_hands_over(county, case)
    client = w.client("checkpoint")
    occupant = _typed_in(client, county)
    assert occupant.case_id == case.pk  # the referral joined the case handed over

    queue = client.get("/medical/").content.decode()
    assert f"occupant={occupant.pk}" in queue  # its occupant is in its 待移交
    _assert_recorded_only(queue)

    form = client.get(f"/medical/new/?occupant={occupant.pk}")
    assert form.status_code == 200
    _assert_recorded_only(form.content.decode())

    made = client.post("/medical/new/", {"occupant": occupant.pk}, follow=True)
    assert made.status_code == 200
    mine = Handoff.objects.get(occupant=occupant)
    assert mine.pk != theirs.pk and mine.case_id == case.pk
    assert made.redirect_chain[-1][0] == f"/medical/{mine.pk}/"
    page = made.content.decode()
    assert "已移交堽城镇卫生院" in page and "该对象已移交医疗" not in page
    _assert_recorded_only(page)
    # Nothing of the station's hand-over: its number, its clinic, its existence.
    for text in (theirs.number, "泗店镇卫生院", "另有", f"/medical/{theirs.pk}/"):
        assert text not in page, text
    assert client.get(f"/medical/{theirs.pk}/").status_code == 404
    listed = client.get("/medical/?state=all").content.decode()
    assert f"/medical/{mine.pk}/" in listed and f"/medical/{theirs.pk}/" not in listed
    assert f"occupant={occupant.pk}" not in listed  # handed over: gone from its queue

    # Posted again: its own hand-over, no second one, and still nothing of the station's.
    again = client.post("/medical/new/", {"occupant": occupant.pk})
    assert again["Location"] == f"/medical/{mine.pk}/"
    assert Handoff.objects.filter(occupant=occupant).count() == 1


def test_the_checkpoint_hands_over_whatever_state_the_case_on_file_is_in(
    county: County,
) -> None:
    """The occupant was registered while the case was open; the station then handed it
    over and the clinic found 疑似 (已送医, no longer open): the checkpoint's occupant
    stays in its queue and is handed over, not "已结案"."""
    w = county.world
    case = _on_file_case(county)
    client = w.client("checkpoint")
    occupant = _typed_in(client, county)
    theirs = _station_hands_over(county, case)
    services.handoff_outcome(handoff=theirs, by=county.medical_b, outcome="suspected")
    case.refresh_from_db()
    assert case.status == CaseStatus.HOSPITAL
    assert f"occupant={occupant.pk}" in client.get("/medical/").content.decode()
    made = client.post("/medical/new/", {"occupant": occupant.pk}, follow=True)
    page = made.content.decode()
    assert "已结案" not in page and "已送医" not in page
    mine = Handoff.objects.get(occupant=occupant)
    assert made.redirect_chain[-1][0] == f"/medical/{mine.pk}/"
    _assert_recorded_only(page)


def test_the_station_and_the_clinics_see_both_open_hand_overs_of_the_case(
    county: County,
) -> None:
    w = county.world
    case = _on_file_case(county)
    theirs = _station_hands_over(county, case)
    occupant = _typed_in(w.client("checkpoint"), county)
    w.client("checkpoint").post("/medical/new/", {"occupant": occupant.pk})
    mine = Handoff.objects.get(occupant=occupant)
    assert mine.institution == county.clinic_a

    # The station in charge: each page names the other, which it may open.
    station = w.client("station_b")
    for this, other in ((theirs, mine), (mine, theirs)):
        page = station.get(f"/medical/{this.pk}/").content.decode()
        others = page[page.index('data-testid="other-handoffs"') :]
        assert other.number in others and f'href="/medical/{other.pk}/"' in others
        assert other.institution.name in others
    listed = station.get("/medical/").content.decode()
    assert f"/medical/{theirs.pk}/" in listed and f"/medical/{mine.pk}/" in listed

    # Each receiving clinic sees the other hand-over named, not a link it cannot open.
    for staff, this, other in ((county.medical_a, mine, theirs), (county.medical_b, theirs, mine)):
        clinic = signed_in(staff)
        page = clinic.get(f"/medical/{this.pk}/").content.decode()
        others = page[page.index('data-testid="other-handoffs"') :]
        assert other.number in others and other.institution.name in others
        assert f"/medical/{other.pk}/" not in page
        assert clinic.get(f"/medical/{other.pk}/").status_code == 404

    # A station's hand-over of the case joins the open one, whichever it is.
    again = station.post("/medical/new/", {"case": case.pk})
    assert again.status_code == 302 and Handoff.objects.count() == 2


def test_an_exclusion_does_not_send_home_a_person_another_hand_over_holds(
    county: County,
) -> None:
    """疑似 at 泗店镇卫生院 (已送医); 排除 of the checkpoint's hand-over at 堽城镇卫生院 must
    not send the case back to home quarantine while the other finding holds."""
    w = county.world
    case = _on_file_case(county)
    theirs = _station_hands_over(county, case)
    occupant = _typed_in(w.client("checkpoint"), county)
    w.client("checkpoint").post("/medical/new/", {"occupant": occupant.pk})
    mine = Handoff.objects.get(occupant=occupant)
    services.handoff_outcome(handoff=theirs, by=county.medical_b, outcome="suspected")
    services.handoff_outcome(handoff=mine, by=county.medical_a, outcome="excluded")
    case.refresh_from_db()
    assert case.status == CaseStatus.HOSPITAL
    assert QuarantineCase.objects.filter(person=case.person).count() == 1
    # The other finding excluded too: now the case goes home as before.
    services.handoff_outcome(handoff=theirs, by=county.medical_b, outcome="excluded")
    reopened = QuarantineCase.objects.filter(person=case.person).exclude(pk=case.pk).get()
    assert reopened.status == CaseStatus.QUARANTINED


def test_the_checkpoints_own_pages_say_nothing_of_a_second_hand_over(county: County) -> None:
    """Two passages of the same number, each handed over by the checkpoint: each is its
    own, and its pages name no other (the checkpoint sees the record of neither)."""
    w = county.world
    _on_file_case(county)
    client = w.client("checkpoint")
    first = _typed_in(client, county)
    second = _typed_in(client, county)
    for occupant in (first, second):
        assert client.post("/medical/new/", {"occupant": occupant.pk}).status_code == 302
    handoffs = list(Handoff.objects.filter(occupant__in=[first, second]))
    assert len(handoffs) == 2
    for h in handoffs:
        page = client.get(f"/medical/{h.pk}/").content.decode()
        assert 'data-testid="other-handoffs"' not in page
        assert not re.search(r"YL\d{4}-\d{5}", page.replace(h.number, ""))
    assert Occupant.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
