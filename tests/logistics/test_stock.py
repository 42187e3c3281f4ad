"""Stock arithmetic, low stock, days of cover, donations, the ledger and its export."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from docx import Document
from python_calamine import CalamineWorkbook

from fangkong.core.models import AuditEntry
from fangkong.logistics import selectors, services
from fangkong.logistics.models import Distribution, Item, Movement, Stock, Store
from tests.conftest import World

DAY = datetime.date(2020, 2, 3)


@pytest.fixture
def kit(world: World) -> dict[str, object]:
    clerk = world.users["logistics"]
    n95 = services.item_create(
        name="N95口罩",
        category="mask",
        grade="N95",
        unit_of_measure="个",
        low_threshold=100,
        by=clerk,
    )
    suit = services.item_create(
        name="医用防护服", category="suit", unit_of_measure="套", low_threshold=10, by=clerk
    )
    store = services.store_create(name="中心仓库", by=clerk)
    return {"clerk": clerk, "n95": n95, "suit": suit, "store": store}


def _on_hand(store: Store, item: Item) -> int:
    return Stock.objects.get(store=store, item=item).quantity


@pytest.mark.django_db
def test_purchase_in_and_distribution_out_keep_stock_and_ledger_in_step(
    world: World, kit: dict
) -> None:
    clerk, n95, suit, store = kit["clerk"], kit["n95"], kit["suit"], kit["store"]
    purchase = services.purchase_record(
        supplier="山东鲁泰医疗器械有限公司",
        amount=Decimal("213600.00"),
        invoice_number="0001",
        day=DAY,
        store=store,
        lines=[(n95, 500), (suit, 40), (n95, 100)],
        by=clerk,
    )
    assert _on_hand(store, n95) == 600  # two lines of one item merged
    assert purchase.lines.count() == 2
    services.distribution_record(
        store=store, unit=world.station_a, received_by="王伟", lines=[(n95, 250)], day=DAY, by=clerk
    )
    assert _on_hand(store, n95) == 350
    ledger = list(
        Movement.objects.filter(item=n95).order_by("id").values_list("kind", "quantity", "balance")
    )
    assert ledger == [("purchase", 600, 600), ("distribution", -250, 350)]
    assert AuditEntry.objects.filter(object_type="logistics.stock").count() == 3


@pytest.mark.django_db
def test_stock_never_goes_below_zero_and_nothing_is_half_saved(world: World, kit: dict) -> None:
    clerk, n95, suit, store = kit["clerk"], kit["n95"], kit["suit"], kit["store"]
    services.purchase_record(
        supplier="甲",
        amount=Decimal(100),
        day=DAY,
        store=store,
        lines=[(n95, 50), (suit, 5)],
        by=clerk,
    )
    with pytest.raises(ValidationError) as info:
        services.distribution_record(
            store=store,
            unit=world.station_a,
            received_by="王伟",
            lines=[(n95, 10), (suit, 6)],
            day=DAY,
            by=clerk,
        )
    assert "医用防护服库存不足：中心仓库现有5套，需6套" in info.value.messages
    # The N95 line before it was rolled back with the whole distribution.
    assert _on_hand(store, n95) == 50
    assert Distribution.objects.count() == 0
    assert Movement.objects.filter(kind="distribution").count() == 0
    with pytest.raises(ValidationError):
        services.stock_adjust(store=store, item=suit, delta=-6, reason="盘亏", day=DAY, by=clerk)
    services.stock_adjust(store=store, item=suit, delta=-5, reason="盘亏", day=DAY, by=clerk)
    assert _on_hand(store, suit) == 0


@pytest.mark.django_db
def test_bad_quantities_are_refused_in_chinese(world: World, kit: dict) -> None:
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    with pytest.raises(ValidationError, match="至少填写一种物资"):
        services.distribution_record(
            store=store, unit=world.station_a, received_by="王伟", lines=[], day=DAY, by=clerk
        )
    with pytest.raises(ValidationError, match="数量须为正整数"):
        services.purchase_record(
            supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 0)], by=clerk
        )


@pytest.mark.django_db
def test_low_stock_and_days_of_cover_at_the_last_seven_days_rate(world: World, kit: dict) -> None:
    clerk, n95, suit, store = kit["clerk"], kit["n95"], kit["suit"], kit["store"]
    services.purchase_record(
        supplier="甲",
        amount=Decimal(1),
        day=DAY - datetime.timedelta(days=20),
        store=store,
        lines=[(n95, 1000), (suit, 100)],
        by=clerk,
    )
    # Outside the 7-day window: does not count towards the rate.
    services.distribution_record(
        store=store,
        unit=world.station_a,
        received_by="甲",
        lines=[(n95, 500)],
        day=DAY - datetime.timedelta(days=7),
        by=clerk,
    )
    for back in range(7):  # 60 a day for the last 7 days
        services.distribution_record(
            store=store,
            unit=world.station_b,
            received_by="乙",
            lines=[(n95, 60)],
            day=DAY - datetime.timedelta(days=back),
            by=clerk,
        )
    rows = {r.item.name: r for r in selectors.stock_summary(DAY)}
    assert rows["N95口罩"].on_hand == 80
    assert rows["N95口罩"].outflow == 420
    assert rows["N95口罩"].per_day == 60
    assert rows["N95口罩"].days_cover == 1.3
    assert rows["N95口罩"].low  # 80 < 100
    assert rows["医用防护服"].days_cover is None  # none used: no end in sight
    assert not rows["医用防护服"].low
    assert [r.item.name for r in selectors.low_stock(DAY)] == ["N95口罩"]
    assert selectors.low_stock_count() == 1


@pytest.mark.django_db
def test_donations_totals_by_donor_type_and_thank_you_letter(world: World, kit: dict) -> None:
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    company = services.donor_find_or_create(
        kind="company", name="泰安恒昌劳动防护用品有限公司", by=clerk
    )
    donation = services.donation_record(
        donor=company,
        day=datetime.date(2020, 1, 27),
        receiving_unit=world.bureau,
        store=store,
        lines=[(n95, 2000)],
        estimated_value=Decimal("62800"),
        by=clerk,
    )
    for name in ("张大爷", "李阿姨"):
        citizen = services.donor_find_or_create(kind="citizen", name=name, by=clerk)
        services.donation_record(
            donor=citizen, day=DAY, receiving_unit=world.station_a, money=Decimal("500"), by=clerk
        )
    with pytest.raises(ValidationError, match="请填写捐赠的物资及数量，或捐款金额"):
        services.donation_record(donor=citizen, day=DAY, receiving_unit=world.station_a, by=clerk)
    totals = {t["kind"]: t for t in selectors.donation_totals()}
    assert totals["company"]["value"] == Decimal("62800")
    assert totals["citizen"]["donors"] == 2
    assert totals["citizen"]["money"] == Decimal("1000")
    assert _on_hand(store, n95) == 2000

    response = world.client("logistics").get(f"/logistics/donations/{donation.pk}/letter.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "感谢信" in text
    assert "泰安恒昌劳动防护用品有限公司：" in text
    assert "N95口罩2000个" in text and "价值62,800元" in text
    assert "2020年1月27日" in text


@pytest.mark.django_db
def test_pages_permissions_and_query_counts(
    world: World, kit: dict, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    services.purchase_record(
        supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 90)], by=clerk
    )
    for i in range(5):
        services.distribution_record(
            store=store,
            unit=world.station_a,
            post="104国道检查站",
            received_by=f"领用{i}",
            lines=[(n95, 1)],
            day=DAY,
            by=clerk,
        )
    client = world.client("logistics")
    page = client.get("/logistics/").content.decode()
    assert "N95口罩" in page and "85 个" in page and "低于预警线" in page
    assert world.client("command").get("/logistics/").status_code == 200
    assert world.client("command").get("/logistics/distributions/new/").status_code == 403
    assert world.client("station_a").get("/logistics/").status_code == 403
    for url, n in (("/logistics/ledger/", 5), ("/logistics/distributions/", 5), ("/logistics/", 5)):
        client.get(url)  # warm caches (session, user)
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200
    xlsx = client.get("/logistics/ledger/?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:3] == ["时间", "仓库", "物资"]
    assert len(rows) == 7 and rows[1][3] == "发放出库" and "104国道检查站" in rows[1][7]


@pytest.mark.django_db
def test_forms_record_a_distribution_and_show_errors(world: World, kit: dict) -> None:
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    services.purchase_record(
        supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 10)], by=clerk
    )
    client = world.client("logistics")
    data = {
        "store": store.pk,
        "unit": world.station_a.pk,
        "received_by": "王伟",
        "day": "2020-02-03",
        "item_1": n95.pk,
        "qty_1": 11,
    }
    response = client.post("/logistics/distributions/new/", data)
    assert response.status_code == 200
    assert "N95口罩库存不足" in response.content.decode()
    data["qty_1"] = 4
    assert client.post("/logistics/distributions/new/", data).status_code == 302
    assert _on_hand(store, n95) == 6


@pytest.mark.django_db
def test_api_stock_on_hand(world: World, kit: dict) -> None:
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    services.purchase_record(
        supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 10)], by=clerk
    )
    body = world.client("command").get("/api/v1/logistics/stock").json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "item": "N95口罩",
        "category": "mask",
        "grade": "N95",
        "unit_of_measure": "个",
        "on_hand": 10,
        "outflow_7d": 0,
        "per_day": 0.0,
        "days_cover": None,
        "low_threshold": 100,
        "low": True,
    }
    assert world.client("station_a").get("/api/v1/logistics/stock").status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_distributions_cannot_both_take_the_last_stock(world: World, kit: dict) -> None:
    """Two clerks on two connections each take 60 of 100: exactly one succeeds."""
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    services.purchase_record(
        supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 100)], by=clerk
    )
    barrier = threading.Barrier(2)
    results: list[str] = []

    def take(unit) -> None:  # type: ignore[no-untyped-def]
        from django.db import connections, transaction

        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                services.distribution_record(
                    store=store, unit=unit, received_by="甲", lines=[(n95, 60)], day=DAY, by=clerk
                )
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(u,)) for u in (world.station_a, world.station_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["N95口罩库存不足：中心仓库现有40个，需60个", "ok"]
    assert _on_hand(store, n95) == 40
    assert Movement.objects.filter(kind="distribution").count() == 1


@pytest.mark.django_db
def test_stock_page_measures_the_rate_up_to_a_chosen_day(world: World, kit: dict) -> None:
    clerk, n95, store = kit["clerk"], kit["n95"], kit["store"]
    services.purchase_record(
        supplier="甲", amount=Decimal(1), day=DAY, store=store, lines=[(n95, 700)], by=clerk
    )
    services.distribution_record(
        store=store, unit=world.station_a, received_by="甲", lines=[(n95, 70)], day=DAY, by=clerk
    )
    client = world.client("logistics")
    page = client.get("/logistics/?day=2020-02-03").content.decode()
    assert '<td class="fk-num">63.0</td>' in page  # 630 left at 10 a day
    assert client.get("/logistics/?day=2020-02-30").status_code == 200
    assert client.get("/logistics/?day=nonsense").status_code == 200


@pytest.mark.django_db
def test_the_seventh_attack_a_donors_contact_is_held_to_the_rule_of_names(
    world: World, kit: dict
) -> None:
    """`contact=张3` was stored: the contact person's name is refused as any name is
    (core.text.name_error), naming 联系人; a real name is kept."""
    clerk = kit["clerk"]
    for contact, said in (
        ("张3", "联系人含有非法字符：“3”"),
        ("<b>王", "联系人含有非法字符：“<”"),
        ("\u202e李四", "联系人含有非法字符：“U+202E”"),
    ):
        with pytest.raises(ValidationError) as info:
            services.donor_find_or_create(
                kind="company", name="恒昌公司", contact=contact, by=clerk
            )
        assert info.value.message_dict == {"contact": [said]}, contact
    donor = services.donor_find_or_create(
        kind="company", name="恒昌公司", contact="阿依古丽·买买提", by=clerk
    )
    assert donor.contact == "阿依古丽·买买提"
