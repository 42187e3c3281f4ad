"""The disclosure rule on the quarantine pages and API: what each role is shown of a person
under quarantine leaves each hidden value among at least 10,000 candidates."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditEntry
from tests.conftest import World
from tests.disclosure import assert_discloses_little, birth_date_renderings, json_text
from tests.quarantine.conftest import Cases

pytestmark = pytest.mark.django_db

PAGES = {
    "workgroup": ["/cases/", "/cases/{a}/", "/cases/?q=zs", "/cases/alerts/", "/cases/overdue/"],
    "command": ["/cases/", "/cases/{a}/", "/cases/verify/", "/cases/release/"],
    "station_a": ["/cases/", "/cases/{a}/", "/cases/{a}/verify/", "/cases/today/"],
    # Not /cases/today/: the 四包一 member's own list calls and visits (an audited reveal,
    # test_the_followup_list_reveals_only_to_the_team_and_records_it).
    "followup": ["/cases/", "/cases/{a}/", "/cases/{a}/followup/"],
}
APIS = {
    "workgroup": ["/api/v1/cases", "/api/v1/cases/{a}"],
    "command": ["/api/v1/cases", "/api/v1/cases/{a}"],
    "station_a": ["/api/v1/cases", "/api/v1/cases/{a}"],
    "followup": ["/api/v1/cases", "/api/v1/cases/{a}", "/api/v1/followups/due"],
}


@pytest.mark.parametrize("who", sorted(PAGES))
def test_quarantine_pages_and_api_leave_10000_candidates(
    world: World, cases: Cases, who: str, settings: object
) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": "2020-02-03"}  # type: ignore[attr-defined]
    client = world.client(who)
    person = world.person_a
    assert person.birth_date is not None
    seen = False
    for url in PAGES[who]:
        response = client.get(url.format(a=cases.a.pk))
        assert response.status_code == 200, url
        text = response.content.decode()
        seen = seen or person.name in text
        assert_discloses_little(text, person)
        assert not any(r in text for r in birth_date_renderings(person.birth_date)), url
    assert seen
    for url in APIS[who]:
        response = client.get(url.format(a=cases.a.pk))
        assert response.status_code == 200, url
        text = json_text(response.json())
        assert "张三" in text, url
        assert_discloses_little(text, person)
        assert not any(r in text for r in birth_date_renderings(person.birth_date)), url
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_followup_list_reveals_only_to_the_team_and_records_it(
    world: World, cases: Cases, settings: object
) -> None:
    """Tap-to-call and the house number: the team member's list shows the phone and the
    address of the people they answer for, and the trail records each showing."""
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": "2020-02-03"}  # type: ignore[attr-defined]
    a, b = world.person_a, world.person_b
    text = world.client("followup").get("/cases/today/").content.decode()
    assert f'href="tel:{a.phone}"' in text and a.address_detail in text
    assert b.phone not in text and b.name not in text  # not on their team
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == world.users["followup"]
    assert entry.changes["fields"] == ["phone", "address_detail"]
    assert entry.changes["cases"] == [cases.a.pk]
    # A station officer on no team sees no list, and nothing is revealed.
    text = world.client("station_a").get("/cases/today/").content.decode()
    assert a.phone not in text
    assert AuditEntry.objects.filter(action="reveal").count() == 1


def test_the_case_search_is_no_tail_oracle(world: World, cases: Cases) -> None:
    client = world.client("workgroup")
    phone = world.person_a.phone
    id_number = world.person_a.id_number or ""
    for q in (phone[-5:], phone[-4:], id_number[-6:], id_number[:14]):
        assert client.get("/api/v1/cases", {"q": q}).json()["count"] == 0, q
        assert "张三" not in client.get("/cases/", {"q": q}).content.decode(), q
    for q in (phone, id_number, id_number[:17]):
        names = [c["name"] for c in client.get("/api/v1/cases", {"q": q}).json()["items"]]
        assert names == ["张三"], q
