"""The praise circular (表扬通报) as a .docx in official document layout."""

from __future__ import annotations

import io

from fangkong.accounts.jurisdiction import user_area
from fangkong.core.documents import OfficialDocument
from fangkong.honors import selectors
from fangkong.honors.models import Circular, Commendation
from fangkong.org.areas import bureau_name, issuing_office


def circular_docx(circular: Circular) -> bytes:
    # The issuer's bureau and office (a county's inside a city), as their header names it.
    area = user_area(circular.issued_by)
    bureau = bureau_name(area)
    doc = OfficialDocument(title=circular.title, number=circular.number, issuer=bureau)
    doc.paragraph("局属各单位：", indent=False, align="left")
    doc.paragraph(
        circular.preamble
        or "新型冠状病毒感染的肺炎疫情发生以来，全局广大民警辅警闻令而动、冲锋在前，"
        "涌现出一批先进集体和先进个人。为激励全局民警辅警坚决打赢疫情防控阻击战，"
        "经局党委研究，决定对以下集体和个人予以表扬。"
    )
    rows = list(selectors.circular_commendations(circular))
    collectives = [c for c in rows if c.kind == Commendation.Kind.COLLECTIVE]
    individuals = [c for c in rows if c.kind == Commendation.Kind.INDIVIDUAL]
    if collectives:
        doc.heading("先进集体")
        for c in collectives:
            doc.item(f"{c.unit.name}（{c.get_level_display()}）", c.deeds)
    if individuals:
        doc.heading("先进个人")
        for c in individuals:
            assert c.officer is not None
            doc.item(f"{c.unit.name}{c.officer.name}（{c.get_level_display()}）", c.deeds)
    doc.paragraph(
        "希望受到表扬的集体和个人珍惜荣誉、再接再厉。全局民警辅警要以先进为榜样，"
        "坚守岗位、恪尽职守，为全县疫情防控和社会治安大局平稳有序作出新的更大贡献。"
    )
    doc.signature(bureau, circular.day)
    doc.imprint(issuing_office(area), circular.day)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
