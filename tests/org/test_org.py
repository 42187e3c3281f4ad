from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.core import clock
from fangkong.org import selectors, services
from fangkong.org.filters import OfficerFilter
from fangkong.org.models import Officer, Recall
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_wartime_order_recalls_everyone_on_leave(world: World) -> None:
    on_leave = services.officer_create(
        name="刘洋",
        badge_number="371301",
        kind="police",
        unit=world.station_a,
        by=None,
        status="on_leave",
    )
    sick = services.officer_create(
        name="陈静",
        badge_number="371302",
        kind="auxiliary",
        unit=world.station_a,
        by=None,
        status="sick",
    )
    at = clock.now() - datetime.timedelta(hours=6)
    order = services.wartime_order_issue(
        title="全警停休", text="", effective_at=at, by=world.users["command"]
    )
    recalls = list(order.recalls.all())
    assert [r.officer for r in recalls] == [on_leave]
    on_leave.refresh_from_db()
    sick.refresh_from_db()
    assert on_leave.status == Officer.Status.RECALLED
    assert sick.status == Officer.Status.SICK
    assert selectors.order_summary(order, world.users["command"]) == {
        "total": 1,
        "reported": 0,
        "waiting": 1,
    }


def test_reporting_back_puts_the_officer_on_post(world: World) -> None:
    services.officer_create(
        name="刘洋",
        badge_number="371301",
        kind="police",
        unit=world.station_a,
        by=None,
        status="on_leave",
    )
    at = clock.now() - datetime.timedelta(hours=6)
    order = services.wartime_order_issue(
        title="全警停休", text="", effective_at=at, by=world.users["command"]
    )
    recall = order.recalls.get()
    with pytest.raises(ValidationError) as info:
        services.recall_report_back(
            recall=recall, at=at - datetime.timedelta(hours=1), by=world.users["command"]
        )
    assert info.value.message_dict["reported_at"] == ["报到时间不能早于命令生效时间"]
    services.recall_report_back(
        recall=recall, at=at + datetime.timedelta(hours=2), by=world.users["command"]
    )
    recall.refresh_from_db()
    assert recall.officer.status == Officer.Status.ON_POST
    assert selectors.order_summary(order, world.users["command"])["reported"] == 1
    with pytest.raises(ValidationError):
        services.recall_report_back(recall=recall, at=clock.now(), by=world.users["command"])


def test_wartime_page_shows_who_has_not_reported(world: World) -> None:
    services.officer_create(
        name="刘洋",
        badge_number="371301",
        kind="police",
        unit=world.station_a,
        by=None,
        status="on_leave",
    )
    client = world.client("command")
    response = client.post(
        "/org/wartime/",
        {"title": "全警停休", "text": "即日起停休", "effective_at": "2020-01-26T14:00"},
    )
    assert response.status_code == 302
    page = client.get("/org/wartime/").content.decode()
    assert "刘洋" in page and "登记报到" in page
    recall = Recall.objects.get()
    client.post(f"/org/wartime/recalls/{recall.pk}/report/", {"reported_at": "2020-01-26T18:30"})
    page = client.get("/org/wartime/").content.decode()
    assert "2020-01-26 18:30" in page
    # Station users see the order but cannot act on it.
    station_page = world.client("station_a").get("/org/wartime/").content.decode()
    assert "登记报到" not in station_page


def test_unit_tree_counts_and_subtree(world: World) -> None:
    nodes = {n.unit.name: n for n in selectors.unit_tree(world.users["command"])}
    assert nodes["宁阳县公安局"].depth == 0
    assert nodes["堽城派出所"].depth == 1
    assert nodes["堽城派出所"].officers == 1
    assert [
        o.name
        for o in selectors.officer_list(
            user=world.users["command"], f=OfficerFilter(unit=world.bureau)
        )
    ] == ["王伟", "李娜"]
    assert [
        o.name
        for o in selectors.officer_list(
            user=world.users["command"], f=OfficerFilter(unit=world.station_b)
        )
    ] == ["李娜"]


def test_officer_search_by_pinyin_initials_and_badge(world: World) -> None:
    assert [
        o.name for o in selectors.officer_list(user=world.users["command"], f=OfficerFilter(q="ww"))
    ] == ["王伟"]
    assert [
        o.name
        for o in selectors.officer_list(user=world.users["command"], f=OfficerFilter(q="371201"))
    ] == ["李娜"]


