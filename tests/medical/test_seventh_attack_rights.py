"""The seventh attack (2026-12-04), on who may do what with a hand-over: the command centre
recorded a hospital's diagnosis (zhihui POST /medical/12/outcome/ excluded → 302, the case
moved 待核查 → 隔离中), and the working group, which only reads, was issued the receipt
(POST /medical/3/receipt.docx → .docx, audited as 导出 移交医疗交接单)."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditEntry
from fangkong.medical import services
from fangkong.medical.models import Handoff
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import CaseStatus
from tests.conftest import signed_in
from tests.medical.conftest import TODAY, County

pytestmark = pytest.mark.django_db


def _pending_handoff(county: County) -> Handoff:
    case, _ = quarantine.case_refer(
        person=county.world.person_a, source="checkpoint", by=None, arrival_date=TODAY
    )
    handoff, _ = services.handoff_create(case=case, by=None, origin="checkpoint")
    return handoff


def test_only_the_receiving_institution_records_the_outcome(county: County) -> None:
    w = county.world
    handoff = _pending_handoff(county)
    command = w.client("command")
    page = command.get(f"/medical/{handoff.pk}/").content.decode()
    assert 'name="outcome"' not in page  # no form to record it
    response = command.post(
        f"/medical/{handoff.pk}/outcome/", {"outcome": "excluded", "version": 1}
    )
    assert response.status_code == 403
    handoff.refresh_from_db()
    assert handoff.outcome == ""
    assert handoff.case.status == CaseStatus.PENDING
    handoff.case.refresh_from_db()
    assert handoff.case.status == CaseStatus.PENDING  # not moved to home quarantine
    # The institution it is addressed to records it.
    mine = signed_in(county.medical_a)
    assert 'name="outcome"' in mine.get(f"/medical/{handoff.pk}/").content.decode()
    response = mine.post(f"/medical/{handoff.pk}/outcome/", {"outcome": "excluded", "version": 1})
    assert response.status_code == 302
    handoff.case.refresh_from_db()
    assert handoff.case.status == CaseStatus.QUARANTINED


def test_the_receipt_is_the_two_sides_who_sign_it(county: County) -> None:
    w = county.world
    handoff = _pending_handoff(county)
    url = f"/medical/{handoff.pk}/receipt.docx"
    exports = AuditEntry.objects.filter(action="export", object_type="medical.handoff")
    workgroup = w.client("workgroup")
    assert workgroup.get(f"/medical/{handoff.pk}/").status_code == 200  # it reads hand-overs
    assert "打印交接单" not in workgroup.get(f"/medical/{handoff.pk}/").content.decode()
    assert workgroup.get(url).status_code == 403
    assert workgroup.post(url).status_code == 403
    assert not exports.exists()
    # Who hands over and who receives are issued it, audited.
    for client in (w.client("station_a"), signed_in(county.medical_a)):
        assert "打印交接单" in client.get(f"/medical/{handoff.pk}/").content.decode()
        response = client.post(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"
    assert exports.count() == 2
