"""The release notice's QR (an attack on the city demo): the paper is shown at checkpoints and
photographed by whoever stands by, and its code decoded to the full ID number, unsigned; a
forged `FK1:` text was taken by the scanner as a release notice."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from docx import Document

from fangkong.core import scancodes
from fangkong.quarantine.services import case_release
from tests.conftest import World
from tests.qrcodes import qr_text
from tests.quarantine.conftest import START, Cases, at

pytestmark = pytest.mark.django_db
DAY15 = START + datetime.timedelta(days=14)  # 2020-02-08


def _notice_qr(world: World, cases: Cases) -> tuple[str, str]:
    """The text a phone reads off the notice's QR, and the ID number as the notice prints it."""
    case_release(case=cases.a, by=world.users["station_a"], at=at(DAY15, 9))
    response = world.client("station_a").post(f"/cases/{cases.a.pk}/notice.docx")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    [png] = [
        part.blob
        for part in doc.sections[0].footer.part.related_parts.values()
        if part.content_type == "image/png"
    ]
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    return qr_text(png), cells[cells.index("证件号码") + 1]


def test_the_release_notices_qr_carries_the_masked_id_and_a_seal(
    world: World, cases: Cases
) -> None:
    text, printed = _notice_qr(world, cases)
    number = world.person_a.id_number or ""
    payload = scancodes.scan_payload(text)
    assert payload is not None
    carried = json.dumps(payload, ensure_ascii=False)
    assert number not in carried and number[6:14] not in carried  # no full ID, no birth date
    assert payload["k"] == "release" and payload["r"] == "2020-02-08"
    assert payload["o"] == [{"n": "张三", "m": printed}] and "*" in printed
    assert scancodes.release_genuine(text)


def test_a_forged_or_altered_release_code_is_not_genuine(world: World, cases: Cases) -> None:
    text, _printed = _notice_qr(world, cases)
    payload = scancodes.scan_payload(text)
    assert payload is not None
    forged = scancodes.scan_text(
        {"k": "release", "o": [{"n": "王琳", "i": "421102199507290421"}], "r": "2020-02-02"}
    )
    altered = scancodes.scan_text({**payload, "o": [{**payload["o"][0], "n": "王琳"}]})
    later = scancodes.scan_text({**payload, "r": "2020-03-01"})
    with_id = scancodes.scan_text(
        {**payload, "o": [{**payload["o"][0], "i": "421102199507290421"}]}
    )
    for fake in (forged, altered, later, with_id, "FK1:", "FK1:!!", text + "A"):
        assert not scancodes.release_genuine(fake), fake

    # The register page asks the server when it is online; a role without the register
    # page may not ask.
    officer = world.client("checkpoint")
    for code, genuine in ((text, True), (forged, False), (altered, False)):
        response = officer.post("/checkpoints/scan-check/", {"code": code})
        assert response.status_code == 200 and response.json() == {"genuine": genuine}
    assert (
        world.client("followup").post("/checkpoints/scan-check/", {"code": text}).status_code == 403
    )
