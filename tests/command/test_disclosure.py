"""The daily report and its annex are counts: no returnee's name, ID number or phone is in
them, so downloading them is no reveal (docs/data-protection.md)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from fangkong.quarantine.services import followup_record
from tests.conftest import ClockAt, World
from tests.quarantine.conftest import at, quarantined_pair

pytestmark = pytest.mark.django_db
DAY = "2020-02-03"


def test_the_daily_report_and_its_annex_name_no_returnee(
    world: World, settings: object, clock_at: ClockAt
) -> None:
    import datetime

    settings.FANGKONG = {**settings.FANGKONG, "TODAY": DAY}  # type: ignore[attr-defined]
    clock_at("10:00")  # after the 09:00 visit below
    cases = quarantined_pair(world)
    followup_record(
        case=cases.b,
        by=world.users["station_b"],
        temperature="38.2",
        symptoms=[],
        at_home=True,
        visited_at=at(datetime.date(2020, 2, 3), 9),
    )
    client = world.client("command")
    docx = Document(io.BytesIO(client.get(f"/command/report/daily.docx?date={DAY}").content))
    texts = [p.text for p in docx.paragraphs]
    texts += [c.text for t in docx.tables for row in t.rows for c in row.cells]
    response = client.get(f"/command/report/daily.xlsx?date={DAY}")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    for name in book.sheet_names:
        texts += [str(c) for row in book.get_sheet_by_name(name).to_python() for c in row]
    text = " ".join(texts)
    assert "发热" in text  # the fever is counted …
    for person in (world.person_a, world.person_b):  # … nobody is named
        for value in (person.name, person.id_number, person.phone, person.address_detail):
            assert value and value not in text, value
