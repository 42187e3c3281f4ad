"""Two clerks saving the same stock item, or counting the same stock, from pages opened
before either saved: the second is told who changed what; nothing is overwritten."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.accounts.services import user_create
from fangkong.logistics import services
from fangkong.logistics.models import Item, Movement, Stock
from tests.conftest import PASSWORD, World
from tests.pages import form_data

DAY = datetime.date(2020, 2, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture
def n95(world: World) -> Item:
    clerk = world.users["logistics"]
    item = services.item_create(
        name="N95口罩", category="mask", grade="N95", unit_of_measure="个", low_threshold=100,
        by=clerk,
    )  # fmt: skip
    store = services.store_create(name="中心仓库", by=clerk)
    services.purchase_record(
        supplier="鲁泰", amount=Decimal("1000"), day=DAY, store=store, lines=[(item, 500)], by=clerk
    )
    return item


def second_clerk() -> Client:
    user = user_create(
        username="clerk2", password=PASSWORD, role="logistics", display_name="李保障", by=None,
        check_password=False,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    return client


def test_item_edited_from_a_stale_page_names_what_changed_and_keeps_both(
    world: World, n95: Item
) -> None:
    page = f"/logistics/items/{n95.pk}/edit/"
    first, second = world.client("logistics"), second_clerk()
    mine = form_data(first.get(page).content.decode())
    theirs = form_data(second.get(page).content.decode())
    assert mine["low_threshold"] == "100"
    assert first.post(page, {**mine, "low_threshold": "300"}).status_code == 302
    refused = second.post(page, {**theirs, "sort_order": "5"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "保存未成功：您打开此页面后，保障干部于" in html
    assert "预警线由“100”改为“300”" in html and "您的修改未保存" in html
    n95.refresh_from_db()
    assert (n95.low_threshold, n95.sort_order, n95.version) == (300, 0, 2)
    # Drawn again: the first clerk's threshold, the second clerk's sort order.
    again = form_data(html)
    assert (again["low_threshold"], again["sort_order"]) == ("300", "5")
    assert second.post(page, again).status_code == 302
    n95.refresh_from_db()
    assert (n95.low_threshold, n95.sort_order, n95.version) == (300, 5, 3)


def test_stock_count_on_a_stale_page_does_not_undo_a_distribution(world: World, n95: Item) -> None:
    stock = Stock.objects.get(item=n95)
    page = f"/logistics/stock/{stock.pk}/count/"
    counter = world.client("logistics")
    counted = form_data(counter.get(page).content.decode())
    assert counted["counted"] == "500"
    # Meanwhile 200 masks go out to a checkpoint.
    services.distribution_record(
        store=stock.store, unit=world.station_a, post="G104", received_by="王伟", signed_by="",
        day=DAY, lines=[(n95, 200)], by=world.users["logistics"],
    )  # fmt: skip
    refused = counter.post(page, {**counted, "counted": "490", "reason": "月末盘点，破损10个"})
    html = refused.content.decode()
    assert "库存由“500”改为“300”" in html and "您的修改未保存" in html
    assert Stock.objects.get(pk=stock.pk).quantity == 300
    assert not Movement.objects.filter(kind=Movement.Kind.ADJUSTMENT).exists()
    # The count typed stays for the officer to correct; saved from the new page it applies.
    again = form_data(html)
    assert again["counted"] == "490" and again["reason"] == "月末盘点，破损10个"
    assert counter.post(page, {**again, "counted": "290"}).status_code == 302
    adjustment = Movement.objects.get(kind=Movement.Kind.ADJUSTMENT)
    assert (adjustment.quantity, adjustment.balance) == (-10, 290)


def test_item_update_is_one_compare_and_swap(world: World, n95: Item) -> None:
    clerk = world.users["logistics"]
    values = {"name": "N95口罩", "category": "mask", "unit_of_measure": "个", "grade": "N95"}
    services.item_update(item=n95, by=clerk, expected_version=1, low_threshold=150, **values)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.item_update(item=n95, by=clerk, expected_version=1, low_threshold=90, **values)
    n95.refresh_from_db()
    assert (n95.low_threshold, n95.version) == (150, 2)
