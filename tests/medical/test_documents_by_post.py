"""Documents are issued by a POST (the fifth attack: "documents issued by a GET"). Opening a
document's address — a link followed, prefetched, or sent to someone — shows what would be
issued and a button; it issues nothing: no record of the document, no audit entry. The
button posts with its CSRF token and issues. The pages offer forms, not links. And the
home-quarantine notice numbers its headings once ("一、一、" was printed)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.test import Client
from docx import Document

from fangkong.core import clock
from fangkong.core.documents import OfficialDocument
from fangkong.core.models import AuditEntry
from fangkong.medical import services
from fangkong.medical.models import CaseDocument
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import QuarantineCase
from fangkong.quarantine.services import case_release
from tests.conftest import World, signed_in
from tests.medical.conftest import TODAY, County
from tests.quarantine.conftest import START, at, quarantined_pair

pytestmark = pytest.mark.django_db


def _quarantined(county: County) -> QuarantineCase:
    w = county.world
    case, _ = quarantine.case_refer(
        person=w.person_a,
        source="station",
        by=None,
        arrival_date=TODAY - datetime.timedelta(days=3),
    )
    return quarantine.case_verify(
        case=case, by=w.users["station_a"], finding="at_home", measure="home", at=clock.now()
    )


def _exports() -> int:
    return AuditEntry.objects.filter(action="export").count()


def _page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_opening_a_home_documents_address_issues_nothing(county: County) -> None:
    case = _quarantined(county)
    client = county.world.client("station_a")
    for kind, title in (("notice", "居家隔离告知书"), ("pledge", "居家隔离承诺书")):
        html = _page(client.get(f"/cases/{case.pk}/home-{kind}.docx"))
        assert f"<h1>{title}</h1>" in html
        assert "张三" in html and "堽城派出所" in html  # whom, and in whose name
        assert re.search(
            r'<form method="post">\s*<input type="hidden" name="csrfmiddlewaretoken"', html
        )
        assert "出具并下载" in html
    assert not CaseDocument.objects.exists()
    assert _exports() == 0


def test_the_button_posts_and_issues_the_home_documents(county: County) -> None:
    case = _quarantined(county)
    client = county.world.client("station_a")
    response = client.post(f"/cases/{case.pk}/home-notice.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    document = CaseDocument.objects.get()
    assert document.case == case and document.kind == "notice"
    assert document.issued_by == county.world.users["station_a"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_id == str(case.pk) and entry.changes["document"] == "居家隔离告知书"


def test_a_post_without_its_csrf_token_issues_nothing(county: County) -> None:
    case = _quarantined(county)
    client = signed_in(county.world.users["station_a"], Client(enforce_csrf_checks=True))
    response = client.post(f"/cases/{case.pk}/home-notice.docx")
    assert response.status_code == 403
    assert "页面已过期，未提交" in response.content.decode()
    assert not CaseDocument.objects.exists() and _exports() == 0


def test_another_stations_case_is_not_found_by_get_or_post(county: County) -> None:
    case = _quarantined(county)
    client = county.world.client("station_b")
    for method in (client.get, client.post):
        assert method(f"/cases/{case.pk}/home-notice.docx").status_code == 404
        assert method(f"/cases/{case.pk}/home-pledge.docx").status_code == 404
    assert not CaseDocument.objects.exists() and _exports() == 0


def test_the_case_page_and_the_person_file_offer_forms_not_links(county: County) -> None:
    case = _quarantined(county)
    client = county.world.client("station_a")
    client.post(f"/cases/{case.pk}/home-notice.docx")
    pages = [
        client.get(f"/cases/{case.pk}/").content.decode(),
        client.get(f"/people/{case.person_id}/").content.decode(),
    ]
    for html in pages:
        assert f'<form method="post" action="/cases/{case.pk}/home-notice.docx"' in html
        assert f'href="/cases/{case.pk}/home-notice.docx"' not in html
    assert f'href="/cases/{case.pk}/home-pledge.docx"' not in pages[0]


def test_the_hand_off_receipt_is_issued_by_a_post(county: County) -> None:
    case = _quarantined(county)
    handoff, _created = services.handoff_create(
        case=case, by=county.world.users["station_a"], origin="followup"
    )
    client = county.world.client("station_a")
    detail = client.get(f"/medical/{handoff.pk}/").content.decode()
    assert f'<form method="post" action="/medical/{handoff.pk}/receipt.docx"' in detail
    before = _exports()
    html = _page(client.get(f"/medical/{handoff.pk}/receipt.docx"))
    assert "移交医疗交接单" in html and handoff.number in html
    assert _exports() == before
    response = client.post(f"/medical/{handoff.pk}/receipt.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert _exports() == before + 1
    assert (
        county.world.client("station_b").post(f"/medical/{handoff.pk}/receipt.docx").status_code
        == 404
    )
    assert _exports() == before + 1


def test_the_release_notice_is_issued_by_a_post(world: World) -> None:
    cases = quarantined_pair(world)
    case_release(
        case=cases.a, by=world.users["station_a"], at=at(START + datetime.timedelta(days=14), 9)
    )
    client = world.client("station_a")
    page = client.get(f"/cases/{cases.a.pk}/").content.decode()
    assert f'<form method="post" action="/cases/{cases.a.pk}/notice.docx"' in page
    html = _page(client.get(f"/cases/{cases.a.pk}/notice.docx"))
    assert "解除居家隔离告知书" in html and "2020-02-08" in html
    assert _exports() == 0
    response = client.post(f"/cases/{cases.a.pk}/notice.docx")
    assert response.status_code == 200
    assert _exports() == 1


def test_the_home_notice_numbers_its_headings_once(county: County) -> None:
    case = _quarantined(county)
    response = county.world.client("station_a").post(f"/cases/{case.pk}/home-notice.docx")
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "一、隔离期间须做到" in texts and "二、法律责任" in texts
    assert not [
        t for t in texts if re.match(r"^[一二三四五六七八九十]+、[一二三四五六七八九十]+、", t)
    ]


def test_a_heading_that_carries_its_own_number_is_a_programming_error() -> None:
    doc = OfficialDocument(title="测试")
    for text in ("一、隔离期间须做到", "十二、其他", "（一）车辆", "1．人员", "2.人员"):
        with pytest.raises(ValueError, match="carries its own number"):
            doc.heading(text)
        with pytest.raises(ValueError, match="carries its own number"):
            doc.subheading(text)
    doc.heading("2020年工作")  # a year is no heading number
    doc.heading("一线人员")  # nor a word that starts with 一
