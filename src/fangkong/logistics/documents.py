"""The thank-you letter (感谢信) to a donor, in official document layout."""

from __future__ import annotations

import io

from fangkong.core.documents import OfficialDocument, chinese_date
from fangkong.core.figures import format_amount
from fangkong.logistics.models import Donation
from fangkong.org.areas import bureau_name, record_area


def thank_you_letter(donation: Donation) -> bytes:
    # The bureau of the receiving unit's area: a county's inside a city.
    bureau = bureau_name(record_area(unit=donation.receiving_unit))
    donor = donation.donor
    doc = OfficialDocument(title="感谢信", page_numbers=False)
    salutation = f"{donor.name}：" if donor.kind == donor.Kind.COMPANY else f"{donor.name}同志："
    doc.paragraph(salutation, indent=False, align="left")
    goods = "、".join(
        f"{line.item.name}{line.quantity}{line.item.unit_of_measure}"
        for line in donation.lines.all()
    )
    gifts = []
    if goods:
        gifts.append(goods)
    if donation.money:
        gifts.append(f"捐款{format_amount(donation.money)}元")
    if donation.description and not gifts:
        gifts.append(donation.description)
    value = (
        f"，价值{format_amount(donation.estimated_value)}元"
        if donation.estimated_value and donation.estimated_value != donation.money
        else ""
    )
    doc.paragraph(
        f"在新型冠状病毒感染的肺炎疫情防控的关键时刻，您于{chinese_date(donation.day)}"
        f"向{donation.receiving_unit.name}捐赠{'，'.join(gifts)}{value}，"
        "为奋战在疫情防控一线的民警辅警送来了温暖和力量。"
    )
    doc.paragraph(
        f"在此，{bureau}谨向您致以衷心的感谢和崇高的敬意！全局民警辅警将以更加饱满的精神、"
        "更加昂扬的斗志，坚守岗位、恪尽职守，坚决打赢疫情防控阻击战。"
    )
    doc.letter_closing()
    doc.signature(bureau, donation.day)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
