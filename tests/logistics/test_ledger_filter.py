"""The ledger's filters are declared once (logistics/filters.py): its page and its export
(防护物资台账) narrow to the same movements — in and out of each filter, and none of another
county's stores (the province installation of tests/org/test_levels.py)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from fangkong.core import clock
from fangkong.logistics import services
from fangkong.logistics.models import Item, Movement
from tests.conftest import signed_in
from tests.org.test_levels import Province
from tests.org.test_levels import province as province
from tests.org.test_registers_by_county import Supplies
from tests.org.test_registers_by_county import supplies as supplies

pytestmark = pytest.mark.django_db

Row = tuple[str, str, str, int]


def _page(client: Any, **params: str) -> list[Row]:
    page = client.get("/logistics/ledger/", params)
    assert page.status_code == 200
    assert page.context["page"].paginator.count < 50
    return [
        (m.store.name, m.item.name, m.get_kind_display(), m.quantity)
        for m in page.context["page"].object_list
    ]


def _export(client: Any, **params: str) -> list[Row]:
    answer = client.get("/logistics/ledger/", {**params, "export": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "仓库", "物资", "类型", "数量")
    return [(r[1], r[2], r[3], int(r[4])) for r in rows[1:]]


def test_page_and_export_narrow_to_the_same_movements(
    province: Province,
    supplies: dict[str, Supplies],
) -> None:
    ningyang = supplies["370921"]
    yesterday = clock.today() - datetime.timedelta(days=1)
    gloves = services.item_create(
        name="医用手套", category=Item.Category.values[0], unit_of_measure="副", by=None
    )
    services.purchase_record(
        supplier="宁阳医药公司",
        amount=Decimal("80"),
        day=yesterday,
        store=ningyang.store,
        lines=[(gloves, 40)],
        by=province.users["logistics_370921"],
    )
    client = signed_in(province.users["logistics_370921"])
    every = _page(client)
    assert every == _export(client)
    assert {store for store, *_ in every} == {"宁阳物资仓库"}  # 东平's are out of sight
    assert len(every) == 4
    purchase = Movement.Kind.PURCHASE.label
    cases: list[tuple[dict[str, str], set[Row]]] = [
        (
            {"kind": Movement.Kind.PURCHASE},
            {
                ("宁阳物资仓库", "医用口罩", purchase, 100),
                ("宁阳物资仓库", "医用手套", purchase, 40),
            },
        ),
        ({"item": str(gloves.pk)}, {("宁阳物资仓库", "医用手套", purchase, 40)}),
        (
            {"start": yesterday.isoformat(), "end": yesterday.isoformat()},
            {("宁阳物资仓库", "医用手套", purchase, 40)},
        ),
        (
            {"start": clock.today().isoformat(), "kind": Movement.Kind.DISTRIBUTION},
            {("宁阳物资仓库", "医用口罩", Movement.Kind.DISTRIBUTION.label, -10)},
        ),
    ]
    for params, expected in cases:
        page = _page(client, **params)
        assert page == _export(client, **params), params
        assert set(page) == expected, params
    # 东平's own user sees 东平's purchase under the same filter, and none of 宁阳's.
    dongping = signed_in(province.users["logistics_370923"])
    theirs = _page(dongping, kind=Movement.Kind.PURCHASE)
    assert theirs == _export(dongping, kind=Movement.Kind.PURCHASE)
    assert theirs == [("东平物资仓库", "医用口罩", purchase, 100)]
