"""Every .docx fangkong writes, rendered by LibreOffice as the bureau would print it: A4, no
more pages than it should take, every Chinese character drawn with a Chinese face and none
lost; the daily report of the demo county's 2020-02-03 in at most two pages, under a red
head; circulars with the red head and the 印发 line; letters laid out as Chinese letters.

The documents: the daily report (command/report.py), the praise circular
(honors/documents.py), the thank-you letter to a donor (logistics/documents.py), the
release notice (quarantine/notices.py), the medical hand-off's receipt and the home-quarantine
notice and pledge (medical/documents.py) — every user of core/documents.OfficialDocument.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from tests.documents.render import CJK, Rendered, check, docx_text, render, require_tools

# The demo county lives in the test database: the tests read it (through the module's fixture).
pytestmark = pytest.mark.django_db

# The most pages each may take for the demo county's day.
BOUNDS = {
    "daily": 2,  # the county's report: two pages, tables to the annex
    "circular": 2,
    "letter_company": 1,
    "letter_citizen": 1,
    "notice": 1,
    "handoff_receipt": 1,
    "home_notice": 1,
    "home_pledge": 1,
}


def _documents() -> dict[str, bytes]:
    import datetime

    from fangkong.command.report import build_daily_report
    from fangkong.honors.documents import circular_docx
    from fangkong.honors.models import Circular
    from fangkong.logistics.documents import thank_you_letter
    from fangkong.logistics.models import Donation, Donor
    from fangkong.quarantine.models import CaseStatus, QuarantineCase
    from fangkong.quarantine.notices import release_notice

    out: dict[str, bytes] = {}
    buffer = io.BytesIO()
    build_daily_report(datetime.date(2020, 2, 3)).save(buffer)
    out["daily"] = buffer.getvalue()
    circular = Circular.objects.order_by("-day", "-id").first()
    assert circular is not None
    out["circular"] = circular_docx(circular)
    donations = Donation.objects.order_by("id")
    out["letter_company"] = thank_you_letter(donations.filter(donor__kind=Donor.Kind.COMPANY)[0])
    out["letter_citizen"] = thank_you_letter(donations.filter(donor__kind=Donor.Kind.CITIZEN)[0])
    case = QuarantineCase.objects.filter(status=CaseStatus.RELEASED).order_by("id")[0]
    buffer = io.BytesIO()
    release_notice(case, buffer)
    out["notice"] = buffer.getvalue()
    from fangkong.medical import documents as medical
    from fangkong.medical.models import Handoff
    from fangkong.medical.selectors import subject_of

    handoff = Handoff.objects.filter(outcome="confirmed").order_by("id")[0]
    # As the receiving side prints it (the person's record, masked).
    subject = subject_of(
        person=handoff.person, case=handoff.case, occupant=handoff.occupant, visible=True
    )
    out["handoff_receipt"] = medical.handoff_receipt(handoff, subject)
    quarantined = QuarantineCase.objects.filter(status=CaseStatus.QUARANTINED).order_by("id")[0]
    out["home_notice"] = medical.home_quarantine_notice(quarantined)
    out["home_pledge"] = medical.home_quarantine_pledge(quarantined)
    return out


@pytest.fixture(scope="module")
def rendered(
    demo_county: Any,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[bytes, Rendered]]]:
    require_tools()
    with (
        django_db_blocker.unblock(),
        override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}),
    ):
        documents = _documents()
    workdir: Path = tmp_path_factory.mktemp("documents")
    yield {name: (data, render(data, workdir, name)) for name, data in documents.items()}


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_each_document_renders_on_a4_with_chinese_faces_and_nothing_lost(
    rendered: dict[str, tuple[bytes, Rendered]], name: str
) -> None:
    data, pdf = rendered[name]
    check(pdf, docx_text(data), max_pages=BOUNDS[name])


def test_the_daily_report_has_its_red_head_and_imprint(
    rendered: dict[str, tuple[bytes, Rendered]],
) -> None:
    _data, pdf = rendered["daily"]
    first = pdf.texts[0]
    _family, colour, _left, _top, text = first[0]
    assert text == "宁阳县公安局" and colour.lower() == "#ff0000"
    assert [t[4].replace(" ", "") for t in first[1:4]] == [
        "第11期",
        "疫情防控工作日报",
        "（截至2020年2月3日24时）",
    ]
    # The 版记 closes the last page, below everything else on it.
    last = pdf.texts[-1]
    imprint = next(t for t in last if t[4].replace(" ", "").endswith("2020年2月3日印发"))
    assert max(t[3] for t in last if CJK.search(t[4])) == imprint[3]
    assert "宁阳县公安局办公室" in pdf.text.replace(" ", "")


def test_the_circular_has_its_red_head_and_separated_items(
    rendered: dict[str, tuple[bytes, Rendered]],
) -> None:
    data, pdf = rendered["circular"]
    _family, colour, _left, _top, text = pdf.texts[0][0]
    assert text == "宁阳县公安局" and colour.lower() == "#ff0000"
    text = docx_text(data)
    # Each commended one is named, then a colon, then the deeds as a closed sentence.
    assert "1．" in text and "）：" in text
    assert "印发" in pdf.text


def test_letters_close_with_cizhi_jingli_as_chinese_letters_do(
    rendered: dict[str, tuple[bytes, Rendered]],
) -> None:
    for name in ("letter_company", "letter_citizen"):
        _data, pdf = rendered[name]
        salutation = next(t for t in pdf.texts[0] if t[4].endswith("："))
        cizhi = pdf.find("此致")
        jingli = pdf.find("敬礼！")
        # 此致 two characters in, 敬礼！ at the margin on the next line, the signature right.
        assert cizhi[2] > jingli[2] == salutation[2], name
        assert jingli[3] > cizhi[3], name
        bureau = next(t for t in pdf.texts[0] if t[4] == "宁阳县公安局" and t[3] > jingli[3])
        assert bureau[2] > 892 / 2, name
        # A one-page letter carries no page number.
        assert "—" not in pdf.text, name


def test_punctuation_at_the_end_of_a_full_line_is_drawn(tmp_path: Path) -> None:
    """A full-width mark that falls just past a full justified line (here after 26 characters
    and the two of the indent) must be drawn, not hung past the margin and lost."""
    from fangkong.core.documents import OfficialDocument

    require_tools()
    doc = OfficialDocument(title="感谢信", page_numbers=False)
    for mark in "！。，；":
        doc.paragraph(
            f"在此，宁阳县公安局谨向您致以衷心的感谢和崇高的敬意{mark}全局民警辅警将以更加饱满的精神。"
        )
    buffer = io.BytesIO()
    doc.save(buffer)
    pdf = render(buffer.getvalue(), tmp_path)
    check(pdf, docx_text(buffer.getvalue()), max_pages=1)
