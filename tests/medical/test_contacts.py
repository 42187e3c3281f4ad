"""Co-traveller and housemate contacts (密切接触者): who is found, in which window, for whom,
and their referral to verification."""

from __future__ import annotations

import datetime

from fangkong.medical import services
from fangkong.medical.contacts import contacts_of
from fangkong.medical.models import ContactLink
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from tests.conftest import numbered, signed_in
from tests.medical.conftest import TODAY, County, resident


def _in_window(county: County):
    w = county.world
    seat = resident(w, "钱一", 1)
    old_seat = resident(w, "孙二", 2)
    county.passage(TODAY - datetime.timedelta(days=2), [w.person_a, seat])
    county.passage(TODAY - datetime.timedelta(days=20), [w.person_a, old_seat])
    return seat, old_seat


def test_seat_companions_within_the_window_and_not_outside(county: County) -> None:
    seat, old_seat = _in_window(county)
    found = {(c.person.pk, c.relation) for c in contacts_of(county.world.person_a)}
    assert (seat.pk, "vehicle") in found
    assert (old_seat.pk, "vehicle") not in found
    # A window of 30 days reaches the older passage.
    wider = {c.person.pk for c in contacts_of(county.world.person_a, days=30)}
    assert old_seat.pk in wider


def test_housemates_are_found_by_the_normalised_address(county: County) -> None:
    w = county.world  # 张三 lives at 堽城镇东王庄村 3组12号
    same = resident(w, "张母", 3, address="３组 12号")
    other = resident(w, "邻居", 4, address="3组13号")
    found = {c.person.pk: c for c in contacts_of(w.person_a)}
    assert found[same.pk].relation == "address"
    assert other.pk not in found


def test_the_api_lists_contacts_with_their_link(county: County) -> None:
    w = county.world
    seat, _old = _in_window(county)
    resident(w, "张母", 3, address="3组12号")
    response = w.client("station_a").get(f"/api/v1/persons/{w.person_a.pk}/contacts?days=14")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 == len(body["items"])
    by_relation = {item["relation"]: item for item in body["items"]}
    vehicle = by_relation["同车"]
    assert vehicle["person_id"] == seat.pk
    assert vehicle["passage_id"] is not None and vehicle["date"] == "2020-02-01"
    assert vehicle["case_id"] is None
    address = by_relation["同住"]
    # The house number is masked, as on every page.
    assert address["address"].startswith("堽城镇东王庄村") and "12" not in address["address"]
    assert address["date"] is None


def test_the_window_is_bounded(county: County) -> None:
    w = county.world
    client = w.client("station_a")
    for days in ("0", "61", "99999999999999999999"):
        response = client.get(f"/api/v1/persons/{w.person_a.pk}/contacts?days={days}")
        assert response.status_code == 422, days
        assert response.json()["detail"][0]["msg"].startswith("天数：")


def test_scope_applies_to_the_source_and_masks_contacts_out_of_it(county: County) -> None:
    w = county.world
    stranger = resident(w, "周五", 5, b=True)  # lives in the other station's area
    county.passage(TODAY - datetime.timedelta(days=1), [w.person_a, stranger])
    # 泗店 cannot see 张三 at all: answered like an unknown id.
    assert w.client("station_b").get(f"/api/v1/persons/{w.person_a.pk}/contacts").status_code == 404
    # A checkpoint has no people.view; logistics no contacts.view.
    assert (
        w.client("checkpoint").get(f"/api/v1/persons/{w.person_a.pk}/contacts").status_code == 403
    )
    assert w.client("logistics").get(f"/api/v1/persons/{w.person_a.pk}/contacts").status_code == 403
    item = w.client("station_a").get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"][0]
    assert item["person_id"] is None and item["visible"] is False
    assert item["name"] == "周*"
    # The county sees everyone by name.
    item = w.client("command").get(f"/api/v1/persons/{w.person_a.pk}/contacts").json()["items"][0]
    assert item["name"] == "周五" and item["visible"] is True


def test_referral_opens_or_joins_a_case_and_records_the_link(county: County) -> None:
    w = county.world
    seat, _old = _in_window(county)
    housemate = resident(w, "张母", 3, address="3组12号")
    # The housemate already has an open case: the referral joins it.
    known, _ = services.quarantine.case_refer(person=housemate, source="station", by=None)
    client = w.client("station_a")
    response = client.post(f"/people/{w.person_a.pk}/contacts/refer/?days=14")
    assert response.status_code == 302
    links = {link.contact_id: link for link in ContactLink.objects.filter(source=w.person_a)}
    assert set(links) == {seat.pk, housemate.pk}
    assert links[housemate.pk].case_id == known.pk
    opened = QuarantineCase.objects.get(person=seat)
    assert opened.status == CaseStatus.PENDING and opened.station_id == w.station_a.pk
    assert links[seat.pk].case_id == opened.pk
    assert links[seat.pk].referred_by == w.users["station_a"]
    assert opened.referrals.get().ref_type == "medical.contactlink"
    # Referring again refers nobody twice.
    client.post(f"/people/{w.person_a.pk}/contacts/refer/?days=14")
    assert QuarantineCase.objects.filter(person=seat).count() == 1
    assert opened.referrals.count() == 1
    page = client.get(f"/people/{w.person_a.pk}/contacts/").content.decode()
    assert "钱一" in page and "转核查" in page and "全部转派出所核查" not in page


def test_the_workgroup_sees_contacts_but_cannot_refer(county: County) -> None:
    w = county.world
    _in_window(county)
    client = signed_in(w.users["workgroup"])
    assert client.get(f"/people/{w.person_a.pk}/contacts/").status_code == 200
    assert client.post(f"/people/{w.person_a.pk}/contacts/refer/").status_code == 403
    assert not ContactLink.objects.exists()


def test_the_query_count_does_not_grow_with_the_history(county: County) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = county.world
    resident(w, "张母", 3, address="3组12号")
    county.passage(TODAY - datetime.timedelta(days=1), [w.person_a, resident(w, "甲", 10)])
    client = w.client("station_a")
    url = f"/api/v1/persons/{w.person_a.pk}/contacts"
    client.get(url)  # the session's first queries
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).json()["count"] == 2
    for i in range(5):
        county.passage(
            TODAY - datetime.timedelta(days=2 + i),
            [
                w.person_a,
                resident(w, numbered("乙", i), 20 + i),
                resident(w, numbered("丙", i), 40 + i),
            ],
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["count"] == 12
    assert len(many) == len(few)