def test_officer_form_rejects_bad_phone_and_duplicate_badge(world: World) -> None:
    client = world.client("admin")
    page = client.post(
        "/org/officers/new/",
        {
            "name": "周杰",
            "badge_number": "371101",
            "kind": "police",
            "unit": world.station_a.pk,
            "phone": "123",
        },
    ).content.decode()
    assert "联系电话" in page
    page = client.post(
        "/org/officers/new/",
        {"name": "周杰", "badge_number": "371101", "kind": "police", "unit": world.station_a.pk},
    ).content.decode()
    assert "警号" in page and "已存在" in page
    assert Officer.objects.filter(name="周杰").count() == 0


# --- An officer's phone: masked, revealed only through an audited reveal (the third attack) --

OFFICER_PHONE = "13853801111"


def _officer_phone(world: World) -> Officer:
    """王伟 (堽城派出所) with a phone, set through the service as the officer form does."""
    return services.officer_update(
        officer=world.officer_a, by=world.users["political"], name="王伟",
        badge_number="371101", kind="police", unit=world.station_a, phone=OFFICER_PHONE,
        party_member=True,
    )  # fmt: skip


def test_the_officer_form_never_holds_the_full_phone_and_keeps_it_unless_retyped(
    world: World,
) -> None:
    """The attack opened 修改警力 as the administrator (org.edit) and read the officer's whole
    number in the form's input, with nothing in the trail."""
    from fangkong.core.models import AuditEntry

    officer = _officer_phone(world)
    edit = f"/org/officers/{officer.pk}/edit/"
    for who in ("admin", "political"):
        page = world.client(who).get(edit).content.decode()
        assert OFFICER_PHONE not in page and "*********11" in page, who
    for who in ("admin", "political", "command", "station_a", "logistics"):
        for path in ("/org/officers/", f"/org/officers/{officer.pk}/"):
            page = world.client(who).get(path).content.decode()
            assert OFFICER_PHONE not in page, (who, path)
    assert not AuditEntry.objects.filter(action="reveal").exists()
    # Saved with the phone left empty: the number on file stays.
    admin = world.client("admin")
    data = {"name": "王伟", "badge_number": "371101", "kind": "police",
            "unit": world.station_a.pk, "position": "所长", "party_member": "on"}  # fmt: skip
    assert admin.post(edit, {**data, "phone": ""}).status_code == 302
    officer.refresh_from_db()
    assert (officer.phone, officer.position) == (OFFICER_PHONE, "所长")
    # A number typed replaces it; 删除 clears it.
    assert admin.post(edit, {**data, "phone": "13853802222"}).status_code == 302
    officer.refresh_from_db()
    assert officer.phone == "13853802222"
    assert admin.post(edit, {**data, "phone": "", "phone_clear": "on"}).status_code == 302
    officer.refresh_from_db()
    assert officer.phone == ""


def test_an_officers_full_phone_only_through_the_audited_reveal(world: World) -> None:
    from fangkong.core.models import AuditEntry

    officer = _officer_phone(world)
    reveal = f"/org/officers/{officer.pk}/reveal/"
    # The officer's page offers it to who may reveal (people.reveal) within their scope.
    assert reveal in world.client("command").get(f"/org/officers/{officer.pk}/").content.decode()
    assert (
        reveal not in world.client("political").get(f"/org/officers/{officer.pk}/").content.decode()
    )
    shown = world.client("command").post(reveal)
    assert shown.status_code == 200 and OFFICER_PHONE in shown.content.decode()
    entry = AuditEntry.objects.get(action="reveal")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        world.users["command"],
        "org.officer",
        str(officer.pk),
    )
    assert entry.changes["fields"] == ["phone"]
    # The station: its own officers only; another station's officer as if there were none.
    assert OFFICER_PHONE in world.client("station_a").post(reveal).content.decode()
    other = services.officer_update(
        officer=world.officer_b, by=None, name="李娜", badge_number="371201", kind="police",
        unit=world.station_b, phone="13853803333",
    )  # fmt: skip
    refused = world.client("station_a").post(f"/org/officers/{other.pk}/reveal/")
    assert refused.status_code == 404 and "13853803333" not in refused.content.decode()
    # org.edit is no right to the full number; GET reveals nothing.
    for who in ("political", "admin", "logistics"):
        assert world.client(who).post(reveal).status_code == 403, who
    assert world.client("command").get(reveal).status_code == 405
    assert AuditEntry.objects.filter(action="reveal").count() == 2
