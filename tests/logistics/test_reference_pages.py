"""Stores (仓库) kept by the logistics group in its own pages: created and edited through
store_create / store_update, each write audited; other roles refused."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditEntry
from fangkong.logistics import services
from fangkong.logistics.models import Store
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_logistics_creates_and_edits_a_store_and_both_are_audited(world: World) -> None:
    client = world.client("logistics")
    assert "新建仓库" in client.get("/logistics/stores/").content.decode()
    response = client.post("/logistics/stores/new/", {"name": " 堽城 分库 ", "unit": ""})
    assert response.status_code == 302
    store = Store.objects.get()
    assert store.name == "堽城 分库" and store.unit is None
    created = AuditEntry.objects.get(object_type="logistics.store", action="create")
    assert created.actor == world.users["logistics"]

    url = f"/logistics/stores/{store.pk}/edit/"
    assert 'value="堽城 分库"' in client.get(url).content.decode()
    response = client.post(url, {"name": "堽城分库", "unit": world.station_a.pk})
    assert response.status_code == 302
    store.refresh_from_db()
    assert (store.name, store.unit) == ("堽城分库", world.station_a)
    updated = AuditEntry.objects.get(object_type="logistics.store", action="update")
    assert updated.changes["name"] == ["堽城 分库", "堽城分库"]
    assert updated.actor == world.users["logistics"]
    page = client.get("/logistics/stores/").content.decode()
    assert "堽城分库" in page and "堽城派出所" in page


@pytest.mark.parametrize("role", ["command", "political", "admin", "station_a"])
def test_other_roles_may_not_create_or_edit_stores(world: World, role: str) -> None:
    store = services.store_create(name="县局中心库", by=None)
    client = world.client(role)
    assert client.post("/logistics/stores/new/", {"name": "别处"}).status_code == 403
    assert client.post(f"/logistics/stores/{store.pk}/edit/", {"name": "别处"}).status_code == 403
    assert list(Store.objects.values_list("name", flat=True)) == ["县局中心库"]


def test_a_duplicate_or_blank_name_is_refused_on_the_field(world: World) -> None:
    services.store_create(name="县局中心库", by=None)
    other = services.store_create(name="泗店分库", by=None)
    client = world.client("logistics")
    audited = AuditEntry.objects.count()
    for url in ("/logistics/stores/new/", f"/logistics/stores/{other.pk}/edit/"):
        page = client.post(url, {"name": "县局中心库"}).content.decode()
        assert 'class="fk-errors"' in page and "具有 名称 的 仓库 已存在" in page
        page = client.post(url, {"name": "  "}).content.decode()
        assert 'class="fk-errors"' in page and "请填写名称" in page
        page = client.post(url, {"name": "库" * 41}).content.decode()
        assert "名称最多40个字（现有41个）" in page
    assert sorted(Store.objects.values_list("name", flat=True)) == ["县局中心库", "泗店分库"]
    assert AuditEntry.objects.count() == audited
